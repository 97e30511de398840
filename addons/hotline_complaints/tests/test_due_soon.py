# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time
from lxml import etree

from odoo.tests import tagged

from .common import CaseCommon

# Wednesday 30 September 2026, 10:00 in Shanghai: the eve of National Day.
INTAKE = "2026-09-30 02:00:00"


@tagged("post_install", "-at_install")
class TestDueSoon(CaseCommon):
    def found(self, state, cases, user="supervisor"):
        Ticket = self.env["helpdesk.ticket"].with_user(self.role_users[user])
        return Ticket.search([("deadline_state", "=", state), ("id", "in", cases.ids)])

    def test_due_soon_and_overdue_searched_across_national_day(self):
        with freeze_time(INTAKE):
            case = self.new_case()
            life = self.new_case(urgency="life_safety")
            untyped = self.new_case(case_type_id=False)
        cases = case | life | untyped
        # 1 working day to accept: Thursday 8 October, after the holiday
        self.assertEqual(case.accept_deadline, datetime(2026, 10, 8, 15, 59, 59))
        span = case.accept_deadline - case.intake_date
        self.assertEqual(case.deadline_warn_at, case.accept_deadline - span * 0.2)
        self.assertFalse(untyped.next_deadline)
        self.assertFalse(untyped.deadline_warn_at)
        checks = [
            # (when, case's state, life-or-safety case's state)
            ("2026-09-30 02:10:00", "ok", "ok"),
            ("2026-09-30 02:14:00", "ok", "soon"),
            # in the middle of the holiday: the case is not yet due soon
            ("2026-10-03 12:00:00", "ok", "late"),
            # the last fifth of the time, still in the holiday
            ("2026-10-07 12:00:00", "soon", "late"),
            ("2026-10-08 15:59:00", "soon", "late"),
            ("2026-10-08 16:00:00", "late", "late"),
        ]
        for when, expected, expected_life in checks:
            with self.subTest(when=when), freeze_time(when):
                cases.invalidate_recordset(["deadline_state"])
                self.assertEqual(case.deadline_state, expected)
                self.assertEqual(life.deadline_state, expected_life)
                self.assertEqual(untyped.deadline_state, "none")
                for state in ("ok", "soon", "late", "none"):
                    self.assertEqual(
                        self.found(state, cases),
                        cases.filtered(lambda c, s=state: c.deadline_state == s),
                        f"{state} at {when}",
                    )
        with freeze_time("2026-10-07 12:00:00"):
            Ticket = self.env["helpdesk.ticket"]
            self.assertEqual(
                Ticket.search(
                    [
                        ("deadline_state", "in", ["soon", "late"]),
                        ("id", "in", cases.ids),
                    ]
                ),
                case | life,
            )
            self.assertEqual(
                Ticket.search(
                    [("deadline_state", "!=", "late"), ("id", "in", cases.ids)]
                ),
                case | untyped,
            )

    def test_next_step_moves_the_warning(self):
        with freeze_time(INTAKE):
            case = self.new_case().with_user(self.role_users["supervisor"])
        with freeze_time("2026-10-08 02:00:00"):
            case.action_hotline_accept()
            case.hotline_dispatch(self.team_gas)
            case.with_user(self.role_users["handler"]).action_hotline_start()
            self.assertEqual(case.next_deadline, case.reply_deadline)
            self.assertGreater(case.deadline_warn_at, datetime(2026, 10, 8, 16, 0))
            self.assertFalse(self.found("soon", case))
            self.assertEqual(self.found("ok", case), case)

    def test_filters_in_the_case_search_view(self):
        view = self.env["helpdesk.ticket"].get_view(view_type="search")
        arch = etree.fromstring(view["arch"])
        for name, state in (
            ("hotline_due_soon", "soon"),
            ("hotline_past_deadline", "late"),
        ):
            nodes = arch.xpath(f"//filter[@name='{name}']")
            self.assertEqual(len(nodes), 1, name)
            self.assertIn(f"'{state}'", nodes[0].get("domain"))
