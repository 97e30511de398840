# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import ast
import time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from ..models.hotline_call import WAITING_LIST_MAX
from .common import SimulatorCommon

WAITING = "hotline/waiting"


@tagged("post_install", "-at_install")
class TestWaitingCalls(SimulatorCommon):
    """Waiting callers pushed to the members of their queue, and pick-up (抢接)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Queue = cls.env["hotline.queue"]
        pbx = cls.pbx.id
        cls.q_a = Queue.create({"name": "Gas leaks", "code": "wq_a", "pbx_id": pbx})
        cls.q_b = Queue.create({"name": "Meters", "code": "wq_b", "pbx_id": pbx})
        cls.agent2 = new_test_user(
            cls.env,
            login="hl_agent_b",
            groups="base.group_user,hotline_base.group_agent",
        )
        cls.agent2.hotline_extension = "8002"
        cls.handler = cls.role_users["handler"]
        Member = cls.env["hotline.queue.member"]
        Member.create({"queue_id": cls.q_a.id, "user_id": cls.agent.id})
        Member.create({"queue_id": cls.q_b.id, "user_id": cls.agent2.id})
        # a member who lost the agent role sees nothing
        Member.create({"queue_id": cls.q_a.id, "user_id": cls.handler.id})
        vip = cls.env["hotline.customer.category"].create(
            {"name": "Key account", "is_vip": True}
        )
        cls.customer.hotline_category_id = vip
        (cls.agent | cls.agent2 | cls.supervisor).hotline_agent_state = "available"

    def _waiting(self, queue):
        """``hotline/waiting`` payloads sent on ``queue``'s channel."""
        return self._bus_payloads(
            ["hotline.queue", queue.id, "hotline_waiting"], WAITING
        )

    def _listens(self, user):
        """Queues whose channel the websocket of ``user`` subscribes to."""
        channels = self.env["ir.websocket"].with_user(user)._hotline_waiting_channels()
        self.assertTrue(all(sub == "hotline_waiting" for _q, sub in channels))
        return self.env["hotline.queue"].browse([queue.id for queue, _sub in channels])

    def _ingest(self, *calls):
        return (
            self.env["hotline.call"]
            .sudo()
            .hotline_ingest(self.pbx.id, [dict(c) for c in calls])["calls"]
        )

    def _joined(self, linkedid, queue="wq_a", caller="13800138000", ago=30):
        now = time.time()
        return {
            "linkedid": linkedid,
            "uniqueid": linkedid,
            "direction": "inbound",
            "caller_number": caller,
            "called_number": "4008123459",
            "did": "4008123459",
            "queue": queue,
            "started_at": now - ago - 10,
            "queued_at": now - ago,
            "disposition": "ringing",
        }

    def test_who_listens_to_which_queue(self):
        # an agent: the queues they are a member of
        self.assertEqual(self._listens(self.agent), self.q_a)
        self.assertEqual(self._listens(self.agent2), self.q_b)
        # the supervisor of the company: every queue, member or not
        self.assertLessEqual(self.q_a | self.q_b, self._listens(self.supervisor))
        # a member who is no agent, other roles, plain users: nothing
        for user in (self.handler, self.user_internal, self.role_users["finance"]):
            self.assertFalse(self._listens(user), user.login)

    def test_join_notifies_the_queue(self):
        call = self._ingest(self._joined("wq.1"))
        (payload,) = self._waiting(self.q_a)
        self.assertEqual(payload["queue_id"], self.q_a.id)
        self.assertEqual(payload["queue"], "Gas leaks")
        (row,) = payload["calls"]
        self.assertEqual(row["call_id"], call.id)
        self.assertEqual(row["number"], "13800138000")
        self.assertEqual(row["name"], "Zhang Wei")
        self.assertTrue(row["vip"])
        self.assertGreaterEqual(row["wait_seconds"], 29)
        self.assertEqual(row["queued_at"][:10], call.queued_at.isoformat()[:10])
        # one notification, on the queue's channel only: not on the users'
        self.assertFalse(self._waiting(self.q_b))
        for user in (self.agent, self.agent2, self.supervisor, self.handler):
            self.assertFalse(self._bus_messages(user, WAITING))

    def test_one_notification_per_queue_and_batch(self):
        # the same dicts are replayed below: built once, not from the clock again
        first = self._joined("wq.1", ago=50)
        second = self._joined("wq.2", caller="13911112222", ago=20)
        self._ingest(
            first, second, self._joined("wq.3", queue="wq_b", caller="13933334444")
        )
        (payload_a,) = self._waiting(self.q_a)
        self.assertEqual(
            [r["number"] for r in payload_a["calls"]],
            ["13800138000", "13911112222"],  # longest wait first
        )
        self.assertEqual(payload_a["calls"][1]["name"], "")
        self.assertFalse(payload_a["calls"][1]["vip"])
        (payload_b,) = self._waiting(self.q_b)
        self.assertEqual(payload_b["queue_id"], self.q_b.id)
        self.assertEqual(len(payload_b["calls"]), 1)
        # replaying the same batch changes nothing and notifies nobody
        self._bus_marker = self._last_bus_id()
        self._ingest(dict(first), dict(second))
        self.assertFalse(self._waiting(self.q_a))

    def _last_bus_id(self):
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
        return self.env.cr.fetchone()[0]

    def test_answer_and_hangup_take_the_caller_off(self):
        self._ingest(self._joined("wq.1"), self._joined("wq.2", caller="13911112222"))
        self._bus_marker = self._last_bus_id()
        answered = dict(self._joined("wq.1"), answered_at=time.time())
        answered.update(disposition="answered", agents=["8001"])
        self._ingest(answered)
        (payload,) = self._waiting(self.q_a)
        self.assertEqual([r["number"] for r in payload["calls"]], ["13911112222"])

        self._bus_marker = self._last_bus_id()
        abandoned = dict(self._joined("wq.2", caller="13911112222"))
        abandoned.update(ended_at=time.time(), disposition="abandoned_queue")
        self._ingest(abandoned)
        (payload,) = self._waiting(self.q_a)
        self.assertEqual(payload["calls"], [])

        # the answered call hangs up: it was not waiting, nobody is told
        self._bus_marker = self._last_bus_id()
        ended = dict(answered, ended_at=time.time(), talk_seconds=12)
        self._ingest(ended)
        self.assertFalse(self._waiting(self.q_a))

    def test_ivr_marks_the_call_queued(self):
        # the FastAGI backend writes the queue before Queue() (on_queue)
        call = self.env["hotline.call"].create(
            {"pbx_id": self.pbx.id, "linkedid": "wq.ivr", "caller_number": "110"}
        )
        self.assertFalse(self._waiting(self.q_a))
        call.write({"queue_id": self.q_a.id, "queued_at": "2026-11-28 08:00:00"})
        (payload,) = self._waiting(self.q_a)
        self.assertEqual([r["number"] for r in payload["calls"]], ["110"])
        # the flow overflows to another queue: both lists change
        self._bus_marker = self._last_bus_id()
        call.write({"queue_id": self.q_b.id})
        self.assertEqual(self._waiting(self.q_a)[0]["calls"], [])
        self.assertEqual(len(self._waiting(self.q_b)[0]["calls"]), 1)

    def test_stale_close_and_unrelated_writes(self):
        (call,) = self._ingest(self._joined("wq.1"))
        self._bus_marker = self._last_bus_id()
        call.write({"recording_file": "2026/11/28/wq.1.wav"})
        self.assertFalse(self._waiting(self.q_a))
        # the connector finds the caller gone after a reconnection
        self.env["hotline.call"].sudo().hotline_close_stale(self.pbx.id, [])
        self.assertEqual(call.disposition, "abandoned_queue")
        (payload,) = self._waiting(self.q_a)
        self.assertEqual(payload["calls"], [])

    def test_other_company_queue(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        other_supervisor = new_test_user(
            self.env,
            login="hl_other_sup",
            groups="base.group_user,hotline_base.group_supervisor",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        queue = self.env["hotline.queue"].create(
            {"name": "Elsewhere", "code": "wq_a", "company_id": other.id}
        )
        call = self.env["hotline.call"].create(
            {
                "linkedid": "wq.other",
                "company_id": other.id,
                "queue_id": queue.id,
                "queued_at": "2026-11-28 08:00:00",
            }
        )
        (payload,) = self._waiting(queue)
        self.assertEqual([r["call_id"] for r in payload["calls"]], call.ids)
        self.assertIn(queue, self._listens(other_supervisor))
        self.assertNotIn(queue, self._listens(self.supervisor))
        self.assertNotIn(self.q_a, self._listens(other_supervisor))

    def test_cost_does_not_grow_with_callers(self):
        """A queue's list costs the same few queries whatever its length (no
        N+1): its search, the calls' and their customers' rows."""
        Call = self.env["hotline.call"]

        def queries_to_send(queues):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Call._hotline_waiting_send(queues)
            return self.cr.sql_log_count - before

        both = self.q_a | self.q_b
        self._ingest(self._joined("wq.1"), self._joined("wq.2", queue="wq_b"))
        queries_to_send(both)  # warm the caches that do not depend on the calls
        few = queries_to_send(both)
        self._ingest(
            *[self._joined(f"wq.{n}", caller=f"1391111{n:04d}") for n in range(3, 23)]
        )
        self.assertEqual(queries_to_send(both), few)
        # per queue: the count, the search, the calls' and customers' rows
        self.assertLessEqual(few - queries_to_send(self.q_a), 4)

    def test_surge_lists_the_longest_waits(self):
        """In a surge the notification lists the WAITING_LIST_MAX longest
        waits and counts all callers, so that a join costs the same with 55
        callers waiting as with 5."""
        self._ingest(
            *[
                self._joined(f"wq.s{n}", caller=f"1392222{n:04d}", ago=200 - n)
                for n in range(55)
            ]
        )
        (payload,) = self._waiting(self.q_a)
        self.assertEqual(payload["total"], 55)
        self.assertEqual(len(payload["calls"]), WAITING_LIST_MAX)
        numbers = [row["number"] for row in payload["calls"]]
        # the longest waits (the first callers) are the ones listed
        self.assertEqual(numbers, [f"1392222{n:04d}" for n in range(WAITING_LIST_MAX)])

    def test_snapshot_per_role(self):
        self._ingest(self._joined("wq.1"), self._joined("wq.3", queue="wq_b"))
        Call = self.env["hotline.call"]
        snap = Call.with_user(self.agent).hotline_waiting_snapshot()
        self.assertAlmostEqual(snap["server_time"], time.time(), delta=60)
        self.assertEqual([q["queue_id"] for q in snap["queues"]], [self.q_a.id])
        self.assertEqual(len(snap["queues"][0]["calls"]), 1)
        snap = Call.with_user(self.agent2).hotline_waiting_snapshot()
        self.assertEqual([q["queue_id"] for q in snap["queues"]], [self.q_b.id])
        snap = Call.with_user(self.supervisor).hotline_waiting_snapshot()
        self.assertLessEqual(
            {self.q_a.id, self.q_b.id}, {q["queue_id"] for q in snap["queues"]}
        )
        for role in ("handler", "leader", "finance"):
            with self.assertRaises(AccessError, msg=role):
                Call.with_user(self.role_users[role]).hotline_waiting_snapshot()
        with self.assertRaises(AccessError):
            Call.with_user(self.user_internal).hotline_waiting_snapshot()

    def _on_pbx(self, linkedid):
        """The caller's channel as Asterisk lists it (CoreShowChannels)."""
        channel = f"PJSIP/trunk-{linkedid.replace('.', '')}"
        self.simulator.channels[channel] = [
            ("Channel", channel),
            ("Uniqueid", linkedid),
            ("Linkedid", linkedid),
        ]
        self.addCleanup(self.simulator.channels.pop, channel, None)
        return channel

    def test_pickup_happy_path(self):
        (call,) = self._ingest(self._joined("1700000500.1"))
        channel = self._on_pbx("1700000500.1")
        self._bus_marker = self._last_bus_id()
        res = (
            self.env["hotline.call"]
            .with_user(self.agent)
            .hotline_waiting_pickup(call.id)
        )
        self.assertEqual(res, {"call_id": call.id, "number": "13800138000"})
        (redirect,) = self._sent("Redirect")
        self.assertEqual(
            (redirect.get("Channel"), redirect.get("Exten"), redirect.get("Context")),
            (channel, "8001", "internal"),
        )
        # the dialplan has that context: Asterisk did not hang the caller up
        self.assertIn(channel, self.simulator.channels)
        self.assertEqual(call.user_id, self.agent)
        # the card follows the call to the agent who took it
        (card,) = self._bus_messages(self.agent, "hotline/call_ringing")
        self.assertEqual(card["call_id"], call.id)
        self.assertEqual(card["partner_id"], self.customer.id)
        self.assertEqual(self.agent.hotline_current_call_id, call)
        # the caller leaves everybody's list at once, before Asterisk bridges
        (payload,) = self._waiting(self.q_a)
        self.assertEqual(payload["calls"], [])
        self.assertFalse(self._bus_messages(self.supervisor, "hotline/call_ringing"))
        # a second click (or a colleague) is refused
        with self.assertRaisesRegex(UserError, "You already picked up"):
            self.env["hotline.call"].with_user(self.agent).hotline_waiting_pickup(
                call.id
            )
        with self.assertRaisesRegex(UserError, "Hotline agent already picked up"):
            self.env["hotline.call"].with_user(self.supervisor).hotline_waiting_pickup(
                call.id
            )
        self.assertEqual(len(self._sent("Redirect")), 1)

    def test_pickup_of_a_caller_gone(self):
        Call = self.env["hotline.call"].with_user(self.agent)
        (call,) = self._ingest(self._joined("1700000600.1"))
        # hung up on the PBX, the connector has not told Odoo yet
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            Call.hotline_waiting_pickup(call.id)
        self.assertFalse(self._sent("Redirect"))
        self.assertFalse(call.user_id)
        # answered by another agent, or ended
        self._on_pbx("1700000600.1")
        call.sudo().write({"answered_at": "2026-11-28 08:00:00"})
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            Call.hotline_waiting_pickup(call.id)
        call.sudo().write({"answered_at": False, "ended_at": "2026-11-28 08:00:00"})
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            Call.hotline_waiting_pickup(call.id)
        with self.assertRaisesRegex(UserError, "no longer waiting"):
            Call.hotline_waiting_pickup(call.id + 100000)
        self.assertFalse(self._sent("Redirect"))

    def test_pickup_rights(self):
        (call,) = self._ingest(self._joined("1700000700.1"))
        self._on_pbx("1700000700.1")
        Call = self.env["hotline.call"]
        with self.assertRaisesRegex(AccessError, "not a member of the queue Gas leaks"):
            Call.with_user(self.agent2).hotline_waiting_pickup(call.id)
        for role in ("handler", "leader", "finance"):
            with self.assertRaises(AccessError, msg=role):
                Call.with_user(self.role_users[role]).hotline_waiting_pickup(call.id)
        self.agent.hotline_agent_state = "logged_out"
        with self.assertRaisesRegex(UserError, "Log in to your queues"):
            Call.with_user(self.agent).hotline_waiting_pickup(call.id)
        self.assertFalse(self._sent("Redirect"))
        self.assertFalse(call.user_id)
        # a supervisor takes a caller of any queue of the company
        Call.with_user(self.supervisor).hotline_waiting_pickup(call.id)
        self.assertEqual(call.user_id, self.supervisor)
        self.assertEqual(self._sent("Redirect")[0].get("Exten"), "9000")

    def test_pickup_button_of_the_waiting_list(self):
        (call,) = self._ingest(self._joined("1700000800.1"))
        channel = self._on_pbx("1700000800.1")
        action = self.env.ref("hotline_callcenter.hotline_call_action_waiting")
        view = self.env.ref("hotline_callcenter.hotline_call_view_list_waiting")
        self.assertEqual(action.view_id, view)
        self.assertIn('name="action_hotline_waiting_pickup"', view.arch)
        rows = (
            self.env["hotline.call"]
            .with_user(self.agent)
            .search(ast.literal_eval(action.domain))
        )
        self.assertIn(call, rows)
        res = call.with_user(self.agent).action_hotline_waiting_pickup()
        self.assertEqual(res["tag"], "display_notification")
        self.assertIn("13800138000", res["params"]["message"])
        (redirect,) = self._sent("Redirect")
        self.assertEqual(
            (redirect.get("Channel"), redirect.get("Exten")), (channel, "8001")
        )
        self.assertEqual(call.user_id, self.agent)
        # a second click, or a colleague of another queue, is refused
        with self.assertRaisesRegex(UserError, "You already picked up"):
            call.with_user(self.agent).action_hotline_waiting_pickup()
        with self.assertRaises(AccessError):
            call.with_user(self.agent2).action_hotline_waiting_pickup()
        self.assertEqual(len(self._sent("Redirect")), 1)
