# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestWorkflow(CaseCommon):
    def step_wizard(self, user, case, step, **vals):
        form = Form(
            self.env["hotline.case.step.wizard"]
            .with_user(self.role_users[user])
            .with_context(
                active_model="helpdesk.ticket", active_ids=case.ids, default_step=step
            )
        )
        for key, value in vals.items():
            setattr(form, key, value)
        return form.save().action_confirm()

    def dispatch(self, case, user="agent", **vals):
        form = Form(
            self.env["hotline.case.dispatch.wizard"]
            .with_user(self.role_users[user])
            .with_context(active_model="helpdesk.ticket", active_ids=case.ids)
        )
        form.team_id = vals.get("team", self.team_gas)
        for team in vals.get("teams", []):
            form.team_ids.add(team)
        if vals.get("handler"):
            form.user_id = vals["handler"]
        form.note = vals.get("note", "请尽快处理")
        form.save().action_dispatch()

    def test_full_workflow(self):
        users = self.role_users
        case = self.new_case(partner_id=self.customer.id, caller_number="13800138000")
        case.with_user(users["agent"]).action_hotline_accept()
        self.assertEqual(case.hotline_state, "accepted")
        self.assertTrue(case.accepted_at)
        self.dispatch(case, teams=[self.team_audit], handler=users["handler"])
        self.assertEqual(case.hotline_state, "dispatched")
        self.assertEqual(case.team_id, self.team_gas)
        self.assertEqual(case.team_ids, self.team_audit)
        self.assertEqual(case.user_id, users["handler"])
        handler_case = case.with_user(users["handler"])
        handler_case.action_hotline_start()
        self.assertEqual(case.hotline_state, "in_progress")
        handler_case.action_hotline_request_instruction()
        self.assertEqual(case.hotline_state, "instruction")
        with (
            self.assertRaisesRegex(
                UserError, "is Awaiting instruction: this step is not possible now"
            ),
            self.env.cr.savepoint(),
        ):
            self.step_wizard("handler", case, "reply", method="sms", text="已处理")
        with self.assertRaises(AccessError):
            handler_case.hotline_instruct("同意")
        with (
            self.assertRaisesRegex(UserError, "Write the instruction"),
            self.env.cr.savepoint(),
        ):
            case.with_user(users["leader"]).hotline_instruct("  ")
        self.step_wizard("leader", case, "instruct", text="请三日内上门核查")
        self.assertEqual(case.hotline_state, "in_progress")
        self.assertEqual(case.instruction_user_id, users["leader"])
        with self.mockSMSGateway():
            self.step_wizard(
                "handler", case, "reply", method="sms", text="已上门更换燃气表"
            )
        self.assertSMSIapSent(["13800138000"], content="已上门更换燃气表")
        self.assertEqual(case.hotline_state, "replied")
        self.assertEqual(case.reply_method, "sms")
        self.step_wizard("agent", case, "callback", satisfaction="4", text="满意")
        self.assertEqual(case.hotline_state, "callback")
        self.assertEqual(case.satisfaction3, "satisfied")
        case.with_user(users["agent"]).action_hotline_close()
        self.assertEqual(case.hotline_state, "closed")
        self.assertTrue(case.closed)
        # the agent who took the case stays its owner towards the caller
        self.assertEqual(case.owner_id, users["agent"])
        events = case.event_ids.sorted("id")
        self.assertEqual(
            events.mapped("event_type"),
            [
                "intake",
                "accept",
                "dispatch",
                "start",
                "instruction_request",
                "instruction",
                "reply",
                "callback",
                "close",
            ],
        )
        self.assertEqual(
            events.filtered(lambda e: e.event_type == "instruction").user_id,
            users["leader"],
        )
        self.assertEqual(
            events.filtered(lambda e: e.event_type == "dispatch").team_ids,
            self.team_gas | self.team_audit,
        )
        bodies = " ".join(case.message_ids.mapped("body"))
        self.assertIn("请三日内上门核查", bodies)

    def test_return_and_reassign_keep_history(self):
        users = self.role_users
        case = self.new_case()
        case.with_user(users["agent"]).action_hotline_accept()
        self.dispatch(case)
        with (
            self.assertRaisesRegex(UserError, "Give the reason for returning the case"),
            self.env.cr.savepoint(),
        ):
            self.step_wizard("handler", case, "return", text=" ")
        self.step_wizard("handler", case, "return", text="不属于本单位职责")
        self.assertEqual(case.hotline_state, "accepted")
        self.assertFalse(case.user_id)
        self.dispatch(case, team=self.team_audit)
        types = case.event_ids.sorted("id").mapped("event_type")
        self.assertEqual(types[-3:], ["dispatch", "return", "reassign"])
        ret = case.event_ids.filtered(lambda e: e.event_type == "return")
        self.assertEqual(ret.note, "不属于本单位职责")
        self.assertEqual(ret.user_id, users["handler"])
        self.assertEqual(ret.team_ids, self.team_gas)

    def test_wrong_steps_and_roles(self):
        users = self.role_users
        case = self.new_case()
        with (
            self.assertRaisesRegex(UserError, "is New: this step is not possible now"),
            self.env.cr.savepoint(),
        ):
            case.with_user(users["handler"]).action_hotline_start()
        with (
            self.assertRaisesRegex(UserError, "is New: this step is not possible now"),
            self.env.cr.savepoint(),
        ):
            case.with_user(users["agent"]).action_hotline_close()
        case.with_user(users["agent"]).action_hotline_accept()
        with (
            self.assertRaisesRegex(UserError, "Choose the lead team"),
            self.env.cr.savepoint(),
        ):
            case.with_user(users["agent"]).hotline_dispatch(self.team_gas.browse())
        with (
            self.assertRaisesRegex(
                UserError, "Hotline agent is not a member of 燃气抢修队"
            ),
            self.env.cr.savepoint(),
        ):
            case.with_user(users["agent"]).hotline_dispatch(
                self.team_gas, user=users["agent"]
            )
        with self.assertRaises(AccessError):
            case.with_user(users["agent"]).hotline_remind("快点")
        self.assertEqual(case.event_ids.mapped("event_type"), ["accept", "intake"])

    def test_type_requires_instruction(self):
        users = self.role_users
        case = self.new_case(case_type_id=self.type_petition.id)
        case.with_user(users["agent"]).action_hotline_accept()
        self.dispatch(case)
        case.with_user(users["handler"]).action_hotline_start()
        with (
            self.assertRaisesRegex(
                UserError, "needs a leader's instruction before the reply"
            ),
            self.env.cr.savepoint(),
        ):
            case.with_user(users["handler"]).hotline_reply("letter", "答复意见")
        case.with_user(users["leader"]).hotline_instruct("同意答复")
        case.with_user(users["handler"]).hotline_reply("letter", "答复意见")
        self.assertEqual(case.hotline_state, "replied")

    def test_manual_reminder_by_supervisor(self):
        users = self.role_users
        case = self.new_case()
        case.with_user(users["agent"]).action_hotline_accept()
        self.dispatch(case, handler=users["handler"])
        self.step_wizard("supervisor", case, "remind", text="请今天答复")
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        self.assertEqual(activity.user_id, users["handler"])
        event = case.event_ids.filtered(lambda e: e.event_type == "remind")
        self.assertEqual(event.user_id, users["supervisor"])
        self.assertEqual(event.note, "请今天答复")

    def test_reply_by_email_needs_address(self):
        users = self.role_users
        case = self.new_case()
        case.with_user(users["agent"]).action_hotline_accept()
        self.dispatch(case)
        case.with_user(users["handler"]).action_hotline_start()
        with (
            self.assertRaisesRegex(UserError, "has no e-mail address"),
            self.env.cr.savepoint(),
        ):
            case.with_user(users["handler"]).hotline_reply("email", "答复")
        self.assertEqual(case.hotline_state, "in_progress")
        case.partner_email = "wang@example.com"
        case.with_user(users["handler"]).hotline_reply("email", "答复内容")
        mail = (
            self.env["mail.mail"].sudo().search([("email_to", "=", "wang@example.com")])
        )
        self.assertIn("答复内容", mail.body_html)

    def test_failed_sms_reply_is_not_recorded(self):
        """IAP refuses the SMS (no credit, then a server error): the handler
        is told why and the case stays in progress, with no reply event."""
        users = self.role_users
        case = self.new_case(caller_number="13800138000")
        case.with_user(users["agent"]).action_hotline_accept()
        self.dispatch(case)
        case.with_user(users["handler"]).action_hotline_start()
        for error, reason in (("credit", "Insufficient Credit"), ("server_error", "")):
            with self.subTest(error=error), self.mockSMSGateway(sim_error=error):
                with (
                    self.assertRaisesRegex(
                        UserError,
                        "The reply is not recorded: fix the cause or reply another way",
                    ) as raised,
                    self.env.cr.savepoint(),
                ):
                    self.step_wizard(
                        "handler", case, "reply", method="sms", text="已处理"
                    )
                self.assertIn(case.number, str(raised.exception))
                self.assertIn(reason, str(raised.exception))
                self.assertFalse(self._sms, "nothing reached a phone")
            self.assertEqual(case.hotline_state, "in_progress")
            self.assertFalse(case.replied_at)
            self.assertNotIn("reply", case.event_ids.mapped("event_type"))
        # IAP answers again: the same reply goes through
        with self.mockSMSGateway():
            self.step_wizard("handler", case, "reply", method="sms", text="已处理")
        self.assertSMSIapSent(["13800138000"], content="已处理")
        self.assertEqual(case.hotline_state, "replied")


@tagged("post_install", "-at_install")
class TestDialCaller(CaseCommon):
    """Click-to-dial is mocked at the PBX boundary (hotline.pbx)."""

    def test_dial_caller_and_confidential_reporter(self):
        Pbx = type(self.env["hotline.pbx"])
        case = self.new_case(partner_id=self.customer.id, caller_number="13800138000")
        report = self.new_case(
            case_type_id=self.type_report.id, caller_number="13912345678"
        )
        no_number = self.new_case(case_type_id=self.type_consultation.id)
        identity = self.env.ref("hotline_complaints.group_reporter_identity")
        with patch.object(
            Pbx, "hotline_click_to_dial", autospec=True, return_value=True
        ) as dial:
            case.with_user(self.role_users["agent"]).action_hotline_dial_caller()
            self.assertEqual(dial.call_args.args[1], "13800138000")
            self.assertEqual(dial.call_args.kwargs["partner_id"], self.customer.id)
            with self.assertRaises(AccessError):
                report.with_user(self.role_users["agent"]).action_hotline_dial_caller()
            with (
                self.assertRaisesRegex(UserError, "has no number to call"),
                self.env.cr.savepoint(),
            ):
                no_number.with_user(
                    self.role_users["agent"]
                ).action_hotline_dial_caller()
            self.role_users["supervisor"].groups_id = [(4, identity.id)]
            report.with_user(self.role_users["supervisor"]).action_hotline_dial_caller()
            self.assertEqual(dial.call_args.args[1], "13912345678")
            self.assertEqual(dial.call_count, 2)
        bodies = " ".join(report.message_ids.mapped("body"))
        self.assertNotIn("13912345678", bodies)
