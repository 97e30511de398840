# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A batch of rings costs the connector little: the caller is identified
once (the ingest's result feeds the card), the agents rung are looked up in
one query, the calls just ingested are not searched again."""

from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from ..cli.connector import EnvSink
from .common import CallCenterCommon

RINGING = "hotline/call_ringing"


@tagged("post_install", "-at_install")
class TestScreenPopBatch(CallCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = new_test_user(
            cls.env,
            login="pop_batch_agent2",
            groups="hotline_base.group_agent",
        )
        cls.agent2.hotline_extension = "8002"

    def _call_dict(self, linkedid, caller, agent):
        return {
            "linkedid": linkedid,
            "direction": "inbound",
            "caller_number": caller,
            "called_number": "4008123459",
            "disposition": "ringing",
            "agents": [agent],
        }

    def _ring(self, linkedid, caller, agent):
        return {
            "type": "ringing",
            "linkedid": linkedid,
            "extension": agent,
            "caller_number": caller,
            "did": "4008123459",
        }

    def _sink(self, rings):
        calls = [self._call_dict(*ring) for ring in rings]
        live = [self._ring(*ring) for ring in rings]
        EnvSink(self.env)(self.pbx.id, calls, live)

    def test_caller_identified_once_per_batch(self):
        Partner = type(self.env["res.partner"])
        original = Partner.hotline_identify_caller
        numbers = []

        def counting(records, number):
            numbers.append(number)
            return original(records, number)

        with patch.object(Partner, "hotline_identify_caller", counting):
            # unknown: the call has no partner, the card used to look again
            self._sink([("1700000100.1", "02100000000", "8001")])
        self.assertEqual(numbers, ["02100000000"], "identified by the ingest only")
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertTrue(card["unknown"])
        self.assertEqual(card["partners"], [])

    def test_shared_number_card_lists_every_partner(self):
        spouse = self.env["res.partner"].create(
            {"name": "Li Na", "mobile": "13800138000"}
        )
        self._sink([("1700000101.1", "13800138000", "8001")])
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertFalse(card["partner_id"], "ambiguous: the agent chooses")
        self.assertEqual(
            {p["id"] for p in card["partners"]}, {self.customer.id, spouse.id}
        )

    def test_agents_looked_up_once_per_batch(self):
        Users = type(self.env["res.users"])
        # (under search and search_fetch alike)
        original = Users._search
        searches = []

        def counting(records, domain, *args, **kwargs):
            if any(
                isinstance(term, (list, tuple)) and term[0] == "hotline_extension"
                for term in domain
            ):
                searches.append(domain)
            return original(records, domain, *args, **kwargs)

        rings = [
            ("1700000102.1", "13800138000", "8001"),
            ("1700000102.2", "02100000000", "8002"),
        ]
        with patch.object(Users, "_search", counting):
            self.env["hotline.call"].hotline_live_events(
                self.pbx.id, [self._ring(*ring) for ring in rings]
            )
        self.assertEqual(len(searches), 1, searches)
        self.assertEqual(len(self._bus_messages(self.agent, RINGING)), 1)
        self.assertEqual(len(self._bus_messages(self.agent2, RINGING)), 1)
        self.assertEqual(self.agent2.hotline_current_call_id.linkedid, "1700000102.2")
