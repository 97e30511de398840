# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One sampled case, call or work order to call back (回访任务).

The call itself is a contact of the plan's campaign (``contact_id``): the
outbound engine dials, retries and records it; the answers are a
``survey.user_input`` linked back here (``user_input_id``, the one kept).
"""

from odoo import fields, models

from ..tools.satisfaction import LEVELS
from .hotline_callback_plan import SOURCES

TASK_STATES = [
    ("pending", "To call"),
    ("calling", "Calling"),
    ("done", "Answered"),
    ("partial", "Partly answered"),
    ("unreachable", "Unreachable"),
    ("link_sent", "Link sent"),
    ("cancelled", "Cancelled"),
]


class HotlineCallbackTask(models.Model):
    _name = "hotline.callback.task"
    _description = "Callback task"
    _inherit = ["hotline.company.guard"]
    _order = "due_at desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "hotline.callback.plan", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    survey_id = fields.Many2one(related="plan_id.survey_id", store=True)
    mode = fields.Selection(related="plan_id.mode", store=True)
    source = fields.Selection(SOURCES, required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True
    )
    ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Case", index=True, ondelete="set null"
    )
    call_id = fields.Many2one("hotline.call", index=True, ondelete="set null")
    work_order_id = fields.Many2one(
        "hotline.work.order", string="Work order", index=True, ondelete="set null"
    )
    handling_user_id = fields.Many2one(
        "res.users", string="Handled by", index=True, readonly=True
    )
    team_id = fields.Many2one("helpdesk.ticket.team", index=True, readonly=True)
    case_type_id = fields.Many2one("hotline.case.type", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Calls back", index=True, help="The agent who calls."
    )
    campaign_id = fields.Many2one("hotline.campaign", readonly=True, index=True)
    contact_id = fields.Many2one(
        "hotline.campaign.contact", readonly=True, index=True, ondelete="set null"
    )
    state = fields.Selection(
        TASK_STATES, default="pending", required=True, index=True, readonly=True
    )
    sampled_at = fields.Datetime(readonly=True, default=fields.Datetime.now)
    due_at = fields.Datetime(string="Due", readonly=True)
    done_at = fields.Datetime(readonly=True)
    link_sent_at = fields.Datetime(readonly=True)
    user_input_id = fields.Many2one(
        "survey.user_input", string="Answers", readonly=True, ondelete="set null"
    )
    user_input_ids = fields.One2many(
        "survey.user_input", "hotline_callback_task_id", string="All answers"
    )
    satisfaction = fields.Selection(LEVELS, readonly=True, index=True)
    complaint_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Complaint raised", readonly=True, index=True
    )

    _sql_constraints = [
        ("ticket_once", "UNIQUE(ticket_id)", "A case is called back once."),
        ("call_once", "UNIQUE(call_id)", "A call is called back once."),
        (
            "work_order_once",
            "UNIQUE(work_order_id)",
            "A work order is called back once.",
        ),
    ]

    def _hotline_survey_done(self, user_input):
        """A survey of this task was completed (by the agent, on the keypad or
        through the link). The first completed answer is the one kept: a
        customer answering again (link after callback, the link twice) does
        not count twice. Returns whether ``user_input`` was kept."""
        self.ensure_one()
        kept = self.user_input_id
        if kept and kept != user_input and kept.state == "done":
            return False
        level = user_input.survey_id._hotline_satisfaction_of(user_input)
        user_input.hotline_satisfaction = level
        self.write(
            {
                "state": "done",
                "done_at": fields.Datetime.now(),
                "user_input_id": user_input.id,
                "satisfaction": level,
            }
        )
        if level == "dissatisfied" and self.plan_id.complaint_on_dissatisfied:
            complaint = self.env["helpdesk.ticket"]._hotline_complaint_from_callback(
                self
            )
            self.complaint_ticket_id = complaint
        return True

    def _hotline_on_unreachable(self):
        """The campaign gave up on these tasks' customers (last attempt, no
        valid number): unreachable, then the survey link when the plan says so."""
        self.write({"state": "unreachable"})
        self.filtered(lambda task: task.plan_id.link_fallback)._hotline_send_link()

    def _hotline_send_link(self):
        """SMS (or e-mail) with a personal link to the survey: state link_sent."""
        raise NotImplementedError  # hotline_survey wave: the link helper
