# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..controllers.customer_sync import CustomerSyncController
from .common import HotlineCommon

URL = "/hotline/api/v1/customers"


@tagged("post_install", "-at_install")
class TestCustomerSync(HotlineCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.sync_user = cls.role_users["agent"]
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.sync_user)
            ._generate(
                "rpc", "business system", fields.Datetime.now() + timedelta(days=30)
            )
        )
        cls.category = cls.env["hotline.customer.category"].create(
            {"name": "Resident", "code": "YY-RES"}
        )
        cls.area = cls.env["hotline.area"].create(
            {"name": "望京花园", "code": "YY-WJHY"}
        )
        cls.payload = {
            "customers": [
                {
                    "customer_number": "YY-0001",
                    "name": "王建华",
                    "id_type": "resident_id",
                    "id_number": "11010519491231002X",
                    "mobile": "138 1234 5678",
                    "category": "YY-RES",
                    "area": "YY-WJHY",
                    "building": "3号楼",
                    "room": "501",
                },
                {
                    "customer_number": "YY-0002",
                    "name": "北京燃气集团",
                    "is_company": True,
                    "id_type": "uscc",
                    "id_number": "91110000802100433B",
                    "phone": "400-810-0000",
                },
            ]
        }

    def post(self, body, key=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.key}"
        data = raw if raw is not None else json.dumps(body)
        response = self.url_open(URL, data=data, headers=headers)
        return response.status_code, response.json()

    def customers(self):
        return (
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("hotline_customer_number", "like", "YY-")], order="id")
        )

    def test_good_then_repeated_payload(self):
        status, body = self.post(self.payload)
        self.assertEqual(status, 200, body)
        self.assertEqual(
            body, {"created": ["YY-0001", "YY-0002"], "updated": [], "unchanged": []}
        )
        wang, gas = self.customers()
        self.assertEqual(wang.hotline_category_id, self.category)
        self.assertEqual(wang.hotline_area_id, self.area)
        self.assertEqual(wang.create_uid, self.sync_user)
        self.assertEqual(
            self.env["res.partner"].hotline_identify_caller("13812345678"), wang
        )
        self.assertEqual(gas.hotline_id_number, "91110000802100433B")
        before = {p.id: (p.write_date, len(p.message_ids)) for p in wang | gas}
        # the same payload again: nothing is written, nothing created
        status, body = self.post(self.payload)
        self.assertEqual(status, 200, body)
        self.assertEqual(
            body, {"created": [], "updated": [], "unchanged": ["YY-0001", "YY-0002"]}
        )
        self.env.invalidate_all()
        self.assertEqual(self.customers(), wang | gas)
        self.assertEqual(
            {p.id: (p.write_date, len(p.message_ids)) for p in wang | gas}, before
        )
        # one change: only that customer is written
        changed = json.loads(json.dumps(self.payload))
        changed["customers"][0]["room"] = "502"
        status, body = self.post(changed)
        self.assertEqual(
            body, {"created": [], "updated": ["YY-0001"], "unchanged": ["YY-0002"]}
        )
        self.assertEqual(wang.hotline_room, "502")

    def test_bad_key(self):
        status, body = self.post(self.payload, key="not-a-key")
        self.assertEqual(status, 401)
        self.assertEqual(body["error"], "unauthorized")
        status, body = self.post(self.payload, key=False)
        self.assertEqual(status, 401)
        self.assertEqual(body["error"], "unauthorized")
        self.assertFalse(self.customers())

    def test_key_checked_by_odoo_bearer_auth(self):
        """Odoo 18's auth="bearer" checks the key, no hand-written check."""
        routing = CustomerSyncController.sync_customers.original_routing
        self.assertEqual(routing["auth"], "bearer")

    def test_bad_payloads(self):
        bad_id = json.loads(json.dumps(self.payload))
        bad_id["customers"][1]["id_number"] = "91110000802100433A"
        status, body = self.post(bad_id)
        self.assertEqual(status, 400)
        self.assertEqual(body["error"], "invalid_customer")
        self.assertEqual(body["index"], 1)
        self.assertEqual(body["customer_number"], "YY-0002")
        self.assertIn("check digit", body["message"])
        self.assertFalse(
            self.customers(), "all or nothing: the good one is not written"
        )
        impossible = {
            "customers": [
                dict(self.payload["customers"][0], id_number="110105194913310021")
            ]
        }
        status, body = self.post(impossible)
        self.assertEqual(status, 400)
        self.assertIn("19491331", body["message"])
        cases = [
            (None, "not json", "invalid_json"),
            ({"customers": []}, None, "invalid_payload"),
            ({"nope": 1}, None, "invalid_payload"),
            ({"customers": [{"name": "x"}]}, None, "invalid_customer"),
            (
                {"customers": [{"customer_number": "YY-9", "name": "x", "color": 1}]},
                None,
                "invalid_customer",
            ),
            (
                {
                    "customers": [
                        {"customer_number": "YY-9", "name": "x", "category": "NOPE"}
                    ]
                },
                None,
                "invalid_customer",
            ),
            (
                {"customers": [{"customer_number": "YY-9", "name": "x"}] * 2},
                None,
                "invalid_payload",
            ),
        ]
        for body_in, raw, code in cases:
            status, body = self.post(body_in, raw=raw)
            self.assertEqual((status, body["error"]), (400, code), body)
        self.assertFalse(self.customers())

    def test_hostile_input_answers_400_and_writes_nothing(self):
        """Issue 11 item 9: these answered 500 (RecursionError, btree row too
        large) and the traceback carried the body into the log."""
        before = len(self.customers())
        good = self.payload["customers"][0]
        cases = [
            ("[" * 100000 + "]" * 100000, "nested deeper"),
            ('{"customers": ' + "[" * 50 + "]" * 50 + "}", "nested deeper"),
            (json.dumps({"customers": [dict(good, name="A\x00B")]}), "NUL"),
            (json.dumps({"customers": [dict(good, street="x\x00")]}), "NUL"),
            (json.dumps({"customers": [dict(good, name="A" * 1000000)]}), "longer"),
        ]
        for raw, message in cases:
            with self.subTest(message=message):
                status, body = self.post(None, raw=raw)
                self.assertEqual(status, 400, body)
                self.assertIn(message, body["message"])
                self.assertLess(len(body["message"]), 300)
        self.assertEqual(len(self.customers()), before)

    def test_too_large(self):
        many = {
            "customers": [
                {"customer_number": f"YY-{i}", "name": "x"} for i in range(1001)
            ]
        }
        status, body = self.post(many)
        self.assertEqual(status, 413)
        self.assertEqual(body["error"], "too_large")
        status, body = self.post(None, raw="x" * (2 * 1024 * 1024 + 1))
        self.assertEqual(status, 413)
        self.assertFalse(self.customers())
