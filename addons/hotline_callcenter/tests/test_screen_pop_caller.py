# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import CallCenterCommon

RINGING = "hotline/call_ringing"


@tagged("post_install", "-at_install")
class TestScreenPopCaller(CallCenterCommon):
    """The card shows hotline_base's blacklist and customer category."""

    def test_blacklisted_caller(self):
        self.env["hotline.blacklist"].create(
            {
                "number": "13800138000",
                "reason": "Threatens agents",
                "action": "refuse",
                "duration": "permanent",
                "state": "active",
            }
        )
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertIs(card["blacklisted"], True)
        self.assertEqual(card["blacklist_action"], "refuse")
        self.assertEqual(card["blacklist_reason"], "Threatens agents")
        self.assertFalse(card["blacklist_until"])

    def test_vip_category(self):
        category = self.env["hotline.customer.category"].create(
            {"name": "Hospital", "is_vip": True}
        )
        self.customer.hotline_category_id = category
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        (partner_card,) = self._bus_messages(self.agent, RINGING)[0]["partners"]
        self.assertEqual(partner_card["category"], "Hospital")
        self.assertIs(partner_card["vip"], True)
