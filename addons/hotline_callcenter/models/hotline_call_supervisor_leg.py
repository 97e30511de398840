# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

SUPERVISOR_MODES = [
    ("listen", "Listen"),
    ("whisper", "Whisper"),
    ("barge", "Barge"),
    ("conference", "Conference"),
]


class HotlineCallSupervisorLeg(models.Model):
    """A supervisor on a call: ChanSpy (listen, whisper, barge) or a
    conference join, as Asterisk reported it (a leg of the monitored call,
    not a call of the supervisor's)."""

    _name = "hotline.call.supervisor.leg"
    _description = "Hotline Call Supervisor Leg"
    _inherit = ["hotline.company.guard"]
    _order = "call_id, started_at, id"

    call_id = fields.Many2one(
        "hotline.call", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="call_id.company_id", store=True)
    user_id = fields.Many2one(
        "res.users", string="Supervisor", index=True, ondelete="set null"
    )
    extension = fields.Char(required=True)
    mode = fields.Selection(SUPERVISOR_MODES, required=True, default="listen")
    started_at = fields.Datetime(required=True)
    ended_at = fields.Datetime()
    duration_seconds = fields.Integer(
        string="Duration (s)",
        aggregator="sum",
        help="How long the supervisor was on the call.",
    )
    linkedid = fields.Char(
        string="Linked ID", readonly=True, help="Asterisk's Linkedid of the leg."
    )

    @api.depends("mode", "user_id", "extension")
    def _compute_display_name(self):
        # never the call's numbers: the leg may be read where the call is not
        modes = dict(self._fields["mode"]._description_selection(self.env))
        for leg in self:
            leg.display_name = self.env._(
                "%(mode)s by %(who)s",
                mode=modes.get(leg.mode, ""),
                who=leg.user_id.name or leg.extension or "?",
            )
