# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CallCenterCommon

# agents work in Asia/Shanghai (UTC+8): local 08:00 on 2 March is 00:00 UTC
DAY = datetime(2026, 3, 2)


def utc(hour, minute=0, second=0, days=0):
    """Naive UTC of a local (UTC+8) time on DAY."""
    return DAY + timedelta(days=days, hours=hour - 8, minutes=minute, seconds=second)


@tagged("post_install", "-at_install")
class TestAgentWorkReport(CallCenterCommon):
    """Issue 19, agent work: an agent paused twice whose wrap-up ended early;
    an agent working across two days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.night = cls.env["res.users"].create(
            {
                "name": "Night Agent",
                "login": "hl_night",
                "tz": "Asia/Shanghai",
                "groups_id": [(4, cls.env.ref("hotline_base.group_agent").id)],
            }
        )
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Work queue", "code": "wq", "wrapup_time": 30}
        )
        Session = cls.env["hotline.agent.session"]
        Session.create(
            [
                # 08:00-12:00 logged in, paused 09:00-09:10 and 10:00-10:30
                cls._session(cls.agent, "login", utc(8), utc(12)),
                cls._session(cls.agent, "pause", utc(9), utc(9, 10), "Break"),
                cls._session(cls.agent, "pause", utc(10), utc(10, 30), "Meal"),
                # 22:00-02:00: two hours on each day
                cls._session(cls.night, "login", utc(22), utc(2, days=1)),
            ]
        )
        # wrap-up ended early: 20 s of the queue's 30 s, the agent clicked Ready
        cls._call("w1", cls.agent, utc(8, 30), 300, 20)
        cls._call("w2", cls.agent, utc(11), 600, 40, code=True)
        # starts before midnight, ends after it: the first day's
        cls._call("w3", cls.night, utc(23, 59, 30), 120, 10)
        cls._call("w4", cls.night, utc(0, 30, days=1), 60, 0)

    @classmethod
    def _session(cls, user, kind, start, stop, reason=False):
        return {
            "user_id": user.id,
            "kind": kind,
            "reason": reason,
            "started_at": start,
            "ended_at": stop,
        }

    @classmethod
    def _call(cls, ref, user, answered, talk, wrapup, code=False):
        ended = answered + timedelta(seconds=talk)
        values = {
            "linkedid": "work-" + ref,
            "pbx_id": cls.pbx.id,
            "direction": "inbound",
            "queue_id": cls.queue.id,
            "disposition": "answered",
            "started_at": answered - timedelta(seconds=10),
            "queued_at": answered - timedelta(seconds=5),
            "answered_at": answered,
            "ended_at": ended,
            "wait_seconds": 5,
            "talk_seconds": talk,
            "user_id": user.id,
            "agent_line_ids": [
                (
                    0,
                    0,
                    {"extension": user.hotline_extension or "8009", "user_id": user.id},
                )
            ],
        }
        if wrapup:
            values["wrapup_started_at"] = ended
            values["wrapup_ended_at"] = ended + timedelta(seconds=wrapup)
        if code:
            values["disposition_id"] = (
                cls.env["hotline.call.disposition"]
                .create({"name": "Bill question", "code": "BILL"})
                .id
            )
        return cls.env["hotline.call"].create(values)

    def rows(self, user=None):
        self.env.flush_all()
        report = self.env["hotline.agent.work.report"]
        if user:
            report = report.with_user(user)
        rows = report.search([("user_id", "in", (self.agent | self.night).ids)])
        return {(row.user_id, row.day): row for row in rows}

    def test_agent_paused_twice(self):
        rows = self.rows()
        row = rows[(self.agent, date(2026, 3, 2))]
        self.assertEqual(row.logged_in_seconds, 4 * 3600)
        self.assertEqual(row.pause_seconds, 600 + 1800)
        self.assertEqual(row.pause_count, 2)
        self.assertEqual(row.handled_count, 2)
        self.assertEqual(row.talk_seconds, 900)
        # the early Ready counts 20 s, not the queue's 30 s
        self.assertEqual(row.wrapup_seconds, 60)
        self.assertEqual(row.available_seconds, 14400 - 2400 - 900 - 60)
        self.assertAlmostEqual(row.occupancy, 100 * 960 / 12000)
        self.assertAlmostEqual(row.handle_time, 480.0)
        self.assertEqual(row.coded_count, 1)
        self.assertEqual(len([key for key in rows if key[0] == self.agent]), 1)

    def test_agent_across_two_days(self):
        rows = self.rows()
        first = rows[(self.night, date(2026, 3, 2))]
        second = rows[(self.night, date(2026, 3, 3))]
        self.assertEqual(first.logged_in_seconds, 7200)
        self.assertEqual(second.logged_in_seconds, 7200)
        self.assertEqual((first.handled_count, first.talk_seconds), (1, 120))
        self.assertEqual((second.handled_count, second.talk_seconds), (1, 60))
        self.assertEqual((first.pause_seconds, first.pause_count), (0, 0))
        self.assertAlmostEqual(first.occupancy, 100 * 130 / 7200)
        self.assertAlmostEqual(second.handle_time, 60.0)

    def test_searched_by_day(self):
        """Searched by day, the rows come from the sessions and calls near
        those days only: the same rows as the whole view's."""
        rows = self.rows()
        report = self.env["hotline.agent.work.report"]
        names = [name for name in report._fields if name not in ("id", "display_name")]
        for (user, day), row in rows.items():
            for domain in (
                [("day", "=", day)],
                [("day", ">=", day), ("day", "<", day + timedelta(days=1))],
                [("day", ">", day - timedelta(days=1)), ("day", "<=", day)],
            ):
                (found,) = report.search_read(
                    [("user_id", "=", user.id)] + domain, names
                )
                self.assertEqual(found, row.read(names)[0], domain)
        month = [("day", ">=", "2026-03-01"), ("day", "<", "2026-04-01")]
        self.assertEqual(
            report._read_group(month, ["day:day"], ["talk_seconds:sum"]),
            report._read_group(
                ["|", ("day", "=", False)] + month[:1] + month[1:],
                ["day:day"],
                ["talk_seconds:sum"],
            ),
        )

    def test_grouped_by_month(self):
        self.env.flush_all()
        ((logged_in, talk, handled),) = self.env[
            "hotline.agent.work.report"
        ]._read_group(
            [("user_id", "=", self.night.id)],
            [],
            ["logged_in_seconds:sum", "talk_seconds:sum", "handled_count:sum"],
        )
        self.assertEqual((logged_in, talk, handled), (14400, 180, 2))

    def test_access_per_role(self):
        for role in ("supervisor", "leader"):
            user = self.role_users[role]
            self.assertEqual(len(self.rows(user)), 3)
            self.assertIn(
                self.env.ref("hotline_callcenter.hotline_agent_work_report_menu"),
                self.visible_menus(user),
            )
        for role in ("agent", "handler"):
            with self.assertRaises(AccessError):
                self.env["hotline.agent.work.report"].with_user(
                    self.role_users[role]
                ).search_count([])


@tagged("post_install", "-at_install")
class TestAgentWorkRollup(TestAgentWorkReport):
    """Issue 19 at scale: the agent work report's figures again, its closed
    days read from the rollup (refreshed first, ``rows`` searched by day); the
    rollup gives the live figures and picks up a change to an old day."""

    # the clock of the refreshes: the test's days are long closed
    NOW = datetime(2026, 3, 20, 6, 0)
    MONTH = [("day", ">=", "2026-03-01"), ("day", "<", "2026-04-01")]

    def setUp(self):
        super().setUp()
        self.Day = self.env["hotline.agent.work.day"]
        self.Work = self.env["hotline.agent.work.report"]
        self.names = [
            name for name in self.Work._fields if name not in ("id", "display_name")
        ]
        self.Day._hotline_refresh(now=self.NOW)

    def rows(self, user=None):
        # searched by day (the pivot's month): the closed days from the rollup
        self.env.flush_all()
        self.env.invalidate_all()
        report = self.env["hotline.agent.work.report"]
        if user:
            report = report.with_user(user)
        rows = report.search(
            [("user_id", "in", (self.agent | self.night).ids)] + self.MONTH
        )
        return {(row.user_id, row.day): row for row in rows}

    def test_report_figures_through_the_rollup(self):
        self.assertEqual(self.Day._hotline_until(), date(2026, 3, 19))
        # the live report's own checks, on rows that now come from the rollup
        for test in (
            TestAgentWorkReport.test_agent_paused_twice,
            TestAgentWorkReport.test_agent_across_two_days,
            TestAgentWorkReport.test_searched_by_day,
            TestAgentWorkReport.test_access_per_role,
        ):
            with self.subTest(test.__name__):
                test(self)

    def read_rows(self, live=False):
        self.env.flush_all()
        # a request's cache: the report's rows as the database has them now
        self.env.invalidate_all()
        report = self.Work.with_context(hotline_agent_work_live=live)
        domain = [("user_id", "in", (self.agent | self.night).ids)] + self.MONTH
        return report.search_read(domain, self.names, order="day, user_id")

    def test_rollup_gives_the_live_figures(self):
        live = self.read_rows(live=True)
        self.assertEqual(len(live), 3)
        rolled = self.Day.search(
            [("user_id", "in", (self.agent | self.night).ids)], order="day, user_id"
        )
        self.assertEqual(
            [(row.user_id, row.day, row.talk, row.logged_in) for row in rolled],
            [
                (self.agent, date(2026, 3, 2), 900, 14400),
                (self.night, date(2026, 3, 2), 120, 7200),
                (self.night, date(2026, 3, 3), 60, 7200),
            ],
        )
        self.assertEqual(self.read_rows(), live)
        # grouped as the pivot asks, the same sums
        user_ids = (self.agent | self.night).ids
        for report in (self.Work, self.Work.with_context(hotline_agent_work_live=True)):
            self.assertEqual(
                report._read_group(
                    [("user_id", "in", user_ids)] + self.MONTH,
                    ["day:day"],
                    ["talk_seconds:sum", "logged_in_seconds:sum", "pause_count:sum"],
                ),
                [
                    (date(2026, 3, 2), 1020, 21600, 2),
                    (date(2026, 3, 3), 60, 7200, 0),
                ],
            )
        # the days after the rollup (its live part) come from the live query
        self.assertEqual(self.Day._hotline_until(), date(2026, 3, 19))
        self.Day._hotline_refresh(now=datetime(2026, 3, 3, 6, 0))
        self.assertEqual(self.Day._hotline_until(), date(2026, 3, 2))
        self.assertEqual(self.read_rows(), live)

    def test_change_to_an_old_day_picked_up(self):
        call = self.env["hotline.call"].search([("linkedid", "=", "work-w1")])
        call.talk_seconds = 500
        self.env["hotline.agent.session"].create(
            self._session(self.agent, "pause", utc(11, 30), utc(11, 45), "Break")
        )
        # until the next refresh the closed day is what the rollup says
        (row,) = [r for r in self.read_rows() if r["user_id"][0] == self.agent.id]
        self.assertEqual((row["talk_seconds"], row["pause_count"]), (900, 2))
        ranges = self.Day._hotline_refresh(now=self.NOW + timedelta(minutes=10))
        self.assertTrue(
            any(first <= date(2026, 3, 2) < after for first, after in ranges)
        )
        (row,) = [r for r in self.read_rows() if r["user_id"][0] == self.agent.id]
        self.assertEqual((row["talk_seconds"], row["pause_count"]), (1100, 3))
        self.assertEqual(row["pause_seconds"], 600 + 1800 + 900)
        self.assertEqual(self.read_rows(), self.read_rows(live=True))

    def test_rollup_ranges(self):
        d = date(2026, 3, 2)
        one = timedelta(days=1)
        self.assertEqual(
            self.Day._hotline_ranges({d, d + one, d + 3 * one}),
            [(d, d + 2 * one), (d + 3 * one, d + 4 * one)],
        )
        self.assertEqual(
            self.Day._hotline_merge([(d, d + 2 * one), (d + one, d + 5 * one), (d, d)]),
            [(d, d + 5 * one)],
        )

    def test_rollup_not_readable_by_agents(self):
        with self.assertRaises(AccessError):
            self.Day.with_user(self.role_users["agent"]).search_count([])
        self.assertTrue(
            self.Day.with_user(self.role_users["hotline_admin"]).search_count([])
        )
