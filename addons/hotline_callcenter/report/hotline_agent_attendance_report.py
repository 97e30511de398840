# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from .day_bounds import ONE_DAY

# naive UTC <-> the local day / local time of a time zone
LOCAL_DAY = "(({col} AT TIME ZONE 'UTC') AT TIME ZONE {tz})::date"
LOCAL_TO_UTC = "(({local})::timestamp AT TIME ZONE {tz} AT TIME ZONE 'UTC')"


class HotlineAgentAttendanceReport(models.Model):
    """Agent attendance (座席考勤) per agent and local day.

    Rows of three kinds, so that one grouping gives every figure: the day's
    login row (first login, last logout, logged-in time, late arrival and
    early leave against the agent's working hours), one row per pause reason
    (count, duration), and an absence row for a working day of the agent's
    calendar without any login, between their first session and yesterday.

    Working hours: the calendar of the agent's resource, else their company's;
    a day's hours run from its first attendance's start to its last one's end
    (lunch lines aside), in the calendar's time zone; a company-wide leave
    (public holiday) covering them makes the day off. Two-week calendars count
    their lines of both weeks.

    Searched by day (the pivot's month), the rows come from the query
    restricted to the sessions of those days, a day of margin for the time
    zones (``hotline.day.bounded.report``).
    """

    _name = "hotline.agent.attendance.report"
    _inherit = ["hotline.day.bounded.report", "hotline.report.without.jit"]
    _description = "Agent Attendance"
    _auto = False
    _rec_name = "user_id"
    _order = "day desc, user_id"

    day = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    pause_reason = fields.Char(readonly=True)
    first_login = fields.Datetime(readonly=True, aggregator="min")
    last_logout = fields.Datetime(
        readonly=True,
        aggregator="max",
        help="Empty while the agent is still logged in.",
    )
    scheduled_start = fields.Datetime(string="Due at", readonly=True, aggregator="min")
    scheduled_end = fields.Datetime(string="Due until", readonly=True, aggregator="max")
    logged_in_seconds = fields.Integer(
        string="Logged in (s)", readonly=True, aggregator="sum"
    )
    pause_count = fields.Integer(string="Pauses", readonly=True, aggregator="sum")
    pause_seconds = fields.Integer(string="Paused (s)", readonly=True, aggregator="sum")
    late_seconds = fields.Integer(string="Late by (s)", readonly=True, aggregator="sum")
    early_seconds = fields.Integer(
        string="Left early by (s)", readonly=True, aggregator="sum"
    )
    late_count = fields.Integer(string="Late days", readonly=True, aggregator="sum")
    early_count = fields.Integer(
        string="Early leave days", readonly=True, aggregator="sum"
    )
    present_count = fields.Integer(
        string="Days present", readonly=True, aggregator="sum"
    )
    absent_count = fields.Integer(string="Days absent", readonly=True, aggregator="sum")

    def _query(self, first=None, after=None):
        """The rows; only those of the days in ``[first, after)`` are exact
        when a bound is given."""
        # naive UTC margins: a local day lies within a day of its UTC date
        sessions = [SQL("TRUE")]
        if first:
            sessions.append(
                SQL("(hs.ended_at IS NULL OR hs.ended_at >= %s)", first - ONE_DAY)
            )
        if after:
            sessions.append(SQL("hs.started_at < %s", after + ONE_DAY))

        def local_day(col, tz):
            return SQL(LOCAL_DAY.format(col=col, tz=tz))

        def local_to_utc(local, tz):
            return SQL(LOCAL_TO_UTC.format(local=local, tz=tz))

        row_id = "('x' || substr(md5(concat_ws('/', {parts})), 1, 15))::bit(60)::bigint"
        return SQL(
            """
            WITH agent AS (
                SELECT u.id AS user_id, u.company_id,
                       COALESCE(NULLIF(p.tz, ''), 'UTC') AS tz,
                       COALESCE((SELECT r.calendar_id FROM resource_resource r
                                  WHERE r.user_id = u.id
                                    AND r.calendar_id IS NOT NULL
                                  ORDER BY r.id LIMIT 1),
                                co.resource_calendar_id) AS calendar_id
                  FROM res_users u
                  JOIN res_partner p ON p.id = u.partner_id
                  JOIN res_company co ON co.id = u.company_id
            ), pieces AS (
                SELECT s.user_id, s.company_id, s.kind,
                       COALESCE(NULLIF(s.reason, ''), '-') AS reason, d.day,
                       s.ended_at,
                       GREATEST(s.started_at, %(day_start)s) AS piece_start,
                       LEAST(s.stop, %(day_end)s) AS piece_stop,
                       (d.day = %(start_day)s) AS is_first_day
                  FROM (SELECT hs.*, COALESCE(hs.ended_at,
                                             now() AT TIME ZONE 'UTC') AS stop
                          FROM hotline_agent_session hs
                         WHERE %(sessions)s) s
                  JOIN agent a ON a.user_id = s.user_id
                 CROSS JOIN LATERAL (
                        SELECT g::date AS day FROM generate_series(
                            %(start_day)s::timestamp, %(stop_day)s::timestamp,
                            interval '1 day') g
                       ) d
            ), presence AS (
                SELECT user_id, company_id, day,
                       MIN(piece_start) AS first_login,
                       CASE WHEN bool_and(ended_at IS NOT NULL)
                            THEN MAX(piece_stop) END AS last_logout,
                       SUM(GREATEST(EXTRACT(EPOCH FROM piece_stop - piece_start),
                                    0))::int AS logged_in
                  FROM pieces
                 WHERE kind = 'login' AND (piece_stop > piece_start OR is_first_day)
                 GROUP BY user_id, company_id, day
            ), absent AS (
                -- days from the agent's first session to yesterday without login
                SELECT a.user_id, a.company_id, g::date AS day
                  FROM agent a
                 CROSS JOIN LATERAL (
                        SELECT MIN(fs.started_at) AS first_at
                          FROM hotline_agent_session fs
                         WHERE fs.user_id = a.user_id) f
                 CROSS JOIN LATERAL generate_series(
                        GREATEST(%(first_day)s, %(first)s::date)::timestamp,
                        LEAST(%(yesterday)s, %(last)s::date)::timestamp,
                        interval '1 day') g
                 WHERE f.first_at IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM presence pr
                         WHERE pr.user_id = a.user_id AND pr.day = g::date)
            ), days AS (
                SELECT user_id, company_id, day, first_login, last_logout,
                       logged_in, FALSE AS is_absent
                  FROM presence
                UNION ALL
                SELECT user_id, company_id, day, NULL, NULL, 0, TRUE FROM absent
            ), due AS (
                SELECT d.*, sch.scheduled_start, sch.scheduled_end,
                       sch.scheduled_start IS NOT NULL AND NOT EXISTS (
                           SELECT 1 FROM resource_calendar_leaves lv
                            WHERE lv.resource_id IS NULL
                              AND (lv.calendar_id = a.calendar_id
                                   OR lv.calendar_id IS NULL)
                              AND lv.company_id = d.company_id
                              AND lv.date_from <= sch.scheduled_start
                              AND lv.date_to >= sch.scheduled_end
                       ) AS is_working
                  FROM days d
                  JOIN agent a ON a.user_id = d.user_id
                  LEFT JOIN LATERAL (
                        SELECT MIN(%(att_start)s) AS scheduled_start,
                               MAX(%(att_end)s) AS scheduled_end
                          FROM resource_calendar_attendance att
                          JOIN resource_calendar cal ON cal.id = att.calendar_id
                         WHERE att.calendar_id = a.calendar_id
                           AND att.dayofweek::int = EXTRACT(ISODOW FROM d.day) - 1
                           AND COALESCE(att.day_period, '') <> 'lunch'
                           AND COALESCE(att.display_type, '') <> 'line_section'
                           AND (att.date_from IS NULL OR att.date_from <= d.day)
                           AND (att.date_to IS NULL OR att.date_to >= d.day)
                       ) sch ON TRUE
            )
            SELECT %(day_id)s AS id, day, user_id, company_id,
                   NULL::varchar AS pause_reason,
                   first_login, last_logout,
                   CASE WHEN is_working THEN scheduled_start END AS scheduled_start,
                   CASE WHEN is_working THEN scheduled_end END AS scheduled_end,
                   logged_in AS logged_in_seconds,
                   0 AS pause_count, 0 AS pause_seconds,
                   CASE WHEN is_working AND first_login > scheduled_start
                        THEN EXTRACT(EPOCH FROM first_login - scheduled_start)
                        ELSE 0 END::int AS late_seconds,
                   CASE WHEN is_working AND last_logout < scheduled_end
                        THEN EXTRACT(EPOCH FROM scheduled_end - last_logout)
                        ELSE 0 END::int AS early_seconds,
                   COALESCE(is_working AND first_login > scheduled_start,
                            FALSE)::int AS late_count,
                   COALESCE(is_working AND last_logout < scheduled_end,
                            FALSE)::int AS early_count,
                   (NOT is_absent)::int AS present_count,
                   is_absent::int AS absent_count
              FROM due
             WHERE NOT is_absent OR is_working
            UNION ALL
            SELECT %(pause_id)s, day, user_id, company_id, reason,
                   NULL, NULL, NULL, NULL, 0,
                   COUNT(*) FILTER (WHERE is_first_day),
                   SUM(GREATEST(EXTRACT(EPOCH FROM piece_stop - piece_start),
                                0))::int,
                   0, 0, 0, 0, 0, 0
              FROM pieces
             WHERE kind = 'pause' AND (piece_stop > piece_start OR is_first_day)
             GROUP BY user_id, company_id, day, reason
            """,
            sessions=SQL(" AND ").join(sessions),
            first=first,
            last=after and after - ONE_DAY,
            day_start=local_to_utc("d.day", "a.tz"),
            day_end=local_to_utc("d.day + 1", "a.tz"),
            start_day=local_day("s.started_at", "a.tz"),
            stop_day=local_day("s.stop", "a.tz"),
            first_day=local_day("f.first_at", "a.tz"),
            yesterday=SQL(
                "("
                + LOCAL_DAY.format(col="now() AT TIME ZONE 'UTC'", tz="a.tz")
                + " - 1)"
            ),
            att_start=local_to_utc(
                "d.day + att.hour_from * interval '1 hour'", "COALESCE(cal.tz, a.tz)"
            ),
            att_end=local_to_utc(
                "d.day + att.hour_to * interval '1 hour'", "COALESCE(cal.tz, a.tz)"
            ),
            day_id=SQL(row_id.format(parts="'day', user_id, company_id, day")),
            pause_id=SQL(
                row_id.format(parts="'pause', user_id, company_id, day, reason")
            ),
        )

    def init(self):
        # an agent's first session; the sessions near some days (``_query``
        # with bounds, the indexes of hotline.agent.work.report)
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS hotline_agent_session_user_started_idx"
            " ON hotline_agent_session (user_id, started_at)"
        )
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
