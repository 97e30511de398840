# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CallCenterCommon

RINGING = "hotline/call_ringing"


@tagged("post_install", "-at_install")
class TestScreenPop(CallCenterCommon):
    def test_known_caller_card(self):
        old = self._new_call(disposition="answered", partner_id=self.customer.id)
        call = self._new_call()
        user = self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        self.assertEqual(user, self.agent)
        self.assertEqual(self.agent.hotline_current_call_id, call)
        payloads = self._bus_messages(self.agent, RINGING)
        self.assertEqual(len(payloads), 1, "one notification per ring")
        card = payloads[0]
        self.assertEqual(card["call_id"], call.id)
        self.assertEqual(card["number"], "13800138000")
        self.assertEqual(card["partner_id"], self.customer.id)
        self.assertFalse(card["unknown"])
        number = getattr(self.customer, "hotline_customer_number", False) or "C-0001"
        self.assertEqual(
            [(p["id"], p["name"], p["customer_number"]) for p in card["partners"]],
            [(self.customer.id, "Zhang Wei", number)],
        )
        self.assertEqual([c["id"] for c in card["last_calls"]], [old.id])
        self.assertEqual(card["last_calls"][0]["disposition"], "Answered")
        self.assertIs(card["blacklisted"], False)
        # nobody else got it
        self.assertFalse(self._bus_messages(self.supervisor, RINGING))

    def test_unknown_number_offers_create(self):
        call = self._new_call(caller_number="02100000000")
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertTrue(card["unknown"])
        self.assertFalse(card["partner_id"])
        self.assertEqual(card["partners"], [])
        self.assertEqual(card["last_calls"], [])

    def test_shared_number_lists_every_partner(self):
        spouse = self.env["res.partner"].create(
            {"name": "Li Na", "mobile": "13800138000"}
        )
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertFalse(card["partner_id"], "ambiguous: the agent chooses")
        self.assertEqual(
            {p["id"] for p in card["partners"]}, {self.customer.id, spouse.id}
        )

    def test_unknown_extension_sends_nothing(self):
        call = self._new_call()
        user = self.env["hotline.screen.pop"].hotline_ringing(call, "7777")
        self.assertFalse(user)
        self.assertFalse(self._bus_messages(self.agent, RINGING))

    def test_transfer_moves_card_and_case(self):
        """The hook's keys (a case already started) follow the call."""
        call = self._new_call()
        ScreenPop = type(self.env["hotline.screen.pop"])
        original = ScreenPop._hotline_card_extra

        def extra(model, partner, ringing_call):
            res = original(model, partner, ringing_call)
            res["case_id"] = 42
            res["sections"].append({"title": "Open cases", "lines": ["Gas smell"]})
            res["actions"].append({"label": "Open case", "action": {"res_id": 42}})
            return res

        with patch.object(ScreenPop, "_hotline_card_extra", extra):
            self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
            self.env["hotline.screen.pop"].hotline_ringing(call, "9000")
        for user in (self.agent, self.supervisor):
            card = self._bus_messages(user, RINGING)[0]
            self.assertEqual(card["call_id"], call.id)
            self.assertEqual(card["case_id"], 42)
            self.assertEqual(card["sections"][-1]["lines"], ["Gas smell"])
            self.assertEqual(card["actions"][-1]["label"], "Open case")
        self.assertEqual(self.supervisor.hotline_current_call_id, call)

    def test_transferred_card_says_from_whom(self):
        """A transfer pops one card on the target, naming who transferred it
        (the extension alone when no user has it); a plain ring says nothing."""
        call = self._new_call()
        Pop = self.env["hotline.screen.pop"]
        Pop.hotline_ringing(call, "8001")
        Pop.hotline_ringing(call, "9000", transferred_from="8001")
        (plain,) = self._bus_messages(self.agent, RINGING)
        (card,) = self._bus_messages(self.supervisor, RINGING)
        self.assertIs(plain["transfer"], False)
        self.assertEqual(
            card["transfer"], {"extension": "8001", "name": self.agent.name}
        )
        Pop.hotline_ringing(call, "8001", transferred_from="7777")
        self.assertEqual(
            self._bus_messages(self.agent, RINGING)[-1]["transfer"],
            {"extension": "7777", "name": ""},
        )

    def test_only_connector_rings(self):
        call = self._new_call()
        for role in ("agent", "supervisor"):
            with self.assertRaises(AccessError, msg=role):
                self.env["hotline.screen.pop"].with_user(
                    self.role_users[role]
                ).hotline_ringing(call, "8001")
        self.assertFalse(self._bus_messages(self.agent, RINGING))
