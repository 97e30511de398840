# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .ivr_common import IvrCommon


@tagged("post_install", "-at_install")
class TestRatingAndReports(IvrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = new_test_user(
            cls.env, login="hl_agent2", groups="hotline_base.group_agent"
        )
        Call = cls.env["hotline.call"]
        day = datetime(2026, 11, 24)

        def call(ref, disposition, wait, user=None, hour=9, rating=None):
            started = day.replace(hour=hour)
            record = Call.create(
                {
                    "linkedid": ref,
                    "caller_number": "1380000" + ref[-4:],
                    "queue_id": cls.q_billing.id,
                    "disposition": disposition,
                    "started_at": started,
                    "queued_at": started + timedelta(seconds=20),
                    "answered_at": started + timedelta(seconds=20 + wait)
                    if disposition == "answered"
                    else False,
                    "ended_at": started + timedelta(seconds=300),
                    "wait_seconds": wait,
                    "user_id": user.id if user else False,
                }
            )
            if rating:
                record._hotline_store_rating(rating)
            return record

        cls.calls = {
            "c1": call("r-c1", "answered", 10, cls.agent, rating="1"),
            "c2": call("r-c2", "answered", 18, cls.agent, rating="2"),
            "c3": call("r-c3", "answered", 40, cls.supervisor, hour=14, rating="1"),
            "c4": call("r-c4", "abandoned_queue", 3),
            "c5": call("r-c5", "abandoned_queue", 12, hour=14),
            "c6": call("r-c6", "abandoned_queue", 95, hour=14),
            "c7": call("r-c7", "answered", 70, cls.agent2, rating="0"),
        }
        # another queue, must not mix in
        Call.create(
            {
                "linkedid": "r-other",
                "queue_id": cls.q_repair.id,
                "disposition": "answered",
                "answered_at": day,
                "wait_seconds": 500,
            }
        )

    def stats(self, groupby=(), domain=None):
        self.env.flush_all()
        aggregates = [
            "answered_count:sum",
            "answered_15_count:sum",
            "answered_20_count:sum",
            "abandoned_count:sum",
            "short_abandon_count:sum",
            "service_level_15:avg",
            "service_level_20:avg",
            "service_level2_20:avg",
            "connection_rate:avg",
            "abandon_rate:avg",
            "answer_wait:avg",
            "satisfaction_rate:avg",
            "dissatisfaction_rate:avg",
            "complaint_count:sum",
            "call_count:sum",
        ]
        rows = self.env["hotline.call.report"]._read_group(
            [("queue_id", "=", self.q_billing.id)] + (domain or []),
            list(groupby),
            aggregates,
        )
        names = [a.split(":")[0] for a in aggregates]
        return [
            (row[: len(groupby)], dict(zip(names, row[len(groupby) :], strict=True)))
            for row in rows
        ]

    def test_rating_stored_on_call(self):
        c1, c7 = self.calls["c1"], self.calls["c7"]
        self.assertEqual((c1.rating, c1.rating_digit), ("satisfied", "1"))
        self.assertFalse(c1.rating_complaint)
        self.assertTrue(c1.rated_at)
        self.assertEqual(c7.rating, "complaint")
        self.assertTrue(c7.rating_complaint)
        self.assertEqual(c7.user_id, self.agent2)

    def test_bad_rating_key(self):
        c4 = self.calls["c4"]
        with self.assertRaisesRegex(UserError, "not a rating key"):
            c4._hotline_store_rating("7")
        self.assertFalse(c4.rating)

    def test_per_call_facts(self):
        c = self.calls
        self.assertTrue(c["c1"].answered_within_15 and c["c1"].answered_within_20)
        self.assertTrue(c["c2"].answered_within_20)
        self.assertFalse(c["c2"].answered_within_15)
        self.assertTrue(c["c4"].is_short_abandon)
        self.assertFalse(c["c4"].is_abandoned or c["c4"].is_offered)
        self.assertTrue(c["c5"].is_abandoned and c["c5"].abandoned_within_20)
        self.assertEqual(
            [c[k].wait_bucket for k in sorted(c)],
            ["0_15", "15_30", "30_45", "0_15", "0_15", "90_plus", "60_90"],
        )
        self.assertEqual(c["c3"].call_hour, 14)

    def test_queue_indicators(self):
        ((_key, s),) = self.stats()
        self.assertEqual(s["call_count"], 7)
        self.assertEqual(s["answered_count"], 4)
        self.assertEqual(s["answered_15_count"], 1)
        self.assertEqual(s["answered_20_count"], 2)
        self.assertEqual(s["abandoned_count"], 2)
        self.assertEqual(s["short_abandon_count"], 1)
        self.assertAlmostEqual(s["service_level_15"], 25.0)
        self.assertAlmostEqual(s["service_level_20"], 50.0)
        # SL2: (2 answered + 1 abandoned within 20 s) / (4 answered + 2 abandoned)
        self.assertAlmostEqual(s["service_level2_20"], 50.0)
        self.assertAlmostEqual(s["connection_rate"], 400 / 6, places=2)
        self.assertAlmostEqual(s["abandon_rate"], 200 / 6, places=2)
        self.assertAlmostEqual(s["answer_wait"], (10 + 18 + 40 + 70) / 4)
        self.assertAlmostEqual(s["satisfaction_rate"], 50.0)  # 2 of 4 rated
        self.assertEqual(s["complaint_count"], 1)

    def test_short_abandon_threshold_is_configurable(self):
        self.q_billing.short_abandon_seconds = 2
        ((_key, s),) = self.stats()
        self.assertEqual(s["abandoned_count"], 3)
        self.assertEqual(s["short_abandon_count"], 0)
        self.assertAlmostEqual(s["abandon_rate"], 300 / 7, places=2)

    def test_per_agent_rates(self):
        rows = {
            key[0]: s for key, s in self.stats(["user_id"], [("rated_count", "=", 1)])
        }
        self.assertAlmostEqual(rows[self.agent]["satisfaction_rate"], 50.0)
        self.assertAlmostEqual(rows[self.supervisor]["satisfaction_rate"], 100.0)
        self.assertAlmostEqual(rows[self.agent2]["satisfaction_rate"], 0.0)
        self.assertAlmostEqual(rows[self.agent2]["dissatisfaction_rate"], 100.0)

    def test_per_hour_and_wait_buckets(self):
        by_hour = {key[0]: s["call_count"] for key, s in self.stats(["call_hour"])}
        self.assertEqual(by_hour, {9: 4, 14: 3})
        buckets = {key[0]: s["call_count"] for key, s in self.stats(["wait_bucket"])}
        self.assertEqual(
            buckets, {"0_15": 3, "15_30": 1, "30_45": 1, "60_90": 1, "90_plus": 1}
        )

    def test_report_access(self):
        Report = self.env["hotline.call.report"]
        self.assertTrue(Report.with_user(self.supervisor).search_count([]))
        with self.assertRaises(AccessError):
            Report.with_user(self.agent).search_count([])
