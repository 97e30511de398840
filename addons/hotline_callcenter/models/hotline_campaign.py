# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound campaigns: the settings, the calling windows, and what the
connector's dialer (``cli/dialer.py``) asks of the database.

The dialer runs in the connector process, one per PBX, never in a web worker.
Each tick it calls :meth:`HotlineCampaign.hotline_dialer_plan` in a
transaction of its own: the attempts it returns are committed before their
Originate is sent, so a connector restarting in between never dials a contact
twice for one attempt (the open attempt keeps the contact "in progress"; after
the ring timeout :meth:`hotline_dialer_resolve_stale` resolves it from the
call log or marks it unknown).

Hooks for modules building on the engine (e.g. dunning):

- ``hotline.campaign.contact.variables``: a JSON object of the flow variables
  of the contact (amount, months, customer number...); the automated flow
  gets them as its collected variables (:meth:`hotline_flow_variables`).
- :meth:`_hotline_skip_before_dial`: contacts not to dial after all, with the
  reason (e.g. the customer paid since the campaign was built).
- ``hotline.campaign.attempt._hotline_on_result()``: called once per
  attempt when its result is written; ``hotline.campaign.contact.
  _hotline_on_finished()`` when a contact reaches a final state.
"""

import logging
from datetime import UTC, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..pbx import dialer
from ..pbx.hangup_causes import hangup_cause_code

_logger = logging.getLogger(__name__)

# an attempt without OriginateResponse this long after its ring timeout is
# resolved from the call log (or marked unknown)
STALE_MARGIN = 60
RESULT_COUNTERS = (
    ("busy", "busy_count"),
    ("no_answer", "no_answer_count"),
    ("invalid_number", "invalid_count"),
)
# the counters changed: one notification per campaign and transaction, on
# the campaign's company channel, which ``ir.websocket`` subscribes the
# company's supervisors to (agents and others never listen to it)
COUNTERS_SUBCHANNEL = "hotline_campaign"
COUNTERS_NOTIFICATION = "hotline/campaign_counters"
PENDING_COUNTERS_KEY = "hotline.campaign.counters"


class HotlineCampaign(models.Model):
    _name = "hotline.campaign"
    _description = "Outbound campaign"
    _inherit = ["mail.thread", "hotline.company.guard"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    pbx_id = fields.Many2one(
        "hotline.pbx", string="PBX", required=True, check_company=True, tracking=True
    )
    mode = fields.Selection(
        [
            ("automated", "Automated (IVR flow)"),
            ("progressive", "Progressive (free agent)"),
            ("preview", "Preview (agent dials)"),
        ],
        required=True,
        default="automated",
        tracking=True,
        help="Automated: the callee hears an IVR flow. Progressive: the dialer "
        "calls when an agent of the queue is free and bridges the callee to "
        "them. Preview: agents get the contact card and dial with one click.",
    )
    flow_id = fields.Many2one(
        "hotline.ivr.flow", string="IVR flow", check_company=True, tracking=True
    )
    queue_id = fields.Many2one("hotline.queue", check_company=True, tracking=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Calling windows",
        required=True,
        check_company=True,
        tracking=True,
        help="Hours per weekday. Public holidays are its time off without a "
        "resource (type Absence): no call on them. Adjusted working days "
        "(调休) are its time off of type Other without a resource: their "
        "period is a calling window even on a weekend. Times are in the "
        "company's time zone (the callees').",
    )
    max_channels = fields.Integer(
        string="Maximum concurrent calls", default=5, required=True, tracking=True
    )
    max_attempts = fields.Integer(
        string="Attempts per contact", default=3, required=True, tracking=True
    )
    ring_timeout = fields.Integer(
        string="Ring time (s)", default=30, required=True, tracking=True
    )
    retry_busy_minutes = fields.Integer(
        string="Retry after busy (min)", default=10, required=True, tracking=True
    )
    retry_no_answer_minutes = fields.Integer(
        string="Retry after no answer (min)", default=60, required=True, tracking=True
    )
    retry_failed_minutes = fields.Integer(
        string="Retry after a failure (min)",
        default=30,
        required=True,
        tracking=True,
        help="Congestion, network or PBX failures, unknown results.",
    )
    number_order = fields.Selection(
        [
            ("mobile_first", "Mobile, phone, other numbers"),
            ("phone_first", "Phone, mobile, other numbers"),
            ("mobile_only", "Mobile only"),
        ],
        default="mobile_first",
        required=True,
        help="Which numbers of a customer are dialled, in which order: one "
        "per attempt in turn; a number found not to exist is dropped.",
    )
    caller_id = fields.Char(
        string="Caller ID shown", help="Number (and name) the callee sees."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("paused", "Paused"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    last_error = fields.Text(readonly=True, copy=False)
    contact_ids = fields.One2many("hotline.campaign.contact", "campaign_id")
    attempt_ids = fields.One2many("hotline.campaign.attempt", "campaign_id")
    contact_count = fields.Integer(compute="_compute_counters")
    pending_count = fields.Integer(string="To call", compute="_compute_counters")
    reached_count = fields.Integer(string="Reached", compute="_compute_counters")
    failed_contact_count = fields.Integer(
        string="Unreachable", compute="_compute_counters"
    )
    excluded_count = fields.Integer(string="Not dialled", compute="_compute_counters")
    dialled_count = fields.Integer(string="Dialled", compute="_compute_counters")
    in_progress_count = fields.Integer(
        string="In progress", compute="_compute_counters"
    )
    answered_count = fields.Integer(string="Answered", compute="_compute_counters")
    busy_count = fields.Integer(string="Busy", compute="_compute_counters")
    no_answer_count = fields.Integer(string="No answer", compute="_compute_counters")
    invalid_count = fields.Integer(
        string="Number does not exist", compute="_compute_counters"
    )
    other_result_count = fields.Integer(
        string="Failed / other", compute="_compute_counters"
    )

    _sql_constraints = [
        (
            "limits_positive",
            "CHECK(max_channels > 0 AND max_attempts > 0 AND ring_timeout > 0)",
            "Concurrent calls, attempts and ring time must be positive.",
        ),
        (
            "intervals_not_negative",
            (
                "CHECK(retry_busy_minutes >= 0 AND retry_no_answer_minutes >= 0"
                " AND retry_failed_minutes >= 0)"
            ),
            "Retry intervals cannot be negative.",
        ),
    ]

    def _compute_counters(self):
        Attempt = self.env["hotline.campaign.attempt"].sudo()
        Contact = self.env["hotline.campaign.contact"].sudo()
        domain = [("campaign_id", "in", self.ids)]
        attempts = {}
        for campaign, state, result, count in Attempt._read_group(
            domain, ["campaign_id", "state", "result"], ["__count"]
        ):
            attempts.setdefault(campaign.id, []).append((state, result, count))
        contacts = {}
        for campaign, state, count in Contact._read_group(
            domain, ["campaign_id", "state"], ["__count"]
        ):
            contacts.setdefault(campaign.id, {})[state] = count
        for campaign in self:
            rows = attempts.get(campaign.id, [])
            by_state = contacts.get(campaign.id, {})
            by_result = {}
            for _state, result, count in rows:
                by_result[result] = by_result.get(result, 0) + count
            campaign.contact_count = sum(by_state.values())
            campaign.pending_count = sum(
                by_state.get(s, 0) for s in ("pending", "retry", "in_progress")
            )
            campaign.reached_count = by_state.get("done", 0)
            campaign.failed_contact_count = by_state.get("failed", 0)
            campaign.excluded_count = by_state.get("excluded", 0)
            campaign.dialled_count = sum(count for _s, _r, count in rows)
            campaign.in_progress_count = sum(
                count for state, _r, count in rows if state in ("dialing", "answered")
            )
            campaign.answered_count = by_result.get("answered", 0)
            for result, field in RESULT_COUNTERS:
                campaign[field] = by_result.get(result, 0)
            campaign.other_result_count = sum(
                count
                for result, count in by_result.items()
                if result
                and result not in ("answered", "busy", "no_answer")
                and result != "invalid_number"
            )

    # ------------------------------------------------------------------
    # Live counters
    # ------------------------------------------------------------------
    def _hotline_notify_counters(self):
        """Tell the supervisors' open forms that the counters of these
        campaigns changed (an attempt started, got its result or ended, a
        contact was set aside). Coalesced: one ``hotline/campaign_counters``
        notification per campaign when the transaction commits, however
        many attempts it wrote (the dialer writes a tick's results in one)."""
        if not self:
            return
        data = self.env.cr.precommit.data
        if PENDING_COUNTERS_KEY not in data:
            data[PENDING_COUNTERS_KEY] = set()
            env = self.sudo().env

            @self.env.cr.precommit.add
            def send_counters():
                campaign_ids = data.pop(PENDING_COUNTERS_KEY, set())
                env["hotline.campaign"].browse(
                    sorted(campaign_ids)
                )._hotline_send_counters()

        data[PENDING_COUNTERS_KEY].update(self.ids)

    def _hotline_send_counters(self):
        Bus = self.env["bus.bus"].sudo()
        for campaign in self.sudo().exists():
            Bus._sendone(
                (campaign.company_id, COUNTERS_SUBCHANNEL),
                COUNTERS_NOTIFICATION,
                {"campaign_id": campaign.id, "state": campaign.state},
            )

    @api.model
    def _hotline_counters_companies_of(self, user):
        """Companies whose campaigns' notifications ``user`` listens to: a
        supervisor's companies, nobody else's."""
        if user.has_group("hotline_base.group_supervisor"):
            return user.company_ids
        return self.env["res.company"]

    # ------------------------------------------------------------------
    # Checks and buttons
    # ------------------------------------------------------------------
    @api.constrains("mode", "flow_id", "queue_id")
    def _check_mode(self):
        for campaign in self:
            if campaign.mode == "automated" and not campaign.flow_id:
                raise ValidationError(
                    self.env._(
                        "An automated campaign needs the IVR flow its callees hear."
                    )
                )
            if campaign.mode != "automated" and not campaign.queue_id:
                raise ValidationError(
                    self.env._(
                        "A progressive or preview campaign needs a queue of agents."
                    )
                )

    def _hotline_check_supervisor(self):
        # superuser code (a module starting its own campaigns) may too
        if not self.env.su and not self.env.user.has_group(
            "hotline_base.group_supervisor"
        ):
            raise UserError(self.env._("Only supervisors run campaigns."))

    def action_start(self):
        self._hotline_check_supervisor()
        for campaign in self:
            if campaign.state == "done":
                raise UserError(
                    self.env._("Campaign “%s” is finished.", campaign.display_name)
                )
            if not campaign.contact_ids:
                raise UserError(
                    self.env._("Campaign “%s” has no contacts.", campaign.display_name)
                )
            campaign.contact_ids.filtered(
                lambda c: c.state in ("pending", "retry")
            )._hotline_prepare_numbers()
            if campaign.mode == "preview":
                campaign._hotline_assign_preview()
            campaign.write({"state": "running", "last_error": False})
        return True

    def action_pause(self):
        self._hotline_check_supervisor()
        self.filtered(lambda c: c.state == "running").write({"state": "paused"})
        return True

    def action_stop(self):
        """No new attempt; the calls under way end by themselves."""
        self._hotline_check_supervisor()
        self.write({"state": "done"})
        return True

    def _hotline_assign_preview(self):
        """Preview tasks: the unassigned contacts, in turn, to the queue's agents."""
        self.ensure_one()
        agents = self.queue_id.sudo().member_ids.user_id
        if not agents:
            raise UserError(
                self.env._("Queue “%s” has no agents.", self.queue_id.display_name)
            )
        todo = self.contact_ids.filtered(
            lambda c: not c.user_id and c.state in ("pending", "retry")
        )
        for index, contact in enumerate(todo):
            contact.user_id = agents[index % len(agents)]

    # ------------------------------------------------------------------
    # Calling windows
    # ------------------------------------------------------------------
    def _hotline_tz(self):
        self.ensure_one()
        return pytz.timezone(
            self.company_id.partner_id.tz or self.calendar_id.tz or "UTC"
        )

    def _hotline_windows(self, start, end):
        """The calling windows between ``start`` and ``end`` (aware), as
        ``[(start, end)]`` aware UTC: the calendar's working hours in the
        company's time zone without its public holidays, plus its adjusted
        working days (time off of type Other without a resource)."""
        self.ensure_one()
        calendar = self.calendar_id.sudo()
        tz = self._hotline_tz()
        intervals = calendar._work_intervals_batch(start, end, tz=tz)[False]
        windows = [(s.astimezone(UTC), e.astimezone(UTC)) for s, e, _m in intervals]
        adjusted = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("calendar_id", "=", calendar.id),
                    ("resource_id", "=", False),
                    ("time_type", "=", "other"),
                    ("date_from", "<", end.astimezone(UTC).replace(tzinfo=None)),
                    ("date_to", ">", start.astimezone(UTC).replace(tzinfo=None)),
                ]
            )
        )
        for leave in adjusted:
            windows.append(
                (
                    leave.date_from.replace(tzinfo=UTC),
                    leave.date_to.replace(tzinfo=UTC),
                )
            )
        return sorted(windows)

    def _hotline_intervals(self):
        self.ensure_one()
        return {
            "busy": self.retry_busy_minutes,
            "no_answer": self.retry_no_answer_minutes,
            "failed": self.retry_failed_minutes,
        }

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _hotline_skip_before_dial(self, contacts):
        """{contact id: reason} of due contacts not to dial after all (read
        just before dialling). Override to add business reasons."""
        self.ensure_one()
        return {}

    # ------------------------------------------------------------------
    # The connector's dialer
    # ------------------------------------------------------------------
    @api.model
    def _hotline_check_connector(self):
        """The dialer's methods are the connector's (superuser), not users'."""
        if not self.env.su and not self.env.user.has_group("hotline_base.group_admin"):
            raise AccessError(self.env._("Only the PBX connector dials campaigns."))

    @api.model
    def _hotline_now(self):
        return fields.Datetime.now().replace(tzinfo=UTC)

    @api.model
    def hotline_dialer_plan(self, pbx_id, now=None):
        """Pick the contacts to dial now on PBX ``pbx_id``, write one attempt
        each (state dialing) and return the Originate specs (plain dicts,
        see :func:`pbx.dialer.originate_fields`).  The caller commits before
        sending them."""
        self._hotline_check_connector()
        now = now or self._hotline_now()
        specs = []
        campaigns = self.sudo().search(
            [
                ("pbx_id", "=", pbx_id),
                ("state", "=", "running"),
                ("mode", "!=", "preview"),
            ]
        )
        for campaign in campaigns:
            specs.extend(campaign._hotline_plan(now))
        return specs

    def _hotline_plan(self, now):
        self.ensure_one()
        Contact = self.env["hotline.campaign.contact"].sudo()
        Attempt = self.env["hotline.campaign.attempt"].sudo()
        hour = timedelta(hours=1)
        windows = self._hotline_windows(now - hour, now + hour)
        if not dialer.in_windows(now, windows):
            return []
        in_use = Attempt.search_count(
            [("campaign_id", "=", self.id), ("state", "in", ("dialing", "answered"))]
        )
        slots = self.max_channels - in_use
        free_agents = None
        if self.mode == "progressive":
            # a callee still ringing will take one of the ready agents; the
            # answered ones are on a call already (not ready)
            ringing = Attempt.search_count(
                [("campaign_id", "=", self.id), ("state", "=", "dialing")]
            )
            free_agents = max(self._hotline_free_agents() - ringing, 0)
            slots = min(slots, free_agents)
        if slots <= 0:
            return []
        naive_now = now.astimezone(UTC).replace(tzinfo=None)
        candidates = Contact.search(
            [
                ("campaign_id", "=", self.id),
                ("state", "in", ("pending", "retry")),
                ("attempt_count", "<", self.max_attempts),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", naive_now),
            ],
            order="next_attempt_at asc nulls first, id",
            limit=slots * 2 + 10,
        )
        skipped = self._hotline_skip_before_dial(candidates)
        for contact in candidates.filtered(lambda c: c.id in skipped):
            contact._hotline_exclude(skipped[contact.id])
        candidates = candidates.filtered(lambda c: c.id not in skipped)
        if candidates:
            # another transaction (the UI, a previous tick) must not take them
            rows = self.env.execute_query(
                SQL(
                    "SELECT id FROM hotline_campaign_contact WHERE id IN %s"
                    " FOR UPDATE SKIP LOCKED",
                    tuple(candidates.ids),
                )
            )
            locked = {row[0] for row in rows}
            candidates = candidates.filtered(lambda c: c.id in locked)
        due = [
            {
                "id": c.id,
                "attempts": c.attempt_count,
                "next_attempt_at": c.next_attempt_at.replace(tzinfo=UTC)
                if c.next_attempt_at
                else None,
            }
            for c in candidates
        ]
        settings = {
            "mode": self.mode,
            "max_channels": self.max_channels,
            "max_attempts": self.max_attempts,
        }
        picked = dialer.plan_dials(now, settings, due, in_use, windows, free_agents)
        specs = []
        for item in picked:
            contact = Contact.browse(item["id"])
            spec = contact._hotline_start_attempt(now)
            if spec:
                specs.append(spec)
        return specs

    def _hotline_free_agents(self):
        """Agents of the queue ready for a call now."""
        self.ensure_one()
        users = self.queue_id.sudo().member_ids.user_id
        return len(users.filtered(lambda u: u.hotline_agent_state == "available"))

    def _hotline_originate_spec(self, attempt):
        """The Originate of ``attempt`` (plain values for the connector)."""
        self.ensure_one()
        pbx = self.pbx_id.sudo()
        variables = {
            "CRM_CALL_ID": attempt.channel_id,
            "HOTLINE_CAMPAIGN": self.id,
            "HOTLINE_CONTACT": attempt.contact_id.id,
            "HOTLINE_ATTEMPT": attempt.id,
        }
        if self.mode == "automated":
            variables["HOTLINE_FLOW"] = self.flow_id.id
        else:
            variables["HOTLINE_QUEUE"] = self.queue_id.code or ""
        return {
            "attempt_id": attempt.id,
            "campaign_id": self.id,
            "number": attempt.number,
            "channel": pbx.trunk_channel_template.format(number=attempt.number),
            "context": pbx.campaign_context,
            "exten": "ivr" if self.mode == "automated" else "agent",
            "caller_id": self.caller_id or "",
            "timeout": self.ring_timeout,
            "action_id": attempt.action_id,
            "channel_id": attempt.channel_id,
            "variables": variables,
        }

    @api.model
    def hotline_dialer_open_attempts(self, pbx_id):
        """``[(attempt id, channel id)]`` still waiting for a result or their
        hang-up: watched again after a restart."""
        self._hotline_check_connector()
        attempts = (
            self.env["hotline.campaign.attempt"]
            .sudo()
            .search([("pbx_id", "=", pbx_id), ("state", "in", ("dialing", "answered"))])
        )
        return [(a.id, a.channel_id) for a in attempts]

    @api.model
    def hotline_dialer_results(self, results, now=None):
        """Write what the tracker reported (``AttemptTracker.feed``)."""
        self._hotline_check_connector()
        now = now or self._hotline_now()
        Attempt = self.env["hotline.campaign.attempt"].sudo()
        for item in results:
            attempt = Attempt.browse(item["attempt_id"]).exists()
            if not attempt:
                continue
            if item["kind"] == "result":
                attempt._hotline_set_result(
                    item["result"],
                    now,
                    reason=item.get("reason"),
                    cause=item.get("cause"),
                )
            elif item["kind"] == "ended":
                attempt._hotline_set_ended(now, item.get("cause"))
        return True

    @api.model
    def hotline_dialer_refused(self, attempt_id, message, now=None):
        """The PBX refused the Originate (``Response: Error``): the attempt is
        recorded as refused, the contact keeps its attempt, and the campaign
        pauses (every other Originate would be refused too) with the PBX's
        words on it."""
        self._hotline_check_connector()
        now = now or self._hotline_now()
        attempt = self.env["hotline.campaign.attempt"].sudo().browse(attempt_id)
        attempt._hotline_set_result("refused", now, cause=message)
        campaign = attempt.campaign_id
        if campaign.state == "running":
            campaign.write(
                {
                    "state": "paused",
                    "last_error": self.env._(
                        "The PBX refused the call to %(number)s: %(message)s",
                        number=attempt.number,
                        message=message,
                    ),
                }
            )
        return True

    @api.model
    def hotline_dialer_resolve_stale(self, pbx_id, now=None, margin=STALE_MARGIN):
        """Attempts without OriginateResponse well after their ring timeout
        (the connector was down, events were lost): their call in the call
        log says what happened, else the result is unknown. Never redialled
        blindly: the contact's next attempt follows the usual interval."""
        self._hotline_check_connector()
        now = now or self._hotline_now()
        Attempt = self.env["hotline.campaign.attempt"].sudo()
        naive = now.astimezone(UTC).replace(tzinfo=None)
        attempts = Attempt.search(
            [("pbx_id", "=", pbx_id), ("state", "=", "dialing")]
        ).filtered(lambda a: a.started_at + a._hotline_result_delay(margin) <= naive)
        for attempt in attempts:
            call = attempt._hotline_find_call()
            if call and call.answered_at:
                attempt._hotline_set_result("answered", now, call=call)
                if call.ended_at:
                    attempt._hotline_set_ended(now, call.hangup_cause)
            elif call and call.ended_at:
                # a call closed at resynchronisation carries no cause of
                # Asterisk's: what happened to it is unknown
                cause = hangup_cause_code(call.hangup_cause)
                if cause in (None, "other"):
                    attempt._hotline_set_result(
                        "unknown", now, cause=call.hangup_cause, call=call
                    )
                else:
                    result = dialer.attempt_result("Failure", "", cause)
                    attempt._hotline_set_result(result, now, cause=cause, call=call)
            else:
                attempt._hotline_set_result("unknown", now)
        # answered calls whose hang-up was missed: closed from the call log
        answered = Attempt.search([("pbx_id", "=", pbx_id), ("state", "=", "answered")])
        for attempt in answered:
            call = attempt._hotline_find_call()
            if call and call.ended_at:
                attempt._hotline_set_ended(now, call.hangup_cause)
        return len(attempts)
