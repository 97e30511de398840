# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

AGENT_PRESENCES = [
    ("logged_out", "Logged out"),
    ("available", "Ready"),
    ("paused", "Paused"),
]
# the phases of a call, shown instead of the queue status while they last
AGENT_CALL_PHASES = [
    ("ringing", "Ringing"),
    ("on_call", "On a call"),
    ("wrapup", "Wrap-up"),
]
AGENT_STATES = AGENT_PRESENCES + AGENT_CALL_PHASES


class ResUsers(models.Model):
    _inherit = "res.users"

    hotline_extension = fields.Char(
        string="Phone extension",
        index=True,
        copy=False,
        help="The agent's extension on the PBX: screen pops and click-to-dial use it.",
    )
    hotline_queues = fields.Char(
        string="Call queues",
        help="Asterisk queues the agent logs into, separated by commas "
        "(e.g. support,sales).",
    )
    hotline_current_call_id = fields.Many2one(
        "hotline.call",
        string="Current call",
        copy=False,
        # the call's name shows the caller's number: call-centre staff only
        groups="hotline_base.group_agent",
        help="Last call that rang this agent; the CTI controls act on it.",
    )
    hotline_held_channel = fields.Char(
        string="Channel on hold",
        copy=False,
        help="Asterisk channel of the caller this agent put on hold.",
    )
    hotline_agent_state = fields.Selection(
        AGENT_STATES,
        string="Agent status",
        default="logged_out",
        copy=False,
        help="What the agent is doing: the queue state (logged out, ready, "
        "paused) or the phase of their call (ringing, on a call, wrap-up).",
    )
    hotline_agent_presence = fields.Selection(
        AGENT_PRESENCES,
        string="Queue status",
        default="logged_out",
        copy=False,
        help="The agent's state in their queues, which they return to when a "
        "call and its wrap-up end.",
    )
    hotline_agent_state_since = fields.Datetime(
        string="Status since", copy=False, help="When the current status began."
    )
    hotline_pause_reason = fields.Char(
        string="Pause reason", copy=False, help="Why the agent is paused."
    )
    hotline_wrapup_call_id = fields.Many2one(
        "hotline.call",
        string="Wrap-up of call",
        copy=False,
        groups="hotline_base.group_agent",
        help="The call whose after-call work the agent is doing.",
    )
    hotline_wrapup_until = fields.Datetime(
        string="Wrap-up ends",
        copy=False,
        help="When the wrap-up ends by itself; empty: when the agent clicks Ready.",
    )
    hotline_wrapup_paused = fields.Boolean(
        string="Paused for wrap-up",
        copy=False,
        help="The wrap-up paused the agent in their queues: Ready unpauses them.",
    )

    # the supervisor's agent board: what the agent is doing now
    hotline_live_call_id = fields.Many2one(
        "hotline.call",
        string="Call in progress",
        compute="_compute_hotline_board",
        groups="hotline_base.group_agent",
        help="The call ringing this agent or the one they are talking on.",
    )
    hotline_board_state = fields.Selection(
        AGENT_STATES,
        string="Current status",
        compute="_compute_hotline_board",
        groups="hotline_base.group_agent",
        help="On a call or ringing while a call is live, whatever the queue "
        "login; otherwise the agent's status (wrap-up, ready, paused, logged out).",
    )

    _sql_constraints = [
        (
            "hotline_extension_uniq",
            "UNIQUE(hotline_extension, company_id)",
            "This extension is already given to another user of the company.",
        ),
    ]

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "hotline_extension",
            "hotline_queues",
            "hotline_agent_state",
            "hotline_agent_presence",
            "hotline_agent_state_since",
            "hotline_pause_reason",
            "hotline_wrapup_until",
            "hotline_wrapup_paused",
        ]

    @api.depends_context("uid")
    def _compute_hotline_board(self):
        # a call is live while it has no end: the one the agent talks on, else
        # the last one that rang them and nobody answered yet
        talking = {
            call.user_id.id: call
            for call in self.env["hotline.call"]
            .sudo()
            .search(
                [
                    ("user_id", "in", self.ids),
                    ("answered_at", "!=", False),
                    ("ended_at", "=", False),
                ],
                order="answered_at",
            )
        }
        for user in self:
            ringing = user.sudo().hotline_current_call_id
            if user.id in talking:
                user.hotline_live_call_id = talking[user.id]
                user.hotline_board_state = "on_call"
            elif ringing and not ringing.answered_at and not ringing.ended_at:
                user.hotline_live_call_id = ringing
                user.hotline_board_state = "ringing"
            else:
                user.hotline_live_call_id = False
                user.hotline_board_state = user.hotline_agent_state or "logged_out"

    def _hotline_queue_list(self):
        self.ensure_one()
        return [q.strip() for q in (self.hotline_queues or "").split(",") if q.strip()]

    # Supervisor panel buttons (the checks are in hotline.pbx)
    def _hotline_supervise(self, method, **kwargs):
        self.ensure_one()
        return getattr(self.env["hotline.pbx"], method)(self.id, **kwargs)

    def action_hotline_listen(self):
        return self._hotline_supervise("hotline_spy", mode="listen")

    def action_hotline_whisper(self):
        return self._hotline_supervise("hotline_spy", mode="whisper")

    def action_hotline_barge(self):
        return self._hotline_supervise("hotline_spy", mode="barge")

    def action_hotline_force_hangup(self):
        return self._hotline_supervise("hotline_force_hangup")

    def action_hotline_force_logout(self):
        return self._hotline_supervise("hotline_force_logout")

    def action_hotline_conference(self):
        return self._hotline_supervise("hotline_conference")
