# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sms.tests.common import SMSCase

# Data the tours look for (static/tests/tours/hotline_case_workflow_tour.esm.js).
CASE_TITLE = "Tour case 燃气表漏气"
CUSTOMER = "王小明"
TEAM_LEAD = "燃气抢修队 Tour"
TEAM_CO = "稽查科 Tour"
HANDLER = "Tour handler"
INSTRUCTION = "请三日内上门核查并答复来电人"
REPLY = "已上门更换燃气表，隐患已排除。"


@tagged("post_install", "-at_install")
class TestWorkflowTour(HttpCase, SMSCase):
    """The whole case workflow in the web client, one tour per role, checked on
    the server after each tour; run once in English and once in Chinese."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.users = {
            role: new_test_user(
                cls.env,
                login=f"hl_tour_{role}",
                name=name,
                groups=f"hotline_base.group_{role}",
                tz="Asia/Shanghai",
            )
            for role, name in (
                ("agent", "Tour agent"),
                ("supervisor", "Tour supervisor"),
                ("case_handler", HANDLER),
                ("leader", "Tour leader"),
            )
        }
        users = cls.users
        Team = cls.env["helpdesk.ticket.team"]
        cls.team_centre = Team.create(
            {
                "name": "热线中心 Tour",
                "user_ids": [Command.set([users["agent"].id, users["supervisor"].id])],
            }
        )
        cls.team_lead = Team.create(
            {
                "name": TEAM_LEAD,
                "user_ids": [
                    Command.set([users["case_handler"].id, users["leader"].id])
                ],
                "user_id": users["case_handler"].id,
                "hotline_supervisor_id": users["supervisor"].id,
                "hotline_leader_id": users["leader"].id,
            }
        )
        cls.team_co = Team.create({"name": TEAM_CO})
        cls.type_complaint = cls.env.ref("hotline_complaints.case_type_complaint")
        cls.type_complaint.team_id = cls.team_centre
        cls.customer = cls.env["res.partner"].create(
            {
                "name": CUSTOMER,
                "phone": "+86 138 0013 8000",
                "email": "wang@example.com",
            }
        )

    def set_language(self, lang):
        if lang != "en_US":
            self.env["res.lang"]._activate_lang(lang)
            modules = self.env["ir.module.module"].search(
                [("state", "=", "installed"), ("name", "like", "hotline_%")]
            )
            self.env["ir.module.module"]._load_module_terms(
                modules.mapped("name"), [lang], overwrite=True
            )
        for user in self.users.values():
            user.lang = lang

    def tour(self, name, role):
        self.start_tour("/odoo", name, login=f"hl_tour_{role}")
        self.env.invalidate_all()

    def events(self, case):
        return case.event_ids.sorted("id")

    def run_workflow(self, lang, reply_method):
        users = self.users
        self.set_language(lang)
        Ticket = self.env["helpdesk.ticket"]

        # 受理: the agent takes the complaint and accepts it
        self.tour("hotline_case_intake_tour", "agent")
        case = Ticket.search([("name", "=", CASE_TITLE)])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.hotline_state, "accepted")
        self.assertEqual(case.case_type_id, self.type_complaint)
        self.assertEqual(case.team_id, self.team_centre)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.caller_number, "13800138000")
        self.assertEqual(case.accused_party, "某燃气公司")
        self.assertIn("厨房燃气表附近有气味", case.description)
        self.assertEqual(case.create_uid, users["agent"])
        self.assertEqual(case.owner_id, users["agent"])
        self.assertEqual(self.events(case).mapped("event_type"), ["intake", "accept"])
        self.assertEqual(self.events(case).user_id, users["agent"])

        # 分发: the supervisor dispatches to the lead team and a co-handling team
        self.tour("hotline_case_dispatch_tour", "supervisor")
        self.assertEqual(case.hotline_state, "dispatched")
        self.assertEqual(case.team_id, self.team_lead)
        self.assertEqual(case.team_ids, self.team_co)
        self.assertEqual(case.user_id, users["case_handler"])
        dispatch = self.events(case)[-1]
        self.assertEqual(dispatch.event_type, "dispatch")
        self.assertEqual(dispatch.user_id, users["supervisor"])
        self.assertEqual(dispatch.team_ids, self.team_lead | self.team_co)
        self.assertEqual(dispatch.note, "请尽快上门核查")
        # the owner towards the caller stays the agent
        self.assertEqual(case.owner_id, users["agent"])

        # 处理: the handler starts and asks for the leader's instruction
        self.tour("hotline_case_handle_tour", "case_handler")
        self.assertEqual(case.hotline_state, "instruction")
        self.assertTrue(case.unit_accepted_at)
        self.assertTrue(case.instruction_requested)
        steps = self.events(case)[-2:]
        self.assertEqual(steps.mapped("event_type"), ["start", "instruction_request"])
        self.assertEqual(steps.user_id, users["case_handler"])

        # 批示: the leader instructs
        self.tour("hotline_case_instruct_tour", "leader")
        self.assertEqual(case.hotline_state, "in_progress")
        self.assertEqual(case.instruction_user_id, users["leader"])
        self.assertIn(INSTRUCTION, case.instruction)
        instruction = self.events(case)[-1]
        self.assertEqual(instruction.event_type, "instruction")
        self.assertEqual(instruction.user_id, users["leader"])
        self.assertEqual(instruction.note, INSTRUCTION)

        # 回复: the handler replies to the caller
        if reply_method == "sms":
            with self.mockSMSGateway():
                self.tour("hotline_case_reply_sms_tour", "case_handler")
            self.assertSMSIapSent(["13800138000"], content=REPLY)
        else:
            self.tour("hotline_case_reply_email_tour", "case_handler")
            mail = (
                self.env["mail.mail"]
                .sudo()
                .search([("email_to", "=", "wang@example.com")])
            )
            self.assertEqual(len(mail), 1)
            self.assertIn(REPLY, mail.body_html)
            self.assertIn(case.number, mail.subject)
        self.assertEqual(case.hotline_state, "replied")
        self.assertEqual(case.reply_method, reply_method)
        self.assertEqual(case.reply_summary, REPLY)
        reply = self.events(case)[-1]
        self.assertEqual(reply.event_type, "reply")
        self.assertEqual(reply.user_id, users["case_handler"])

        # 回访, 办结: the agent records the callback and closes the case
        self.tour("hotline_case_callback_tour", "agent")
        self.assertEqual(case.hotline_state, "closed")
        self.assertTrue(case.closed)
        self.assertEqual(case.satisfaction, "4")
        self.assertEqual(case.satisfaction3, "satisfied")
        self.assertTrue(case.callback_at)
        events = self.events(case)
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
        self.assertEqual(events[-2:].user_id, users["agent"])
        self.assertIn("来电人对处理结果满意", events[-2].note)
        self.assertEqual(case.owner_id, users["agent"])
        return case

    def test_workflow_tours_english(self):
        case = self.run_workflow("en_US", "email")
        callback = self.events(case)[-2]
        self.assertTrue(callback.note.startswith("Satisfied."))
        bodies = " ".join(case.message_ids.mapped("body"))
        self.assertIn("<b>Called back</b>", bodies)

    def test_workflow_tours_chinese(self):
        case = self.run_workflow("zh_CN", "sms")
        # the steps were recorded in the user's language
        callback = self.events(case)[-2]
        self.assertTrue(callback.note.startswith("满意"))
        bodies = " ".join(case.message_ids.mapped("body"))
        self.assertIn("<b>已回访</b>", bodies)
