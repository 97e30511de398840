# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

RATINGS = [
    ("satisfied", "Satisfied"),
    ("neutral", "Neutral"),
    ("dissatisfied", "Dissatisfied"),
    ("complaint", "Complaint about the service"),
]
RATING_BY_DIGIT = {
    "1": "satisfied",
    "2": "neutral",
    "3": "dissatisfied",
    "0": "complaint",
}
WAIT_BUCKETS = [
    ("0_15", "0-15 s"),
    ("15_30", "15-30 s"),
    ("30_45", "30-45 s"),
    ("45_60", "45-60 s"),
    ("60_90", "60-90 s"),
    ("90_plus", "90 s and more"),
]
DEFAULT_SHORT_ABANDON = 5


def wait_bucket(seconds):
    for limit, key in (
        (15, "0_15"),
        (30, "15_30"),
        (45, "30_45"),
        (60, "45_60"),
        (90, "60_90"),
    ):
        if seconds < limit:
            return key
    return "90_plus"


class HotlineCall(models.Model):
    """Queue, post-call rating and the per-call facts call-centre reports add up."""

    _inherit = "hotline.call"

    queue_id = fields.Many2one("hotline.queue", index=True)
    queue_options = fields.Char(
        string="Queue() options",
        readonly=True,
        help="Options of the Queue() the caller waited in, as the IVR sent them "
        "(t: the agent may transfer the caller).",
    )
    ivr_flow_id = fields.Many2one("hotline.ivr.flow", string="IVR flow")
    # post-call rating (服务满意度评价)
    rating = fields.Selection(RATINGS, index=True, readonly=True)
    rating_digit = fields.Char(readonly=True)
    rated_at = fields.Datetime(readonly=True)
    rating_complaint = fields.Boolean(
        string="Complaint about the service",
        readonly=True,
        help="The caller pressed 0 at the satisfaction prompt.",
    )
    team_id = fields.Many2one(
        "hotline.skill.group",
        compute="_compute_team_id",
        store=True,
        index=True,
        help="The agent's skill group when the call was served: the one that "
        "made the agent a member of the call's queue, else the agent's first. "
        "Kept when the agent changes teams later, so ratings stay with the "
        "team that earned them.",
    )
    # report facts, one per call
    is_offered = fields.Boolean(
        compute="_compute_report_facts",
        store=True,
        help="The caller asked for an agent (reached a queue or an agent).",
    )
    is_answered = fields.Boolean(compute="_compute_report_facts", store=True)
    is_abandoned = fields.Boolean(
        compute="_compute_report_facts",
        store=True,
        help="Hung up while waiting, short abandons excluded.",
    )
    is_short_abandon = fields.Boolean(
        compute="_compute_report_facts",
        store=True,
        help="Hung up in the queue before the queue's short-abandon threshold.",
    )
    answered_within_15 = fields.Boolean(
        string="Answered within 15 s", compute="_compute_report_facts", store=True
    )
    answered_within_20 = fields.Boolean(
        string="Answered within 20 s", compute="_compute_report_facts", store=True
    )
    abandoned_within_20 = fields.Boolean(
        string="Abandoned within 20 s", compute="_compute_report_facts", store=True
    )
    wait_bucket = fields.Selection(
        WAIT_BUCKETS, compute="_compute_report_facts", store=True
    )
    call_hour = fields.Integer(
        string="Hour", compute="_compute_report_facts", store=True, aggregator=None
    )

    @api.depends("user_id", "queue_id")
    def _compute_team_id(self):
        Member = self.env["hotline.queue.member"].sudo()
        Group = self.env["hotline.skill.group"].sudo()
        for call in self:
            user = call.user_id
            team = Group
            if user and call.queue_id:
                team = Member.search(
                    [
                        ("queue_id", "=", call.queue_id.id),
                        ("user_id", "=", user.id),
                        ("skill_group_id", "!=", False),
                    ],
                    limit=1,
                ).skill_group_id
            if user and not team:
                groups = Group.search(
                    [
                        ("user_ids", "in", user.ids),
                        ("company_id", "in", [call.company_id.id, False]),
                    ],
                    order="name, id",
                )
                in_queue = groups & call.queue_id.sudo().skill_group_ids
                team = in_queue[:1] or groups[:1]
            call.team_id = team

    @api.depends(
        "disposition",
        "queued_at",
        "answered_at",
        "wait_seconds",
        "started_at",
        "queue_id.short_abandon_seconds",
    )
    def _compute_report_facts(self):
        for call in self:
            wait = call.wait_seconds or 0
            threshold = (
                call.queue_id.short_abandon_seconds
                if call.queue_id
                else DEFAULT_SHORT_ABANDON
            )
            answered = call.disposition == "answered" and bool(call.answered_at)
            abandoned = call.disposition == "abandoned_queue"
            short = abandoned and wait < threshold
            call.is_short_abandon = short
            call.is_abandoned = abandoned and not short
            call.is_answered = answered
            call.is_offered = (
                answered or abandoned or bool(call.queued_at)
            ) and not short
            call.answered_within_15 = answered and wait <= 15
            call.answered_within_20 = answered and wait <= 20
            call.abandoned_within_20 = call.is_abandoned and wait <= 20
            call.wait_bucket = wait_bucket(wait) if (answered or abandoned) else False
            call.call_hour = call.started_at.hour if call.started_at else 0

    # ------------------------------------------------------------------
    # rating
    # ------------------------------------------------------------------
    def _hotline_store_rating(self, digit):
        """Store the caller's key at the rating prompt; 0 flags a complaint."""
        self.ensure_one()
        rating = RATING_BY_DIGIT.get(digit)
        if not rating:
            raise UserError(self.env._("%s is not a rating key (1, 2, 3 or 0).", digit))
        self.write(
            {
                "rating": rating,
                "rating_digit": digit,
                "rated_at": fields.Datetime.now(),
                "rating_complaint": rating == "complaint",
            }
        )
        if rating == "complaint":
            self._hotline_on_rating_complaint()
        return rating

    def _hotline_on_rating_complaint(self):
        """Hook: the caller complained about the service (key 0).

        hotline_complaints overrides it to open a case linked to the call and
        its agent. Returns nothing.
        """
        _logger.info(
            "call %s: complaint about agent %s at the rating prompt",
            self.id,
            self.user_id.login,
        )

    # ------------------------------------------------------------------
    # pick-up (抢接)
    # ------------------------------------------------------------------
    def action_hotline_pickup(self):
        """Take a waiting caller: AMI Redirect of the caller's channel to my phone."""
        self.ensure_one()
        user = self.env.user
        if not user.has_group("hotline_base.group_agent"):
            raise UserError(self.env._("Only agents pick up waiting callers."))
        if not user.hotline_extension:
            raise UserError(self.env._("You have no phone extension."))
        call = self.sudo()
        if call.answered_at or call.ended_at or not call.queued_at:
            raise UserError(self.env._("This caller is no longer waiting."))
        pbx = call.pbx_id or call.queue_id.pbx_id
        if not pbx:
            raise UserError(self.env._("The call has no PBX."))
        from ..pbx.ami_client import AmiError

        try:
            with call.queue_id._hotline_ami(pbx) as ami:
                _response, channels = ami.action_list("CoreShowChannels")
                channel = next(
                    (
                        c.get("Channel")
                        for c in channels
                        if call.uniqueid and c.get("Uniqueid") == call.uniqueid
                    ),
                    None,
                )
                if not channel:
                    raise UserError(self.env._("This caller is no longer waiting."))
                ami.action(
                    "Redirect",
                    Channel=channel,
                    Exten=user.hotline_extension,
                    Context=pbx.internal_context,
                    Priority="1",
                )
        except AmiError as exc:
            raise UserError(
                self.env._("Asterisk refused the pick-up: %s", str(exc))
            ) from exc
        call.user_id = user
        return True
