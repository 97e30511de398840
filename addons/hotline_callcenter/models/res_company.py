# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hotline_recording_retention_days = fields.Integer(
        string="Keep call recordings (days)",
        default=180,
        help="Recordings older than this are deleted every night; 0 keeps them.",
    )
    hotline_voicemail_reminder_hours = fields.Integer(
        string="Voicemail reminder after (hours)",
        default=4,
        help="An unhandled voicemail gets a reminder activity after this delay.",
    )

    _sql_constraints = [
        (
            "hotline_retention_positive",
            "CHECK(hotline_recording_retention_days >= 0)",
            "The retention of recordings cannot be negative.",
        ),
    ]
