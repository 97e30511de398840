# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json

from odoo.tests import HttpCase, new_test_user

from odoo.addons.hotline_base.tests.common import HotlineCommon

from ..controllers.router_v1 import LIMITER

ROOT = "/hotline/api/v1"
ROLES = {
    "read": "hotline_api.group_api_read",
    "business": "hotline_api.group_api_business",
    "cases": "hotline_api.group_api_cases",
}


class ApiCommon(HotlineCommon, HttpCase):
    """An integration user and a key per API role, and a client that goes
    through Odoo's HTTP stack (the fastapi.endpoint's route)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.sudo().country_id = cls.env.ref("base.cn")
        # account's test case runs as its accountant
        env = cls.env(su=True)
        cls.endpoint = env.ref("hotline_api.fastapi_endpoint_hotline_v1")
        cls.endpoint._handle_registry_sync()
        cls.api_users = {}
        cls.api_keys = {}
        cls.keys = {}
        for role, group in ROLES.items():
            user = new_test_user(
                env,
                login=f"hl_api_{role}",
                name=f"API {role}",
                groups=f"base.group_user,{group}",
            )
            key = env["hotline.api.key"].create(
                {"name": f"{role} system", "user_id": user.id}
            )
            cls.api_users[role] = user
            cls.api_keys[role] = key
            cls.keys[role] = key._hotline_generate()

    def setUp(self):
        super().setUp()
        LIMITER.reset()
        self.addCleanup(LIMITER.reset)

    def api(self, method, path, role="read", body=None, raw=None, headers=None):
        """``(status, parsed JSON or None, response)``; ``role`` None sends no
        key, a string not a role is sent as the key itself."""
        all_headers = {"Content-Type": "application/json"}
        if role is not None:
            key = self.keys.get(role, role)
            all_headers["Authorization"] = f"Bearer {key}"
        all_headers.update(headers or {})
        data = raw if raw is not None else (None if body is None else json.dumps(body))
        response = self.opener.request(
            method,
            self.base_url() + ROOT + path,
            data=data,
            headers=all_headers,
            timeout=60,
        )
        try:
            parsed = response.json()
        except ValueError:
            parsed = None
        return response.status_code, parsed, response
