# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..pbx.dialer import RESULTS

ORIGINS = [("campaign", "Campaign"), ("agent", "Agent dial (click-to-dial)")]


class HotlineOutboundReport(models.Model):
    """Outbound calls (呼出): one row per attempt.

    A campaign's attempts come from ``hotline.campaign.attempt`` (their result
    is the dialer's, their talk time the call log's when the attempt found its
    call); every other outbound call of the call log (click-to-dial, a number
    dialled from the phone) is an agent's attempt, its result read from the
    call's disposition.
    """

    _name = "hotline.outbound.report"
    _description = "Outbound Call Statistics"
    _auto = False
    _rec_name = "number"
    _order = "started_at desc"

    started_at = fields.Datetime(readonly=True)
    origin = fields.Selection(ORIGINS, readonly=True)
    campaign_id = fields.Many2one("hotline.campaign", readonly=True)
    call_id = fields.Many2one("hotline.call", readonly=True)
    attempt_id = fields.Many2one("hotline.campaign.attempt", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    team_id = fields.Many2one("hotline.skill.group", readonly=True)
    queue_id = fields.Many2one("hotline.queue", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    number = fields.Char(string="Number dialled", readonly=True)
    result = fields.Selection(RESULTS, readonly=True)
    disposition_id = fields.Many2one(
        "hotline.call.disposition", string="Wrap-up code", readonly=True
    )
    attempt_count = fields.Integer(string="Attempts", readonly=True, aggregator="sum")
    connected_count = fields.Integer(
        string="Connected", readonly=True, aggregator="sum"
    )
    connection_rate = fields.Float(
        string="Connection rate (%)",
        readonly=True,
        aggregator="avg",
        help="Connected / attempts.",
    )
    talk_seconds = fields.Integer(
        string="Talk time (s)", readonly=True, aggregator="sum"
    )
    avg_talk_seconds = fields.Float(
        string="Average talk (s)",
        readonly=True,
        aggregator="avg",
        help="Talk time of the connected calls, on average.",
    )

    def _query(self):
        return SQL(
            """
            SELECT a.id::bigint * 2 AS id, a.started_at, 'campaign' AS origin,
                   a.campaign_id, a.call_id, a.id AS attempt_id,
                   COALESCE(a.user_id, c.user_id) AS user_id, c.team_id,
                   COALESCE(c.queue_id, camp.queue_id) AS queue_id,
                   a.partner_id, a.company_id, a.number,
                   COALESCE(a.result, CASE WHEN a.answered_at IS NOT NULL
                                           THEN 'answered' END) AS result,
                   c.disposition_id,
                   1 AS attempt_count,
                   (a.answered_at IS NOT NULL OR a.result = 'answered')::int
                       AS connected_count,
                   CASE WHEN a.answered_at IS NOT NULL OR a.result = 'answered'
                        THEN 100.0 ELSE 0.0 END AS connection_rate,
                   t.talk AS talk_seconds,
                   CASE WHEN a.answered_at IS NOT NULL OR a.result = 'answered'
                        THEN t.talk END AS avg_talk_seconds
              FROM hotline_campaign_attempt a
              JOIN hotline_campaign camp ON camp.id = a.campaign_id
              LEFT JOIN hotline_call c ON c.id = a.call_id
             CROSS JOIN LATERAL (
                    SELECT COALESCE(
                        c.talk_seconds,
                        GREATEST(EXTRACT(EPOCH FROM a.ended_at - a.answered_at), 0),
                        0)::int AS talk
                   ) t
            UNION ALL
            SELECT c.id::bigint * 2 + 1, c.started_at, 'agent', NULL::int, c.id,
                   NULL::int, c.user_id, c.team_id, c.queue_id, c.partner_id,
                   c.company_id, c.called_number,
                   CASE c.disposition
                        WHEN 'answered' THEN 'answered'
                        WHEN 'busy' THEN 'busy'
                        WHEN 'no_answer' THEN 'no_answer'
                        WHEN 'failed' THEN 'failed'
                        ELSE CASE WHEN c.answered_at IS NOT NULL THEN 'answered'
                                  WHEN c.ended_at IS NOT NULL THEN 'no_answer'
                             END
                   END,
                   c.disposition_id, 1,
                   (c.answered_at IS NOT NULL)::int,
                   CASE WHEN c.answered_at IS NOT NULL THEN 100.0 ELSE 0.0 END,
                   COALESCE(c.talk_seconds, 0),
                   CASE WHEN c.answered_at IS NOT NULL
                        THEN COALESCE(c.talk_seconds, 0) END
              FROM hotline_call c
             WHERE c.direction = 'outbound'
               AND NOT EXISTS (
                    SELECT 1 FROM hotline_campaign_attempt a2
                     WHERE a2.call_id = c.id)
            """
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
