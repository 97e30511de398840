# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestRatingComplaint(CaseCommon):
    """Key 0 at the post-call rating opens a complaint case about the service."""

    def _call(self, linkedid):
        return self.env["hotline.call"].create(
            {
                "linkedid": linkedid,
                "caller_number": "13800138000",
                "partner_id": self.customer.id,
                "user_id": self.role_users["agent"].id,
                "disposition": "answered",
            }
        )

    def test_key_zero_opens_one_complaint_case(self):
        call = self._call("rate-0.1")
        self.assertEqual(call._hotline_store_rating("0"), "complaint")
        case = call.ticket_ids
        self.assertEqual(len(case), 1)
        self.assertEqual(case.case_type_id, self.type_complaint)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.caller_number, "13800138000")
        self.assertEqual(case.channel_code, "phone")
        self.assertIn("Hotline agent", case.name)
        self.assertIn("pressed 0", str(case.description))
        self.assertNotEqual(case.owner_id, self.role_users["agent"])
        self.assertTrue(call.rating_complaint)
        # the IVR may send the key twice: still one case
        call._hotline_store_rating("0")
        self.assertEqual(len(call.ticket_ids), 1)

    def test_other_keys_open_nothing(self):
        call = self._call("rate-1.1")
        call._hotline_store_rating("1")
        call._hotline_store_rating("3")
        self.assertFalse(call.ticket_ids)
        self.assertEqual(call.rating, "dissatisfied")
        with (
            self.assertRaisesRegex(UserError, "is not a rating key"),
            self.env.cr.savepoint(),
        ):
            call._hotline_store_rating("7")
        self.assertFalse(call.ticket_ids)
