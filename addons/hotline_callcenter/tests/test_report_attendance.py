# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CallCenterCommon

SHANGHAI = ZoneInfo("Asia/Shanghai")


@tagged("post_install", "-at_install")
class TestAgentAttendanceReport(CallCenterCommon):
    """Issue 19, agent attendance: a past week built from today (absences run
    up to yesterday), against a 09:00-18:00 calendar in Asia/Shanghai."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = datetime.now(SHANGHAI).date()
        # the Monday two weeks back: the whole week is over
        cls.monday = today - timedelta(days=today.weekday() + 14)
        cls.day = [cls.monday + timedelta(days=n) for n in range(7)]
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Hotline day shift",
                "tz": "Asia/Shanghai",
                "attendance_ids": [
                    (0, 0, vals)
                    for dow in "01234"
                    for vals in (
                        {
                            "name": "Morning",
                            "dayofweek": dow,
                            "hour_from": 9,
                            "hour_to": 12,
                            "day_period": "morning",
                        },
                        {
                            "name": "Afternoon",
                            "dayofweek": dow,
                            "hour_from": 13,
                            "hour_to": 18,
                            "day_period": "afternoon",
                        },
                    )
                ],
            }
        )
        cls.env["resource.resource"].create(
            {
                "name": cls.agent.name,
                "user_id": cls.agent.id,
                "calendar_id": cls.calendar.id,
                "tz": "Asia/Shanghai",
            }
        )
        # Friday is a public holiday
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": cls.calendar.id,
                "date_from": cls.utc(4, 0, 0),
                "date_to": cls.utc(4, 23, 59),
            }
        )
        sessions = [
            # Monday: 5 minutes late, paused twice for a break
            ("login", 0, (9, 5), (18, 0), False),
            ("pause", 0, (10, 0), (10, 10), "Break"),
            ("pause", 0, (15, 0), (15, 15), "Break"),
            # Tuesday: on time, left 30 minutes early, one meal
            ("login", 1, (8, 55), (17, 30), False),
            ("pause", 1, (12, 0), (12, 30), "Meal"),
            # Wednesday absent; Thursday on time; Friday off; weekend off
            ("login", 3, (9, 0), (18, 0), False),
        ]
        cls.env["hotline.agent.session"].create(
            [
                {
                    "user_id": cls.agent.id,
                    "kind": kind,
                    "reason": reason,
                    "started_at": cls.utc(day, *start),
                    "ended_at": cls.utc(day, *stop),
                }
                for kind, day, start, stop, reason in sessions
            ]
        )

    @classmethod
    def utc(cls, day, hour, minute):
        local = datetime.combine(cls.day[day], time(hour, minute), SHANGHAI)
        return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    def week(self, groupby, user=None):
        self.env.flush_all()
        report = self.env["hotline.agent.attendance.report"]
        if user:
            report = report.with_user(user)
        aggregates = [
            "present_count:sum",
            "absent_count:sum",
            "late_count:sum",
            "late_seconds:sum",
            "early_count:sum",
            "early_seconds:sum",
            "logged_in_seconds:sum",
            "pause_count:sum",
            "pause_seconds:sum",
        ]
        rows = report._read_group(
            [
                ("user_id", "=", self.agent.id),
                ("day", ">=", self.day[0]),
                ("day", "<=", self.day[6]),
            ],
            list(groupby),
            aggregates,
        )
        names = [a.split(":")[0] for a in aggregates]
        return {
            row[: len(groupby)]: dict(zip(names, row[len(groupby) :], strict=True))
            for row in rows
        }

    def test_week_totals(self):
        week = self.week([])[()]
        self.assertEqual(week["present_count"], 3)
        # Wednesday; not the holiday, not the weekend
        self.assertEqual(week["absent_count"], 1)
        self.assertEqual((week["late_count"], week["late_seconds"]), (1, 300))
        self.assertEqual((week["early_count"], week["early_seconds"]), (1, 1800))
        self.assertEqual(week["pause_count"], 3)
        self.assertEqual(week["pause_seconds"], 600 + 900 + 1800)

    def test_per_day(self):
        self.env.flush_all()
        rows = self.env["hotline.agent.attendance.report"].search(
            [
                ("user_id", "=", self.agent.id),
                ("day", ">=", self.day[0]),
                ("day", "<=", self.day[6]),
                ("pause_reason", "=", False),
            ]
        )
        by_day = {row.day: row for row in rows}
        self.assertEqual(
            set(by_day), {self.day[0], self.day[1], self.day[2], self.day[3]}
        )
        monday = by_day[self.day[0]]
        self.assertEqual(monday.first_login, self.utc(0, 9, 5))
        self.assertEqual(monday.last_logout, self.utc(0, 18, 0))
        self.assertEqual(monday.scheduled_start, self.utc(0, 9, 0))
        self.assertEqual(monday.scheduled_end, self.utc(0, 18, 0))
        self.assertEqual(monday.logged_in_seconds, 8 * 3600 + 55 * 60)
        self.assertEqual(monday.late_seconds, 300)
        tuesday = by_day[self.day[1]]
        self.assertEqual((tuesday.late_seconds, tuesday.early_seconds), (0, 1800))
        wednesday = by_day[self.day[2]]
        self.assertEqual((wednesday.absent_count, wednesday.present_count), (1, 0))
        self.assertFalse(wednesday.first_login)

    def test_pauses_by_reason(self):
        rows = self.week(["pause_reason"])
        self.assertEqual(
            (rows[("Break",)]["pause_count"], rows[("Break",)]["pause_seconds"]),
            (2, 1500),
        )
        self.assertEqual(
            (rows[("Meal",)]["pause_count"], rows[("Meal",)]["pause_seconds"]),
            (1, 1800),
        )

    def test_access_per_role(self):
        for role in ("supervisor", "leader"):
            user = self.role_users[role]
            self.assertEqual(self.week([], user)[()]["present_count"], 3)
            self.assertIn(
                self.env.ref("hotline_callcenter.hotline_agent_attendance_report_menu"),
                self.visible_menus(user),
            )
        for role in ("agent", "handler"):
            with self.assertRaises(AccessError):
                self.env["hotline.agent.attendance.report"].with_user(
                    self.role_users[role]
                ).search_count([])
