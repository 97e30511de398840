# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon

NUMBER = "13912345678"


@tagged("post_install", "-at_install")
class TestCallBlacklist(HotlineCommon):
    """From a call's form, agents propose to block the caller's number and
    supervisors approve; the entry remembers the call it came from."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pbx = cls.env["hotline.pbx"].create({"name": "PBX", "host": "127.0.0.1"})
        cls.call = cls.env["hotline.call"].create(
            {"pbx_id": pbx.id, "linkedid": "bl-1.1", "caller_number": NUMBER}
        )
        cls.call_anonymous = cls.env["hotline.call"].create(
            {"pbx_id": pbx.id, "linkedid": "bl-2.1", "caller_number": False}
        )
        cls.Blacklist = cls.env["hotline.blacklist"]

    def propose(self, role, reason="Abusive caller, 5 calls in an hour"):
        """Click "Propose block" on the call as ``role`` and save the form."""
        call = self.call.with_user(self.role_users[role])
        action = call.action_hotline_propose_block()
        self.assertEqual(action["res_model"], "hotline.blacklist")
        blacklist = self.Blacklist.with_user(self.role_users[role])
        with Form(blacklist.with_context(**action["context"])) as form:
            self.assertEqual(form.number, NUMBER)
            self.assertEqual(form.match_type, "exact")
            form.reason = reason
        return form.record

    def test_agent_proposes_from_a_call(self):
        entry = self.propose("agent")
        self.assertEqual(entry.state, "proposed")
        self.assertEqual(entry.number, NUMBER)
        self.assertEqual(entry.match_type, "exact")
        self.assertEqual(entry.call_id, self.call)
        self.assertEqual(entry.added_by_id, self.role_users["agent"])
        self.assertFalse(entry.is_blocking)
        self.assertIsNone(self.Blacklist.hotline_check_number(NUMBER))
        # agents cannot approve their own proposal
        with self.assertRaises(AccessError):
            entry.with_user(self.role_users["agent"]).action_activate()
        self.assertEqual(entry.state, "proposed")

    def test_supervisor_approves(self):
        entry = self.propose("agent")
        entry.with_user(self.role_users["supervisor"]).action_activate()
        self.assertEqual(entry.state, "active")
        hit = self.Blacklist.hotline_check_number(NUMBER)
        self.assertEqual(hit["id"], entry.id)
        self.assertEqual(hit["match_type"], "exact")

    def test_supervisor_gets_a_proposal_too(self):
        entry = self.propose("supervisor")
        self.assertEqual(entry.state, "proposed")
        self.assertEqual(entry.call_id, self.call)
        self.assertIsNone(self.Blacklist.hotline_check_number(NUMBER))
        entry.with_user(self.role_users["supervisor"]).action_activate()
        self.assertEqual(self.Blacklist.hotline_check_number(NUMBER)["id"], entry.id)

    def test_finance_cannot_propose(self):
        finance = self.role_users["finance"]
        with self.assertRaises(AccessError):
            self.call.with_user(finance).action_hotline_propose_block()
        with self.assertRaises(AccessError):
            self.Blacklist.with_user(finance).create(
                {
                    "number": NUMBER,
                    "reason": "Not my job",
                    "state": "proposed",
                    "call_id": self.call.id,
                }
            )
        self.assertFalse(self.Blacklist.search([("call_id", "=", self.call.id)]))

    def test_blank_reason_refused(self):
        agent = self.role_users["agent"]
        context = self.call.with_user(agent).action_hotline_propose_block()["context"]
        with (
            self.assertRaisesRegex(ValidationError, "A block needs a reason"),
            self.env.cr.savepoint(),
        ):
            self.Blacklist.with_user(agent).with_context(**context).create(
                {"reason": "   "}
            )
        self.assertFalse(self.Blacklist.search([("call_id", "=", self.call.id)]))

    def test_call_without_number(self):
        with (
            self.assertRaisesRegex(
                UserError, "This call has no caller number to propose a block for"
            ),
            self.env.cr.savepoint(),
        ):
            self.call_anonymous.with_user(
                self.role_users["agent"]
            ).action_hotline_propose_block()
