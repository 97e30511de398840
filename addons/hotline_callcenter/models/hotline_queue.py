# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..pbx import queues_conf

_logger = logging.getLogger(__name__)

# first key of the advisory lock serialising queue pushes to one PBX ("hlqp")
PUSH_LOCK_KEY = 0x686C7170

# a write of these fields changes the queue's wallboard tile
WALLBOARD_QUEUE_FIELDS = frozenset(
    {
        "name",
        "sequence",
        "active",
        "company_id",
        "service_level",
        "wallboard_wait_warning",
        "wallboard_wait_alert",
        "wallboard_waiting_alert",
        "wallboard_service_level_target",
    }
)

STRATEGIES = [
    ("ringall", "Ring all"),
    ("rrmemory", "Round robin with memory"),
    ("linear", "Linear (in member order)"),
    ("leastrecent", "Least recently called"),
    ("fewestcalls", "Fewest calls"),
    ("random", "Random"),
    ("wrandom", "Weighted random (by penalty)"),
]


class HotlineQueue(models.Model):
    """A call queue of one business line (consultation, complaints, repairs...)."""

    _name = "hotline.queue"
    _description = "Call Queue"
    _inherit = ["hotline.company.guard"]
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Queue name in Asterisk (letters, digits, '-' and '_').",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    pbx_id = fields.Many2one("hotline.pbx", string="PBX", check_company=True)
    business = fields.Selection(
        [
            ("consultation", "Consultation"),
            ("complaints", "Complaints and reports"),
            ("repairs", "Repairs"),
            ("billing", "Billing"),
            ("vip", "VIP"),
            ("other", "Other"),
        ],
        required=True,
        default="consultation",
    )
    strategy = fields.Selection(STRATEGIES, required=True, default="rrmemory")
    ring_timeout = fields.Integer(
        string="Ring each agent (s)", default=15, help="Asterisk's timeout."
    )
    retry = fields.Integer(string="Pause between tries (s)", default=5)
    wrapup_time = fields.Integer(
        string="Wrap-up time (s)", default=10, help="Rest after each call."
    )
    max_callers = fields.Integer(help="Callers allowed to wait; 0: no limit.")
    weight = fields.Integer(help="Queues with a higher weight are served first.")
    service_level = fields.Integer(
        string="Service level (s)", default=20, help="Target answer time."
    )
    announce_frequency = fields.Integer(
        string="Announce every (s)",
        default=30,
        help="Position and expected wait are announced this often; 0: never.",
    )
    announce_position = fields.Boolean(default=True)
    announce_holdtime = fields.Boolean(string="Announce expected wait", default=True)
    short_abandon_seconds = fields.Integer(
        string="Short abandon (s)",
        default=lambda self: self.env.company.hotline_short_abandon_seconds,
        help="Callers hanging up sooner are left out of abandonment and service level.",
    )
    # Queue() options (apps/app_queue.c) the IVR passes when a caller joins
    agent_transfer = fields.Boolean(
        string="Agents may transfer",
        default=True,
        help="Queue() option t: the agent may transfer the caller (attended "
        "transfer from the phone or the CTI panel). Without it the transfer "
        "code reaches the caller as tones and no transfer happens.",
    )
    caller_transfer = fields.Boolean(
        string="Callers may transfer", help="Queue() option T."
    )
    agent_park = fields.Boolean(string="Agents may park", help="Queue() option k.")
    caller_park = fields.Boolean(string="Callers may park", help="Queue() option K.")
    agent_record = fields.Boolean(
        string="Agents may record",
        help="Queue() option x: the agent may start a recording with the "
        "one-touch recording code.",
    )
    caller_record = fields.Boolean(
        string="Callers may record", help="Queue() option X."
    )
    no_retry = fields.Boolean(
        string="Leave after one round",
        help="Queue() option n: when every agent has been rung once, the caller "
        "leaves the queue (overflow) instead of waiting for the next round.",
    )
    waiting_sound = fields.Selection(
        [
            ("moh", "Music on hold"),
            ("ringing", "Ringing tone"),
            ("ring_when_ringing", "Music, ringing while an agent's phone rings"),
        ],
        string="Callers hear",
        required=True,
        default="moh",
        help="What a waiting caller hears: the queue's music on hold, a ringing "
        "tone (option r) or music until an agent's phone rings (option R).",
    )
    app_options = fields.Char(
        string="Queue() options",
        compute="_compute_app_options",
        help="Options the IVR passes to Asterisk's Queue() for this queue.",
    )
    skill_group_ids = fields.Many2many(
        "hotline.skill.group",
        "hotline_queue_skill_group_rel",
        "queue_id",
        "group_id",
        string="Skill groups",
        check_company=True,
    )
    member_ids = fields.One2many("hotline.queue.member", "queue_id", string="Members")
    member_count = fields.Integer(compute="_compute_member_count")
    needs_push = fields.Boolean(
        string="Not sent to the PBX",
        default=True,
        readonly=True,
        copy=False,
        help="The queue was created or changed in Odoo since the queues were last "
        "sent to the PBX: until a supervisor sends them (Send to PBX), Asterisk "
        "does not have it or runs its old settings, and agents cannot log in to "
        "a queue it does not have.",
    )
    pushed_at = fields.Datetime(
        string="Last sent to the PBX", readonly=True, copy=False
    )
    # the wallboard's colours (实时监控大屏)
    wallboard_wait_warning = fields.Integer(
        string="Longest wait: amber after (s)",
        default=30,
        help="The queue's wallboard tile turns amber when a caller has waited "
        "this long; 0: never.",
    )
    wallboard_wait_alert = fields.Integer(
        string="Longest wait: red after (s)",
        default=60,
        help="The queue's wallboard tile turns red when a caller has waited "
        "this long; 0: never.",
    )
    wallboard_waiting_alert = fields.Integer(
        string="Callers waiting: red from",
        help="The queue's wallboard tile turns red when this many callers "
        "wait; 0: never.",
    )
    wallboard_service_level_target = fields.Float(
        string="Service level target (%)",
        default=80.0,
        help="The queue's wallboard tile turns amber when today's service "
        "level is below it; 0: never.",
    )

    _sql_constraints = [
        ("code_uniq", "UNIQUE(code, company_id)", "A queue name is used once."),
        (
            "times_positive",
            "CHECK(ring_timeout > 0 AND retry >= 0 AND wrapup_time >= 0 AND max_callers >= 0)",  # noqa: E501
            "Times and limits cannot be negative.",
        ),
        (
            "wallboard_thresholds_positive",
            "CHECK(wallboard_wait_warning >= 0 AND wallboard_wait_alert >= 0 AND wallboard_waiting_alert >= 0 AND wallboard_service_level_target BETWEEN 0 AND 100)",  # noqa: E501
            "Wallboard thresholds cannot be negative; a service level target is a percentage.",  # noqa: E501
        ),
    ]

    @api.depends(
        "agent_transfer",
        "caller_transfer",
        "agent_park",
        "caller_park",
        "agent_record",
        "caller_record",
        "no_retry",
        "waiting_sound",
    )
    def _compute_app_options(self):
        for queue in self:
            queue.app_options = queue._hotline_app_options()

    def _hotline_app_options(self):
        """Queue() option letters of this queue (``c`` is the IVR's own)."""
        self.ensure_one()
        return queues_conf.app_options(
            {
                key: self[key]
                for key in [k for k, _letter in queues_conf.APP_OPTION_FLAGS]
                + ["waiting_sound"]
            }
        )

    @api.model_create_multi
    def create(self, vals_list):
        queues = super().create(vals_list)
        self.env["hotline.wallboard"]._hotline_touch(queues.company_id)
        return queues

    def unlink(self):
        companies = self.company_id
        res = super().unlink()
        self.env["hotline.wallboard"]._hotline_touch(companies)
        return res

    def write(self, vals):
        if WALLBOARD_QUEUE_FIELDS.intersection(vals):
            self.env["hotline.wallboard"]._hotline_touch(self.company_id)
        if "needs_push" in vals:
            return super().write(vals)
        # what the PBX holds of each queue: a change of it waits for a push
        before = {queue.id: queue._hotline_push_key() for queue in self}
        res = super().write(vals)
        changed = self.filtered(lambda q: q._hotline_push_key() != before[q.id])
        if changed:
            super(HotlineQueue, changed).write({"needs_push": True})
        return res

    def _hotline_push_key(self):
        """What a push writes of this queue: its settings in
        ``queues_hotline.conf`` and which PBX's file holds it."""
        self.ensure_one()
        return (
            self._hotline_conf_dict(),
            self.pbx_id.id,
            self.company_id.id,
            self.active,
        )

    @api.constrains("wallboard_wait_warning", "wallboard_wait_alert")
    def _check_wallboard_wait(self):
        for queue in self:
            if (
                queue.wallboard_wait_warning
                and queue.wallboard_wait_alert
                and queue.wallboard_wait_warning > queue.wallboard_wait_alert
            ):
                raise ValidationError(
                    self.env._(
                        "Queue %s: the wallboard turns amber before it turns red "
                        "(the amber wait cannot be longer than the red one).",
                        queue.name,
                    )
                )

    def _hotline_wallboard_thresholds(self):
        """What colours the queue's wallboard tile (0: never)."""
        self.ensure_one()
        return {
            "wait_warning": self.wallboard_wait_warning,
            "wait_alert": self.wallboard_wait_alert,
            "waiting_alert": self.wallboard_waiting_alert,
            "service_level_target": self.wallboard_service_level_target,
        }

    @api.depends("member_ids")
    def _compute_member_count(self):
        for queue in self:
            queue.member_count = len(queue.member_ids)

    @api.constrains("code")
    def _check_code(self):
        for queue in self:
            try:
                queues_conf.check_queue_name(queue.code)
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "Queue name %s may hold letters, digits, '-' and '_' only.",
                        queue.code,
                    )
                ) from exc

    def action_sync_members(self):
        """Members = agents of the skill groups (penalty of the group); others kept."""
        for queue in self:
            existing = {m.user_id.id: m for m in queue.member_ids}
            commands = []
            for group in queue.skill_group_ids:
                for user in group.user_ids:
                    member = existing.get(user.id)
                    if member is None:
                        commands.append(
                            Command.create(
                                {
                                    "user_id": user.id,
                                    "skill_group_id": group.id,
                                    "penalty": group.penalty,
                                }
                            )
                        )
                        existing[user.id] = True
            if commands:
                queue.member_ids = commands
        return True

    def _hotline_conf_dict(self):
        self.ensure_one()
        return {
            "name": self.code,
            "strategy": self.strategy,
            "timeout": self.ring_timeout,
            "retry": self.retry,
            "wrapuptime": self.wrapup_time,
            "maxlen": self.max_callers,
            "weight": self.weight,
            "servicelevel": self.service_level,
            "announce_frequency": self.announce_frequency,
            "announce_position": self.announce_position,
            "announce_holdtime": self.announce_holdtime,
        }

    @api.model
    def _hotline_conf_text(self, pbx=None):
        """``queues_hotline.conf`` for a PBX (queues of no PBX go everywhere)."""
        domain = [("company_id", "in", self.env.companies.ids)]
        if pbx:
            domain += [("pbx_id", "in", [pbx.id, False])]
        return queues_conf.generate(
            [q._hotline_conf_dict() for q in self.search(domain)]
        )

    def _hotline_ami(self, pbx):
        """The AMI session of the pick-up of a waiting caller on ``pbx``
        (:meth:`hotline.pbx._hotline_ami_session`: a failure is a
        ``UserError`` saying what Asterisk refused)."""
        return pbx._hotline_ami_session(refused=self.env._("the pick-up"))

    @api.model
    def hotline_push_config(self, pbx):
        """A supervisor's push of the queues to ``pbx``
        (:meth:`_hotline_push_config`)."""
        if not self.env.user.has_group("hotline_base.group_supervisor"):
            raise UserError(self.env._("Only supervisors push queue configuration."))
        return self._hotline_push_config(pbx)

    @api.model
    def _hotline_push_config(self, pbx):
        """Write ``queues_hotline.conf`` on ``pbx`` over AMI and reload app_queue.

        A fresh PBX has neither the live nor the staging file (GetConfig:
        "Config file not found"): CreateConfig makes them, as UpdateConfig only
        edits existing files. The staging file is rebuilt (its categories from
        the last push deleted, every queue of the PBX's company written; a queue
        with no PBX goes to all) in UpdateConfig actions under Asterisk's 128
        header lines, then copied over the live file in one action and app_queue
        reloaded (see ``queues_conf``). A refusal before the copy leaves the
        live file and the running queues as they were. The queues pushed no
        longer need a push (``needs_push``) once Asterisk reloaded them.
        """
        # one push per PBX at a time: two would interleave in the staging file
        self.env.cr.execute(
            SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", PUSH_LOCK_KEY, pbx.id)
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "Queues are being sent to %s by someone else: try again in a "
                    "moment.",
                    pbx.display_name,
                )
            )
        queues = self.search(
            [("company_id", "=", pbx.company_id.id), ("pbx_id", "in", [pbx.id, False])]
        )
        confs = [q._hotline_conf_dict() for q in queues]
        from ..pbx.ami_client import AmiActionError, AmiError

        with pbx._hotline_ami_session(
            refused=self.env._("the queue configuration")
        ) as ami:

            def categories(filename):
                try:
                    config = ami.action("GetConfig", Filename=filename)
                except AmiActionError as exc:
                    if str(exc) != "Config file not found":
                        raise
                    ami.action("CreateConfig", Filename=filename)
                    return []
                return queues_conf.config_categories(config)

            categories(queues_conf.CONF_FILENAME)
            staging = categories(queues_conf.STAGING_FILENAME)
            for fields_ in queues_conf.push_actions(confs, staging):
                ami.action("UpdateConfig", **fields_)
            try:
                ami.action("Reload", Module="app_queue")
            except AmiError as exc:
                # the live file is the new one already: say so
                raise UserError(
                    self.env._(
                        "The queue configuration was written on the PBX but "
                        "Asterisk did not reload it: %s",
                        str(exc),
                    )
                ) from exc
        queues.sudo().write({"needs_push": False, "pushed_at": fields.Datetime.now()})
        _logger.info("queues pushed to %s: %s", pbx.display_name, queues.mapped("code"))
        return True

    def action_push_config(self):
        pbxs = self.mapped("pbx_id") or self.env["hotline.pbx"].search(
            [("company_id", "in", self.env.companies.ids)]
        )
        if not pbxs:
            raise UserError(self.env._("No PBX is configured for your company."))
        for pbx in pbxs:
            self.hotline_push_config(pbx)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Queue configuration sent to the PBX."),
            },
        }

    # ------------------------------------------------------------------
    # Waiting callers and pick-up (抢接)
    # ------------------------------------------------------------------
    @api.model
    def hotline_waiting_calls(self, queue_ids=None, limit=None):
        """Callers waiting in the agent's queues (number, name, wait seconds),
        longest wait first, at most ``limit`` of them.

        Read from calls the connector marks queued (``queued_at`` set, not
        answered, not ended), so it needs no AMI round trip per refresh.
        """
        if queue_ids is None:
            queue_ids = (
                self.env["hotline.queue.member"]
                .sudo()
                .search([("user_id", "=", self.env.uid)])
                .queue_id.ids
            )
        calls = (
            self.env["hotline.call"]
            .sudo()
            .search(
                self._hotline_waiting_domain(queue_ids),
                order="queued_at, id",
                limit=limit,
            )
        )
        now = fields.Datetime.now()
        return [self._hotline_waiting_row(call, now) for call in calls]

    @api.model
    def _hotline_waiting_domain(self, queue_ids):
        """Calls waiting in ``queue_ids``: queued, neither answered nor ended."""
        return [
            ("queue_id", "in", queue_ids),
            ("queued_at", "!=", False),
            ("answered_at", "=", False),
            ("ended_at", "=", False),
        ]

    @api.model
    def _hotline_waiting_row(self, call, now):
        return {
            "call_id": call.id,
            "queue": call.queue_id.name,
            "number": call.caller_number or "",
            "name": call.partner_id.name or "",
            "wait_seconds": int((now - call.queued_at).total_seconds()),
        }
