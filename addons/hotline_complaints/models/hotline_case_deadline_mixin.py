# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

from .helpdesk_ticket_stage import DONE_STATES


class HotlineCaseDeadlineMixin(models.AbstractModel):
    """Deadlines of a case (acceptance, reply, closing), their colours and the
    reminders and escalations (催办/督办) the cron sends; mixed into
    helpdesk.ticket."""

    _name = "hotline.case.deadline.mixin"
    _description = "Case deadlines and reminders"

    accept_deadline = fields.Datetime(copy=False, tracking=True)
    reply_deadline = fields.Datetime(copy=False, tracking=True)
    close_deadline = fields.Datetime(copy=False, tracking=True)
    deadline_extended = fields.Boolean(readonly=True, copy=False)
    deadline_step = fields.Selection(
        [("accept", "Acceptance"), ("reply", "Reply"), ("close", "Closing")],
        compute="_compute_next_deadline",
        store=True,
    )
    next_deadline = fields.Datetime(
        compute="_compute_next_deadline", store=True, index=True
    )
    deadline_state = fields.Selection(
        [
            ("none", "No deadline"),
            ("ok", "On time"),
            ("soon", "Due soon"),
            ("late", "Overdue"),
        ],
        compute="_compute_deadline_state",
        search="_search_deadline_state",
    )
    deadline_warn_at = fields.Datetime(
        string="Due soon from",
        compute="_compute_deadline_warn_at",
        store=True,
        index=True,
        help="When the case turns yellow: the configured share of the time to "
        "the next deadline is left.",
    )
    is_overdue = fields.Boolean(
        string="Overdue",
        readonly=True,
        copy=False,
        index=True,
        help="Missed a deadline at some step (kept for the statistics).",
    )
    reminded_step = fields.Char(readonly=True, copy=False)
    escalation_level = fields.Integer(readonly=True, copy=False)
    escalation_step = fields.Char(readonly=True, copy=False)
    accepted_on_time = fields.Boolean(
        compute="_compute_on_time", store=True, aggregator="bool_and"
    )
    closed_on_time = fields.Boolean(compute="_compute_on_time", store=True)
    handling_hours = fields.Float(
        compute="_compute_on_time", store=True, aggregator="avg"
    )

    @api.depends(
        "hotline_state",
        "accept_deadline",
        "reply_deadline",
        "close_deadline",
    )
    def _compute_next_deadline(self):
        for ticket in self:
            state = ticket.hotline_state
            step = False
            if state in ("new", "accepted", "dispatched"):
                # acceptance runs until the handling unit takes the case on
                step = "accept"
            elif state in ("in_progress", "instruction"):
                step = "reply" if ticket.reply_deadline else "close"
            elif state in ("replied", "callback"):
                step = "close"
            deadline = step and ticket[f"{step}_deadline"]
            if step and not deadline and step == "reply":
                step, deadline = "close", ticket.close_deadline
            ticket.deadline_step = step if deadline else False
            ticket.next_deadline = deadline or False

    def _deadline_span_start(self):
        self.ensure_one()
        return self.intake_date or fields.Datetime.now()

    def _hotline_warn_at(self):
        self.ensure_one()
        start = self._deadline_span_start()
        percent = self.case_type_id.remind_before_percent or 20
        span = self.next_deadline - start
        return self.next_deadline - span * percent / 100

    @api.depends_context("uid")
    @api.depends("next_deadline")
    def _compute_deadline_state(self):
        now = fields.Datetime.now()
        for ticket in self:
            if not ticket.next_deadline:
                ticket.deadline_state = "none"
            elif now > ticket.next_deadline:
                ticket.deadline_state = "late"
            elif now >= ticket._hotline_warn_at():
                ticket.deadline_state = "soon"
            else:
                ticket.deadline_state = "ok"

    @api.depends("next_deadline", "intake_date", "case_type_id.remind_before_percent")
    def _compute_deadline_warn_at(self):
        for ticket in self:
            ticket.deadline_warn_at = (
                ticket._hotline_warn_at() if ticket.next_deadline else False
            )

    def _search_deadline_state(self, operator, value):
        """Deadline states searched against the clock, on the stored deadline and
        warning times (exact at the moment of the search, no cron lag)."""
        states = {"none", "ok", "soon", "late"}
        if operator in ("=", "!="):
            value = [value]
        elif operator not in ("in", "not in"):
            raise UserError(self.env._("Unsupported search on the deadline state."))
        wanted = set(value or [])
        if operator in ("!=", "not in"):
            wanted = states - wanted
        now = fields.Datetime.now()
        domains = {
            "none": [("next_deadline", "=", False)],
            "late": [("next_deadline", "<", now)],
            "soon": [("next_deadline", ">=", now), ("deadline_warn_at", "<=", now)],
            "ok": [("next_deadline", ">=", now), ("deadline_warn_at", ">", now)],
        }
        return expression.OR(
            [domains[s] for s in sorted(wanted & states)] or [expression.FALSE_DOMAIN]
        )

    @api.depends("unit_accepted_at", "accept_deadline", "closed_date", "close_deadline")
    def _compute_on_time(self):
        for ticket in self:
            ticket.accepted_on_time = bool(
                ticket.unit_accepted_at
                and (
                    not ticket.accept_deadline
                    or ticket.unit_accepted_at <= ticket.accept_deadline
                )
            )
            ticket.closed_on_time = bool(
                ticket.closed_date
                and (
                    not ticket.close_deadline
                    or ticket.closed_date <= ticket.close_deadline
                )
            )
            ticket.handling_hours = (
                (ticket.closed_date - ticket.intake_date).total_seconds() / 3600
                if ticket.closed_date and ticket.intake_date
                else 0.0
            )

    # ------------------------------------------------------------------ deadlines
    def _hotline_calendar(self):
        self.ensure_one()
        return (
            self.team_id.resource_calendar_id
            or self.company_id.resource_calendar_id
            or self.env.company.resource_calendar_id
        )

    def _hotline_rule(self, step):
        self.ensure_one()
        rules = self.case_type_id.deadline_ids.filtered(lambda r: r.step == step)
        return (
            rules.filtered(lambda r: r.urgency == self.urgency)[:1]
            or rules.filtered(lambda r: not r.urgency)[:1]
        )

    def _hotline_compute_deadlines(self):
        for ticket in self:
            start = ticket.intake_date or fields.Datetime.now()
            calendar = ticket._hotline_calendar()
            vals = {}
            for step in ("accept", "reply", "close"):
                rule = ticket._hotline_rule(step)
                vals[f"{step}_deadline"] = rule and rule._hotline_apply(start, calendar)
            ticket.write(vals)

    def action_extend_deadline(self):
        """Add the type's extension to the closing deadline, once (信访 +30 days)."""
        self._hotline_check_group("hotline_base.group_supervisor")
        for ticket in self:
            days = ticket.case_type_id.extension_amount
            if not days or not ticket.close_deadline:
                raise UserError(
                    self.env._("Case %s has no extendable deadline.", ticket.number)
                )
            if ticket.deadline_extended:
                raise UserError(
                    self.env._("Case %s was already extended.", ticket.number)
                )
            ticket.write(
                {
                    "close_deadline": ticket.close_deadline + timedelta(days=days),
                    "deadline_extended": True,
                }
            )
            ticket._hotline_log_event(
                "extend", note=self.env._("Closing deadline extended by %s days.", days)
            )

    # ------------------------------------------------------------------ reminders
    def _hotline_notify(self, user, summary, note=""):
        self.ensure_one()
        if not user:
            return
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=summary,
            note=note or "",
        )

    @api.model
    def _cron_hotline_deadlines(self):
        now = fields.Datetime.now()
        cases = self.search(
            [
                ("next_deadline", "!=", False),
                ("hotline_state", "not in", DONE_STATES),
            ]
        )
        for case in cases:
            case._hotline_check_deadline(now)

    def _hotline_check_deadline(self, now):
        self.ensure_one()
        step = self.deadline_step
        deadline = self.next_deadline
        if not step or not deadline:
            return
        team = self.team_id
        handler = self.user_id or team.user_id or self.owner_id
        if now > deadline:
            vals = {"is_overdue": True}
            level = self.escalation_level if self.escalation_step == step else 0
            if level < 1:
                supervisor = team.hotline_supervisor_id or team.user_id
                self._hotline_notify(
                    supervisor,
                    self.env._("Overdue (督办): %s", self.number),
                )
                vals.update(escalation_level=1, escalation_step=step)
                self.write(vals)
                self._hotline_log_event(
                    "escalate",
                    note=self.env._(
                        "Overdue since %(deadline)s: sent to the supervisor %(user)s.",
                        deadline=fields.Datetime.to_string(deadline),
                        user=supervisor.name or "-",
                    ),
                )
                return
            delay = timedelta(hours=self.case_type_id.escalate_leader_hours or 24)
            if level < 2 and now > deadline + delay:
                leader = team.hotline_leader_id
                self._hotline_notify(
                    leader, self.env._("Overdue, to the leader (督办): %s", self.number)
                )
                vals.update(escalation_level=2, escalation_step=step)
                self.write(vals)
                self._hotline_log_event(
                    "escalate",
                    note=self.env._(
                        "Still overdue: sent to the leader %s.", leader.name or "-"
                    ),
                )
                return
            if not self.is_overdue:
                self.write(vals)
        elif now >= self._hotline_warn_at() and self.reminded_step != step:
            self._hotline_notify(
                handler,
                self.env._("Reminder (催办): %s", self.number),
                self.env._("Due on %s.", fields.Datetime.to_string(deadline)),
            )
            self.write({"reminded_step": step})
            self._hotline_log_event(
                "remind",
                note=self.env._(
                    "Automatic reminder: due on %s.",
                    fields.Datetime.to_string(deadline),
                ),
            )
