# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from .day_bounds import ONE_DAY

# ir.config_parameter: the rollup holds the days before this one (ISO date) ...
UNTIL_KEY = "hotline_callcenter.agent_work_rollup_until"
# ... as the calls, legs and sessions were when the last refresh began
AT_KEY = "hotline_callcenter.agent_work_rollup_at"
# rows written by a transaction that began before a refresh and committed
# after it: looked at again by the next refresh
OVERLAP = datetime.timedelta(minutes=15)
FACTS = (
    "logged_in",
    "paused",
    "pauses",
    "handled",
    "talk",
    "hold",
    "wrapup",
    "transfers",
    "rated",
    "satisfied",
    "coded",
)


class HotlineAgentWorkDay(models.Model):
    """Rollup of the agent work report (座席工作): its facts per agent,
    company and closed day, as ``hotline.agent.work.report._days_query``
    computes them from the session log and the call detail.

    :meth:`_hotline_refresh` (cron, every 10 minutes) recomputes the days
    touched since its last run (calls, legs and sessions written since then,
    a day of margin for the agents' time zones) and the days closed since
    then; a day is closed when it has ended in every time zone (the day
    before yesterday, UTC). The report searched by day reads the closed days
    here and the others (yesterday, today: the live part) from its query.

    A deleted call, leg or session leaves no write date: its day keeps its
    rolled-up figures until something else on that day changes (removing the
    two ``ir.config_parameter`` keys makes the next run rebuild everything).
    """

    _name = "hotline.agent.work.day"
    _description = "Agent Work per Day (rollup)"
    _inherit = ["hotline.company.guard"]
    _order = "day desc, user_id"
    _rec_name = "user_id"

    day = fields.Date(required=True, readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Agent", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, ondelete="cascade"
    )
    logged_in = fields.Integer(readonly=True)
    paused = fields.Integer(readonly=True)
    pauses = fields.Integer(readonly=True)
    handled = fields.Integer(readonly=True)
    talk = fields.Integer(readonly=True)
    hold = fields.Integer(readonly=True)
    wrapup = fields.Integer(readonly=True)
    transfers = fields.Integer(readonly=True)
    rated = fields.Integer(readonly=True)
    satisfied = fields.Integer(readonly=True)
    coded = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "agent_day_unique",
            "UNIQUE (user_id, company_id, day)",
            "One rollup row per agent, company and day.",
        )
    ]

    def init(self):
        # what the refresh looks for: rows written since its last run
        for table in ("hotline_call", "hotline_call_agent", "hotline_agent_session"):
            self.env.cr.execute(
                SQL(
                    "CREATE INDEX IF NOT EXISTS %s ON %s (write_date)",
                    SQL.identifier(f"{table}_write_date_idx"),
                    SQL.identifier(table),
                )
            )

    @api.model
    def _hotline_until(self):
        """The first day the rollup does not hold, or ``None`` (never run)."""
        value = self.env["ir.config_parameter"].sudo().get_param(UNTIL_KEY)
        return fields.Date.to_date(value) if value else None

    @api.model
    def _hotline_days_sql(self, first, after):
        """The report's day facts for ``[first, after)`` (``after`` ``None``:
        open): the rollup's closed days, the live query's for the others;
        ``None`` when the rollup has none of those days."""
        until = self._hotline_until()
        if until is None or first >= until:
            return None
        columns = SQL(", ").join(
            SQL.identifier(name) for name in ("user_id", "company_id", "day", *FACTS)
        )
        stop = min(until, after) if after else until
        parts = [
            SQL(
                "SELECT %s FROM hotline_agent_work_day WHERE day >= %s AND day < %s",
                columns,
                first,
                stop,
            )
        ]
        if after is None or after > until:
            live = self.env["hotline.agent.work.report"]._days_query(until, after)
            parts.append(
                SQL(
                    "SELECT %s FROM (%s) live WHERE live.day >= %s",
                    columns,
                    live,
                    until,
                )
            )
        return SQL(" UNION ALL ").join(parts)

    @api.model
    def _cron_hotline_refresh(self):
        self._hotline_refresh()

    @api.model
    def _hotline_refresh(self, now=None):
        """Bring the rollup up to date at ``now`` (naive UTC, default: now):
        the days touched since the last refresh and those closed since then.
        Returns the ``(first, after)`` ranges recomputed."""
        now = now or fields.Datetime.now()
        # the write dates of what the ORM still holds
        self.env.flush_all()
        params = self.env["ir.config_parameter"].sudo()
        until = now.date() - ONE_DAY  # the days before yesterday are closed
        old_until = self._hotline_until()
        last_at = params.get_param(AT_KEY)
        cr = self.env.cr
        if old_until is None or not last_at:
            # first run: everything there is
            cr.execute(
                SQL(
                    "SELECT LEAST((SELECT MIN(started_at) FROM hotline_call),"
                    " (SELECT MIN(started_at) FROM hotline_agent_session))"
                )
            )
            oldest = cr.fetchone()[0]
            days = set()
            ranges = [(oldest.date() - ONE_DAY, until)] if oldest else []
        else:
            since = fields.Datetime.to_datetime(last_at) - OVERLAP
            days = self._hotline_touched_days(since, now)
            ranges = [(old_until, until)] if old_until < until else []
        ranges = self._hotline_merge(
            ranges + self._hotline_ranges({day for day in days if day < until})
        )
        Work = self.env["hotline.agent.work.report"]
        for first, after in ranges:
            cr.execute(
                SQL(
                    "DELETE FROM hotline_agent_work_day WHERE day >= %s AND day < %s",
                    first,
                    after,
                )
            )
            columns = SQL(", ").join(
                SQL.identifier(name)
                for name in ("user_id", "company_id", "day", *FACTS)
            )
            cr.execute(
                SQL(
                    """
                    INSERT INTO hotline_agent_work_day
                           (%(columns)s, create_uid, create_date, write_uid,
                            write_date)
                    SELECT %(columns)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM (%(days)s) d
                     WHERE d.day >= %(first)s AND d.day < %(after)s
                    """,
                    columns=columns,
                    uid=self.env.uid,
                    now=now,
                    days=Work._days_query(first, after),
                    first=first,
                    after=after,
                )
            )
        self.invalidate_model()
        Work.invalidate_model()
        params.set_param(UNTIL_KEY, fields.Date.to_string(until))
        params.set_param(AT_KEY, fields.Datetime.to_string(now))
        return ranges

    @api.model
    def _hotline_touched_days(self, since, now):
        """UTC days (and the days either side: the agents' local days) of the
        calls, legs and sessions written since ``since``."""
        self.env.cr.execute(
            SQL(
                """
                SELECT started_at::date FROM hotline_call
                 WHERE write_date >= %(since)s AND started_at IS NOT NULL
                UNION
                SELECT c.started_at::date
                  FROM hotline_call_agent l JOIN hotline_call c ON c.id = l.call_id
                 WHERE l.write_date >= %(since)s AND c.started_at IS NOT NULL
                UNION
                SELECT g::date FROM hotline_agent_session s,
                       generate_series(s.started_at::date,
                                       COALESCE(s.ended_at, %(now)s)::date,
                                       interval '1 day') g
                 WHERE s.write_date >= %(since)s
                """,
                since=since,
                now=now,
            )
        )
        days = set()
        for (day,) in self.env.cr.fetchall():
            days.update((day - ONE_DAY, day, day + ONE_DAY))
        return days

    @staticmethod
    def _hotline_merge(ranges):
        """``(first, after)`` ranges merged where they overlap or touch."""
        merged = []
        for first, after in sorted(r for r in ranges if r[0] < r[1]):
            if merged and first <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], after))
            else:
                merged.append((first, after))
        return merged

    @staticmethod
    def _hotline_ranges(days):
        """Contiguous ``(first, after)`` ranges of a set of days."""
        ranges = []
        for day in sorted(days):
            if ranges and ranges[-1][1] == day:
                ranges[-1] = (ranges[-1][0], day + ONE_DAY)
            else:
                ranges.append((day, day + ONE_DAY))
        return ranges
