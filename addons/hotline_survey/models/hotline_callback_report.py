# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Callback statistics: one row per sampled callback task (cancelled tasks,
withdrawn before the call, are left out).

* callback rate (回访率): tasks answered (a survey completed, by the agent, on
  the keypad or through the link) / tasks sampled;
* reach rate (接通率): tasks whose customer was reached: an answered attempt
  of the task's campaign contact, or answers (even partial) recorded during
  a call (agent callback or keypad survey);
* complaints: tasks whose dissatisfied answer opened a complaint case.

The customer is not a column: a confidential reporter who asked for a
callback is a task like any other, and the task's case number and type say
enough for the statistics.
"""

from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.satisfaction import LEVELS
from .hotline_callback_plan import SOURCES
from .hotline_callback_task import TASK_STATES


class HotlineCallbackReport(models.Model):
    _name = "hotline.callback.report"
    _description = "Callback statistics"
    _auto = False
    _order = "sampled_at desc"
    _rec_name = "task_id"

    task_id = fields.Many2one(
        "hotline.callback.task", string="Callback task", readonly=True
    )
    plan_id = fields.Many2one(
        "hotline.callback.plan", string="Callback plan", readonly=True
    )
    survey_id = fields.Many2one("survey.survey", readonly=True)
    sampled_at = fields.Datetime(string="Sampled on", readonly=True)
    done_at = fields.Datetime(string="Answered on", readonly=True)
    source = fields.Selection(SOURCES, string="Sampled from", readonly=True)
    mode = fields.Selection(
        [("agent", "Agent callback"), ("keypad", "Keypad survey")], readonly=True
    )
    state = fields.Selection(TASK_STATES, readonly=True)
    satisfaction = fields.Selection(LEVELS, readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    handling_user_id = fields.Many2one("res.users", string="Handled by", readonly=True)
    user_id = fields.Many2one("res.users", string="Called back by", readonly=True)
    case_type_id = fields.Many2one("hotline.case.type", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", string="Case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    sampled_count = fields.Integer(string="Sampled", readonly=True, aggregator="sum")
    done_count = fields.Integer(string="Answered", readonly=True, aggregator="sum")
    reached_count = fields.Integer(string="Reached", readonly=True, aggregator="sum")
    complaint_count = fields.Integer(
        string="Complaints", readonly=True, aggregator="sum"
    )
    dissatisfied_count = fields.Integer(
        string="Dissatisfied", readonly=True, aggregator="sum"
    )
    callback_rate_pct = fields.Float(
        string="Callback rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Tasks answered / tasks sampled.",
    )
    reach_rate_pct = fields.Float(
        string="Reach rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Tasks whose customer was reached by phone / tasks sampled.",
    )

    def _query(self):
        return SQL(
            """
            SELECT task.id, task.id AS task_id, task.plan_id, task.survey_id,
                   task.sampled_at, task.done_at, task.source, task.mode,
                   task.state, task.satisfaction, task.team_id,
                   task.handling_user_id, task.user_id, task.case_type_id,
                   task.channel_id, task.ticket_id, task.company_id,
                   1 AS sampled_count,
                   (task.state = 'done')::int AS done_count,
                   reach.reached::int AS reached_count,
                   (task.complaint_ticket_id IS NOT NULL)::int AS complaint_count,
                   (task.satisfaction = 'dissatisfied')::int AS dissatisfied_count,
                   CASE WHEN task.state = 'done' THEN 100.0 ELSE 0.0 END
                       AS callback_rate_pct,
                   CASE WHEN reach.reached THEN 100.0 ELSE 0.0 END
                       AS reach_rate_pct
              FROM hotline_callback_task task
             CROSS JOIN LATERAL (
                    SELECT (
                        EXISTS (
                            SELECT 1 FROM hotline_campaign_attempt a
                             WHERE a.contact_id = task.contact_id
                               AND a.result = 'answered'
                        )
                        OR EXISTS (
                            SELECT 1 FROM survey_user_input ui
                             WHERE ui.hotline_callback_task_id = task.id
                               AND ui.hotline_source IN ('callback', 'keypad')
                        )
                    ) AS reached
                   ) reach
             WHERE task.state != 'cancelled'
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
