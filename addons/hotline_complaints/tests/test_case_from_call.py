# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestCaseFromCall(CaseCommon):
    """Start case on the call form and on the caller card: a case linked to the
    call, its customer and its recordings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx = cls.env["hotline.pbx"].create({"name": "PBX", "host": "127.0.0.1"})
        cls.agent = cls.role_users["agent"]
        cls.agent.hotline_extension = "8001"
        cls.call = cls.env["hotline.call"].create(
            {
                "pbx_id": cls.pbx.id,
                "linkedid": "case-from-call.1",
                "caller_number": "13800138000",
                "partner_id": cls.customer.id,
                "user_id": cls.agent.id,
                "answered_at": fields.Datetime.now(),
            }
        )
        cls.recording = cls.env["hotline.recording"].create(
            {
                "pbx_id": cls.pbx.id,
                "call_id": cls.call.id,
                "file_path": "2026/case-from-call.1.wav",
            }
        )

    def test_call_form_offers_start_case_to_agents(self):
        def form_arch(user):
            Call = self.env["hotline.call"].with_user(user)
            return Call.get_views([(False, "form")])["views"]["form"]["arch"]

        self.assertIn('name="action_hotline_create_case"', form_arch(self.agent))
        self.assertIn(
            'name="action_hotline_create_case"',
            form_arch(self.role_users["supervisor"]),
        )
        self.assertNotIn(
            'name="action_hotline_create_case"', form_arch(self.role_users["handler"])
        )

    def test_start_case_links_call_customer_and_recording(self):
        action = self.call.with_user(self.agent).action_hotline_create_case()
        self.assertEqual(action["type"], "ir.actions.act_window")
        self.assertEqual(action["views"], [[False, "form"]])
        form = Form(
            self.env["helpdesk.ticket"]
            .with_user(self.agent)
            .with_context(**action["context"])
        )
        form.name = "燃气表漏气"
        form.description = "<p>气味很大</p>"
        form.case_type_id = self.type_complaint
        case = form.save()
        self.assertEqual(case.call_ids, self.call)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.caller_number, "13800138000")
        self.assertEqual(case.owner_id, self.agent)
        supervisor_case = case.with_user(self.role_users["supervisor"])
        self.assertEqual(supervisor_case.recording_ids, self.recording)
        # the call shows it: count and button
        call = self.call.with_user(self.agent)
        self.assertEqual(call.hotline_case_count, 1)
        opened = call.action_hotline_open_cases()
        self.assertEqual(opened["res_id"], case.id)
        self.assertEqual(opened["views"], [[False, "form"]])

    def test_open_cases_lists_several(self):
        first = self.new_case(call_ids=[Command.set(self.call.ids)])
        second = self.new_case(call_ids=[Command.set(self.call.ids)])
        opened = self.call.with_user(self.agent).action_hotline_open_cases()
        ((fname, operator, ids),) = opened["domain"]
        self.assertEqual((fname, operator), ("id", "in"))
        self.assertEqual(sorted(ids), sorted((first | second).ids))
        self.assertEqual(opened["views"], [[False, "list"], [False, "form"]])

    def test_only_agents_start_cases(self):
        with self.assertRaises(AccessError):
            self.call.with_user(self.role_users["handler"]).action_hotline_create_case()


@tagged("post_install", "-at_install")
class TestCardRestoreConfidential(CaseCommon):
    """A confidential reporter's call is not restored on reload outside the
    Reporter identity group."""

    def test_confidential_call_card(self):
        agent = self.role_users["agent"]
        agent.hotline_extension = "8001"
        trusted = new_test_user(
            self.env,
            login="hl_trusted_agent",
            groups="hotline_base.group_agent,hotline_complaints.group_reporter_identity",
        )
        trusted.hotline_extension = "8002"
        call = self.env["hotline.call"].create(
            {"linkedid": "conf.1", "caller_number": "13800138000"}
        )
        Pop = self.env["hotline.screen.pop"]
        Pop.hotline_ringing(call, "8001")
        Pop.hotline_ringing(call, "8002")
        self.assertEqual(
            Pop.with_user(agent).hotline_current_card()["call_id"], call.id
        )
        call.sudo().hotline_confidential = True
        self.assertFalse(Pop.with_user(agent).hotline_current_card())
        card = Pop.with_user(trusted).hotline_current_card()
        self.assertEqual(card["number"], "13800138000")
