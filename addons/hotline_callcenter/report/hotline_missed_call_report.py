# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

MISSED_KINDS = [
    ("abandoned", "Abandoned in the queue"),
    ("unanswered", "Not answered"),
]
CALLBACK_STATES = [
    ("open", "Not called back"),
    ("attempted", "Called back, not reached"),
    ("called_back", "Called back"),
    ("recovered", "Called again and served"),
]


class HotlineMissedCallReport(models.Model):
    """Missed calls (未接来电) and whether each caller was reached since.

    One row per inbound call that asked for an agent and got none (abandoned
    in the queue, short abandons excluded, or ended unanswered: queue timeout,
    voicemail). Its caller was *called back* when an outbound call to the
    same number of the same company connected after it, *recovered* when the
    caller called again and an agent answered; whichever came first decides
    the state. The first outbound call to the number after the miss tells
    by whom and after how long the caller was called back.

    Numbers match exactly as Asterisk reported them (the connector writes
    them normalised). The row shows the call (its name masks a confidential
    reporter's number), never the number itself.
    """

    _name = "hotline.missed.call.report"
    _inherit = ["hotline.report.without.jit"]
    _description = "Missed Calls"
    _auto = False
    _rec_name = "call_id"
    _order = "started_at desc"

    call_id = fields.Many2one("hotline.call", string="Missed call", readonly=True)
    started_at = fields.Datetime(readonly=True)
    queue_id = fields.Many2one("hotline.queue", readonly=True)
    did = fields.Char(string="DID", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    missed_kind = fields.Selection(MISSED_KINDS, string="Missed as", readonly=True)
    wait_seconds = fields.Integer(string="Wait (s)", readonly=True, aggregator="avg")
    assignee_id = fields.Many2one("res.users", string="Call back by", readonly=True)
    state = fields.Selection(CALLBACK_STATES, string="Callback", readonly=True)
    callback_call_id = fields.Many2one(
        "hotline.call", string="First callback", readonly=True
    )
    callback_at = fields.Datetime(string="Called back at", readonly=True)
    callback_user_id = fields.Many2one(
        "res.users", string="Called back by", readonly=True
    )
    callback_delay = fields.Integer(
        string="Callback after (s)",
        readonly=True,
        aggregator="avg",
        help="From the end of the missed call to the first call back.",
    )
    recall_call_id = fields.Many2one(
        "hotline.call", string="Served on a later call", readonly=True
    )
    resolved_by_id = fields.Many2one(
        "res.users",
        string="Reached by",
        readonly=True,
        help="The agent who reached the caller: on the callback that connected, "
        "or on the caller's next call.",
    )
    missed_count = fields.Integer(string="Missed", readonly=True, aggregator="sum")
    called_back_count = fields.Integer(
        string="Called back", readonly=True, aggregator="sum"
    )
    recovered_count = fields.Integer(
        string="Recovered", readonly=True, aggregator="sum"
    )
    open_count = fields.Integer(
        string="Still open",
        readonly=True,
        aggregator="sum",
        help="Missed callers nobody has reached yet.",
    )
    resolved_rate = fields.Float(
        string="Reached (%)",
        readonly=True,
        aggregator="avg",
        help="Missed callers reached since: called back or served on a later call.",
    )

    def _missed_where(self):
        """Which calls (``m``) count as missed; add-ons narrow it (``AND ...``)."""
        return SQL(
            "m.direction = 'inbound' AND m.is_offered AND NOT m.is_answered"
            " AND COALESCE(m.caller_number, '') <> ''"
        )

    def _query(self):
        return SQL(
            """
            SELECT m.id AS id, m.id AS call_id, m.started_at, m.queue_id, m.did,
                   m.partner_id, m.company_id,
                   CASE WHEN m.is_abandoned THEN 'abandoned'
                        ELSE 'unanswered' END AS missed_kind,
                   m.wait_seconds, m.missed_assignee_id AS assignee_id,
                   s.state,
                   cb.id AS callback_call_id, cb.started_at AS callback_at,
                   cb.user_id AS callback_user_id,
                   GREATEST(EXTRACT(EPOCH FROM cb.started_at
                                    - COALESCE(m.ended_at, m.started_at)), 0)::int
                       AS callback_delay,
                   rc.id AS recall_call_id,
                   CASE s.state WHEN 'called_back' THEN ok.user_id
                                WHEN 'recovered' THEN rc.user_id END
                       AS resolved_by_id,
                   1 AS missed_count,
                   (s.state = 'called_back')::int AS called_back_count,
                   (s.state = 'recovered')::int AS recovered_count,
                   (s.state IN ('open', 'attempted'))::int AS open_count,
                   CASE WHEN s.state IN ('called_back', 'recovered')
                        THEN 100.0 ELSE 0.0 END AS resolved_rate
              FROM hotline_call m
              LEFT JOIN LATERAL (
                    SELECT o.id, o.started_at, o.user_id FROM hotline_call o
                     WHERE o.called_number = m.caller_number
                       AND o.direction = 'outbound'
                       AND o.company_id = m.company_id
                       AND o.started_at >= m.started_at
                     ORDER BY o.started_at, o.id LIMIT 1
                   ) cb ON TRUE
              LEFT JOIN LATERAL (
                    SELECT o.id, o.started_at, o.user_id FROM hotline_call o
                     WHERE o.called_number = m.caller_number
                       AND o.direction = 'outbound'
                       AND o.company_id = m.company_id
                       AND o.started_at >= m.started_at
                       AND o.answered_at IS NOT NULL
                     ORDER BY o.started_at, o.id LIMIT 1
                   ) ok ON TRUE
              LEFT JOIN LATERAL (
                    SELECT i.id, i.started_at, i.user_id FROM hotline_call i
                     WHERE i.caller_number = m.caller_number
                       AND i.direction = 'inbound'
                       AND i.company_id = m.company_id
                       AND i.started_at > m.started_at
                       AND i.is_answered
                     ORDER BY i.started_at, i.id LIMIT 1
                   ) rc ON TRUE
             CROSS JOIN LATERAL (
                    SELECT CASE
                        WHEN ok.id IS NOT NULL
                             AND (rc.id IS NULL OR ok.started_at <= rc.started_at)
                            THEN 'called_back'
                        WHEN rc.id IS NOT NULL THEN 'recovered'
                        WHEN cb.id IS NOT NULL THEN 'attempted'
                        ELSE 'open' END AS state
                   ) s
             WHERE %s
            """,
            self._missed_where(),
        )

    def init(self):
        cr = self.env.cr
        # the callback look-ups: a number's calls in time order, per direction
        cr.execute(
            "CREATE INDEX IF NOT EXISTS hotline_call_outbound_number_idx"
            " ON hotline_call (called_number, started_at)"
            " WHERE direction = 'outbound'"
        )
        cr.execute(
            "CREATE INDEX IF NOT EXISTS hotline_call_inbound_number_idx"
            " ON hotline_call (caller_number, started_at)"
            " WHERE direction = 'inbound'"
        )
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
