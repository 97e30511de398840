# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CallCenterCommon

# a Monday; every date of these tests is built from it, never from today
T0 = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestInboundReport(CallCenterCommon):
    """Issue 19, inbound report: a hand-built day with known answers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Report queue", "code": "rq", "short_abandon_seconds": 5}
        )
        cls.calls = {
            # answered after 10 s
            "a": cls._call("in-a", T0, "answered", 10, did="4008001"),
            # starts before midnight, answered after it: counts on its first day
            "b": cls._call(
                "in-b", datetime(2026, 3, 2, 23, 59, 40), "answered", 30, did="4008002"
            ),
            # abandoned after 4 s: a short abandon, below the 5 s threshold
            "c": cls._call("in-c", T0, "abandoned_queue", 4, did="4008001"),
            # abandoned after 6 s: counts
            "d": cls._call("in-d", T0, "abandoned_queue", 6, did="4008001"),
            # self-service: the IVR ended the call, no agent asked for
            "e": cls._call("in-e", T0, "ended_by_ivr", 0, queue=False, did="4008001"),
            "f": cls._call("in-f", T0, "abandoned_ivr", 0, queue=False, did="4008001"),
            # another day
            "g": cls._call(
                "in-g", T0 + timedelta(days=2), "answered", 50, did="4008001"
            ),
        }

    @classmethod
    def _call(cls, ref, started, disposition, wait, queue=None, did=False):
        queue = cls.queue if queue is None else queue
        queued = started + timedelta(seconds=15) if queue else False
        answered = disposition == "answered"
        return cls.env["hotline.call"].create(
            {
                "linkedid": ref,
                "pbx_id": cls.pbx.id,
                "direction": "inbound",
                "caller_number": "1380000" + ref[-1],
                "did": did,
                "queue_id": queue.id if queue else False,
                "disposition": disposition,
                "started_at": started,
                "queued_at": queued,
                "answered_at": queued + timedelta(seconds=wait) if answered else False,
                "ended_at": started + timedelta(seconds=200),
                "wait_seconds": wait,
                "talk_seconds": 100 if answered else 0,
                "user_id": cls.agent.id if answered else False,
            }
        )

    def stats(self, groupby=(), domain=None, user=None):
        self.env.flush_all()
        report = self.env["hotline.call.report"].with_context(tz="UTC")
        if user:
            report = report.with_user(user)
        aggregates = [
            "call_count:sum",
            "offered_count:sum",
            "answered_count:sum",
            "abandoned_count:sum",
            "short_abandon_count:sum",
            "ivr_served_count:sum",
            "queue_reached_count:sum",
            "service_level_20:avg",
            "service_level2_20:avg",
            "connection_rate:avg",
            "answer_wait:avg",
            "longest_wait:max",
        ]
        rows = report._read_group(
            [("call_id", "in", [c.id for c in self.calls.values()])] + (domain or []),
            list(groupby),
            aggregates,
        )
        names = [a.split(":")[0] for a in aggregates]
        return {
            row[: len(groupby)]: dict(zip(names, row[len(groupby) :], strict=True))
            for row in rows
        }

    def test_day_figures(self):
        first_day = [("started_at", "<", datetime(2026, 3, 3))]
        s = self.stats(domain=first_day)[()]
        self.assertEqual(s["call_count"], 6)
        self.assertEqual(s["offered_count"], 3)  # a, b, d
        self.assertEqual(s["answered_count"], 2)
        self.assertEqual(s["abandoned_count"], 1)  # 6 s, not 4 s
        self.assertEqual(s["short_abandon_count"], 1)
        self.assertEqual(s["ivr_served_count"], 1)
        self.assertEqual(s["queue_reached_count"], 4)
        self.assertAlmostEqual(s["connection_rate"], 200 / 3, places=2)
        self.assertAlmostEqual(s["answer_wait"], 20.0)
        self.assertEqual(s["longest_wait"], 30)
        self.assertAlmostEqual(s["service_level_20"], 50.0)
        # SL2: a (10 s) and d (abandoned at 6 s) within 20 s, b not
        self.assertAlmostEqual(s["service_level2_20"], 200 / 3, places=2)

    def test_by_day_week_month(self):
        by_day = self.stats(["started_at:day"])
        self.assertEqual(
            {key[0]: s["answered_count"] for key, s in by_day.items()},
            # the call crossing midnight counts on the day it started
            {datetime(2026, 3, 2): 2, datetime(2026, 3, 4): 1},
        )
        by_week = self.stats(["started_at:week"])
        self.assertEqual([s["answered_count"] for s in by_week.values()], [3])
        by_month = self.stats(["started_at:month"])
        ((month, s),) = by_month.items()
        self.assertEqual(month, (datetime(2026, 3, 1),))
        self.assertEqual(s["offered_count"], 4)
        self.assertEqual(s["longest_wait"], 50)

    def test_by_did_and_ivr_outcome(self):
        by_did = self.stats(["did"])
        self.assertEqual(by_did[("4008002",)]["answered_count"], 1)
        self.assertEqual(by_did[("4008001",)]["call_count"], 6)
        by_outcome = {
            key[0]: s["call_count"] for key, s in self.stats(["ivr_outcome"]).items()
        }
        self.assertEqual(by_outcome, {"queue": 5, "ivr_served": 1, "ivr_abandoned": 1})

    def test_short_abandon_threshold_of_the_company(self):
        company = self.env.company
        company.hotline_short_abandon_seconds = 7
        # a new queue starts from the company's threshold
        queue = self.env["hotline.queue"].create({"name": "New", "code": "rq2"})
        self.assertEqual(queue.short_abandon_seconds, 7)
        # a call abandoned in no known queue follows the company's threshold
        lost = self._call("in-h", T0, "abandoned_queue", 6, queue=False)
        self.assertTrue(lost.is_short_abandon)
        company.hotline_short_abandon_seconds = 5
        counted = self._call("in-i", T0, "abandoned_queue", 6, queue=False)
        self.assertFalse(counted.is_short_abandon)
        self.assertTrue(counted.is_abandoned)
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            company.hotline_short_abandon_seconds = -1
            company.flush_recordset()

    def test_access_per_role(self):
        for role in ("supervisor", "leader"):
            user = self.role_users[role]
            self.assertEqual(self.stats(user=user)[()]["call_count"], 7)
            self.env["hotline.call.report"].with_user(user).search(
                [("call_id", "=", self.calls["a"].id)]
            ).read(["queue_id", "user_id", "team_id", "did", "ivr_outcome"])
            menus = self.visible_menus(user)
            self.assertIn(
                self.env.ref("hotline_callcenter.hotline_reports_menu"), menus
            )
            self.assertIn(
                self.env.ref("hotline_callcenter.hotline_call_report_menu"), menus
            )
        for role in ("agent", "handler", "finance"):
            user = self.role_users[role]
            with self.assertRaises(AccessError):
                self.env["hotline.call.report"].with_user(user).search_count([])
            menus = self.visible_menus(user)
            self.assertNotIn(
                self.env.ref("hotline_callcenter.hotline_call_report_menu"), menus
            )
            # (finance finds its own statistics there when hotline_billing_ivr
            # is installed: self-service, meter readings, dunning)
            if role != "finance":
                self.assertNotIn(
                    self.env.ref("hotline_callcenter.hotline_reports_menu"), menus
                )

    def test_export_as_supervisor(self):
        """Odoo's own export (the list's *Export*, xlsx) reads the view."""
        self.env.flush_all()
        rows = (
            self.env["hotline.call.report"]
            .with_user(self.role_users["supervisor"])
            .search([("call_id", "=", self.calls["d"].id)])
        )
        data = rows.export_data(
            ["started_at", "queue_id", "did", "ivr_outcome", "abandoned_count"]
        )["datas"]
        self.assertEqual(len(data), 1)
        self.assertEqual(
            data[0][1:], ["Report queue", "4008001", "Reached a queue or an agent", 1]
        )

    def test_other_company_hidden(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        self.env["hotline.call"].create(
            {
                "linkedid": "in-other",
                "direction": "inbound",
                "company_id": other.id,
                "disposition": "answered",
                "answered_at": T0,
                "started_at": T0,
            }
        )
        supervisor = self.role_users["supervisor"]
        self.env.flush_all()
        seen = self.env["hotline.call.report"].with_user(supervisor).search([])
        self.assertNotIn(other, seen.company_id)
