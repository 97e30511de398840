# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.dunning import DUNNING_OUTCOMES

RESULTS = DUNNING_OUTCOMES + [
    ("busy", "Busy"),
    ("no_answer", "No answer"),
    ("invalid_number", "Number does not exist"),
    ("rejected", "Rejected"),
    ("congestion", "Congestion / network failure"),
    ("failed", "Failed (PBX side)"),
    ("refused", "Refused by the PBX"),
    ("unknown", "Unknown (no response from the PBX)"),
    ("answered", "Answered"),
    ("not_dialled", "Not dialled"),
    ("pending", "Not called yet"),
]


class HotlineDunningReport(models.Model):
    """催缴统计: one row per contact of a dunning campaign, on the day of its
    last call (the campaign's day when not called yet). Pivot by campaign and
    day: contacts, reached, reach rate, results, amount covered, amount paid
    within the company's days after a reached call."""

    _name = "hotline.dunning.report"
    _description = "Dunning statistics"
    _auto = False
    _order = "date desc, campaign_id"
    _rec_name = "campaign_id"

    campaign_id = fields.Many2one("hotline.campaign", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    date = fields.Date(string="Day", readonly=True)
    result = fields.Selection(RESULTS, readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True)
    reached_count = fields.Integer(string="Reached", readonly=True)
    reach_rate = fields.Float(string="Reach rate (%)", readonly=True, aggregator="avg")
    attempt_count = fields.Integer(string="Calls", readonly=True)
    amount = fields.Float(string="Amount covered", readonly=True, digits="Account")
    paid_amount = fields.Float(
        string="Paid after the call", readonly=True, digits="Account"
    )

    def _query(self):
        return """
SELECT c.id AS id,
       c.campaign_id,
       camp.company_id,
       c.partner_id,
       COALESCE(
           (timezone(COALESCE(cp.tz, 'UTC'), timezone('UTC', last.started_at)))::date,
           (timezone(COALESCE(cp.tz, 'UTC'), timezone('UTC', camp.create_date)))::date
       ) AS date,
       CASE
           WHEN c.hotline_dunning_outcome IS NOT NULL THEN c.hotline_dunning_outcome
           WHEN c.state = 'excluded' THEN 'not_dialled'
           WHEN c.last_result IS NOT NULL THEN c.last_result
           ELSE 'pending'
       END AS result,
       1 AS contact_count,
       CASE WHEN c.hotline_dunning_reached_at IS NOT NULL THEN 1 ELSE 0 END
           AS reached_count,
       CASE WHEN c.hotline_dunning_reached_at IS NOT NULL THEN 100.0 ELSE 0.0 END
           AS reach_rate,
       c.attempt_count,
       COALESCE(c.hotline_dunning_amount, 0) AS amount,
       COALESCE(paid.amount, 0) AS paid_amount
  FROM hotline_campaign_contact c
  JOIN hotline_campaign camp ON camp.id = c.campaign_id
  JOIN res_company company ON company.id = camp.company_id
  JOIN res_partner cp ON cp.id = company.partner_id
  LEFT JOIN LATERAL (
        SELECT a.started_at FROM hotline_campaign_attempt a
         WHERE a.contact_id = c.id ORDER BY a.id DESC LIMIT 1
  ) last ON TRUE
  LEFT JOIN LATERAL (
        SELECT SUM(apr.amount) AS amount
          FROM credit_control_line l
          JOIN account_partial_reconcile apr ON apr.debit_move_id = l.move_line_id
         WHERE l.hotline_dunning_contact_id = c.id
           AND c.hotline_dunning_reached_at IS NOT NULL
           AND apr.max_date >= c.hotline_dunning_reached_at::date
           AND apr.max_date <= c.hotline_dunning_reached_at::date
               + COALESCE(company.hotline_dunning_paid_days, 0)
  ) paid ON TRUE
 WHERE camp.hotline_dunning
"""

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                SQL(self._query()),
            )
        )
