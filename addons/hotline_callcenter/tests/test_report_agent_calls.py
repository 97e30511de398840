# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CallCenterCommon

# the transferred call starts before midnight and ends after it
T0 = datetime(2026, 3, 2, 23, 59, 30)


@tagged("post_install", "-at_install")
class TestAgentCallReport(CallCenterCommon):
    """Issue 19, agent call detail: one row per leg, a transfer between two
    agents, a call crossing midnight, an agent's own dial."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = cls.env["res.users"].create(
            {
                "name": "Agent Two",
                "login": "hl_agent_two",
                "hotline_extension": "8002",
                "groups_id": [(4, cls.env.ref("hotline_base.group_agent").id)],
            }
        )
        cls.code = cls.env["hotline.call.disposition"].create(
            {"name": "Gas leak", "code": "LEAK"}
        )
        Call = cls.env["hotline.call"]
        cls.transferred = Call.create(
            {
                "linkedid": "leg-x",
                "pbx_id": cls.pbx.id,
                "direction": "inbound",
                "caller_number": "13911112222",
                "disposition": "answered",
                "started_at": T0,
                "queued_at": T0 + timedelta(seconds=8),
                "answered_at": T0 + timedelta(seconds=20),
                "ended_at": T0 + timedelta(seconds=320),
                "wait_seconds": 12,
                "talk_seconds": 300,
                "user_id": cls.agent2.id,
                "disposition_id": cls.code.id,
                "wrapup_started_at": T0 + timedelta(seconds=320),
                "wrapup_ended_at": T0 + timedelta(seconds=340),
                "agent_line_ids": [
                    (
                        0,
                        0,
                        {"sequence": 1, "extension": "8001", "user_id": cls.agent.id},
                    ),
                    (
                        0,
                        0,
                        {"sequence": 2, "extension": "8002", "user_id": cls.agent2.id},
                    ),
                ],
            }
        )
        cls.transferred._hotline_store_rating("1")
        cls.recording = cls.env["hotline.recording"].create(
            {
                "pbx_id": cls.pbx.id,
                "file_path": "2026/03/leg-x.wav",
                "call_id": cls.transferred.id,
            }
        )
        cls.own_dial = Call.create(
            {
                "linkedid": "leg-y",
                "pbx_id": cls.pbx.id,
                "direction": "outbound",
                "called_number": "13911113333",
                "disposition": "answered",
                "started_at": T0 + timedelta(hours=9),
                "answered_at": T0 + timedelta(hours=9, seconds=5),
                "ended_at": T0 + timedelta(hours=9, seconds=65),
                "talk_seconds": 60,
                "user_id": cls.agent.id,
            }
        )
        cls.calls = cls.transferred | cls.own_dial

    def legs(self, user=None):
        self.env.flush_all()
        report = self.env["hotline.agent.call.report"]
        if user:
            report = report.with_user(user)
        return report.search([("call_id", "in", self.calls.ids)])

    def test_legs_of_a_transfer(self):
        legs = self.legs().filtered(lambda leg: leg.call_id == self.transferred)
        first, second = legs.sorted("leg_sequence")
        self.assertEqual((first.user_id, second.user_id), (self.agent, self.agent2))
        self.assertEqual(first.transfer_to_id, self.agent2)
        self.assertFalse(first.transfer_from_id)
        self.assertEqual(second.transfer_from_id, self.agent)
        self.assertEqual((first.transfer_out_count, first.transfer_in_count), (1, 0))
        self.assertEqual((second.transfer_out_count, second.transfer_in_count), (0, 1))
        # the wait is the first leg's; talk, wrap-up, code, rating the last one's
        self.assertEqual((first.wait_seconds, second.wait_seconds), (12, 0))
        self.assertEqual((first.talk_seconds, second.talk_seconds), (0, 300))
        self.assertEqual((first.wrapup_seconds, second.wrapup_seconds), (0, 20))
        self.assertFalse(first.disposition_id)
        self.assertEqual(second.disposition_id, self.code)
        self.assertEqual((first.rating, second.rating), (False, "satisfied"))
        self.assertTrue(first.has_recording and second.has_recording)
        # the call crosses midnight: it stays on the day it started
        self.assertEqual(second.started_at, T0)
        self.assertEqual(second.ended_at.date(), (T0 + timedelta(days=1)).date())

    def test_per_agent_totals(self):
        self.env.flush_all()
        rows = self.env["hotline.agent.call.report"]._read_group(
            [("call_id", "in", self.calls.ids)],
            ["user_id"],
            ["leg_count:sum", "talk_seconds:sum", "transfer_out_count:sum"],
        )
        totals = {user: rest for user, *rest in rows}
        self.assertEqual(totals[self.agent], [2, 60, 1])  # the leg + the own dial
        self.assertEqual(totals[self.agent2], [1, 300, 0])
        dial = self.legs().filtered(lambda leg: leg.call_id == self.own_dial)
        self.assertEqual((dial.direction, dial.leg_sequence), ("outbound", 1))

    def test_recording_link(self):
        legs = self.legs(self.supervisor)
        leg = legs.filtered(lambda leg: leg.call_id == self.transferred)[:1]
        action = leg.action_open_recordings()
        self.assertEqual(action["res_model"], "hotline.recording")
        recordings = self.env["hotline.recording"].with_user(self.supervisor)
        self.assertEqual(recordings.search(action["domain"]), self.recording)

    def test_access_per_role(self):
        for role in ("supervisor", "leader"):
            user = self.role_users[role]
            legs = self.legs(user)
            self.assertEqual(len(legs), 3)
            legs.read(
                ["call_id", "user_id", "transfer_to_id", "disposition_id", "team_id"]
            )
            self.assertIn(
                self.env.ref("hotline_callcenter.hotline_agent_call_report_menu"),
                self.visible_menus(user),
            )
        for role in ("agent", "handler"):
            with self.assertRaises(AccessError):
                self.env["hotline.agent.call.report"].with_user(
                    self.role_users[role]
                ).search_count([])

    def test_leg_date_follows_the_call(self):
        """The legs keep their call's start (the report's date, indexed on
        the legs): set when a leg is added, moved with it and changed with the
        call's; the report searched by date finds the legs by it."""
        legs = self.transferred.agent_line_ids
        self.env.flush_all()
        self.assertEqual(set(legs.mapped("call_started_at")), {T0})
        report = self.env["hotline.agent.call.report"]
        day = [("started_at", ">=", T0 - timedelta(hours=1))]
        day.append(("started_at", "<", T0 + timedelta(hours=1)))
        found = report.search(day + [("call_id", "in", self.calls.ids)])
        self.assertEqual(found.mapped("leg_sequence"), [1, 2])
        # the call's start corrected: its legs follow, in the database too
        later = T0 + timedelta(days=3)
        self.transferred.write({"started_at": later})
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT DISTINCT call_started_at FROM hotline_call_agent"
            " WHERE call_id = %s",
            [self.transferred.id],
        )
        self.assertEqual(self.env.cr.fetchall(), [(later,)])
        self.assertFalse(report.search(day + [("call_id", "in", self.calls.ids)]))
        self.env.invalidate_all()
        moved = report.search(
            [("started_at", "=", later), ("call_id", "in", self.calls.ids)]
        )
        self.assertEqual(moved.mapped("user_id"), self.agent | self.agent2)
        # a leg moved to the own dial takes that call's start
        legs[1].write({"call_id": self.own_dial.id})
        self.env.flush_all()
        self.assertEqual(legs[1].call_started_at, self.own_dial.started_at)
        own = report.search(
            [("call_id", "=", self.own_dial.id), ("started_at", "=", T0)]
        )
        self.assertFalse(own)
        self.env.invalidate_all()  # the report's rows read before
        rows = report.search([("call_id", "=", self.own_dial.id)])
        self.assertEqual(
            rows.mapped("started_at"), [self.own_dial.started_at], "the moved leg"
        )

    def test_searched_by_date(self):
        """Searched by date (the pivot's month), the rows come from the legs
        and calls of those days only: the same rows and totals as the view's,
        the own dial (no leg) included, a call of another day left out."""
        self.env.flush_all()
        report = self.env["hotline.agent.call.report"]
        ours = [("call_id", "in", self.calls.ids)]
        # the local (Asia/Shanghai) day of T0 + 9 h, UTC bounds as the client's
        day = [
            ("started_at", ">=", "2026-03-02 16:00:00"),
            ("started_at", "<", "2026-03-03 16:00:00"),
        ]
        rows = report.search(ours + day)
        self.assertEqual(rows.call_id, self.transferred | self.own_dial)
        self.assertEqual(len(rows), 3)
        whole = report.search(ours)
        self.assertEqual(rows, whole)
        measures = ["leg_count:sum", "talk_seconds:sum", "wait_seconds:avg"]
        totals = report._read_group(ours + day, [], measures)
        self.assertEqual(totals, report._read_group(ours, [], measures))
        self.assertEqual(totals[0][:2], (3, 360))
        # the day before: the transferred call (23:59:30 UTC is 07:59:30 the
        # next local day) and the own dial are not in it
        before = [
            ("started_at", ">=", "2026-03-01 16:00:00"),
            ("started_at", "<", "2026-03-02 16:00:00"),
        ]
        self.assertFalse(report.search(ours + before))
        grouped = report.with_context(tz="Asia/Shanghai")._read_group(
            ours + day, ["started_at:day"], ["leg_count:sum"]
        )
        self.assertEqual([count for _day, count in grouped], [3])
