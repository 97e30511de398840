# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSelfserviceTransaction(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner = cls.env["res.partner"].create({"name": "自助客户"})
        cls.Transaction = cls.env["hotline.selfservice.transaction"]

    def test_login_of_the_call_is_its_customer(self):
        request = {"caller": "13800138000", "linkedid": "1700000000.11"}
        self.assertFalse(self.Transaction._hotline_authenticated_partner(request))
        self.Transaction._hotline_log(request, "login", "wrong_pin", self.partner)
        self.assertFalse(
            self.Transaction._hotline_authenticated_partner(request),
            "a failed login authenticates nobody",
        )
        logged = self.Transaction._hotline_log(request, "login", "served", self.partner)
        self.assertEqual(logged.caller, "13800138000")
        self.assertEqual(
            self.Transaction._hotline_authenticated_partner(request), self.partner
        )
        other_call = {"caller": "13800138000", "linkedid": "1700000000.99"}
        self.assertFalse(
            self.Transaction._hotline_authenticated_partner(other_call),
            "a login holds for its own call only",
        )
        self.assertFalse(self.Transaction._hotline_authenticated_partner({}))

    def test_consumption_is_the_difference(self):
        site = self.env["hotline.service.site"].create(
            {"name": "1号楼", "partner_id": self.partner.id, "meter_number": "M1"}
        )
        reading = self.env["hotline.meter.reading"].create(
            {
                "site_id": site.id,
                "month": "2026-03-01",
                "value": 130.5,
                "previous_value": 100.0,
            }
        )
        self.assertAlmostEqual(reading.consumption, 30.5)
        self.assertEqual(reading.partner_id, self.partner)
