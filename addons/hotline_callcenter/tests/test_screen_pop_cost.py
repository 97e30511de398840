# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What a screen pop costs the connector: its queries, and the bus
notification sent after the commit through the connector's own connection
(not a new connection to the ``postgres`` database each time)."""

import json
from unittest.mock import patch

from odoo import sql_db
from odoo.tests import tagged

from ..cli.connector import EnvSink
from ..models.bus_bus import NOTIFIER_KEY
from .common import CallCenterCommon

RINGING = "hotline/call_ringing"
# a ring of a recorded call, card and agent status included (the add-ons'
# card sections apart): PBX and call, the agent, their partner's language,
# the write date's clock, the blacklist, the caller's card, the last calls,
# the bus rows: 10 (19 before the lookups were narrowed and grouped)
POP_QUERY_BUDGET = 11


@tagged("post_install", "-at_install")
class TestScreenPopCost(CallCenterCommon):
    def _ring_event(self, call):
        return {
            "type": "ringing",
            "linkedid": call.linkedid,
            "extension": "8001",
            "caller_number": call.caller_number,
            "did": call.did,
        }

    def test_pop_query_budget(self):
        self._new_call(disposition="answered", partner_id=self.customer.id)
        call = self._new_call(partner_id=self.customer.id)
        # the registry's caches warm (selection labels, the company's phone
        # country), as they are in a connector that runs
        warm = self._new_call(partner_id=self.customer.id)
        EnvSink(self.env)(self.pbx.id, [], [self._ring_event(warm)])
        self.env.flush_all()
        ScreenPop = type(self.env["hotline.screen.pop"])
        self.env.invalidate_all()
        # the other add-ons' sections (cases, arrears) are theirs to count
        with (
            patch.object(
                ScreenPop,
                "_hotline_card_extra",
                lambda model, partner, call: {"sections": [], "actions": []},
            ),
            self.assertQueryCount(POP_QUERY_BUDGET),
        ):
            EnvSink(self.env, savepoint=False)(
                self.pbx.id, [], [self._ring_event(call)]
            )
            self.env.flush_all()
            self.env.cr.precommit.run()  # the bus rows
        self.assertEqual(self.agent.hotline_current_call_id, call)
        self.assertEqual(self.agent.hotline_agent_state, "ringing")
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertEqual(card["partner_id"], self.customer.id)
        self.assertEqual(card["partners"][0]["name"], "Zhang Wei")

    def test_notify_through_the_notifier_given(self):
        sent = []
        self.env.cr.postcommit.clear()  # (earlier tests' notifications)
        self.env.cr.postcommit.data[NOTIFIER_KEY] = sent.extend
        call = self._new_call()
        with patch.object(
            sql_db, "db_connect", side_effect=AssertionError("a new connection")
        ):
            EnvSink(self.env)(self.pbx.id, [], [self._ring_event(call)])
            self.env.cr.precommit.run()
            self.env.cr.postcommit.run()
        self.assertEqual(len(sent), 1, "one NOTIFY for the transaction")
        channels = json.loads(sent[0])
        self.assertIn(
            [self.env.cr.dbname, "res.partner", self.agent.partner_id.id], channels
        )

    def test_wallboard_cron_woken_through_the_notifier(self):
        """The call's change marks the wallboard: the cron's wake-up goes
        through the connector's notifier too, not a new connection."""

        class Notifier(list):
            def __call__(self, payloads):
                self.extend(payloads)

            def notify_cron(self, dbname):
                self.append(("cron", dbname))

        notifier = Notifier()
        self.env.cr.postcommit.clear()  # (earlier tests' notifications)
        self.env.cr.postcommit.data[NOTIFIER_KEY] = notifier
        call = self._new_call()
        with patch.object(
            sql_db, "db_connect", side_effect=AssertionError("a new connection")
        ):
            EnvSink(self.env)(self.pbx.id, [], [self._ring_event(call)])
            self.env.cr.precommit.run()
            self.env.cr.postcommit.run()
        self.assertIn(("cron", self.env.cr.dbname), notifier)
        self.assertEqual(len([n for n in notifier if isinstance(n, tuple)]), 1)
        cron = self.env.ref("hotline_callcenter.ir_cron_hotline_wallboard")
        self.assertTrue(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        )

    def test_notify_without_notifier_is_odoo_s(self):
        """Elsewhere (the web server, a test's environment) nothing changes:
        Odoo's own NOTIFY after the commit."""
        call = self._new_call()
        self.env.cr.postcommit.clear()  # (earlier tests' notifications)
        EnvSink(self.env)(self.pbx.id, [], [self._ring_event(call)])
        self.assertNotIn(NOTIFIER_KEY, self.env.cr.postcommit.data)
        self.assertIn("bus.bus.channels", self.env.cr.postcommit.data)
