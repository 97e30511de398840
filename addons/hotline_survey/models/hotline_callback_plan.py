# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Callback plans (回访计划): what is sampled, how often, who calls.

Each run (the daily cron, or *Sample now*) samples the cases, calls or work
orders finished at least ``delay_hours`` ago and not yet sampled, writes one
``hotline.callback.task`` per sampled record and adds the tasks' customers
to the plan's campaign of the period (``hotline.campaign``: preview for agent
callbacks, automated with the keypad flow for keypad surveys), so that the
outbound engine of hotline_callcenter dials, retries and records them.
"""

from odoo import fields, models

SOURCES = [
    ("case", "Closed cases"),
    ("call", "Answered calls"),
    ("work_order", "Completed work orders"),
]


class HotlineCallbackPlan(models.Model):
    _name = "hotline.callback.plan"
    _description = "Callback plan"
    _inherit = ["mail.thread", "hotline.company.guard"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    # what is sampled
    source = fields.Selection(
        SOURCES, string="Sample", required=True, default="case", tracking=True
    )
    case_type_ids = fields.Many2many(
        "hotline.case.type", string="Case types", help="Empty: every case type."
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Teams",
        help="Cases and work orders of these teams, calls answered by their "
        "agents. Empty: every team.",
    )
    channel_ids = fields.Many2many(
        "helpdesk.ticket.channel", string="Channels", help="Empty: every channel."
    )
    queue_ids = fields.Many2many(
        "hotline.queue",
        "hotline_callback_plan_sampled_queue_rel",
        string="Queues sampled",
        help="Calls: answered in these queues. Empty: every queue.",
    )
    sampling = fields.Selection(
        [("rate", "A percentage"), ("count", "A fixed number")],
        required=True,
        default="rate",
        tracking=True,
    )
    sample_rate = fields.Float(string="Sampling rate (%)", default=20.0, tracking=True)
    sample_count = fields.Integer(
        string="Number per period and team", default=10, tracking=True
    )
    period = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly")],
        required=True,
        default="daily",
        tracking=True,
    )
    delay_hours = fields.Integer(
        string="Delay after closing (h)",
        default=24,
        required=True,
        help="A case, call or work order is sampled this long after it ended.",
    )
    exclude_days = fields.Integer(
        string="Not again within (days)",
        default=30,
        help="Customers called back within this many days are not sampled.",
    )
    survey_id = fields.Many2one(
        "survey.survey", string="Survey", required=True, tracking=True
    )
    # who calls, how
    mode = fields.Selection(
        [
            ("agent", "Agent callback (preview campaign)"),
            ("keypad", "Automated keypad survey"),
        ],
        required=True,
        default="agent",
        tracking=True,
    )
    queue_id = fields.Many2one(
        "hotline.queue",
        string="Agents of queue",
        check_company=True,
        help="Agent callbacks: the tasks go to the agents of this queue.",
    )
    agent_quota = fields.Integer(
        string="Tasks per agent and period",
        default=0,
        help="0: no limit; sampled tasks beyond the agents' quotas wait for "
        "the next period.",
    )
    flow_id = fields.Many2one(
        "hotline.ivr.flow",
        string="Keypad flow",
        check_company=True,
        help="Keypad surveys: the IVR flow the callee hears (with a Survey node).",
    )
    pbx_id = fields.Many2one("hotline.pbx", string="PBX", check_company=True)
    calendar_id = fields.Many2one(
        "resource.calendar", string="Calling windows", check_company=True
    )
    max_attempts = fields.Integer(string="Attempts per customer", default=3)
    retry_minutes = fields.Integer(string="Retry after (min)", default=120)
    caller_id = fields.Char(string="Caller ID shown")
    link_fallback = fields.Boolean(
        string="Send the survey link when unreachable",
        default=True,
        help="After the last attempt the customer gets an SMS (or an e-mail "
        "without a mobile) with a personal link to the survey.",
    )
    complaint_on_dissatisfied = fields.Boolean(
        string="Dissatisfied answers open a complaint",
        default=True,
        help="A dissatisfied answer reopens the case or creates a complaint "
        "case linked to it.",
    )
    last_run_at = fields.Datetime(readonly=True, copy=False)
    task_ids = fields.One2many("hotline.callback.task", "plan_id")
    campaign_ids = fields.One2many("hotline.campaign", "hotline_callback_plan_id")
