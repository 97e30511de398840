# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The satisfaction statistics (满意度报表): one row per rated thing.

* ``ivr_rating``: a call rated at the post-call prompt (``hotline.call.rating``);
* ``callback`` / ``keypad`` / ``link``: a completed survey answer
  (``survey.user_input``, ``hotline_source`` and ``hotline_satisfaction``
  set, test entries left out): agent callbacks, keypad surveys (of callback
  tasks or of inbound calls) and answers through the survey link;
* ``case_callback``: the case workflow's own callback step (回访 recorded on
  the case, ``helpdesk.ticket.satisfaction``).

Every scale is mapped to three levels by ``tools/satisfaction.SCALE_LEVELS``
(the SQL CASEs below are built from it). Counts are 0/1 columns (pivot sums
give numbers), rates are 0/100 columns aggregated with ``avg`` (pivot gives the
rate of any grouping). Nothing here names a confidential reporter: the
customer is left empty for rows of confidential cases and calls.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.satisfaction import COMPLAINT_VALUES, LEVELS, REPORT_SOURCES, SCALE_LEVELS

# row ids: one sequence per source table
ID_STRIDE = 4


def _case_sql(column, scale):
    """CASE column WHEN value THEN level ... END from the mapping table."""
    whens = [
        SQL("WHEN %s THEN %s", value, level)
        for value, level in SCALE_LEVELS[scale].items()
    ]
    return SQL("(CASE %s %s END)", column, SQL(" ").join(whens))


class HotlineSatisfactionReport(models.Model):
    _name = "hotline.satisfaction.report"
    _description = "Satisfaction statistics"
    _auto = False
    _order = "date desc"
    _rec_name = "date"

    date = fields.Datetime(readonly=True, help="When the rating was given.")
    source = fields.Selection(REPORT_SOURCES, readonly=True)
    level = fields.Selection(LEVELS, string="Satisfaction", readonly=True)
    rated_count = fields.Integer(string="Ratings", readonly=True, aggregator="sum")
    satisfied_count = fields.Integer(
        string="Satisfied", readonly=True, aggregator="sum"
    )
    neutral_count = fields.Integer(string="Neutral", readonly=True, aggregator="sum")
    dissatisfied_count = fields.Integer(
        string="Dissatisfied", readonly=True, aggregator="sum"
    )
    complaint_count = fields.Integer(
        string="Complaints",
        readonly=True,
        aggregator="sum",
        help="Key 0 at the post-call rating, or a complaint case opened from a "
        "dissatisfied callback survey.",
    )
    satisfied_pct = fields.Float(
        string="Satisfied (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    neutral_pct = fields.Float(
        string="Neutral (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    dissatisfied_pct = fields.Float(
        string="Dissatisfied (%)", readonly=True, aggregator="avg", digits=(16, 1)
    )
    user_id = fields.Many2one(
        "res.users",
        string="Agent",
        readonly=True,
        help="The agent who handled the call or case that was rated.",
    )
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    skill_group_id = fields.Many2one(
        "hotline.skill.group",
        string="Skill group",
        readonly=True,
        help="The agent's skill group on the rated call.",
    )
    case_type_id = fields.Many2one("hotline.case.type", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    queue_id = fields.Many2one("hotline.queue", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        help="Empty for confidential reporters.",
    )
    ticket_id = fields.Many2one("helpdesk.ticket", string="Case", readonly=True)
    survey_id = fields.Many2one("survey.survey", readonly=True)
    task_id = fields.Many2one(
        "hotline.callback.task", string="Callback task", readonly=True
    )
    plan_id = fields.Many2one(
        "hotline.callback.plan", string="Callback plan", readonly=True
    )

    def _query(self):
        complaint_ratings = tuple(COMPLAINT_VALUES["call_rating"])
        return SQL(
            """
            WITH rated AS (
            SELECT c.id::bigint * %(stride)s AS id,
                   COALESCE(c.rated_at, c.started_at) AS date,
                   'ivr_rating'::varchar AS source,
                   %(call_level)s AS level,
                   (c.rating IN %(complaints)s)::int AS complaint_count,
                   c.user_id, NULL::int AS team_id, c.team_id AS skill_group_id,
                   NULL::int AS case_type_id, NULL::int AS channel_id,
                   c.queue_id, c.company_id,
                   CASE WHEN c.hotline_confidential THEN NULL
                        ELSE c.partner_id END AS partner_id,
                   NULL::int AS ticket_id, NULL::int AS survey_id,
                   NULL::int AS task_id, NULL::int AS plan_id
              FROM hotline_call c
             WHERE c.rating IS NOT NULL
            UNION ALL
            SELECT ui.id::bigint * %(stride)s + 1,
                   COALESCE(ui.end_datetime, ui.create_date),
                   ui.hotline_source,
                   ui.hotline_satisfaction,
                   (task.complaint_ticket_id IS NOT NULL)::int,
                   COALESCE(ui.hotline_agent_id, task.handling_user_id),
                   COALESCE(ui.hotline_team_id, task.team_id),
                   call.team_id,
                   COALESCE(task.case_type_id, t.case_type_id),
                   COALESCE(task.channel_id, t.channel_id),
                   call.queue_id,
                   COALESCE(task.company_id, t.company_id, call.company_id),
                   CASE WHEN t.is_confidential OR call.hotline_confidential
                        THEN NULL ELSE COALESCE(ui.partner_id, task.partner_id)
                   END,
                   t.id, ui.survey_id, task.id, task.plan_id
              FROM survey_user_input ui
              LEFT JOIN hotline_callback_task task
                     ON task.id = ui.hotline_callback_task_id
              LEFT JOIN helpdesk_ticket t
                     ON t.id = COALESCE(ui.hotline_ticket_id, task.ticket_id)
              LEFT JOIN hotline_call call
                     ON call.id = COALESCE(ui.hotline_call_id, task.call_id)
             WHERE ui.state = 'done'
               AND ui.hotline_source IS NOT NULL
               AND ui.hotline_satisfaction IS NOT NULL
               AND NOT COALESCE(ui.test_entry, FALSE)
            UNION ALL
            SELECT t.id::bigint * %(stride)s + 2,
                   COALESCE(t.callback_at, t.write_date),
                   'case_callback',
                   %(case_level)s,
                   0,
                   COALESCE(t.owner_id, t.user_id),
                   t.team_id, NULL, t.case_type_id, t.channel_id, NULL,
                   t.company_id,
                   CASE WHEN t.is_confidential THEN NULL ELSE t.partner_id END,
                   t.id, NULL, NULL, NULL
              FROM helpdesk_ticket t
             WHERE t.satisfaction IS NOT NULL
            )
            SELECT rated.*,
                   1 AS rated_count,
                   (level = 'satisfied')::int AS satisfied_count,
                   (level = 'neutral')::int AS neutral_count,
                   (level = 'dissatisfied')::int AS dissatisfied_count,
                   CASE WHEN level = 'satisfied' THEN 100.0 ELSE 0.0 END
                       AS satisfied_pct,
                   CASE WHEN level = 'neutral' THEN 100.0 ELSE 0.0 END
                       AS neutral_pct,
                   CASE WHEN level = 'dissatisfied' THEN 100.0 ELSE 0.0 END
                       AS dissatisfied_pct
              FROM rated
            """,
            stride=ID_STRIDE,
            complaints=complaint_ratings,
            call_level=_case_sql(SQL("c.rating"), "call_rating"),
            case_level=_case_sql(SQL("t.satisfaction"), "case_satisfaction"),
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
