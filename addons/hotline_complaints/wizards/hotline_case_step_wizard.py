# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..models.helpdesk_ticket import SATISFACTION


class HotlineCaseStepWizard(models.TransientModel):
    """One workflow step that needs a text: instruction (批示), reply (回复),
    return (退回), callback (回访) or a supervisor's reminder (催办)."""

    _name = "hotline.case.step.wizard"
    _description = "Case Step"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Cases", required=True)
    step = fields.Selection(
        [
            ("instruct", "Instruction"),
            ("reply", "Reply"),
            ("return", "Return"),
            ("callback", "Callback"),
            ("remind", "Reminder"),
        ],
        required=True,
    )
    text = fields.Text()
    method = fields.Selection(
        [("sms", "SMS"), ("email", "E-mail"), ("letter", "Letter"), ("call", "Call")],
        default="sms",
    )
    satisfaction = fields.Selection(SATISFACTION)

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "helpdesk.ticket" and ids:
            defaults["ticket_ids"] = [fields.Command.set(ids)]
        return defaults

    def action_confirm(self):
        self.ensure_one()
        tickets = self.ticket_ids
        if self.step == "instruct":
            tickets.hotline_instruct(self.text)
        elif self.step == "reply":
            tickets.hotline_reply(self.method, self.text)
            if self.method == "letter":
                self.env[
                    "report.hotline_complaints.report_reply_letter"
                ].hotline_file_letters(tickets)
        elif self.step == "return":
            tickets.hotline_return(self.text)
        elif self.step == "callback":
            tickets.hotline_callback(self.satisfaction, self.text)
        else:
            tickets.hotline_remind(self.text or "")
        return {"type": "ir.actions.act_window_close"}
