# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import email_normalize, html2plaintext

from ..tools import text_query

QUERY_COMMANDS = [
    ("case_status", "Case status"),
    ("arrears", "Arrears"),
    ("last_bill", "Last bill"),
    ("help", "Help"),
]


class HotlineQueryMail(models.Model):
    """One e-mail received on a query alias (e.g. ``cx@``, 邮件查询).

    The alias (a ``mail.alias`` of this model, one per company, its defaults
    ``{'company_id': <id>}``) hands each e-mail to ``message_new``: the
    subject, else the first line of the body, is read as a keyword command
    (``tools/text_query.py``) and answered by e-mail to the sender; anything
    else is answered with the list of commands (this mailbox opens no cases:
    the case intake has its own alias). The e-mail is kept without its text:
    a query code is a secret the readers of this log may not hold.
    """

    _name = "hotline.query.mail"
    _inherit = ["mail.thread", "hotline.company.guard"]
    _description = "Query e-mail"
    _order = "id desc"
    _rec_name = "email_from"
    _primary_email = "email_from"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    email_from = fields.Char(string="From", readonly=True)
    query_command = fields.Selection(QUERY_COMMANDS, string="Query", readonly=True)
    answered = fields.Boolean(readonly=True)

    @api.model
    def _hotline_query_text(self, msg_dict):
        """The command of the e-mail: its subject, else its first body line."""
        subject = msg_dict.get("subject") or ""
        for prefix in ("RE:", "FW:", "FWD:", "回复:", "转发:"):
            if subject.upper().startswith(prefix):
                subject = subject[len(prefix) :]
        if text_query.parse(subject):
            return text_query.parse(subject)
        body = html2plaintext(msg_dict.get("body") or "")
        lines = [line.strip() for line in body.splitlines() if line.strip()]
        return text_query.parse(lines[0]) if lines else None

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        company = self.env["res.company"].browse(values.get("company_id")).exists()
        company = company or self.env.company
        sender = email_normalize(msg_dict.get("email_from") or "")
        command = self._hotline_query_text(msg_dict)
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        lang = partner.lang or company.partner_id.lang or self.env.lang
        Query = self.env["hotline.text.query"].with_context(lang=lang)
        query = {
            "channel": "email",
            "sender": sender,
            "company": company,
            "args": command.args if command else (),
            "complete": command.complete if command else False,
        }
        answer = None
        if sender and command:
            answer = Query._hotline_text_answer(command.command, query)
        if sender and answer is None:
            # not a command: the list of the commands
            answer = Query._hotline_text_answer(text_query.HELP, query)
            command = text_query.TextCommand(text_query.HELP)
        # who asked about a case is not kept (it may be a confidential
        # reporter's), as on the SMS gateway's log
        anonymous = bool(command) and command.command == text_query.CASE_STATUS
        # not mail.thread's: it would put the raw From over the address
        record = self.create(
            {
                "company_id": company.id,
                "email_from": False
                if anonymous
                else sender or (msg_dict.get("email_from") or "?")[:128],
                "query_command": command.command if command else False,
                "answered": bool(answer),
            }
        )
        # the e-mail is posted on the record after this method: without its
        # text (case number and query code) nor attachments
        msg_dict["body"] = Markup("<p>%s</p>") % Query.env._(
            "Query e-mail (text not kept)."
        )
        msg_dict["subject"] = Query.env._("Query e-mail")
        msg_dict["attachments"] = []
        if anonymous:
            msg_dict.update(author_id=False, email_from=False, reply_to=False)
        if answer:
            record._hotline_send_answer(sender, msg_dict, answer, Query.env)
        return record

    def _hotline_send_answer(self, email_to, msg_dict, answer, env):
        self.ensure_one()
        company = self.company_id
        email_from = (
            company.email_formatted
            or self.env["ir.mail_server"]._get_default_from_address()
        )
        body = Markup("<br/>").join(answer.splitlines())
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "email_to": email_to,
                    "email_from": email_from,
                    "subject": env._("Your query"),
                    "body_html": Markup("<p>%s</p>") % body,
                    "references": msg_dict.get("message_id") or False,
                    "auto_delete": True,
                }
            )
        )
        self.message_post(
            body=env._("Answer sent."),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )
        return mail
