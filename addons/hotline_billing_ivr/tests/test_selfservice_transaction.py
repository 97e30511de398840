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

    def test_a_confidential_call_forgets_its_caller(self):
        """When the call becomes a confidential reporter's, its transactions
        keep the service and outcome, not the number nor the customer."""
        call = self.env["hotline.call"].create(
            {"linkedid": "1700000000.77", "caller_number": "13900000077"}
        )
        request = {"caller": "13900000077", "linkedid": "1700000000.77"}
        logged = self.Transaction._hotline_log(request, "login", "served", self.partner)
        other = self.Transaction._hotline_log(
            {"caller": "13900000078", "linkedid": "1700000000.78"},
            "login",
            "served",
            self.partner,
        )
        self.assertEqual(logged.call_id, call)
        call._hotline_forget_caller()
        self.assertFalse(logged.caller)
        self.assertFalse(logged.partner_id)
        self.assertEqual((logged.service, logged.outcome), ("login", "served"))
        self.assertEqual(other.caller, "13900000078", "other calls keep theirs")
