# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Dunning by phone: the SQL of the campaign build and the pre-dial check,
the outcomes of the dunning services (plain data, no ORM)."""

import datetime

from dateutil.relativedelta import relativedelta

DUNNING_OUTCOMES = [
    ("heard", "Heard the reminder"),
    ("promise", "Promised a payment date"),
    ("agent", "Asked for an agent"),
    ("hung_up", "Hung up before the end"),
    ("paid", "Paid before the call"),
    ("unreachable", "Unreachable"),
]

# the phone-channel lines of a run, per customer: overdue total, months, number
BUILD_SQL = """
INSERT INTO hotline_campaign_contact (
    campaign_id, company_id, partner_id, variables, state, attempt_count,
    hotline_dunning_amount, create_uid, create_date, write_uid, write_date
)
SELECT %(campaign)s, %(company)s, agg.partner_id,
       jsonb_build_object(
           'customer_number', COALESCE(p.hotline_customer_number, p.ref, ''),
           'amount', to_char(agg.amount, 'FM999999999990.00'),
           'months', agg.months
       ),
       'pending', 0, agg.amount, %(uid)s, now() at time zone 'UTC',
       %(uid)s, now() at time zone 'UTC'
  FROM (
        SELECT l.commercial_partner_id AS partner_id,
               ROUND(SUM(l.balance_due)::numeric, 2) AS amount,
               array_to_string(array_agg(DISTINCT to_char(
                   COALESCE(m.invoice_date, l.date_due), 'YYYYMM')
                   ORDER BY to_char(COALESCE(m.invoice_date, l.date_due),
                   'YYYYMM')), ',') AS months
          FROM credit_control_line l
          LEFT JOIN account_move m ON m.id = l.invoice_id
         WHERE l.id = ANY(%(lines)s)
         GROUP BY l.commercial_partner_id
        HAVING SUM(l.balance_due) > 0
       ) agg
  JOIN res_partner p ON p.id = agg.partner_id
ON CONFLICT (campaign_id, partner_id) DO NOTHING
"""

LINK_SQL = """
UPDATE credit_control_line l
   SET hotline_dunning_contact_id = c.id, state = 'queued',
       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
  FROM hotline_campaign_contact c
 WHERE c.campaign_id = %(campaign)s
   AND c.partner_id = l.commercial_partner_id
   AND l.id = ANY(%(lines)s)
"""

# overdue now of customers (as on the customer's form: overdue items less the
# payments and credit notes not matched yet)
OVERDUE_SQL = """
SELECT p.commercial_partner_id,
       GREATEST(
           COALESCE(SUM(aml.amount_residual) FILTER (
               WHERE aml.amount_residual > 0 AND aml.date_maturity < %(today)s), 0)
           + COALESCE(SUM(aml.amount_residual) FILTER (
               WHERE aml.amount_residual < 0), 0),
           0)
  FROM account_move_line aml
  JOIN res_partner p ON p.id = aml.partner_id
  JOIN account_account a ON a.id = aml.account_id
 WHERE p.commercial_partner_id = ANY(%(partners)s)
   AND aml.company_id = %(company)s
   AND aml.parent_state = 'posted'
   AND aml.reconciled IS NOT TRUE
   AND a.account_type = 'asset_receivable'
 GROUP BY p.commercial_partner_id
"""


def parse_promise(text, today, max_days):
    """``(date, problem)`` of a payment date typed as YYYYMMDD: problem
    ``invalid`` (not a date), ``past`` (before today) or ``too_far`` (more
    than ``max_days`` ahead)."""
    text = (text or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None, "invalid"
    try:
        date = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None, "invalid"
    if date < today:
        return None, "past"
    if max_days and date > today + relativedelta(days=max_days):
        return None, "too_far"
    return date, None
