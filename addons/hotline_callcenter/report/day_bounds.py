# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Day bounds of a search on the per-day reports (agent work, attendance).

Those reports compute their rows from the whole agent session log and call
log; a search restricted to some days (the pivot's month) only needs the
sessions and calls near those days. ``DayBoundedReport`` reads the bounds of
the domain's ``day`` conditions and, when there are some, selects its rows
from its query restricted to them (``_table_query``) instead of its view.
"""

import datetime

from odoo import fields, models

CONTEXT_KEY = "hotline_report_day_bounds"
ONE_DAY = datetime.timedelta(days=1)


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return fields.Date.to_date(value[:10])
        except ValueError:
            return None
    return None


def _has_time(value):
    if isinstance(value, datetime.datetime):
        return value.time() != datetime.time()
    return isinstance(value, str) and value[10:].strip(" T:0") != ""


def day_bounds(domain, field_name="day"):
    """``(first day, day after the last)`` (``None`` for an open side) that
    every record matching ``domain`` lies in, read from its ``field_name``
    conditions; ``None`` when it has none usable. Only a domain of AND-ed
    conditions gives bounds (an OR or a NOT may reach any day)."""
    first = after = None
    for leaf in domain or ():
        if isinstance(leaf, str):
            if leaf == "&":
                continue
            return None
        if not isinstance(leaf, (list, tuple)) or len(leaf) != 3:
            continue
        name, operator, value = leaf
        if name != field_name:
            continue
        day = _as_date(value)
        if day is None:
            continue
        if operator in (">=", ">", "="):
            first = day if first is None else max(first, day)
        if operator in ("<", "<=", "="):
            # a date-time before some time of a day: that day counts too
            end = day if operator == "<" and not _has_time(value) else day + ONE_DAY
            after = end if after is None else min(after, end)
    if first is None and after is None:
        return None
    return first, after


class DayBoundedReport(models.AbstractModel):
    """A report view whose rows, searched by day, come from its query
    restricted to those days. The model's ``_query(first, after)`` must give
    the view's rows for every day in ``[first, after)`` (either side ``None``:
    open)."""

    _name = "hotline.day.bounded.report"
    _description = "Report searched by day"
    # the field whose conditions bound the days (a date, or a date-time
    # in UTC)
    _day_bounds_field = "day"

    @property
    def _table_query(self):
        bounds = self.env.context.get(CONTEXT_KEY)
        if bounds and bounds[0] == self._name:
            return self._query(bounds[1], bounds[2])
        return None

    def _search(self, domain, offset=0, limit=None, order=None):
        bounds = day_bounds(domain, self._day_bounds_field)
        key = (self._name, *bounds) if bounds else None
        records = self
        if self.env.context.get(CONTEXT_KEY) != key:
            records = self.with_context(**{CONTEXT_KEY: key})
        return super(DayBoundedReport, records)._search(domain, offset, limit, order)
