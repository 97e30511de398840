# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCaseType(models.Model):
    """Kind of case (consultation, complaint, report…) with its default team,
    deadlines and the form fields that apply."""

    _name = "hotline.case.type"
    _description = "Case Type"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Technical code used by integrations.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Default team",
        help="Team the case is dispatched to unless the agent chooses another.",
    )
    category_id = fields.Many2one("helpdesk.ticket.category", string="Default category")
    deadline_ids = fields.One2many(
        "hotline.case.deadline", "case_type_id", string="Deadlines", copy=True
    )
    extension_amount = fields.Integer(
        string="Extension (days)",
        help="Days a supervisor may add once to the closing deadline (信访: 30).",
    )
    remind_before_percent = fields.Integer(
        string="Remind at (% left)",
        default=20,
        help="A reminder (催办) goes out when less than this share of the time "
        "allowed for the step is left.",
    )
    escalate_leader_hours = fields.Integer(
        string="Escalate to leader after (hours)",
        default=24,
        help="Hours after the deadline when an overdue case goes to the leader.",
    )
    requires_instruction = fields.Boolean(
        string="Requires leader instruction",
        help="A leader's instruction (批示) is needed before the reply.",
    )
    confidential_default = fields.Boolean(
        string="Confidential by default",
        help="Cases of this type protect the reporter's identity (举报人保密).",
    )
    show_accused = fields.Boolean(string="Asks for the party concerned")
    show_location = fields.Boolean(string="Asks for the location")
    show_meter = fields.Boolean(string="Asks for the meter/account number")
    show_work_orders = fields.Boolean(string="Uses field work orders")

    _sql_constraints = [
        ("code_uniq", "UNIQUE(code)", "The code of a case type must be unique."),
    ]
