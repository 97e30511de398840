# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .test_confidentiality import NAME, NUMBER, ConfidentialCommon

ADDRESS = "朝阳区望京街1号"
REPLY = "燃气表已更换，经检测无泄漏。"
LETTER = "hotline_complaints.action_report_reply_letter"


@tagged("post_install", "-at_install")
class TestReplyLetter(ConfidentialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {"street": "望京西路 88 号", "city": "北京", "zip": "100102"}
        )
        cls.report.sudo().reporter_id.address = ADDRESS
        cls.identity_user.email = "identity@example.com"

    def in_progress(self, case):
        users = self.role_users
        case.with_user(users["agent"]).action_hotline_accept()
        case.with_user(users["agent"]).hotline_dispatch(self.team_gas)
        case.with_user(users["handler"]).action_hotline_start()
        return case

    def reply_by_letter(self, case, user, text=REPLY):
        wizard = Form(
            self.env["hotline.case.step.wizard"]
            .with_user(user)
            .with_context(
                active_model="helpdesk.ticket",
                active_ids=case.ids,
                default_step="reply",
            )
        )
        wizard.method = "letter"
        wizard.text = text
        return wizard.save().action_confirm()

    def html(self, case, user):
        content, kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            ._render_qweb_html(LETTER, case.ids)
        )
        self.assertEqual(kind, "html")
        return content.decode()

    def attachments(self, record):
        return self.env["ir.attachment"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def test_letter_names_the_caller_on_the_letterhead(self):
        case = self.in_progress(
            self.new_case(partner_id=self.customer.id, team_id=self.team_gas.id)
        )
        handler = self.role_users["handler"]
        self.reply_by_letter(case, handler)
        self.assertEqual(case.hotline_state, "replied")
        self.assertEqual(case.reply_method, "letter")
        html = self.html(case, handler)
        for text in (
            case.number,
            REPLY,
            "王小明",
            "望京西路 88 号",
            case.company_id.name,
        ):
            self.assertIn(text, html)
        letter = self.attachments(case).filtered(lambda a: "Reply letter" in a.name)
        self.assertEqual(len(letter), 1)
        # no PDF in tests: the HTML rendering is filed (served as text/plain,
        # Odoo's rule for HTML uploaded by non-administrators)
        self.assertIn(letter.mimetype, ("text/html", "text/plain"))
        self.assertEqual(letter.name, f"Reply letter {case.number}.html")
        self.assertIn(REPLY, letter.raw.decode())
        self.assertIn(letter, case.message_ids[0].attachment_ids)

    def test_handler_letter_of_confidential_report_has_no_identity(self):
        report = self.in_progress(self.report)
        handler = self.role_users["handler"]
        html = self.html(report, handler)
        self.assertNotIn(NAME, html)
        self.assertNotIn(ADDRESS, html)
        self.assertNotIn(NUMBER, html)
        self.assertIn("Reporter identity group", html)
        self.reply_by_letter(report, handler)
        letter = self.attachments(report)
        self.assertEqual(len(letter), 1)
        self.assertNotIn(NAME, letter.raw.decode())
        self.assertNotIn(ADDRESS, letter.raw.decode())
        self.assertFalse(self.attachments(report.sudo().reporter_id))

    def test_identity_group_letter_filed_with_the_reporter(self):
        report = self.in_progress(self.report)
        logs = self.env["hotline.case.identity.log"].sudo()
        before = logs.search_count([("ticket_id", "=", report.id)])
        html = self.html(report, self.identity_user)
        self.assertIn(NAME, html)
        self.assertIn(ADDRESS, html)
        self.assertGreater(logs.search_count([("ticket_id", "=", report.id)]), before)
        self.reply_by_letter(report, self.identity_user)
        self.assertEqual(report.hotline_state, "replied")
        # the named letter never lands on the case the handlers read
        self.assertFalse(self.attachments(report))
        reporter = report.sudo().reporter_id
        letter = self.attachments(reporter)
        self.assertEqual(len(letter), 1)
        self.assertIn(NAME, letter.raw.decode())
        handler_view = (
            self.env["ir.attachment"]
            .with_user(self.role_users["handler"])
            .search([("id", "=", letter.id)])
        )
        self.assertFalse(handler_view)
        for message in report.message_ids:
            self.assertNotIn(NAME, message.body or "")

    def test_empty_reply_files_no_letter(self):
        case = self.in_progress(
            self.new_case(partner_id=self.customer.id, team_id=self.team_gas.id)
        )
        with (
            self.assertRaisesRegex(UserError, "Write the reply"),
            self.env.cr.savepoint(),
        ):
            self.reply_by_letter(case, self.role_users["handler"], text="  ")
        self.assertEqual(case.hotline_state, "in_progress")
        self.assertFalse(self.attachments(case))

    def test_letter_is_in_the_print_menu(self):
        report = self.env.ref(LETTER)
        self.assertEqual(report.binding_model_id.model, "helpdesk.ticket")
        self.assertEqual(report.report_type, "qweb-pdf")
