# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    hotline_callback_consent = fields.Boolean(
        string="Reporter asked for a callback",
        tracking=True,
        help="A confidential reporter is never called back for a satisfaction "
        "survey unless they asked for it.",
    )
    hotline_callback_task_ids = fields.One2many(
        "hotline.callback.task", "ticket_id", string="Callback tasks"
    )

    def _hotline_complaint_from_callback(self, task):
        """A dissatisfied callback answer: reopen the case or create a
        complaint case linked to it. Returns the case."""
        raise NotImplementedError  # hotline_survey wave: the statistics helper
