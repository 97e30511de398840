# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

HOTLINE_STATES = [
    ("new", "New"),
    ("accepted", "Accepted"),
    ("dispatched", "Dispatched"),
    ("in_progress", "In progress"),
    ("instruction", "Awaiting instruction"),
    ("replied", "Replied"),
    ("callback", "Called back"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
DONE_STATES = ("closed", "cancelled")


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    hotline_state = fields.Selection(
        HOTLINE_STATES,
        string="Workflow step",
        help="Step of the hotline workflow (受理→分发→处理→批示→回复→回访→办结) "
        "this stage stands for.",
    )
