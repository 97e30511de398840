# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Every route: its OpenAPI document, the key (401), the role (403), the body
limit (413) and the rate limit (429)."""

import json

from openapi_spec_validator import validate

from odoo.tests import tagged

from ..controllers.router_v1 import LIMITER
from .common import ApiCommon

ALL = {"read", "business", "cases"}
READERS = {"read", "business"}
# method, path, a valid body, the roles allowed
ENDPOINTS = [
    ("GET", "/customers", None, READERS),
    ("GET", "/customers/AUTH-1", None, READERS),
    ("PUT", "/customers/AUTH-1", {"name": "Auth"}, {"business"}),
    (
        "POST",
        "/customers/batch",
        {"customers": [{"customer_number": "AUTH-1", "name": "Auth"}]},
        {"business"},
    ),
    ("GET", "/customers/AUTH-1/sites", None, READERS),
    ("GET", "/customers/AUTH-1/arrears", None, READERS),
    ("GET", "/customers/AUTH-1/bills", None, READERS),
    ("GET", "/meters/AUTH-M", None, READERS),
    ("GET", "/meters/AUTH-M/readings", None, READERS),
    ("POST", "/meters/AUTH-M/readings", {"month": "2026-01", "value": 1}, {"business"}),
    ("POST", "/cases", {"title": "Auth case"}, {"cases"}),
    ("GET", "/cases/AUTH-0001", None, ALL),
    ("POST", "/cases/AUTH-0001/notes", {"body": "note"}, {"cases"}),
    ("GET", "/calls", None, READERS),
    ("GET", "/calls/1", None, READERS),
    ("GET", "/calls/1/recordings/1", None, READERS),
    ("GET", "/outage-notices", None, ALL),
]
WRITES = [e for e in ENDPOINTS if e[0] in ("POST", "PUT")]


@tagged("post_install", "-at_install")
class TestApiAuth(ApiCommon):
    def test_openapi_document_validates(self):
        status, spec, _response = self.api("GET", "/openapi.json", role=None)
        self.assertEqual(status, 200)
        validate(spec)
        self.assertEqual(spec["info"]["version"], "1.0.0")
        documented = {
            (method.upper(), path)
            for path, item in spec["paths"].items()
            for method in item
        }
        for method, path, _body, _roles in ENDPOINTS:
            template = (
                path.replace("AUTH-1", "{customer_number}")
                .replace("AUTH-M", "{meter_number}")
                .replace("AUTH-0001", "{number}")
                .replace(
                    "/calls/1/recordings/1",
                    "/calls/{call_id}/recordings/{recording_id}",
                )
                .replace("/calls/1", "/calls/{call_id}")
            )
            self.assertIn((method, template), documented)
        self.assertIn("HTTPBearer", spec["components"]["securitySchemes"])
        docs = self.url_open("/hotline/api/v1/docs")
        self.assertEqual(docs.status_code, 200)
        self.assertIn("swagger", docs.text.lower())

    def test_missing_and_wrong_key_401(self):
        for method, path, body, _roles in ENDPOINTS:
            for role in (None, "hlk_0000000000wrong", self.keys["read"][:-2] + "xx"):
                with self.subTest(method=method, path=path, key=role):
                    status, payload, response = self.api(method, path, role, body)
                    self.assertEqual(status, 401)
                    self.assertEqual(payload["detail"]["error"], "unauthorized")
                    self.assertTrue(
                        response.headers["WWW-Authenticate"].startswith("Bearer")
                    )

    def test_archived_key_and_user_401(self):
        self.api_keys["read"].active = False
        self.assertEqual(self.api("GET", "/outage-notices", "read")[0], 401)
        self.api_keys["read"].active = True
        self.assertEqual(self.api("GET", "/outage-notices", "read")[0], 200)
        self.api_users["read"].active = False
        self.assertEqual(self.api("GET", "/outage-notices", "read")[0], 401)

    def test_other_role_403_and_own_role_passes(self):
        for method, path, body, roles in ENDPOINTS:
            for role in sorted(ALL):
                with self.subTest(method=method, path=path, role=role):
                    status, payload, _response = self.api(method, path, role, body)
                    if role in roles:
                        self.assertNotIn(status, (401, 403), payload)
                    else:
                        self.assertEqual(status, 403, payload)
                        self.assertEqual(payload["detail"]["error"], "forbidden")

    def test_user_without_api_role_403(self):
        self.api_users["read"].groups_id = [
            (3, self.env.ref("hotline_api.group_api_read").id)
        ]
        status, payload, _response = self.api("GET", "/outage-notices", "read")
        self.assertEqual(status, 403)
        self.assertEqual(payload["detail"]["error"], "forbidden")

    def test_too_large_413(self):
        big = json.dumps({"padding": "x" * (1024 * 1024 + 1)})
        for method, path, _body, roles in WRITES:
            role = min(roles)
            with self.subTest(method=method, path=path):
                status, payload, _response = self.api(method, path, role, raw=big)
                self.assertEqual(status, 413)
                self.assertEqual(payload["detail"]["error"], "too_large")

    def test_bad_json_422(self):
        for method, path, _body, roles in WRITES:
            role = min(roles)
            for raw in ("{not json", "[]", json.dumps({"unknown_field": 1})):
                with self.subTest(method=method, path=path, raw=raw):
                    status, payload, _response = self.api(method, path, role, raw=raw)
                    self.assertEqual(status, 422, payload)
                    self.assertIsInstance(payload["detail"], list)

    def test_rate_limit_429_per_key(self):
        for method, path, body, roles in ENDPOINTS:
            role = min(roles)
            key = self.api_keys[role]
            key.rate_limit = 2
            with self.subTest(method=method, path=path):
                for _attempt in range(2):
                    status = self.api(method, path, role, body)[0]
                    self.assertNotEqual(status, 429)
                status, payload, response = self.api(method, path, role, body)
                self.assertEqual(status, 429)
                self.assertEqual(payload["detail"]["error"], "rate_limited")
                retry_after = int(response.headers["Retry-After"])
                self.assertTrue(1 <= retry_after <= 30, retry_after)
                # another key is not slowed down
                other = min(ALL - {role})
                self.assertNotEqual(self.api("GET", "/outage-notices", other)[0], 429)
            key.rate_limit = 120
            LIMITER.reset()
