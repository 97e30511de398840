# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

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
# a write of these fields changes what the wallboards show of the agent
WALLBOARD_USER_FIELDS = frozenset(
    {
        "hotline_agent_state",
        "hotline_agent_state_since",
        "hotline_agent_presence",
        "hotline_pause_reason",
        "active",
        "name",
    }
)


class ResUsers(models.Model):
    _inherit = "res.users"

    # bumped by a forced logout: part of the session token, so that every web
    # session of the user ends
    hotline_session_epoch = fields.Integer(
        copy=False, readonly=True, groups="base.group_system"
    )
    hotline_extension = fields.Char(
        string="Phone extension",
        index=True,
        copy=False,
        help="The agent's extension on the PBX: screen pops and click-to-dial use it.",
    )
    hotline_queue_member_ids = fields.One2many(
        "hotline.queue.member",
        "user_id",
        string="Queue memberships",
        groups="hotline_base.group_agent",
        help="The queues the agent logs into, with their penalty.",
    )
    hotline_queue_names = fields.Char(
        string="Call queues",
        compute="_compute_hotline_queue_names",
        groups="hotline_base.group_agent",
        help="The codes of the queues the agent logs into.",
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
            "hotline_agent_state",
            "hotline_agent_presence",
            "hotline_agent_state_since",
            "hotline_pause_reason",
            "hotline_wrapup_until",
            "hotline_wrapup_paused",
        ]

    def write(self, vals):
        res = super().write(vals)
        if WALLBOARD_USER_FIELDS.intersection(vals):
            # the wallboards of the companies whose queues the agents are in
            members = (
                self.env["hotline.queue.member"]
                .sudo()
                .search([("user_id", "in", self.ids)])
            )
            self.env["hotline.wallboard"]._hotline_touch(members.company_id)
        return res

    @api.depends("hotline_queue_member_ids.queue_id.code")
    def _compute_hotline_queue_names(self):
        for user in self:
            user.hotline_queue_names = ", ".join(
                user.sudo().hotline_queue_member_ids.queue_id.mapped("code")
            )

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

    # ------------------------------------------------------------------
    # CTI buttons: an agent's own phone, a supervisor's panel (hotline.pbx
    # does the PBX work)
    # ------------------------------------------------------------------
    def _hotline_pbx(self):
        return self.env["hotline.pbx"]._hotline_pbx_for()

    def _hotline_check_self_agent(self):
        """Agent controls act on the clicking agent's own phone only."""
        self.ensure_one()
        if not self.env.user.has_group("hotline_base.group_agent"):
            raise AccessError(self.env._("Only hotline agents can control calls."))
        if self != self.env.user:
            raise AccessError(self.env._("You can only control your own phone."))
        return self.env.user

    def _hotline_check_supervisor(self):
        self.ensure_one()
        if not self.env.user.has_group("hotline_base.group_supervisor"):
            raise AccessError(self.env._("Only supervisors can use this control."))
        agent = self.exists()
        if not agent:
            raise UserError(self.env._("This agent does not exist."))
        return agent

    def action_hotline_login(self):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_login(user)

    def action_hotline_logout(self):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_logout(user)

    def action_hotline_pause(self, reason):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_pause(user, reason)

    def action_hotline_unpause(self):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_unpause(user)

    def action_hotline_transfer(self, target, attended=False):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_transfer(user, target, attended)

    def action_hotline_hold(self):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_hold(user)

    def action_hotline_resume(self):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_resume(user)

    def action_hotline_hangup(self):
        user = self._hotline_check_self_agent()
        pbx = self._hotline_pbx()
        pbx._hotline_hangup(user)
        return pbx._hotline_notify(self.env._("Call ended."))

    def action_hotline_listen(self):
        agent = self._hotline_check_supervisor()
        return self._hotline_pbx()._hotline_spy(agent)

    def action_hotline_whisper(self):
        agent = self._hotline_check_supervisor()
        return self._hotline_pbx()._hotline_spy(agent, "whisper")

    def action_hotline_barge(self):
        agent = self._hotline_check_supervisor()
        return self._hotline_pbx()._hotline_spy(agent, "barge")

    def action_hotline_force_hangup(self):
        agent = self._hotline_check_supervisor()
        pbx = self._hotline_pbx()
        pbx._hotline_hangup(agent)
        return pbx._hotline_notify(self.env._("The call of %s was ended.", agent.name))

    def _get_session_token_fields(self):
        return super()._get_session_token_fields() | {"hotline_session_epoch"}

    def action_hotline_force_logout(self):
        """Log the agent out of the queues and out of Odoo: every web session
        of the agent ends (tokens and devices revoked) and the agent's browser
        is told over the bus."""
        agent = self._hotline_check_supervisor()
        result = self._hotline_pbx()._hotline_logout(agent, forced_by=self.env.user)
        agent._hotline_end_web_sessions()
        return result

    def action_hotline_force_login(self):
        agent = self._hotline_check_supervisor()
        return self._hotline_pbx()._hotline_force_login(agent)

    def action_hotline_emergency(self):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_emergency(user)

    def action_hotline_conference_add(self, target):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_conference_add(user, target)

    def action_hotline_conference_leave(self):
        user = self._hotline_check_self_agent()
        return self._hotline_pbx()._hotline_conference_leave(user)

    def _hotline_end_web_sessions(self):
        self.ensure_one()
        self._bus_send(
            "hotline/force_logout",
            {
                "message": self.env._(
                    "%s logged you out of the hotline and of Odoo.", self.env.user.name
                )
            },
        )
        # the session files first: a websocket whose file is gone still gets
        # the notification above (its session has no user any more)
        self.env["res.device"].sudo().search([("user_id", "=", self.id)])._revoke()
        # then every session of the user, logged as a device or not: the
        # session token includes the epoch (res.users._compute_session_token)
        user = self.sudo()
        user.hotline_session_epoch += 1

    def action_hotline_conference(self):
        agent = self._hotline_check_supervisor()
        return self._hotline_pbx()._hotline_conference(agent)
