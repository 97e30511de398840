# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .hotline_call import DEFAULT_SHORT_ABANDON


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

    hotline_wrapup_seconds = fields.Integer(
        string="Wrap-up time (s)",
        default=30,
        help="After-call work of a call that came through no queue (click-to-dial, "
        "direct extension); a queue's call gets the queue's wrap-up time. The "
        "agent's status returns to Ready when it ends, or earlier when they click "
        "Ready. 0: no wrap-up.",
    )
    hotline_wrapup_until_ready = fields.Boolean(
        string="Wrap-up until Ready",
        help="After each answered call the agent stays in wrap-up, paused in "
        "their queues, until they click Ready (no time limit).",
    )
    hotline_short_abandon_seconds = fields.Integer(
        string="Short abandon (s)",
        default=DEFAULT_SHORT_ABANDON,
        help="Callers hanging up sooner are left out of abandonment and service "
        "level: the default of new queues, and the threshold of calls abandoned "
        "in no known queue (from the calls stored after a change).",
    )

    _sql_constraints = [
        (
            "hotline_retention_positive",
            "CHECK(hotline_recording_retention_days >= 0)",
            "The retention of recordings cannot be negative.",
        ),
        (
            "hotline_wrapup_positive",
            "CHECK(hotline_wrapup_seconds >= 0)",
            "The wrap-up time cannot be negative.",
        ),
        (
            "hotline_short_abandon_positive",
            "CHECK(hotline_short_abandon_seconds >= 0)",
            "The short-abandon threshold cannot be negative.",
        ),
    ]
