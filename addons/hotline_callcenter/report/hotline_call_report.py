# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..models.hotline_call import QUEUE_PATH_SEP, RATINGS, WAIT_BUCKETS

IVR_OUTCOMES = [
    ("queue", "Reached a queue or an agent"),
    ("ivr_served", "Served in the IVR"),
    ("ivr_abandoned", "Hung up in the IVR"),
    ("refused", "Refused (blacklist)"),
    ("voicemail", "Voicemail"),
    ("other", "Other"),
]


class HotlineCallReport(models.Model):
    """Call-centre indicators for pivot and graph views.

    One row per inbound call. Each rate is a column that is 100 or 0 for the
    calls it is about and NULL for the others, aggregated with ``avg``: SQL's
    AVG skips NULLs, so any grouping (queue, agent, hour, day) gives the exact
    rate of that group.

    Overflow: a call counts (answered, abandoned, SL with the caller's whole
    wait) in the queue that answered it, else the last one it entered; each
    queue it left on timeout before has a row of its own that only counts it
    as *overflowed out* (not offered, answered or abandoned there), so the
    totals of any grouping still count every call once.
    """

    _name = "hotline.call.report"
    _description = "Call Centre Statistics"
    _auto = False
    _rec_name = "call_id"
    _order = "started_at desc"

    call_id = fields.Many2one("hotline.call", readonly=True)
    started_at = fields.Datetime(readonly=True)
    call_hour = fields.Integer(string="Hour", readonly=True, aggregator=None)
    queue_id = fields.Many2one("hotline.queue", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    team_id = fields.Many2one("hotline.skill.group", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    wait_bucket = fields.Selection(WAIT_BUCKETS, readonly=True)
    rating = fields.Selection(RATINGS, readonly=True)
    disposition_id = fields.Many2one(
        "hotline.call.disposition", string="Wrap-up code", readonly=True
    )
    wrapup_seconds = fields.Float(
        string="Wrap-up (s)",
        readonly=True,
        aggregator="avg",
        help="Average after-call work of the calls that had one.",
    )
    call_count = fields.Integer(string="Calls", readonly=True, aggregator="sum")
    offered_count = fields.Integer(string="Offered", readonly=True, aggregator="sum")
    answered_count = fields.Integer(string="Answered", readonly=True, aggregator="sum")
    answered_15_count = fields.Integer(
        string="Answered within 15 s", readonly=True, aggregator="sum"
    )
    answered_20_count = fields.Integer(
        string="Answered within 20 s", readonly=True, aggregator="sum"
    )
    abandoned_count = fields.Integer(
        string="Abandoned", readonly=True, aggregator="sum"
    )
    short_abandon_count = fields.Integer(
        string="Short abandons", readonly=True, aggregator="sum"
    )
    service_level_15 = fields.Float(
        string="SL 15 s, of answered (%)",
        readonly=True,
        aggregator="avg",
        help="Calls answered within 15 s, as a share of the answered calls "
        "(Asterisk's SL).",
    )
    service_level_20 = fields.Float(
        string="SL 20 s, of answered (%)",
        readonly=True,
        aggregator="avg",
        help="Calls answered within 20 s, as a share of the answered calls "
        "(Asterisk's SL).",
    )
    service_level2_20 = fields.Float(
        string="SL2 20 s, abandons counted (%)",
        readonly=True,
        aggregator="avg",
        help="Calls answered or abandoned within 20 s, as a share of the "
        "answered and abandoned calls, short abandons excluded (Asterisk's SL2): "
        "unlike SL, a caller who hangs up early counts.",
    )
    connection_rate = fields.Float(
        string="Connection rate (%)",
        readonly=True,
        aggregator="avg",
        help="Answered / offered, short abandons excluded (接通率).",
    )
    abandon_rate = fields.Float(
        string="Abandonment (%)",
        readonly=True,
        aggregator="avg",
        help="Abandoned / offered, short abandons excluded.",
    )
    answer_wait = fields.Float(
        string="ASA (s)",
        readonly=True,
        aggregator="avg",
        help="Average speed of answer: wait of answered calls.",
    )
    rated_count = fields.Integer(string="Rated", readonly=True, aggregator="sum")
    satisfaction_rate = fields.Float(
        string="Satisfied (%)",
        readonly=True,
        aggregator="avg",
        help="Satisfied / rated calls, for any grouping (agent, team, queue...).",
    )
    dissatisfaction_rate = fields.Float(
        string="Dissatisfied or complaint (%)", readonly=True, aggregator="avg"
    )
    complaint_count = fields.Integer(
        string="Service complaints", readonly=True, aggregator="sum"
    )
    overflow_count = fields.Integer(
        string="Overflowed out",
        readonly=True,
        aggregator="sum",
        help="Calls that left this queue on its timeout for the next queue.",
    )
    overflow_in_count = fields.Integer(
        string="Overflowed in",
        readonly=True,
        aggregator="sum",
        help="Calls that came to this queue after another queue timed out.",
    )
    overflow_rate = fields.Float(
        string="Overflow (%)",
        readonly=True,
        aggregator="avg",
        help="Overflowed out / (offered + overflowed out).",
    )

    did = fields.Char(string="DID", readonly=True)
    ivr_outcome = fields.Selection(
        IVR_OUTCOMES,
        string="IVR outcome",
        readonly=True,
        help="Whether the caller asked for an agent (reached a queue) or ended "
        "in the IVR: served by self-service, hung up, refused.",
    )
    ivr_served_count = fields.Integer(
        string="Served in IVR",
        readonly=True,
        aggregator="sum",
        help="Calls the IVR ended without an agent (self-service).",
    )
    queue_reached_count = fields.Integer(
        string="Reached a queue",
        readonly=True,
        aggregator="sum",
        help="Calls that asked for an agent, short abandons included.",
    )
    longest_wait = fields.Integer(
        string="Longest wait (s)",
        readonly=True,
        aggregator="max",
        help="Longest wait of an answered or abandoned call, short abandons excluded.",
    )

    def _query(self):
        pct = "CASE WHEN {cond} THEN CASE WHEN {hit} THEN 100.0 ELSE 0.0 END END"
        return SQL(
            """
            SELECT c.id::bigint * 64 AS id, c.id AS call_id, c.started_at,
                   c.call_hour,
                   c.queue_id, c.user_id, c.team_id, c.company_id,
                   c.wait_bucket, c.rating, c.disposition_id,
                   CASE WHEN c.wrapup_ended_at IS NOT NULL
                        THEN c.wrapup_seconds END AS wrapup_seconds,
                   1 AS call_count,
                   c.is_offered::int AS offered_count,
                   c.is_answered::int AS answered_count,
                   c.answered_within_15::int AS answered_15_count,
                   c.answered_within_20::int AS answered_20_count,
                   c.is_abandoned::int AS abandoned_count,
                   c.is_short_abandon::int AS short_abandon_count,
                   %(sl15)s AS service_level_15,
                   %(sl20)s AS service_level_20,
                   %(sl2)s AS service_level2_20,
                   %(conn)s AS connection_rate,
                   %(aband)s AS abandon_rate,
                   CASE WHEN c.is_answered THEN c.wait_seconds END AS answer_wait,
                   (c.rating IS NOT NULL)::int AS rated_count,
                   %(sat)s AS satisfaction_rate,
                   %(dissat)s AS dissatisfaction_rate,
                   COALESCE(c.rating_complaint, FALSE)::int AS complaint_count,
                   0 AS overflow_count,
                   (COALESCE(c.queue_path, '') LIKE %(overflowed)s)::int
                       AS overflow_in_count,
                   CASE WHEN c.is_offered THEN 0.0 END AS overflow_rate,
                   c.did,
                   CASE WHEN c.is_offered OR c.is_short_abandon
                             OR c.queued_at IS NOT NULL
                             OR c.disposition = 'abandoned_queue' THEN 'queue'
                        WHEN c.disposition = 'ended_by_ivr' THEN 'ivr_served'
                        WHEN c.disposition = 'abandoned_ivr' THEN 'ivr_abandoned'
                        WHEN c.disposition = 'refused_blacklist' THEN 'refused'
                        WHEN c.disposition = 'voicemail' THEN 'voicemail'
                        ELSE 'other' END AS ivr_outcome,
                   (c.disposition = 'ended_by_ivr' AND NOT c.is_offered
                    AND c.queued_at IS NULL)::int AS ivr_served_count,
                   (c.is_offered OR c.is_short_abandon
                    OR c.queued_at IS NOT NULL)::int AS queue_reached_count,
                   CASE WHEN c.is_answered OR c.is_abandoned
                        THEN c.wait_seconds END AS longest_wait
              FROM hotline_call c
             WHERE c.direction = 'inbound'
            UNION ALL
            SELECT c.id::bigint * 64 + p.pos AS id, c.id AS call_id, c.started_at,
                   c.call_hour, q.id AS queue_id, NULL::int AS user_id,
                   NULL::int AS team_id, c.company_id,
                   NULL::varchar AS wait_bucket, NULL::varchar AS rating,
                   NULL::int AS disposition_id, NULL::int AS wrapup_seconds,
                   0, 0, 0, 0, 0, 0, 0,
                   NULL::numeric, NULL::numeric, NULL::numeric, NULL::numeric,
                   NULL::numeric, NULL::int, 0, NULL::numeric, NULL::numeric, 0,
                   1 AS overflow_count, 0 AS overflow_in_count,
                   100.0 AS overflow_rate,
                   c.did, NULL::varchar AS ivr_outcome, 0, 0, NULL::int
              FROM hotline_call c
             CROSS JOIN LATERAL unnest(string_to_array(c.queue_path, %(sep)s))
                   WITH ORDINALITY AS p(code, pos)
              LEFT JOIN LATERAL (
                    SELECT hq.id FROM hotline_queue hq
                     WHERE hq.code = p.code AND hq.company_id = c.company_id
                     ORDER BY hq.active DESC, hq.id LIMIT 1
                   ) q ON TRUE
             WHERE c.direction = 'inbound'
               -- only the calls that overflowed have a queue to leave
               AND c.queue_path LIKE %(overflowed)s
               AND p.pos < cardinality(string_to_array(c.queue_path, %(sep)s))
            """,
            sep=QUEUE_PATH_SEP,
            overflowed=f"%{QUEUE_PATH_SEP}%",
            sl15=SQL(pct.format(cond="c.is_answered", hit="c.answered_within_15")),
            sl20=SQL(pct.format(cond="c.is_answered", hit="c.answered_within_20")),
            sl2=SQL(
                pct.format(
                    cond="c.is_answered OR c.is_abandoned",
                    hit="c.answered_within_20 OR c.abandoned_within_20",
                )
            ),
            conn=SQL(pct.format(cond="c.is_offered", hit="c.is_answered")),
            aband=SQL(pct.format(cond="c.is_offered", hit="c.is_abandoned")),
            sat=SQL(
                pct.format(cond="c.rating IS NOT NULL", hit="c.rating = 'satisfied'")
            ),
            dissat=SQL(
                pct.format(
                    cond="c.rating IS NOT NULL",
                    hit="c.rating IN ('dissatisfied', 'complaint')",
                )
            ),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
