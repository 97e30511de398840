# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import io
from collections import defaultdict
from datetime import datetime, time

import xlsxwriter

from odoo import fields, models
from odoo.exceptions import UserError

from ..models.helpdesk_ticket import SATISFACTION, SATISFACTION3

REPEAT_WORKING_DAYS = 10
RATE_KEYS = {
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "on_time_acceptance",
    "on_time_completion",
    "first_contact_resolution",
    "callback_rate",
}


def _rate(part, whole):
    return round(part / whole, 4) if whole else 0.0


class HotlineCaseReportWizard(models.TransientModel):
    """Case statistics for a period as an xlsx workbook."""

    _name = "hotline.case.report.wizard"
    _description = "Case Statistics Export"

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.today().replace(day=1)
    )
    date_to = fields.Date(required=True, default=fields.Date.today)
    team_ids = fields.Many2many("helpdesk.ticket.team", string="Teams")
    file_data = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def _tickets(self):
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period ends before it starts."))
        domain = [
            ("intake_date", ">=", datetime.combine(self.date_from, time.min)),
            ("intake_date", "<=", datetime.combine(self.date_to, time.max)),
            ("hotline_state", "!=", "cancelled"),
        ]
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        return self.env["helpdesk.ticket"].search(domain)

    def _is_repeated(self, ticket, tickets_by_key):
        """Repeat contact: another case of the same caller and type received within
        10 working days after this one."""
        key = (
            ticket.partner_id.id or ticket.caller_number,
            ticket.case_type_id.id,
        )
        if not key[0]:
            return False
        limit = ticket._hotline_calendar().hotline_add_working_days(
            ticket.intake_date, REPEAT_WORKING_DAYS
        )
        return any(
            other != ticket and ticket.intake_date < other.intake_date <= limit
            for other in tickets_by_key[key]
        )

    def _unit_figures(self, tickets):
        """Figures per handling unit (team), plus a total line."""
        by_key = defaultdict(list)
        for ticket in self.env["helpdesk.ticket"].search(
            [
                (
                    "intake_date",
                    ">=",
                    min(tickets.mapped("intake_date") or [datetime.min]),
                )
            ]
        ):
            key = (ticket.partner_id.id or ticket.caller_number, ticket.case_type_id.id)
            by_key[key].append(ticket)
        groups = defaultdict(lambda: self.env["helpdesk.ticket"])
        for ticket in tickets:
            groups[ticket.team_id.display_name or self.env._("No team")] |= ticket
        groups[self.env._("Total")] = tickets
        rows = []
        for unit, cases in groups.items():
            replied = cases.filtered("replied_at")
            closed = cases.filtered(lambda t: t.hotline_state == "closed")
            accepted = cases.filtered("unit_accepted_at")
            rated = cases.filtered("satisfaction")
            satisfied = rated.filtered(
                lambda t: t.satisfaction3 in ("satisfied", "basic")
            )
            first_contact = closed.filtered(lambda t: not self._is_repeated(t, by_key))
            row = {
                "unit": unit,
                "cases": len(cases),
                "response_rate": _rate(len(replied), len(cases)),
                "resolution_rate": _rate(len(closed), len(cases)),
                "satisfaction_rate": _rate(len(satisfied), len(rated)),
                "on_time_acceptance": _rate(
                    len(accepted.filtered("accepted_on_time")), len(accepted)
                ),
                "on_time_completion": _rate(
                    len(closed.filtered("closed_on_time")), len(closed)
                ),
                "overdue": len(cases.filtered("is_overdue")),
                "avg_handling_hours": round(
                    sum(closed.mapped("handling_hours")) / len(closed), 2
                )
                if closed
                else 0.0,
                "first_contact_resolution": _rate(len(first_contact), len(closed)),
                "callback_rate": _rate(
                    len(cases.filtered("callback_at")), len(replied)
                ),
            }
            for key, _label in SATISFACTION:
                row[f"sat5_{key}"] = len(
                    rated.filtered(lambda t, k=key: t.satisfaction == k)
                )
            for key, _label in SATISFACTION3:
                row[f"sat3_{key}"] = len(
                    rated.filtered(lambda t, k=key: t.satisfaction3 == k)
                )
            rows.append(row)
        return rows

    def _columns(self):
        five = dict(SATISFACTION)
        three = dict(SATISFACTION3)
        columns = [
            ("unit", self.env._("Handling unit")),
            ("cases", self.env._("Cases")),
            ("response_rate", self.env._("Response rate")),
            ("resolution_rate", self.env._("Resolution rate")),
            ("satisfaction_rate", self.env._("Satisfaction rate")),
            ("on_time_acceptance", self.env._("On-time acceptance rate")),
            ("on_time_completion", self.env._("On-time completion rate")),
            ("overdue", self.env._("Overdue cases")),
            ("avg_handling_hours", self.env._("Average handling time (hours)")),
            ("first_contact_resolution", self.env._("First-contact resolution rate")),
            ("callback_rate", self.env._("Callback rate")),
        ]
        selection5 = dict(
            self.env["helpdesk.ticket"]
            ._fields["satisfaction"]
            ._description_selection(self.env)
        )
        selection3 = dict(
            self.env["helpdesk.ticket"]
            ._fields["satisfaction3"]
            ._description_selection(self.env)
        )
        columns += [(f"sat5_{k}", selection5.get(k, five[k])) for k in five]
        columns += [
            (f"sat3_{k}", self.env._("%s (3 levels)", selection3.get(k, three[k])))
            for k in three
        ]
        return columns

    def _build_workbook(self):
        tickets = self._tickets()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = book.add_format({"bold": True})
        percent = book.add_format({"num_format": "0.00%"})
        # sheet 1: figures per handling unit
        sheet = book.add_worksheet(self.env._("Handling units"))
        columns = self._columns()
        for col, (_key, label) in enumerate(columns):
            sheet.write(0, col, label, bold)
        for row_idx, row in enumerate(self._unit_figures(tickets), start=1):
            for col, (key, _label) in enumerate(columns):
                fmt = percent if key in RATE_KEYS else None
                sheet.write(row_idx, col, row[key], fmt)
        # sheet 2: counts by type, channel, team and month
        sheet = book.add_worksheet(self.env._("Cases"))
        line = 0
        for title, key in (
            (self.env._("By case type"), lambda t: t.case_type_id.name or "-"),
            (self.env._("By channel"), lambda t: t.channel_id.name or "-"),
            (self.env._("By team"), lambda t: t.team_id.name or "-"),
            (self.env._("By month"), lambda t: t.intake_date.strftime("%Y-%m")),
        ):
            sheet.write(line, 0, title, bold)
            line += 1
            counts = defaultdict(int)
            for ticket in tickets:
                counts[key(ticket)] += 1
            for name in sorted(counts):
                sheet.write(line, 0, name)
                sheet.write(line, 1, counts[name])
                line += 1
            line += 1
        # sheet 3: overdue cases
        sheet = book.add_worksheet(self.env._("Overdue"))
        for col, label in enumerate(
            (
                self.env._("Case"),
                self.env._("Title"),
                self.env._("Team"),
                self.env._("Workflow step"),
                self.env._("Deadline"),
            )
        ):
            sheet.write(0, col, label, bold)
        states = dict(
            self.env["helpdesk.ticket"]
            ._fields["hotline_state"]
            ._description_selection(self.env)
        )
        for row_idx, ticket in enumerate(tickets.filtered("is_overdue"), start=1):
            sheet.write(row_idx, 0, ticket.number)
            sheet.write(row_idx, 1, ticket.name)
            sheet.write(row_idx, 2, ticket.team_id.name or "")
            sheet.write(row_idx, 3, states.get(ticket.hotline_state, ""))
            sheet.write(
                row_idx, 4, fields.Datetime.to_string(ticket.next_deadline) or ""
            )
        book.close()
        return output.getvalue()

    def action_export(self):
        self.ensure_one()
        data = self._build_workbook()
        self.write(
            {
                "file_data": base64.b64encode(data),
                "file_name": f"cases_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file_data/{self.file_name}"
            "?download=true",
            "target": "self",
        }
