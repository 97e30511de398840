# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import ApiCommon


@tagged("post_install", "-at_install")
class TestApiCustomers(ApiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.area = cls.env["hotline.area"].create(
            {"name": "望京花园", "code": "API-WJ"}
        )
        cls.category = cls.env["hotline.customer.category"].create(
            {"name": "Resident", "code": "API-RES"}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "王建华",
                "hotline_customer_number": "API-0001",
                "hotline_is_customer": True,
                "mobile": "+86 138 1234 5678",
                "hotline_area_id": cls.area.id,
            }
        )
        cls.site = cls.env["hotline.service.site"].create(
            {
                "name": "Home",
                "partner_id": cls.customer.id,
                "meter_number": "API-M-1",
                "area_id": cls.area.id,
                "building": "3号楼",
            }
        )

    def partners(self, number):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("hotline_customer_number", "=", number)])
        )

    def test_put_creates_then_unchanged_then_updated(self):
        body = {
            "name": "李娜",
            "mobile": "139 0000 1111",
            "area": "API-WJ",
            "category": "API-RES",
            "id_type": "resident_id",
            "id_number": "11010519491231002X",
        }
        status, payload, _r = self.api("PUT", "/customers/API-0100", "business", body)
        self.assertEqual(status, 201, payload)
        self.assertEqual(payload["result"], "created")
        self.assertEqual(payload["customer"]["area"], "API-WJ")
        self.assertNotIn("id_number", payload["customer"])
        partner = self.partners("API-0100")
        self.assertEqual(partner.name, "李娜")
        self.assertEqual(partner.create_uid, self.api_users["business"])
        # resend: nothing written
        write_date = partner.write_date
        status, payload, _r = self.api("PUT", "/customers/API-0100", "business", body)
        self.assertEqual((status, payload["result"]), (200, "unchanged"))
        self.assertEqual(partner.write_date, write_date)
        status, payload, _r = self.api(
            "PUT", "/customers/API-0100", "business", dict(body, room="501")
        )
        self.assertEqual((status, payload["result"]), (200, "updated"))
        self.assertEqual(self.partners("API-0100").hotline_room, "501")
        self.assertEqual(len(self.partners("API-0100")), 1)

    def test_put_bad_input(self):
        cases = [
            ({"name": "x", "area": "NOPE"}, 400),
            ({"name": "x", "id_type": "resident_id", "id_number": "123"}, 400),
            ({"name": ""}, 422),
            ({"mobile": "1"}, 422),
            ({"name": "x", "is_company": "yes"}, 422),
            ({"name": "x", "room": "r" * 300}, 422),
        ]
        for body, expected in cases:
            with self.subTest(body=body):
                status, payload, _r = self.api(
                    "PUT", "/customers/API-0200", "business", body
                )
                self.assertEqual(status, expected, payload)
        self.assertFalse(self.partners("API-0200"))

    def test_batch_all_or_nothing_and_idempotent(self):
        body = {
            "customers": [
                {"customer_number": "API-0301", "name": "甲"},
                {"customer_number": "API-0302", "name": "乙", "area": "API-WJ"},
            ]
        }
        status, payload, _r = self.api("POST", "/customers/batch", "business", body)
        self.assertEqual(status, 200, payload)
        self.assertEqual(payload["created"], ["API-0301", "API-0302"])
        status, payload, _r = self.api("POST", "/customers/batch", "business", body)
        self.assertEqual(payload["unchanged"], ["API-0301", "API-0302"])
        bad = {
            "customers": [
                {"customer_number": "API-0303", "name": "丙"},
                {"customer_number": "API-0304", "name": "丁", "area": "NOPE"},
            ]
        }
        status, payload, _r = self.api("POST", "/customers/batch", "business", bad)
        self.assertEqual(status, 400)
        self.assertEqual(payload["detail"]["index"], 1)
        self.assertFalse(self.partners("API-0303"))
        twice = {"customers": [{"customer_number": "API-0305", "name": "x"}] * 2}
        self.assertEqual(
            self.api("POST", "/customers/batch", "business", twice)[0], 400
        )
        too_many = {
            "customers": [
                {"customer_number": f"API-9{i:04d}", "name": "x"} for i in range(1001)
            ]
        }
        self.assertEqual(
            self.api("POST", "/customers/batch", "business", too_many)[0], 422
        )
        self.assertEqual(self.api("POST", "/customers/batch", "business", {})[0], 422)

    def test_get_and_search(self):
        status, payload, _r = self.api("GET", "/customers/API-0001")
        self.assertEqual(status, 200)
        self.assertEqual(payload["name"], "王建华")
        self.assertEqual(payload["area"], "API-WJ")
        self.assertEqual(self.api("GET", "/customers/NOPE-1")[0], 404)
        status, payload, _r = self.api("GET", "/customers?q=API-0001")
        self.assertEqual([c["customer_number"] for c in payload], ["API-0001"])
        status, payload, _r = self.api("GET", "/customers?phone=13812345678")
        self.assertEqual([c["customer_number"] for c in payload], ["API-0001"])
        status, payload, _r = self.api("GET", "/customers?q=%E7%8E%8B%E5%BB%BA")
        self.assertIn("API-0001", [c["customer_number"] for c in payload])
        self.assertEqual(self.api("GET", "/customers?limit=0")[0], 422)
        self.assertEqual(self.api("GET", "/customers?limit=500")[0], 422)

    def test_sites_and_meters(self):
        status, payload, _r = self.api("GET", "/customers/API-0001/sites")
        self.assertEqual(status, 200)
        self.assertEqual([s["meter_number"] for s in payload], ["API-M-1"])
        status, payload, _r = self.api("GET", "/meters/API-M-1")
        self.assertEqual(status, 200)
        self.assertEqual(payload["customer_number"], "API-0001")
        self.assertEqual(payload["area"], "API-WJ")
        self.assertEqual(payload["site_category"], "residential")
        self.assertEqual(self.api("GET", "/meters/NOPE")[0], 404)
        self.assertEqual(self.api("GET", "/customers/NOPE/sites")[0], 404)

    def test_other_company_customer_hidden(self):
        other = self.env["res.company"].create({"name": "Other gas"})
        self.env["res.partner"].create(
            {
                "name": "Elsewhere",
                "hotline_customer_number": "API-OTHER",
                "company_id": other.id,
            }
        )
        self.assertEqual(self.api("GET", "/customers/API-OTHER")[0], 404)

    def test_legacy_sync_endpoint_still_works_deprecated(self):
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.role_users["agent"])
            ._generate(
                "rpc", "business system", fields.Datetime.now() + timedelta(days=30)
            )
        )
        response = self.url_open(
            "/hotline/api/v1/customers",
            data=json.dumps(
                {"customers": [{"customer_number": "API-0400", "name": "旧接口"}]}
            ),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {key}",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["created"], ["API-0400"])
        self.assertEqual(response.headers["Deprecation"], "true")
        self.assertIn("/hotline/api/v1/customers/batch", response.headers["Link"])
        self.assertTrue(self.partners("API-0400"))
