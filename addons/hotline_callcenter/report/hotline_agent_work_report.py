# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .day_bounds import ONE_DAY

# context key: searched by day, read the live query, not the rollup
LIVE_KEY = "hotline_agent_work_live"

# (local day, agent's time zone) of a naive UTC column
LOCAL_DAY = "(({col} AT TIME ZONE 'UTC') AT TIME ZONE {tz})::date"


class HotlineAgentWorkReport(models.Model):
    """Agent work (座席工作): one row per agent, company and day.

    Days are the agent's local days (their time zone, else UTC). Logged-in and
    pause time come from the agent session log, a session that spans midnight
    split between its days (an open one counts up to now); calls, talk, hold,
    wrap-up, transfers and ratings from the agent call detail
    (``hotline.agent.call.report``), on the day the call started. Wrap-up is
    the after-call work recorded on each call (from the end of the call to the
    agent's Ready, or the end of the queue's wrap-up time).

    Rates are those of the row's day; grouped over several days the pivot
    shows their average (``avg``), the sums stay exact.

    Searched by day (the pivot's month), the rows come from the query
    restricted to the sessions and calls of those days, a day of margin for
    the agents' time zones (``hotline.day.bounded.report``).
    """

    _name = "hotline.agent.work.report"
    _inherit = ["hotline.day.bounded.report", "hotline.report.without.jit"]
    _description = "Agent Work"
    _auto = False
    _rec_name = "user_id"
    _order = "day desc, user_id"

    day = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    handled_count = fields.Integer(
        string="Calls handled", readonly=True, aggregator="sum"
    )
    talk_seconds = fields.Integer(string="Talk (s)", readonly=True, aggregator="sum")
    hold_seconds = fields.Integer(string="Hold (s)", readonly=True, aggregator="sum")
    wrapup_seconds = fields.Integer(
        string="Wrap-up (s)", readonly=True, aggregator="sum"
    )
    logged_in_seconds = fields.Integer(
        string="Logged in (s)", readonly=True, aggregator="sum"
    )
    pause_seconds = fields.Integer(string="Paused (s)", readonly=True, aggregator="sum")
    pause_count = fields.Integer(string="Pauses", readonly=True, aggregator="sum")
    available_seconds = fields.Integer(
        string="Available (s)",
        readonly=True,
        aggregator="sum",
        help="Logged in, not paused, not on a call (talking or holding) and not "
        "in wrap-up: idle.",
    )
    occupancy = fields.Float(
        string="Occupancy (%)",
        readonly=True,
        aggregator="avg",
        help="(Talk + hold + wrap-up) / (logged in - paused).",
    )
    handle_time = fields.Float(
        string="AHT (s)",
        readonly=True,
        aggregator="avg",
        help="Average handle time: (talk + hold + wrap-up) / calls handled.",
    )
    transfer_count = fields.Integer(string="Transfers", readonly=True, aggregator="sum")
    rated_count = fields.Integer(string="Rated", readonly=True, aggregator="sum")
    satisfied_count = fields.Integer(
        string="Satisfied", readonly=True, aggregator="sum"
    )
    coded_count = fields.Integer(
        string="With wrap-up code", readonly=True, aggregator="sum"
    )

    def _query(self, first=None, after=None):
        """The rows; only those of the days in ``[first, after)`` are exact
        when a bound is given. Searched by day, the closed days the rollup
        (``hotline.agent.work.day``) holds come from it, the others (today's
        live part) from the session log and the call detail."""
        days = None
        if first is not None and not self.env.context.get(LIVE_KEY):
            days = self.env["hotline.agent.work.day"]._hotline_days_sql(first, after)
        if days is None:
            days = self._days_query(first, after)
        return self._rows_query(days)

    def _rows_query(self, days):
        """The report's rows from per agent, company and day facts ``days``
        (``user_id, company_id, day, logged_in, paused, pauses, handled,
        talk, hold, wrapup, transfers, rated, satisfied, coded``)."""
        return SQL(
            """
            SELECT (user_id::bigint * 100000 + (day - DATE '2000-01-01')) * 1000
                       + company_id AS id,
                   day, user_id, company_id,
                   handled AS handled_count, talk AS talk_seconds,
                   hold AS hold_seconds, wrapup AS wrapup_seconds,
                   logged_in AS logged_in_seconds,
                   paused AS pause_seconds, pauses AS pause_count,
                   GREATEST(logged_in - paused - talk - hold - wrapup, 0)
                       AS available_seconds,
                   CASE WHEN logged_in - paused > 0
                        THEN 100.0 * (talk + hold + wrapup) / (logged_in - paused)
                   END AS occupancy,
                   CASE WHEN handled > 0
                        THEN (talk + hold + wrapup)::float / handled
                   END AS handle_time,
                   transfers AS transfer_count, rated AS rated_count,
                   satisfied AS satisfied_count, coded AS coded_count
              FROM (%s) days
            """,
            days,
        )

    def _days_query(self, first=None, after=None):
        """Facts per agent, company and day from the session log and the
        call detail; only those of the days in ``[first, after)`` are exact
        when a bound is given."""
        tz = SQL("COALESCE(NULLIF(p.tz, ''), 'UTC')")
        # naive UTC margins: a local day lies within a day of its UTC date
        sessions, calls = [SQL("TRUE")], [SQL("TRUE")]
        if first:
            since = first - ONE_DAY
            sessions.append(SQL("(hs.ended_at IS NULL OR hs.ended_at >= %s)", since))
            calls.append(SQL("l.started_at >= %s", since))
        if after:
            until = after + ONE_DAY
            sessions.append(SQL("hs.started_at < %s", until))
            calls.append(SQL("l.started_at < %s", until))
        return SQL(
            """
            WITH agent_tz AS (
                SELECT u.id AS user_id, %(tz)s AS tz
                  FROM res_users u JOIN res_partner p ON p.id = u.partner_id
            ), session_days AS (
                SELECT s.user_id, s.company_id, s.kind, d.day,
                       GREATEST(EXTRACT(EPOCH FROM
                           LEAST(s.stop, (d.day + 1)::timestamp AT TIME ZONE t.tz
                                             AT TIME ZONE 'UTC')
                           - GREATEST(s.started_at, d.day::timestamp
                                             AT TIME ZONE t.tz AT TIME ZONE 'UTC')
                       ), 0) AS seconds,
                       (d.day = %(start_day)s) AS is_first_day
                  FROM (SELECT hs.*, COALESCE(hs.ended_at,
                                             now() AT TIME ZONE 'UTC') AS stop
                          FROM hotline_agent_session hs
                         WHERE %(sessions)s) s
                  JOIN agent_tz t ON t.user_id = s.user_id
                 CROSS JOIN LATERAL (
                        SELECT g::date AS day FROM generate_series(
                            %(start_day)s::timestamp, %(stop_day)s::timestamp,
                            interval '1 day') g
                       ) d
            ), facts AS (
                SELECT user_id, company_id, day,
                       SUM(seconds) FILTER (WHERE kind = 'login') AS logged_in,
                       SUM(seconds) FILTER (WHERE kind = 'pause') AS paused,
                       COUNT(*) FILTER (WHERE kind = 'pause' AND is_first_day)
                           AS pauses,
                       0 AS handled, 0 AS talk, 0 AS hold, 0 AS wrapup,
                       0 AS transfers,
                       0 AS rated, 0 AS satisfied, 0 AS coded
                  FROM session_days
                 -- a session ending at midnight adds no empty next day
                 WHERE seconds > 0 OR is_first_day
                 GROUP BY user_id, company_id, day
                UNION ALL
                SELECT l.user_id, l.company_id, %(call_day)s,
                       0, 0, 0,
                       COUNT(*) FILTER (WHERE l.answered_at IS NOT NULL),
                       SUM(l.talk_seconds), SUM(l.hold_seconds),
                       SUM(l.wrapup_seconds),
                       SUM(l.transfer_out_count),
                       COUNT(l.rating), COUNT(*) FILTER (WHERE l.rating = 'satisfied'),
                       COUNT(l.disposition_id)
                  FROM hotline_agent_call_report l
                  JOIN agent_tz t ON t.user_id = l.user_id
                 WHERE l.started_at IS NOT NULL AND %(calls)s
                 GROUP BY l.user_id, l.company_id, %(call_day)s
            ), days AS (
                SELECT user_id, company_id, day,
                       SUM(logged_in)::int AS logged_in, SUM(paused)::int AS paused,
                       SUM(pauses)::int AS pauses, SUM(handled)::int AS handled,
                       SUM(talk)::int AS talk, SUM(hold)::int AS hold,
                       SUM(wrapup)::int AS wrapup,
                       SUM(transfers)::int AS transfers, SUM(rated)::int AS rated,
                       SUM(satisfied)::int AS satisfied, SUM(coded)::int AS coded
                  FROM facts
                 GROUP BY user_id, company_id, day
            )
            SELECT user_id, company_id, day, logged_in, paused, pauses,
                   handled, talk, hold, wrapup, transfers, rated, satisfied,
                   coded
              FROM days
            """,
            tz=tz,
            sessions=SQL(" AND ").join(sessions),
            calls=SQL(" AND ").join(calls),
            start_day=SQL(LOCAL_DAY.format(col="s.started_at", tz="t.tz")),
            stop_day=SQL(LOCAL_DAY.format(col="s.stop", tz="t.tz")),
            call_day=SQL(LOCAL_DAY.format(col="l.started_at", tz="t.tz")),
        )

    def init(self):
        # the sessions near some days (``_query`` with bounds)
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS hotline_agent_session_started_at_idx"
            " ON hotline_agent_session (started_at)"
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS hotline_agent_session_ended_at_idx"
            " ON hotline_agent_session (ended_at)"
        )
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
