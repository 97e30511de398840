# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineCall(models.Model):
    """One call as Asterisk reported it: exactly one record per Linkedid and PBX."""

    _name = "hotline.call"
    _description = "Hotline Call"
    _order = "started_at desc, id desc"
    _rec_name = "caller_number"

    pbx_id = fields.Many2one("hotline.pbx", string="PBX", index=True, ondelete="restrict")
    linkedid = fields.Char(
        string="Linked ID", index=True, readonly=True, help="Asterisk's Linkedid."
    )
    uniqueid = fields.Char(string="Unique ID", readonly=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")],
        required=True,
        default="inbound",
    )
    caller_number = fields.Char(index="trigram")
    called_number = fields.Char(index="trigram")
    did = fields.Char(string="DID", help="The number dialled: 400, 800 or a local number.")
    partner_id = fields.Many2one("res.partner", string="Customer", index=True)
    user_id = fields.Many2one("res.users", string="Agent", index=True)
    started_at = fields.Datetime(index=True)
    queued_at = fields.Datetime()
    answered_at = fields.Datetime()
    ended_at = fields.Datetime()
    wait_seconds = fields.Integer(aggregator="avg")
    talk_seconds = fields.Integer(aggregator="sum")
    disposition = fields.Selection(
        [
            ("ringing", "In progress"),
            ("answered", "Answered"),
            ("abandoned_ivr", "Abandoned in IVR"),
            ("abandoned_queue", "Abandoned in queue"),
            ("busy", "Busy"),
            ("no_answer", "No answer"),
            ("failed", "Failed"),
            ("voicemail", "Voicemail"),
        ],
        default="ringing",
        index=True,
    )

    _sql_constraints = [
        (
            "linkedid_pbx_uniq",
            "UNIQUE(pbx_id, linkedid)",
            "A call is recorded once per PBX and Linkedid.",
        ),
    ]

    @api.depends("caller_number", "called_number", "direction")
    def _compute_display_name(self):
        for call in self:
            call.display_name = f"{call.caller_number or '?'} → {call.called_number or '?'}"
