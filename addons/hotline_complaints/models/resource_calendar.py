# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models


class ResourceCalendar(models.Model):
    """Working days for case deadlines.

    A day is a working day when the calendar has attendances on its weekday and no
    global leave (public holiday, ``resource.calendar.leaves`` without resource)
    covers it, or when it is listed as an adjusted working day (调休上班日) in
    ``hotline.calendar.workday``, which wins over weekday and holidays.
    """

    _inherit = "resource.calendar"

    hotline_workday_ids = fields.One2many(
        "hotline.calendar.workday",
        "calendar_id",
        string="Adjusted working days",
        help="Days worked although they fall on a weekend (调休上班日).",
    )

    def _hotline_holiday_dates(self, date_from, date_to):
        """Local dates covered by global leaves of this calendar (or of all)."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        leaves = (
            self.env["resource.calendar.leaves"]
            .sudo()
            .search(
                [
                    ("resource_id", "=", False),
                    ("calendar_id", "in", [self.id, False]),
                    ("date_from", "<=", datetime.combine(date_to, time.max)),
                    ("date_to", ">=", datetime.combine(date_from, time.min)),
                ]
            )
        )
        dates = set()
        for leave in leaves:
            start = pytz.utc.localize(leave.date_from).astimezone(tz).date()
            end = pytz.utc.localize(leave.date_to).astimezone(tz).date()
            day = start
            while day <= end:
                dates.add(day)
                day += timedelta(days=1)
        return dates

    def hotline_is_working_day(self, day, _holidays=None, _workdays=None):
        self.ensure_one()
        workdays = (
            _workdays
            if _workdays is not None
            else set(self.hotline_workday_ids.mapped("date"))
        )
        if day in workdays:
            return True
        holidays = (
            _holidays
            if _holidays is not None
            else self._hotline_holiday_dates(day, day)
        )
        if day in holidays:
            return False
        weekdays = {int(d) for d in self.attendance_ids.mapped("dayofweek")}
        return day.weekday() in weekdays

    def hotline_add_working_days(self, start, days):
        """End (23:59:59 local time, as naive UTC) of the ``days``-th working day
        after the local day of ``start`` (naive UTC datetime)."""
        self.ensure_one()
        tz = pytz.timezone(self.tz or "UTC")
        local_day = pytz.utc.localize(start).astimezone(tz).date()
        horizon = local_day + timedelta(days=days * 3 + 40)
        holidays = self._hotline_holiday_dates(local_day, horizon)
        workdays = set(self.hotline_workday_ids.mapped("date"))
        day = local_day
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.hotline_is_working_day(day, holidays, workdays):
                counted += 1
        end_local = tz.localize(datetime.combine(day, time(23, 59, 59)))
        return end_local.astimezone(pytz.utc).replace(tzinfo=None)
