# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CallCenterCommon

T0 = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestMissedCallReport(CallCenterCommon):
    """Issue 19, missed calls: callback state, recovery, the worklist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = cls.env["res.users"].create(
            {
                "name": "Agent Two",
                "login": "hl_agent_two",
                "groups_id": [(4, cls.env.ref("hotline_base.group_agent").id)],
            }
        )
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Missed queue", "code": "mq", "short_abandon_seconds": 5}
        )
        inbound, outbound = cls._inbound, cls._outbound
        # called back 10 minutes later, reached
        cls.m1 = inbound("m1", "13911110001", T0, "abandoned_queue", 30)
        outbound("cb1", "13911110001", T0 + timedelta(minutes=10), cls.agent)
        # called back without reaching them, then they called again and were served
        cls.m2 = inbound("m2", "13911110002", T0, "abandoned_queue", 6)
        outbound("cb2", "13911110002", T0 + timedelta(minutes=5), cls.supervisor, 0)
        cls.recall = inbound(
            "r2", "13911110002", T0 + timedelta(hours=1), "answered", 8, cls.agent2
        )
        # a short abandon (4 s) is no missed call
        cls.short = inbound("m3", "13911110003", T0, "abandoned_queue", 4)
        # unanswered (the queue sent it to voicemail); the only outbound calls to
        # the number came before it, or from another company: still open
        cls.m4 = inbound("m4", "13911110004", T0, "voicemail", 60)
        outbound("old4", "13911110004", T0 - timedelta(hours=1), cls.agent)
        other = cls.env["res.company"].create({"name": "Other gas company"})
        outbound("oth4", "13911110004", T0 + timedelta(hours=1), cls.agent, 30, other)
        cls.served = inbound("ok5", "13911110005", T0, "answered", 10, cls.agent)

    @classmethod
    def _inbound(cls, ref, number, started, disposition, wait, user=None):
        answered = disposition == "answered"
        queued = started + timedelta(seconds=15)
        return cls.env["hotline.call"].create(
            {
                "linkedid": "in-" + ref,
                "pbx_id": cls.pbx.id,
                "direction": "inbound",
                "caller_number": number,
                "queue_id": cls.queue.id,
                "disposition": disposition,
                "started_at": started,
                "queued_at": queued,
                "answered_at": queued + timedelta(seconds=wait) if answered else False,
                "ended_at": queued + timedelta(seconds=wait + (60 if answered else 0)),
                "wait_seconds": wait,
                "user_id": user.id if user else False,
            }
        )

    @classmethod
    def _outbound(cls, ref, number, started, user, talk=40, company=None):
        return cls.env["hotline.call"].create(
            {
                "linkedid": "out-" + ref,
                "direction": "outbound",
                "company_id": (company or cls.env.company).id,
                "called_number": number,
                "disposition": "answered" if talk else "no_answer",
                "started_at": started,
                "answered_at": started + timedelta(seconds=5) if talk else False,
                "ended_at": started + timedelta(seconds=5 + talk),
                "talk_seconds": talk,
                "user_id": user.id,
            }
        )

    def rows(self, user=None):
        self.env.flush_all()
        report = self.env["hotline.missed.call.report"]
        if user:
            report = report.with_user(user)
        # the demo data's calls are in other queues
        rows = report.search([("queue_id", "=", self.queue.id)])
        return {row.call_id.id: row for row in rows}

    def test_callback_states(self):
        rows = self.rows()
        self.assertEqual(set(rows), {self.m1.id, self.m2.id, self.m4.id})
        m1, m2, m4 = rows[self.m1.id], rows[self.m2.id], rows[self.m4.id]
        self.assertEqual(m1.state, "called_back")
        self.assertEqual(m1.missed_kind, "abandoned")
        self.assertEqual(m1.callback_user_id, self.agent)
        self.assertEqual(m1.resolved_by_id, self.agent)
        # ended 15 s + 30 s after it started, called back at 10 min
        self.assertEqual(m1.callback_delay, 600 - 45)
        self.assertEqual(m2.state, "recovered")
        # the first callback (not reached) tells who tried; the recall who served
        self.assertEqual(m2.callback_user_id, self.supervisor)
        self.assertEqual(m2.callback_delay, 300 - 21)
        self.assertEqual(m2.recall_call_id, self.recall)
        self.assertEqual(m2.resolved_by_id, self.agent2)
        self.assertEqual(m4.state, "open")
        self.assertEqual(m4.missed_kind, "unanswered")
        self.assertFalse(m4.callback_call_id)

    def test_totals(self):
        self.env.flush_all()
        ((missed, called_back, recovered, still_open, rate),) = self.env[
            "hotline.missed.call.report"
        ]._read_group(
            [("queue_id", "=", self.queue.id)],
            [],
            [
                "missed_count:sum",
                "called_back_count:sum",
                "recovered_count:sum",
                "open_count:sum",
                "resolved_rate:avg",
            ],
        )
        self.assertEqual((missed, called_back, recovered, still_open), (3, 1, 1, 1))
        self.assertAlmostEqual(rate, 200 / 3, places=2)

    def assign_form(self, user, calls):
        rows = self.env["hotline.missed.call.report"].search(
            [("call_id", "in", calls.ids)]
        )
        context = {
            "active_model": "hotline.missed.call.report",
            "active_ids": rows.ids,
        }
        wizard = self.env["hotline.missed.call.assign"].with_user(user)
        return Form(wizard.with_context(**context))

    def test_supervisor_assigns_worklist(self):
        self.env.flush_all()
        form = self.assign_form(self.supervisor, self.m4 | self.m1)
        form.user_id = self.agent
        form.save().action_assign()
        self.assertEqual(self.m4.missed_assignee_id, self.agent)
        self.assertEqual(self.m1.missed_assignee_id, self.agent)
        self.assertEqual(self.rows()[self.m4.id].assignee_id, self.agent)
        # the agent finds them among their calls
        mine = self.env["hotline.call"].search(
            [("missed_assignee_id", "=", self.agent.id)]
        )
        self.assertEqual(mine, self.m1 | self.m4)
        # and back to nobody
        form = self.assign_form(self.supervisor, self.m4)
        form.save().action_assign()
        self.assertFalse(self.m4.missed_assignee_id)

    def test_assign_bad_input(self):
        self.env.flush_all()
        wizard = self.env["hotline.missed.call.assign"].with_user(self.supervisor)
        # not an agent
        handler = self.role_users["handler"]
        with self.assertRaises(UserError):
            wizard.create(
                {"call_ids": [(6, 0, self.m4.ids)], "user_id": handler.id}
            ).action_assign()
        # an answered call is no missed call
        with self.assertRaises(UserError):
            wizard.create(
                {
                    "call_ids": [(6, 0, (self.m4 | self.served).ids)],
                    "user_id": self.agent.id,
                }
            ).action_assign()
        self.assertFalse((self.m4 | self.served).missed_assignee_id)

    def test_access_per_role(self):
        for role in ("supervisor", "leader"):
            user = self.role_users[role]
            rows = self.rows(user)
            self.assertEqual(len(rows), 3)
            rows[self.m2.id].read(
                ["call_id", "queue_id", "callback_user_id", "resolved_by_id", "state"]
            )
            self.assertIn(
                self.env.ref("hotline_callcenter.hotline_missed_call_report_menu"),
                self.visible_menus(user),
            )
        # leaders read the worklist, supervisors assign it
        with self.assertRaises(AccessError):
            self.env["hotline.missed.call.assign"].with_user(
                self.role_users["leader"]
            ).create({"call_ids": [(6, 0, self.m4.ids)], "user_id": self.agent.id})
        for role in ("agent", "handler"):
            with self.assertRaises(AccessError):
                self.env["hotline.missed.call.report"].with_user(
                    self.role_users[role]
                ).search_count([])
