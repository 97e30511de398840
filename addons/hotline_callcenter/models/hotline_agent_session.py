# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineAgentSession(models.Model):
    """A period an agent spent logged in to their queues, or paused."""

    _name = "hotline.agent.session"
    _description = "Agent Session"
    _inherit = ["hotline.company.guard"]
    _order = "started_at desc, id desc"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users", string="Agent", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    kind = fields.Selection(
        [("login", "Logged in"), ("pause", "Pause")], required=True, index=True
    )
    reason = fields.Char(help="Why the agent paused.")
    forced_by_id = fields.Many2one(
        "res.users",
        string="Logged in by",
        ondelete="set null",
        help="The supervisor who logged the agent in to their queues (forced "
        "login); empty when the agent logged in themselves.",
    )
    ended_by_id = fields.Many2one(
        "res.users",
        string="Logged out by",
        ondelete="set null",
        help="The supervisor who logged the agent out (forced logout).",
    )
    started_at = fields.Datetime(required=True, default=fields.Datetime.now)
    ended_at = fields.Datetime()
    duration_seconds = fields.Integer(
        string="Duration (s)",
        compute="_compute_duration_seconds",
        store=True,
        aggregator="sum",
    )

    @api.depends("started_at", "ended_at")
    def _compute_duration_seconds(self):
        for session in self:
            if session.started_at and session.ended_at:
                delta = session.ended_at - session.started_at
                session.duration_seconds = int(delta.total_seconds())
            else:
                session.duration_seconds = 0

    @api.model
    def _hotline_open(self, user, kind, reason=False, forced_by=False):
        return self.sudo().create(
            {
                "user_id": user.id,
                "kind": kind,
                "reason": reason,
                "company_id": user.company_id.id,
                "forced_by_id": forced_by and forced_by.id,
            }
        )

    @api.model
    def _hotline_close(self, user, kinds=("login", "pause"), ended_by=False):
        open_sessions = self.sudo().search(
            [
                ("user_id", "=", user.id),
                ("kind", "in", list(kinds)),
                ("ended_at", "=", False),
            ]
        )
        vals = {"ended_at": fields.Datetime.now()}
        if ended_by:
            vals["ended_by_id"] = ended_by.id
        open_sessions.write(vals)
        return open_sessions
