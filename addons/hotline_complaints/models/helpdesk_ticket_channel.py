# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

CHANNEL_CODES = [
    ("phone", "Phone"),
    ("fax", "Fax"),
    ("sms", "SMS"),
    ("email", "E-mail"),
    ("letter", "Letter"),
    ("web", "Web portal"),
    ("walk_in", "Walk-in"),
    ("other", "Other"),
]


class HelpdeskTicketChannel(models.Model):
    _inherit = "helpdesk.ticket.channel"

    hotline_code = fields.Selection(
        CHANNEL_CODES,
        string="Intake kind",
        help="How the hotline treats cases from this channel (a letter needs "
        "its scan attached before acceptance, a phone case links the call).",
    )
