# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

URGENCY = [
    ("normal", "Normal"),
    ("outage", "Water/power/gas/heating outage"),
    ("life_safety", "Life or safety at risk"),
]
STEPS = [("accept", "Acceptance"), ("reply", "Reply"), ("close", "Closing")]
UNITS = [
    ("minutes", "Minutes (round the clock)"),
    ("hours", "Hours (round the clock)"),
    ("days", "Calendar days"),
    ("working_days", "Working days"),
]


class HotlineCaseDeadline(models.Model):
    """Time allowed for one step of a case type, optionally for one urgency."""

    _name = "hotline.case.deadline"
    _description = "Case Deadline Rule"
    _order = "case_type_id, step, urgency"

    case_type_id = fields.Many2one(
        "hotline.case.type", required=True, ondelete="cascade", index=True
    )
    step = fields.Selection(STEPS, required=True)
    urgency = fields.Selection(
        URGENCY, help="Empty: applies to every urgency without a rule of its own."
    )
    amount = fields.Integer(required=True)
    unit = fields.Selection(UNITS, required=True, default="working_days")

    @api.constrains("amount")
    def _check_amount(self):
        for rule in self:
            if rule.amount <= 0:
                raise ValidationError(self.env._("A deadline must be positive."))

    def _hotline_apply(self, start, calendar):
        """Deadline (naive UTC) counted from ``start`` on ``calendar``."""
        self.ensure_one()
        if self.unit == "minutes":
            return start + timedelta(minutes=self.amount)
        if self.unit == "hours":
            return start + timedelta(hours=self.amount)
        if self.unit == "days":
            return start + timedelta(days=self.amount)
        calendar = calendar or self.env.company.resource_calendar_id
        return calendar.hotline_add_working_days(start, self.amount)
