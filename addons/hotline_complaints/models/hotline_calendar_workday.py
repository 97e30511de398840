# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCalendarWorkday(models.Model):
    """An adjusted working day (调休上班日): a weekend day that is worked."""

    _name = "hotline.calendar.workday"
    _description = "Adjusted Working Day"
    _order = "date"

    calendar_id = fields.Many2one(
        "resource.calendar", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(required=True)
    name = fields.Char(string="Reason")

    _sql_constraints = [
        (
            "calendar_date_uniq",
            "UNIQUE(calendar_id, date)",
            "This day is already an adjusted working day of the calendar.",
        ),
    ]
