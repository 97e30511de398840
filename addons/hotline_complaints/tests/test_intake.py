# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestIntake(CaseCommon):
    def test_case_types_and_channels_exist(self):
        codes = set(self.env["hotline.case.type"].search([]).mapped("code"))
        self.assertLessEqual(
            {
                "consultation",
                "complaint",
                "report",
                "suggestion",
                "fault",
                "repair",
                "information",
                "petition",
            },
            codes,
        )
        channel_codes = set(
            self.env["helpdesk.ticket.channel"].search([]).mapped("hotline_code")
        )
        self.assertLessEqual(
            {"phone", "fax", "sms", "email", "letter", "web", "walk_in"}, channel_codes
        )

    def test_type_sets_default_team_and_fields(self):
        case = self.new_case(case_type_id=self.type_repair.id)
        self.assertEqual(case.team_id, self.team_centre)
        self.assertTrue(case.case_type_show_meter)
        self.assertTrue(case.case_type_show_work_orders)
        self.assertFalse(case.case_type_show_accused)
        self.assertEqual(case.hotline_state, "new")
        self.assertEqual(case.owner_id, self.role_users["agent"])
        self.assertRegex(case.sudo().query_code, r"^\d{6}$")
        self.assertEqual(case.event_ids.event_type, "intake")

    def test_phone_intake_from_call(self):
        call = self.env["hotline.call"].create(
            {
                "linkedid": "1732500000.1",
                "caller_number": "13800138000",
                "partner_id": self.customer.id,
                "user_id": self.role_users["agent"].id,
            }
        )
        action = call.with_user(self.role_users["agent"]).action_hotline_create_case()
        self.assertEqual(action["res_model"], "helpdesk.ticket")
        form = Form(
            self.env["helpdesk.ticket"]
            .with_user(self.role_users["agent"])
            .with_context(**action["context"])
        )
        form.name = "燃气表漏气"
        form.description = "<p>气味很大</p>"
        form.case_type_id = self.type_complaint
        case = form.save()
        self.assertEqual(case.call_ids, call)
        self.assertEqual(case.call_id, call)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.caller_number, "13800138000")
        self.assertEqual(case.channel_code, "phone")
        self.assertEqual(call.ticket_ids, case)

    def test_call_only_on_phone_cases(self):
        call = self.env["hotline.call"].create({"linkedid": "1.2"})
        with (
            self.assertRaisesRegex(
                ValidationError, "Only phone cases can be linked to calls"
            ),
            self.env.cr.savepoint(),
        ):
            self.new_case(
                channel_id=self.channel("fax").id, call_ids=[Command.set(call.ids)]
            )

    def test_gateway_intake_fax_sms_walk_in(self):
        Ticket = self.env["helpdesk.ticket"].with_user(self.role_users["agent"])
        for code in ("fax", "sms", "walk_in"):
            case = Ticket.hotline_intake(
                code,
                {
                    "name": f"来件 {code}",
                    "description": "<p>内容</p>",
                    "caller_number": "13800138000",
                    "case_type_id": self.type_consultation.id,
                },
            )
            self.assertEqual(case.channel_code, code)
            self.assertEqual(case.hotline_state, "new")
        with (
            self.assertRaisesRegex(UserError, "No intake channel pigeon"),
            self.env.cr.savepoint(),
        ):
            Ticket.hotline_intake("pigeon", {"name": "x", "description": "x"})

    def test_letter_needs_scan_before_acceptance(self):
        case = self.new_case(channel_id=self.channel("letter").id)
        with (
            self.assertRaisesRegex(UserError, "Attach the scanned letter to case HT"),
            self.env.cr.savepoint(),
        ):
            case.action_hotline_accept()
        self.assertEqual(case.hotline_state, "new")
        self.env["ir.attachment"].create(
            {
                "name": "letter.pdf",
                "datas": base64.b64encode(b"%PDF-1.4 scan"),
                "res_model": "helpdesk.ticket",
                "res_id": case.id,
            }
        )
        case.action_hotline_accept()
        self.assertEqual(case.hotline_state, "accepted")

    def test_email_intake_acknowledges_with_number_and_code(self):
        case = self.env["helpdesk.ticket"].message_new(
            {
                "subject": "燃气费投诉",
                "body": "<p>账单金额有误</p>",
                "email_from": "wang@example.com",
                "author_id": self.customer.id,
            }
        )
        self.assertEqual(case.channel_code, "email")
        self.assertEqual(case.partner_id, self.customer)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)])
        )
        self.assertTrue(mail, "acknowledgement sent")
        self.assertIn(case.number, mail[0].subject)
        self.assertIn(case.sudo().query_code, mail[0].body_html)

    def test_web_channel_from_portal_values(self):
        web = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web")
        case = self.new_case(channel_id=web.id)
        self.assertEqual(case.channel_code, "web")

    def test_duplicates_shown_and_merged(self):
        call = self.env["hotline.call"].create({"linkedid": "9.9"})
        first = self.new_case(partner_id=self.customer.id)
        second = self.new_case(
            partner_id=self.customer.id, call_ids=[Command.set(call.ids)]
        )
        other = self.new_case(case_type_id=self.type_consultation.id)
        self.assertIn(first, second.duplicate_candidate_ids)
        self.assertNotIn(other, second.duplicate_candidate_ids)
        wizard = Form(
            self.env["hotline.case.merge.wizard"]
            .with_user(self.role_users["agent"])
            .with_context(active_model="helpdesk.ticket", active_ids=second.ids)
        )
        wizard.target_id = first
        wizard.save().action_confirm()
        self.assertEqual(second.hotline_state, "cancelled")
        self.assertEqual(second.duplicate_id, first)
        self.assertIn(call, first.call_ids)
        self.assertIn(second, first.linked_case_ids)
        self.assertIn("merge", first.event_ids.mapped("event_type"))
        with (
            self.assertRaisesRegex(UserError, "A case cannot be merged into itself"),
            self.env.cr.savepoint(),
        ):
            first.hotline_merge_into(first)

    def test_link_cases(self):
        first = self.new_case()
        second = self.new_case()
        first.hotline_link(second)
        self.assertIn(second, first.linked_case_ids)
        self.assertIn(first, second.linked_case_ids)


@tagged("post_install", "-at_install")
class TestScreenPopCard(CaseCommon):
    def test_card_shows_open_cases_and_start_action(self):
        agent = self.role_users["agent"]
        call = self.env["hotline.call"].create(
            {"linkedid": "77.1", "caller_number": "13800138000", "user_id": agent.id}
        )
        open_case = self.new_case(partner_id=self.customer.id)
        closed = self.new_case(partner_id=self.customer.id)
        closed.stage_id = self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        secret = self.new_case(
            case_type_id=self.type_report.id, partner_id=self.customer.id
        )
        extra = (
            self.env["hotline.screen.pop"]
            .with_user(agent)
            ._hotline_card_extra(self.customer, call)
        )
        # other add-ons (billing) may add sections of their own
        (lines,) = [s["lines"] for s in extra["sections"] if s["title"] == "Open cases"]
        self.assertTrue(any(open_case.number in line for line in lines))
        self.assertFalse(any(closed.number in line for line in lines))
        self.assertFalse(any(secret.number in line for line in lines))
        item = extra["actions"][-1]
        self.assertEqual(item["name"], "start_case")
        self.assertEqual(
            (item["model"], item["method"], item["res_id"]),
            ("hotline.call", "action_hotline_create_case", call.id),
        )
        self.assertEqual(item["context"], {"default_partner_id": self.customer.id})
        # what the card gets when clicked: a complete act_window
        action = getattr(
            self.env[item["model"]]
            .with_user(agent)
            .with_context(**item["context"])
            .browse(item["res_id"]),
            item["method"],
        )()
        self.assertEqual(action["res_model"], "helpdesk.ticket")
        self.assertEqual(action["views"], [[False, "form"]])
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        self.assertEqual(action["context"]["default_call_ids"], call.ids)
        self.assertNotIn("case_id", extra)
        # once a case is started from the call, the card carries it
        case = self.new_case(call_ids=[Command.set(call.ids)])
        extra = (
            self.env["hotline.screen.pop"]
            .with_user(agent)
            ._hotline_card_extra(self.customer, call)
        )
        self.assertEqual(extra["case_id"], case.id)
        # nobody identified and no number: no search, still the action
        anonymous = self.env["hotline.call"].create({"linkedid": "77.2"})
        extra = (
            self.env["hotline.screen.pop"]
            .with_user(agent)
            ._hotline_card_extra(self.env["res.partner"], anonymous)
        )
        self.assertEqual(extra["sections"][-1]["lines"], ["None"])


@tagged("post_install", "-at_install")
class TestPortalIntake(HttpCase, CaseCommon):
    def test_web_form_creates_a_case(self):
        portal = new_test_user(
            self.env, login="hl_citizen", groups="base.group_portal", name="市民"
        )
        self.authenticate("hl_citizen", "hl_citizen")
        page = self.url_open("/new/ticket")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/submitted/ticket",
            data={
                "csrf_token": token,
                "subject": "路灯旁燃气管道锈蚀",
                "description": "管道表面锈蚀严重",
            },
        )
        self.assertEqual(response.status_code, 200)
        case = self.env["helpdesk.ticket"].search([("name", "=", "路灯旁燃气管道锈蚀")])
        self.assertEqual(case.channel_code, "web")
        self.assertEqual(case.partner_id, portal.partner_id)
        self.assertEqual(case.hotline_state, "new")
        self.assertFalse(case.owner_id, "a portal user is not the case owner")
        self.assertRegex(case.sudo().query_code, r"^\d{6}$")
        self.assertEqual(case.event_ids.event_type, "intake")
        # the agent who accepts it becomes its owner
        case.with_user(self.role_users["agent"]).action_hotline_accept()
        self.assertEqual(case.owner_id, self.role_users["agent"])
