# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Callback plans (回访计划): what is sampled, how often, who calls.

An hourly cron runs each active plan once per period (the calendar day or the
ISO week, in the company's time zone); *Sample now* runs it at once. A run
considers the cases, calls or work orders that ended since the previous run's
cut-off (a new plan: within one period) and at least ``delay_hours`` ago, so
each record is considered once and a rate means what it says. Without the
excluded ones (already sampled by any plan, no customer, opted out or not to
be called, a confidential reporter who did not ask for it, called back
lately), it samples ``sample_rate`` % or what is left of ``sample_count`` per
team and period, with a seed of the plan and the period (reproducible), one
record per customer; writes one ``hotline.callback.task`` per sampled record
and adds its customer to the plan's campaign of the period
(``hotline.campaign``: preview for agent callbacks, automated with the keypad
flow for keypad surveys), so that the outbound engine of hotline_callcenter
dials, retries and records them. Agent callbacks go to the queue's agents,
fewest open callback tasks first, within ``agent_quota`` per period; what the
quotas leave out waits for the next period's run, once. The arithmetic is in
``tools/sampling.py``.
"""

from datetime import timedelta

import pytz
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..tools import sampling

SOURCES = [
    ("case", "Closed cases"),
    ("call", "Answered calls"),
    ("work_order", "Completed work orders"),
]
# a customer with such a task is not sampled again: open tasks whenever they
# were made, answered ones within the plan's ``exclude_days``
OPEN_TASK_STATES = ("pending", "calling")
REACHED_TASK_STATES = ("done", "partial")
# the field of the task pointing at each source's record
SOURCE_FIELDS = {"case": "ticket_id", "call": "call_id", "work_order": "work_order_id"}
SOURCE_MODELS = {
    "case": "helpdesk.ticket",
    "call": "hotline.call",
    "work_order": "hotline.work.order",
}


class HotlineCallbackPlan(models.Model):
    _name = "hotline.callback.plan"
    _description = "Callback plan"
    _inherit = ["mail.thread", "hotline.company.guard"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    # what is sampled
    source = fields.Selection(
        SOURCES, string="Sample", required=True, default="case", tracking=True
    )
    case_type_ids = fields.Many2many(
        "hotline.case.type", string="Case types", help="Empty: every case type."
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Teams",
        help="Cases and work orders of these teams, calls answered by their "
        "agents. Empty: every team.",
    )
    channel_ids = fields.Many2many(
        "helpdesk.ticket.channel", string="Channels", help="Empty: every channel."
    )
    queue_ids = fields.Many2many(
        "hotline.queue",
        "hotline_callback_plan_sampled_queue_rel",
        string="Queues sampled",
        help="Calls: answered in these queues. Empty: every queue.",
    )
    sampling = fields.Selection(
        [("rate", "A percentage"), ("count", "A fixed number")],
        required=True,
        default="rate",
        tracking=True,
    )
    sample_rate = fields.Float(string="Sampling rate (%)", default=20.0, tracking=True)
    sample_count = fields.Integer(
        string="Number per period and team", default=10, tracking=True
    )
    period = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly")],
        required=True,
        default="daily",
        tracking=True,
    )
    delay_hours = fields.Integer(
        string="Delay after closing (h)",
        default=24,
        required=True,
        help="A case, call or work order is sampled this long after it ended.",
    )
    exclude_days = fields.Integer(
        string="Not again within (days)",
        default=30,
        help="Customers called back within this many days are not sampled.",
    )
    survey_id = fields.Many2one("survey.survey", required=True, tracking=True)
    # who calls, how
    mode = fields.Selection(
        [
            ("agent", "Agent callback (preview campaign)"),
            ("keypad", "Automated keypad survey"),
        ],
        required=True,
        default="agent",
        tracking=True,
    )
    queue_id = fields.Many2one(
        "hotline.queue",
        string="Agents of queue",
        check_company=True,
        help="Agent callbacks: the tasks go to the agents of this queue.",
    )
    agent_quota = fields.Integer(
        string="Tasks per agent and period",
        default=0,
        help="0: no limit; sampled tasks beyond the agents' quotas wait for "
        "the next period.",
    )
    flow_id = fields.Many2one(
        "hotline.ivr.flow",
        string="Keypad flow",
        check_company=True,
        help="Keypad surveys: the IVR flow the callee hears (with a Survey node).",
    )
    pbx_id = fields.Many2one("hotline.pbx", string="PBX", check_company=True)
    calendar_id = fields.Many2one(
        "resource.calendar", string="Calling windows", check_company=True
    )
    max_attempts = fields.Integer(string="Attempts per customer", default=3)
    retry_minutes = fields.Integer(string="Retry after (min)", default=120)
    caller_id = fields.Char(string="Caller ID shown")
    link_fallback = fields.Boolean(
        string="Send the survey link when unreachable",
        default=True,
        help="After the last attempt the customer gets an SMS (or an e-mail "
        "without a mobile) with a personal link to the survey.",
    )
    complaint_on_dissatisfied = fields.Boolean(
        string="Dissatisfied answers open a complaint",
        default=True,
        help="A dissatisfied answer reopens the case or creates a complaint "
        "case linked to it.",
    )
    last_run_at = fields.Datetime(readonly=True, copy=False)
    sampled_until = fields.Datetime(
        string="Sampled up to",
        readonly=True,
        copy=False,
        help="Cases, calls and work orders that ended up to this time were "
        "considered by a run (sampled or not): each is considered once. A new "
        "plan's first run looks back one period before its delay.",
    )
    waiting = fields.Json(
        readonly=True,
        copy=False,
        help="Records sampled but left out by the agents' quotas (or, for a "
        "confidential reporter, for want of an agent allowed to call them): "
        "the next period's run takes them first, once.",
    )
    last_error = fields.Text(
        readonly=True, copy=False, help="Why the last scheduled run did not sample."
    )
    task_ids = fields.One2many("hotline.callback.task", "plan_id")
    campaign_ids = fields.One2many("hotline.campaign", "hotline_callback_plan_id")

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.constrains(
        "sampling",
        "sample_rate",
        "sample_count",
        "delay_hours",
        "exclude_days",
        "agent_quota",
        "max_attempts",
        "retry_minutes",
        "mode",
        "queue_id",
        "flow_id",
        "survey_id",
    )
    def _check_hotline_settings(self):
        for plan in self:
            name = plan.display_name
            if plan.sampling == "rate" and not 0 < plan.sample_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "The sampling rate of plan “%s” must be above 0 and at "
                        "most 100.",
                        name,
                    )
                )
            if plan.sampling == "count" and plan.sample_count <= 0:
                raise ValidationError(
                    self.env._(
                        "Plan “%s” must sample at least one record per period "
                        "and team.",
                        name,
                    )
                )
            if plan.delay_hours < 0:
                raise ValidationError(
                    self.env._(
                        "The delay after closing of plan “%s” cannot be negative.",
                        name,
                    )
                )
            if plan.exclude_days < 0:
                raise ValidationError(
                    self.env._(
                        "The days without a new callback of plan “%s” cannot be "
                        "negative.",
                        name,
                    )
                )
            if plan.agent_quota < 0:
                raise ValidationError(
                    self.env._(
                        "The tasks per agent of plan “%s” cannot be negative "
                        "(0: no limit).",
                        name,
                    )
                )
            if plan.max_attempts <= 0 or plan.retry_minutes < 0:
                raise ValidationError(
                    self.env._(
                        "Plan “%s” needs at least one attempt per customer and "
                        "a retry interval that is not negative.",
                        name,
                    )
                )
            if plan.mode == "agent" and not plan.queue_id:
                raise ValidationError(
                    self.env._(
                        "Plan “%s” is called back by agents: choose the queue "
                        "whose agents call.",
                        name,
                    )
                )
            if plan.mode == "keypad" and not plan.flow_id:
                raise ValidationError(
                    self.env._(
                        "Plan “%s” is a keypad survey: choose the IVR flow the "
                        "customers hear.",
                        name,
                    )
                )
            if plan.mode == "keypad":
                plan._check_hotline_keypad()
            if not plan.survey_id.question_ids:
                raise ValidationError(
                    self.env._(
                        "Survey “%(survey)s” of plan “%(plan)s” has no questions.",
                        survey=plan.survey_id.display_name,
                        plan=name,
                    )
                )

    def _check_hotline_keypad(self):
        """A keypad plan's flow must ask its survey, and the survey must be
        playable on the keypad (checked again when the flow is published)."""
        self.ensure_one()
        nodes = self.flow_id.node_ids.filtered(
            lambda n: n.node_type == "questionnaire" and n.survey_id == self.survey_id
        )
        if not nodes:
            raise ValidationError(
                self.env._(
                    "IVR flow “%(flow)s” of plan “%(plan)s” has no Survey node "
                    "asking survey “%(survey)s”.",
                    flow=self.flow_id.display_name,
                    plan=self.display_name,
                    survey=self.survey_id.display_name,
                )
            )
        problem = self.env["survey.question"]._hotline_keypad_survey_problem(
            self.survey_id
        )
        if problem:
            raise ValidationError(problem)

    # ------------------------------------------------------------------
    # Periods
    # ------------------------------------------------------------------
    def _hotline_tz(self):
        """The company's time zone (the campaign's): days and weeks are
        counted there."""
        self.ensure_one()
        company = self.company_id
        calendar = self.calendar_id or company.resource_calendar_id
        return pytz.timezone(company.partner_id.tz or calendar.tz or "UTC")

    def _hotline_period(self, now):
        """``(key, start, end)`` of the period ``now`` (naive UTC) is in:
        ``2026-12-03`` or ``2026-W49``, and its bounds in naive UTC (end
        excluded)."""
        self.ensure_one()
        tz = self._hotline_tz()
        day = pytz.utc.localize(now).astimezone(tz).date()
        start, end = sampling.period_bounds(day, self.period)

        def to_utc(local):
            return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

        return sampling.period_key(day, self.period), to_utc(start), to_utc(end)

    def _hotline_run_due(self, now):
        """The period of ``now`` has had no run yet (scheduled or manual)."""
        self.ensure_one()
        if not self.last_run_at:
            return True
        return self._hotline_period(self.last_run_at)[0] != self._hotline_period(now)[0]

    def _hotline_local(self, value):
        self.ensure_one()
        local = pytz.utc.localize(value).astimezone(self._hotline_tz())
        return local.strftime("%Y-%m-%d %H:%M")

    # ------------------------------------------------------------------
    # Candidates
    # ------------------------------------------------------------------
    def _hotline_candidates(self, since, until):
        """The records of the plan's source that ended in ``(since, until]``
        and pass its filters: one dict each with the task's values (records),
        ``key`` (sortable), ``restricted`` (a confidential reporter who asked
        for the callback: only the Reporter identity group calls) and
        ``excluded`` (why not, or False). Read as superuser: the plan samples
        what its company has."""
        self.ensure_one()
        if until <= since:
            return []
        return self._hotline_candidates_of(self._hotline_ended(since, until))

    def _hotline_source_model(self):
        self.ensure_one()
        return self.env[SOURCE_MODELS[self.source]].sudo()

    def _hotline_ended(self, since, until):
        """The records of the plan's source ended in ``(since, until]``."""
        self.ensure_one()
        if self.source == "case":
            domain = [
                ("hotline_state", "=", "closed"),
                ("closed_date", ">", since),
                ("closed_date", "<=", until),
                *self._hotline_case_domain(),
            ]
        elif self.source == "work_order":
            domain = [
                ("state", "=", "done"),
                ("done_at", ">", since),
                ("done_at", "<=", until),
                *self._hotline_case_domain("ticket_id."),
            ]
        else:
            domain = [
                ("company_id", "=", self.company_id.id),
                ("direction", "=", "inbound"),
                ("is_answered", "=", True),
                ("ended_at", ">", since),
                ("ended_at", "<=", until),
            ]
            if self.queue_ids:
                domain.append(("queue_id", "in", self.queue_ids.ids))
            if self.team_ids:
                domain.append(("user_id", "in", self.team_ids.user_ids.ids))
        return self._hotline_source_model().search(domain, order="id")

    def _hotline_candidates_of(self, records):
        """The candidates of ``records`` (of the plan's source)."""
        self.ensure_one()
        if self.source == "case":
            return self._hotline_case_candidates(records)
        if self.source == "call":
            return self._hotline_call_candidates(records)
        return self._hotline_work_order_candidates(records)

    def _hotline_case_domain(self, prefix=""):
        domain = [(f"{prefix}company_id", "=", self.company_id.id)]
        if self.case_type_ids:
            domain.append((f"{prefix}case_type_id", "in", self.case_type_ids.ids))
        if self.team_ids:
            domain.append((f"{prefix}team_id", "in", self.team_ids.ids))
        if self.channel_ids:
            domain.append((f"{prefix}channel_id", "in", self.channel_ids.ids))
        return domain

    def _hotline_customer_of_case(self, ticket):
        """``(partner, restricted, exclusion)`` of a case (superuser): its
        customer, or the reporter's contact of a confidential case whose
        reporter asked for the callback. Never a confidential reporter
        otherwise."""
        Partner = self.env["res.partner"]
        if ticket.is_confidential:
            if not ticket.hotline_callback_consent:
                return Partner, False, "confidential"
            return ticket.sudo().reporter_id.partner_id, True, False
        return ticket.partner_id, False, False

    def _hotline_candidate(self, key, ticket, partner, **values):
        candidate = {
            "key": key,
            "ticket_id": ticket,
            "call_id": self.env["hotline.call"],
            "work_order_id": self.env["hotline.work.order"],
            "partner_id": partner,
            "handling_user_id": self.env["res.users"],
            "team_id": self.env["helpdesk.ticket.team"],
            "case_type_id": ticket.case_type_id,
            "channel_id": ticket.channel_id,
            "restricted": False,
            "excluded": False,
        }
        candidate.update(values)
        return candidate

    def _hotline_case_candidates(self, tickets):
        candidates = []
        for ticket in tickets:
            partner, restricted, excluded = self._hotline_customer_of_case(ticket)
            candidates.append(
                self._hotline_candidate(
                    ("case", ticket.id),
                    ticket,
                    partner,
                    handling_user_id=ticket.user_id,
                    team_id=ticket.team_id,
                    restricted=restricted,
                    excluded=excluded,
                )
            )
        return candidates

    def _hotline_work_order_candidates(self, orders):
        """Work orders done: the task is about the work order and its case
        (a case is called back once, through a work order or itself)."""
        candidates = []
        for order in orders:
            ticket = order.ticket_id
            partner, restricted, excluded = self._hotline_customer_of_case(ticket)
            candidates.append(
                self._hotline_candidate(
                    ("work_order", order.id),
                    ticket,
                    partner,
                    work_order_id=order,
                    handling_user_id=order.user_id,
                    team_id=order.team_id,
                    restricted=restricted,
                    excluded=excluded,
                )
            )
        return candidates

    def _hotline_call_candidates(self, calls):
        """Inbound calls answered by an agent; the team is the agent's (the
        plan's teams first, else the company's)."""
        teams = self.team_ids.sudo() or self.env["helpdesk.ticket.team"].sudo().search(
            [("company_id", "=", self.company_id.id)]
        )
        phone = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        candidates = []
        for call in calls:
            hidden = call._hotline_caller_hidden()
            team = teams.filtered(lambda t, c=call: c.user_id in t.user_ids)[:1]
            candidates.append(
                self._hotline_candidate(
                    ("call", call.id),
                    self.env["helpdesk.ticket"],
                    self.env["res.partner"] if hidden else call.partner_id,
                    call_id=call,
                    handling_user_id=call.user_id,
                    team_id=team,
                    case_type_id=self.env["hotline.case.type"],
                    channel_id=phone,
                    excluded="confidential" if hidden else False,
                )
            )
        return candidates

    # ------------------------------------------------------------------
    # Exclusions
    # ------------------------------------------------------------------
    def _hotline_exclude_candidates(self, candidates, now, campaign):
        """Set ``excluded`` on the candidates not to call back: already
        sampled (any plan), no customer, opted out or not to be called, a
        confidential reporter without consent (set when read), a customer
        called back lately (any plan) or already in the period's campaign."""
        self.ensure_one()
        Task = self.env["hotline.callback.task"].sudo()
        sampled = {}
        for fname in SOURCE_FIELDS.values():
            ids = {c[fname].id for c in candidates if c[fname]}
            done = Task.search([(fname, "in", list(ids))]) if ids else Task
            sampled[fname] = set(done.mapped(f"{fname}.id"))
        partner_ids = {c["partner_id"].id for c in candidates if c["partner_id"]}
        recent = set()
        if partner_ids:
            domain = [("state", "in", OPEN_TASK_STATES)]
            if self.exclude_days:
                limit = now - timedelta(days=self.exclude_days)
                domain = [
                    "|",
                    ("state", "in", OPEN_TASK_STATES),
                    "&",
                    ("state", "in", REACHED_TASK_STATES),
                    "|",
                    ("done_at", ">=", limit),
                    ("sampled_at", ">=", limit),
                ]
            recent = set(
                Task.search([("partner_id", "in", list(partner_ids)), *domain])
                .mapped("partner_id")
                .ids
            )
        if campaign:
            recent |= set(campaign.sudo().contact_ids.partner_id.ids)
        for candidate in candidates:
            if (
                any(candidate[fname].id in sampled[fname] for fname in sampled)
                and not candidate["excluded"]
            ):
                candidate["excluded"] = "sampled"
            if candidate["excluded"]:
                continue
            partner = candidate["partner_id"]
            if not partner:
                candidate["excluded"] = "no_customer"
            elif partner.hotline_no_callback or partner.hotline_do_not_call:
                candidate["excluded"] = "opted_out"
            elif partner.id in recent:
                candidate["excluded"] = "recent"

    def _hotline_exclusion_labels(self):
        return {
            "sampled": self.env._("already sampled"),
            "confidential": self.env._("confidential reporter"),
            "no_customer": self.env._("no customer"),
            "opted_out": self.env._("customer opted out"),
            "recent": self.env._("customer called back lately"),
        }

    # ------------------------------------------------------------------
    # Runs
    # ------------------------------------------------------------------
    def action_sample_now(self):
        """Supervisors: sample the current period now (the records that
        ended since the last run)."""
        if not self.env.su and not self.env.user.has_group(
            "hotline_base.group_supervisor"
        ):
            raise AccessError(self.env._("Only supervisors run callback plans."))
        self.check_access("write")
        tasks = self.env["hotline.callback.task"]
        for plan in self:
            tasks |= plan._hotline_run()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("%s callback task(s) made.", len(tasks)),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _hotline_cron_run(self, now=None):
        """The scheduled action (hourly): each active plan whose period has
        had no run yet samples it. A plan that cannot (no PBX, an empty
        queue) says why on its chatter, once, and tries again next time."""
        now = now or fields.Datetime.now()
        for plan in self.sudo().search([]):
            if not plan._hotline_run_due(now):
                continue
            try:
                with self.env.cr.savepoint():
                    plan._hotline_run(now)
            except (UserError, ValidationError) as error:
                self.env.invalidate_all()
                message = error.args[0] if error.args else str(error)
                if plan.last_error != message:
                    plan.message_post(
                        body=self.env._("The scheduled run did not sample: %s", message)
                    )
                plan.last_error = message
        return True

    def _hotline_run(self, now=None):
        """Sample the period of ``now`` (naive UTC, default now): the records
        ended since the last run (a first run: within one period) and at
        least ``delay_hours`` ago, without the excluded ones, ``sample_rate``
        % or what is left of ``sample_count`` per team, chosen with a seed of
        the plan and the period; one task, and one contact of the period's
        campaign, per sampled record. Returns the tasks (as superuser).
        Either everything is written or nothing (a UserError first)."""
        self.ensure_one()
        plan = self.sudo()
        now = now or fields.Datetime.now()
        Task = self.env["hotline.callback.task"].sudo()
        # one run of a plan at a time (the cron and Sample now): the second
        # waits, then retries on the first one's results
        self.env.execute_query(
            SQL(
                "SELECT id FROM hotline_callback_plan WHERE id = %s FOR NO KEY UPDATE",
                plan.id,
            )
        )
        key, start, end = plan._hotline_period(now)
        if not plan.survey_id.question_ids:
            raise UserError(
                self.env._(
                    "Survey “%(survey)s” of plan “%(plan)s” has no questions.",
                    survey=plan.survey_id.display_name,
                    plan=plan.display_name,
                )
            )
        campaign = plan._hotline_period_campaign(start, end)
        if campaign.state == "done":
            plan.write({"last_run_at": now, "last_error": False})
            plan.message_post(
                body=self.env._(
                    "%(period)s: campaign “%(campaign)s” is stopped, nothing "
                    "more is sampled in this period.",
                    period=key,
                    campaign=campaign.display_name,
                )
            )
            return Task
        cutoff = now - timedelta(hours=plan.delay_hours)
        since = plan.sampled_until or cutoff - timedelta(
            days=sampling.period_days(plan.period)
        )
        waiting = plan.waiting if isinstance(plan.waiting, dict) else {}
        if waiting.get("source") != plan.source:
            waiting = {}
        same_period = waiting.get("period") == key
        retry = []
        if waiting and not same_period:
            retry = plan._hotline_candidates_of(
                plan._hotline_source_model().browse(waiting.get("ids", [])).exists()
            )
        candidates = plan._hotline_candidates(since, cutoff)
        plan._hotline_exclude_candidates(retry + candidates, now, campaign)
        # the records that waited for this period go first, once per customer
        retried, customers = [], set()
        for candidate in retry:
            partner = candidate["partner_id"].id
            if not candidate["excluded"] and partner not in customers:
                retried.append(candidate)
                customers.add(partner)
        eligible = [
            c
            for c in candidates
            if not c["excluded"] and c["partner_id"].id not in customers
        ]
        by_key = {c["key"]: c for c in retried + eligible}
        counts = {}
        for candidate in eligible:
            team = candidate["team_id"].id
            counts[team] = counts.get(team, 0) + 1
        already = {}
        if plan.sampling == "count":
            for team, count in Task._read_group(
                [
                    ("plan_id", "=", plan.id),
                    ("sampled_at", ">=", start),
                    ("sampled_at", "<", end),
                ],
                ["team_id"],
                ["__count"],
            ):
                already[team.id] = count
            for candidate in retried:
                team = candidate["team_id"].id
                already[team] = already.get(team, 0) + 1
        quotas = sampling.team_quotas(
            counts, plan.sampling, plan.sample_rate, plan.sample_count, already
        )
        chosen = retried + [
            by_key[k]
            for k in sampling.choose(
                [(c["key"], c["team_id"].id, c["partner_id"].id) for c in eligible],
                quotas,
                sampling.seed_of(plan.id, key),
            )
        ]
        assigned, left = {}, []
        if plan.mode == "agent" and chosen:
            assigned, left = plan._hotline_assign(chosen, start, end)
        left_keys = set(left)
        retried_keys = {c["key"] for c in retried}
        chosen = [c for c in chosen if c["key"] not in left_keys]
        tasks = Task
        if chosen:
            campaign = campaign or plan._hotline_new_campaign(key)
            tasks = plan._hotline_make_tasks(chosen, assigned, campaign, now, end)
        # left out by the quotas: they wait for the next period, once
        wait = [by_key[k] for k in left if k not in retried_keys]
        dropped = [by_key[k] for k in left if k in retried_keys]
        wait_ids = (waiting.get("ids", []) if same_period else []) + [
            c["key"][1] for c in wait
        ]
        plan.write(
            {
                "last_run_at": now,
                "sampled_until": max(cutoff, since),
                "last_error": False,
                "waiting": {"period": key, "source": plan.source, "ids": wait_ids}
                if wait_ids
                else False,
            }
        )
        plan._hotline_post_run(
            key, (since, cutoff), candidates, retry, tasks, wait, dropped
        )
        return tasks

    def _hotline_period_campaign(self, start, end):
        """The campaign of the plan's tasks of the period ``[start, end)``."""
        self.ensure_one()
        task = (
            self.env["hotline.callback.task"]
            .sudo()
            .search(
                [
                    ("plan_id", "=", self.id),
                    ("sampled_at", ">=", start),
                    ("sampled_at", "<", end),
                    ("campaign_id", "!=", False),
                ],
                order="id desc",
                limit=1,
            )
        )
        return task.campaign_id

    def _hotline_new_campaign(self, key):
        """The plan's campaign of period ``key``: preview with the queue for
        agent callbacks, automated with the keypad flow otherwise."""
        self.ensure_one()
        company = self.company_id
        pbx = self.pbx_id or self.env["hotline.pbx"].sudo().search(
            [("company_id", "=", company.id)], order="id", limit=1
        )
        calendar = self.calendar_id or company.resource_calendar_id
        if not pbx or not calendar:
            raise UserError(
                self.env._(
                    "Plan “%s” has no PBX or calling windows to call from: set "
                    "them on the plan or the company.",
                    self.display_name,
                )
            )
        vals = {
            "name": f"{self.name} {key}",
            "company_id": company.id,
            "pbx_id": pbx.id,
            "calendar_id": calendar.id,
            "max_attempts": self.max_attempts,
            "retry_busy_minutes": self.retry_minutes,
            "retry_no_answer_minutes": self.retry_minutes,
            "retry_failed_minutes": self.retry_minutes,
            "caller_id": self.caller_id,
            "hotline_callback_plan_id": self.id,
        }
        if self.mode == "agent":
            vals.update(mode="preview", queue_id=self.queue_id.id)
        else:
            vals.update(mode="automated", flow_id=self.flow_id.id)
        return self.env["hotline.campaign"].sudo().with_company(company).create(vals)

    def _hotline_assign(self, chosen, start, end):
        """``({key: agent id}, [keys left])``: the sampled candidates spread
        over the queue's agents, fewest open callback tasks first, within
        ``agent_quota`` per period; a confidential reporter's only to agents
        of the Reporter identity group."""
        self.ensure_one()
        agents = self.queue_id.sudo().member_ids.user_id.filtered("active")
        if not agents:
            raise UserError(
                self.env._(
                    "Queue “%(queue)s” of plan “%(plan)s” has no agents.",
                    queue=self.queue_id.display_name,
                    plan=self.display_name,
                )
            )
        Task = self.env["hotline.callback.task"].sudo()
        open_counts = {
            user.id: count
            for user, count in Task._read_group(
                [("user_id", "in", agents.ids), ("state", "in", OPEN_TASK_STATES)],
                ["user_id"],
                ["__count"],
            )
        }
        period_counts = {
            user.id: count
            for user, count in Task._read_group(
                [
                    ("plan_id", "=", self.id),
                    ("user_id", "in", agents.ids),
                    ("sampled_at", ">=", start),
                    ("sampled_at", "<", end),
                ],
                ["user_id"],
                ["__count"],
            )
        }
        identity = set(
            agents.filtered(
                lambda u: u.has_group("hotline_complaints.group_reporter_identity")
            ).ids
        )
        return sampling.assign(
            [(c["key"], identity if c["restricted"] else None) for c in chosen],
            [
                (agent.id, open_counts.get(agent.id, 0), period_counts.get(agent.id, 0))
                for agent in agents
            ],
            self.agent_quota,
        )

    def _hotline_make_tasks(self, chosen, assigned, campaign, now, due):
        """One task and one campaign contact per chosen candidate; the
        campaign started (or the new contacts' numbers prepared when it
        runs already)."""
        self.ensure_one()
        Task = self.env["hotline.callback.task"].sudo()
        Contact = self.env["hotline.campaign.contact"].sudo()
        fnames = (
            "ticket_id",
            "call_id",
            "work_order_id",
            "partner_id",
            "handling_user_id",
            "team_id",
            "case_type_id",
            "channel_id",
        )
        tasks = Task.create(
            [
                {
                    **{fname: candidate[fname].id for fname in fnames},
                    "plan_id": self.id,
                    "source": self.source,
                    "user_id": assigned.get(candidate["key"], False),
                    "campaign_id": campaign.id,
                    "sampled_at": now,
                    "due_at": due,
                }
                for candidate in chosen
            ]
        )
        contact_vals = []
        for task in tasks:
            vals = {
                "campaign_id": campaign.id,
                "partner_id": task.partner_id.id,
                "user_id": task.user_id.id,
            }
            if self.mode == "keypad":
                vals["variables"] = {"callback_task_id": task.id}
            contact_vals.append(vals)
        contacts = Contact.create(contact_vals)
        for task, contact in zip(tasks, contacts, strict=True):
            task.contact_id = contact
        if campaign.state == "draft":
            campaign.action_start()
        elif campaign.state == "running":
            contacts._hotline_prepare_numbers()
        return tasks

    def _hotline_post_run(self, key, window, candidates, retry, tasks, wait, dropped):
        """What the run did, on the plan's chatter."""
        self.ensure_one()
        since, until = window
        lines = [
            self.env._(
                "%(period)s: %(tasks)s callback task(s) from %(count)s record(s) "
                "ended between %(since)s and %(until)s.",
                period=key,
                tasks=len(tasks),
                count=len(candidates),
                since=self._hotline_local(since),
                until=self._hotline_local(until),
            )
        ]
        if retry:
            lines.append(
                self.env._(
                    "%s record(s) waiting since the last period came first.",
                    len(retry),
                )
            )
        labels = self._hotline_exclusion_labels()
        excluded = {}
        for candidate in retry + candidates:
            if candidate["excluded"]:
                reason = candidate["excluded"]
                excluded[reason] = excluded.get(reason, 0) + 1
        if excluded:
            lines.append(
                self.env._(
                    "Not sampled: %s.",
                    ", ".join(
                        f"{labels[reason]} {count}"
                        for reason, count in sorted(excluded.items())
                    ),
                )
            )
        confidential = [c for c in wait if c["restricted"]]
        if len(wait) > len(confidential):
            lines.append(
                self.env._(
                    "%s sampled record(s) wait for the next period: the agents' "
                    "quotas of the period are reached.",
                    len(wait) - len(confidential),
                )
            )
        if confidential:
            lines.append(
                self.env._(
                    "%s sampled record(s) of confidential reporters wait for the "
                    "next period: no agent of the queue in the Reporter identity "
                    "group could take them.",
                    len(confidential),
                )
            )
        if dropped:
            lines.append(
                self.env._(
                    "%s record(s) that waited since the last period could not be "
                    "assigned again: they are not called back.",
                    len(dropped),
                )
            )
        body = Markup("<br/>").join(escape(line) for line in lines)
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
