# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CallCenterCommon

RINGING = "hotline/call_ringing"
UPDATE = "hotline/call_update"


@tagged("post_install", "-at_install")
class TestHangupCauseWords(CallCenterCommon):
    """``hotline.call.hangup_cause_code``: the cause Asterisk reported, in words."""

    def test_cause_code_from_stored_text(self):
        call = self._new_call(hangup_cause="16 Normal Clearing")
        self.assertEqual(call.hangup_cause_code, "16")
        call.hangup_cause = "17 User busy"
        self.assertEqual(call.hangup_cause_code, "17")
        call.hangup_cause = "ended while the connector was disconnected"
        self.assertEqual(call.hangup_cause_code, "other")
        call.hangup_cause = False
        self.assertFalse(call.hangup_cause_code)

    def test_words_are_translated(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_callcenter"], ["zh_CN"], overwrite=True
        )
        call = self._new_call(hangup_cause="16 Normal Clearing")
        field = call._fields["hangup_cause_code"]
        words = dict(field._description_selection(self.env))
        self.assertEqual(words["16"], "Normal clearing (caller hung up)")
        words_zh = dict(
            field._description_selection(self.env(context={"lang": "zh_CN"}))
        )
        self.assertEqual(words_zh["16"], "对方挂机")
        self.assertEqual(words_zh["17"], "占线")
        pop = self.env["hotline.screen.pop"].with_context(lang="zh_CN")
        self.assertEqual(pop._hotline_hangup_words(call), "对方挂机")

    def test_calls_group_by_cause(self):
        self._new_call(hangup_cause="16 Normal Clearing")
        self._new_call(hangup_cause="16 Normal Clearing")
        self._new_call(hangup_cause="17 User busy")
        groups = self.env["hotline.call"].read_group(
            [("hangup_cause_code", "!=", False)],
            ["hangup_cause_code"],
            ["hangup_cause_code"],
        )
        counts = {g["hangup_cause_code"]: g["hangup_cause_code_count"] for g in groups}
        self.assertEqual(counts, {"16": 2, "17": 1})


@tagged("post_install", "-at_install")
class TestCardTimer(CallCenterCommon):
    def test_ring_card_has_timer_and_no_cause(self):
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertTrue(card["timer"]["rang_at"])
        self.assertTrue(card["timer"]["server_time"])
        self.assertFalse(card["timer"]["answered_at"])
        self.assertFalse(card["timer"]["ended_at"])
        self.assertEqual(card["hangup_cause"], "")

    def test_answer_and_hangup_update_the_card(self):
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        answered = fields.Datetime.now().replace(microsecond=0)
        call.write({"answered_at": answered, "disposition": "answered"})
        (update,) = self._bus_messages(self.agent, UPDATE)
        self.assertEqual(update["call_id"], call.id)
        self.assertEqual(
            update["timer"]["answered_at"],
            (answered - fields.Datetime.from_string("1970-01-01")).total_seconds(),
        )
        self.assertFalse(update["timer"]["ended_at"])
        self.assertFalse(update["timer"]["rang_at"], "the browser keeps its ring time")
        self.assertEqual(set(update), {"call_id", "timer", "hangup_cause"})
        call.write(
            {
                "ended_at": answered + timedelta(seconds=95),
                "hangup_cause": "16 Normal Clearing",
                "talk_seconds": 95,
            }
        )
        update = self._bus_messages(self.agent, UPDATE)[-1]
        self.assertEqual(
            update["timer"]["ended_at"] - update["timer"]["answered_at"], 95
        )
        self.assertEqual(update["hangup_cause"], "Normal clearing (caller hung up)")
        # only the agent whose card shows the call
        self.assertFalse(self._bus_messages(self.supervisor, UPDATE))

    def test_ring_card_in_the_agent_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_callcenter"], ["zh_CN"], overwrite=True
        )
        self.agent.lang = "zh_CN"
        self._new_call(disposition="answered", partner_id=self.customer.id)
        call = self._new_call(hangup_cause="17 User busy")
        # the connector's environment has no language of its own
        self.env["hotline.screen.pop"].with_context(lang="en_US").hotline_ringing(
            call, "8001"
        )
        card = self._bus_messages(self.agent, RINGING)[0]
        self.assertEqual(card["hangup_cause"], "占线")
        self.assertEqual(card["last_calls"][0]["disposition"], "已接听")

    def test_other_writes_send_no_update(self):
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        call.write({"partner_id": self.customer.id})
        self.assertFalse(self._bus_messages(self.agent, UPDATE))


@tagged("post_install", "-at_install")
class TestCardRestore(CallCenterCommon):
    """``hotline_current_card``: the card of the user's live call after a reload."""

    def test_agent_gets_the_live_call_card(self):
        call = self._new_call(
            queued_at=fields.Datetime.now() - timedelta(seconds=30),
            answered_at=fields.Datetime.now() - timedelta(seconds=20),
        )
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        card = (
            self.env["hotline.screen.pop"].with_user(self.agent).hotline_current_card()
        )
        self.assertEqual(card["call_id"], call.id)
        self.assertEqual(card["number"], "13800138000")
        self.assertEqual(card["partner_id"], self.customer.id)
        self.assertTrue(card["restored"])
        self.assertFalse(card["transfer"])
        # no ring time is kept: the call's queue entry stands for it
        self.assertEqual(card["timer"]["answered_at"] - card["timer"]["rang_at"], 10)

    def test_nothing_once_the_call_ended(self):
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        call.write({"ended_at": fields.Datetime.now(), "hangup_cause": "16"})
        Pop = self.env["hotline.screen.pop"].with_user(self.agent)
        self.assertFalse(Pop.hotline_current_card())

    def test_nothing_without_a_current_call(self):
        Pop = self.env["hotline.screen.pop"].with_user(self.agent)
        self.assertFalse(Pop.hotline_current_card())

    def test_user_outside_the_agent_group_gets_nothing(self):
        call = self._new_call()
        plain = self.user_internal
        plain.hotline_extension = "8099"
        self.env["hotline.screen.pop"].hotline_ringing(call, "8099")
        self.assertEqual(plain.sudo().hotline_current_call_id, call)
        Pop = self.env["hotline.screen.pop"].with_user(plain)
        self.assertFalse(Pop.hotline_current_card())
        # nor can such a user read the current call another way
        with self.assertRaises(AccessError):
            plain.with_user(plain).read(["hotline_current_call_id"])

    def test_other_company_call_is_not_restored(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        call = self._new_call(company_id=other.id, pbx_id=False)
        self.agent.sudo().hotline_current_call_id = call
        Pop = self.env["hotline.screen.pop"].with_user(self.agent)
        self.assertNotIn(other, self.agent.company_ids)
        self.assertFalse(Pop.hotline_current_card())
