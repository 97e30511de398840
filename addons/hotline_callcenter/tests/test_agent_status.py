# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import SimulatorCommon

STATUS = "hotline/agent_status"


@tagged("post_install", "-at_install")
class TestAgentStatus(SimulatorCommon):
    """The agent's status follows the CTI and the calls the connector
    reports: ringing, on a call, wrap-up (话后小结), Ready."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = new_test_user(
            cls.env,
            login="hl_agent_b",
            groups="base.group_user,hotline_base.group_agent",
        )
        cls.agent2.hotline_extension = "8002"
        cls._join_queues(cls.agent, "support", "sales")
        cls.enquiry = cls.env.ref("hotline_callcenter.call_disposition_enquiry")
        cls.repair = cls.env.ref("hotline_callcenter.call_disposition_repair")

    def setUp(self):
        super().setUp()
        self.simulator.queues["support"].pop("Local/8001@agents", None)
        self.Status = self.env["hotline.agent.status"].with_user(self.agent)
        self.Me = self.agent.with_user(self.agent)
        self.Call = self.env["hotline.call"].sudo()
        self.env.company.write(
            {"hotline_wrapup_until_ready": True, "hotline_wrapup_seconds": 30}
        )

    # -- the connector's side: ring, answer, hang-up --------------------------
    def _ring(self, linkedid, extension="8001"):
        self.Call.hotline_live_events(
            self.pbx.id,
            [
                {
                    "type": "ringing",
                    "linkedid": linkedid,
                    "extension": extension,
                    "caller_number": "13800138000",
                    "did": "4008123459",
                }
            ],
        )
        return self.Call.search([("linkedid", "=", linkedid)])

    def _report(self, linkedid, agents=("8001",), answered=True, ended=False):
        now = time.time()
        data = {
            "linkedid": linkedid,
            "direction": "inbound",
            "caller_number": "13800138000",
            "called_number": "4008123459",
            "started_at": now - 60,
            "disposition": "ringing",
            "agents": list(agents),
        }
        if answered:
            data["answered_at"] = now - 30
        if ended:
            data["ended_at"] = now
            data["disposition"] = "answered" if answered else "abandoned_queue"
        return self.Call.hotline_ingest(self.pbx.id, [data])["calls"]

    def _states(self, user=None):
        return [p["state"] for p in self._bus_messages(user or self.agent, STATUS)]

    # -- transitions ---------------------------------------------------------
    def test_ring_answer_hangup_wrapup_ready(self):
        self.Me.action_hotline_login()
        self.assertEqual(self.agent.hotline_agent_state, "available")
        call = self._ring("1700000100.1")
        self.assertEqual(self.agent.hotline_agent_state, "ringing")
        self._report("1700000100.1")
        self.assertEqual(self.agent.hotline_agent_state, "on_call")
        self._report("1700000100.1", ended=True)
        self.assertEqual(self.agent.hotline_agent_state, "wrapup")
        self.assertEqual(self.agent.hotline_wrapup_call_id, call)
        self.assertFalse(self.agent.hotline_wrapup_until, "until Ready")
        self.assertTrue(call.wrapup_started_at)
        # the wrap-up paused the agent in their queues, as the CTI pauses
        self.assertEqual(
            [
                (m.get("Queue"), m.get("Paused"), m.get("Reason"))
                for m in self._sent("QueuePause")
            ],
            [("support", "true", "Wrap-up"), ("sales", "true", "Wrap-up")],
        )
        self.assertTrue(self.simulator.queues["sales"]["Local/8001@agents"]["paused"])
        self.assertTrue(self.agent.hotline_wrapup_paused)

        status = self.Status.hotline_wrapup_save(call.id, self.repair.id, "Leak fixed")
        self.assertEqual(status["state"], "wrapup")
        self.assertEqual(status["wrapup"]["disposition_id"], self.repair.id)
        status = self.Status.hotline_ready()
        self.assertEqual(status["state"], "available")
        self.assertEqual(self.agent.hotline_agent_state, "available")
        self.assertEqual(
            [(m.get("Queue"), m.get("Paused")) for m in self._sent("QueuePause")[2:]],
            [("support", "false"), ("sales", "false")],
        )
        self.assertFalse(self.simulator.queues["sales"]["Local/8001@agents"]["paused"])
        self.assertTrue(call.wrapup_ended_at)
        self.assertGreaterEqual(call.wrapup_seconds, 0)
        self.assertEqual(
            (call.disposition_id, call.wrapup_note), (self.repair, "Leak fixed")
        )
        self.assertEqual(
            self._states(),
            ["available", "ringing", "on_call", "wrapup", "wrapup", "available"],
        )

    def test_save_and_ready(self):
        self.Me.action_hotline_login()
        call = self._ring("1700000150.1")
        self._report("1700000150.1", ended=True)
        other = self._new_call(linkedid="1700000151.1")
        other.user_id = self.agent
        # the code of another call of mine does not end this wrap-up
        self.Status.hotline_wrapup_save(other.id, self.enquiry.id, ready=True)
        self.assertEqual(self.agent.hotline_agent_state, "wrapup")
        status = self.Status.hotline_wrapup_save(call.id, self.enquiry.id, ready=True)
        self.assertEqual(status["state"], "available")
        self.assertEqual(self._sent("QueuePause")[-1].get("Paused"), "false")
        self.assertEqual(call.disposition_id, self.enquiry)

    def test_ready_without_wrapup(self):
        self.Me.action_hotline_login()
        with self.assertRaisesRegex(UserError, "You are not in wrap-up"):
            self.Status.hotline_ready()
        self.assertEqual(self.agent.hotline_agent_state, "available")
        self.assertFalse(self._sent("QueuePause"))

    def test_timed_wrapup_ends_by_itself(self):
        """Without "until Ready" the wrap-up lasts the queue's wrap-up time
        (Asterisk rings the agent again after it) and pauses nobody."""
        self.env.company.hotline_wrapup_until_ready = False
        queue = self.env["hotline.queue"].create(
            {"name": "Wrap-up test", "code": "wrapup_test", "pbx_id": self.pbx.id}
        )
        queue.wrapup_time = 15
        self.agent.hotline_agent_state = "available"
        call = self._ring("1700000200.1")
        call.queue_id = queue
        self._report("1700000200.1", ended=True)
        self.assertEqual(self.agent.hotline_agent_state, "wrapup")
        self.assertFalse(self.agent.hotline_wrapup_paused)
        self.assertFalse(self._sent("QueuePause"))
        left = self.agent.hotline_wrapup_until - fields.Datetime.now()
        self.assertTrue(timedelta(seconds=14) <= left <= timedelta(seconds=15))
        self.assertEqual(self.Status.hotline_status()["status"]["state"], "wrapup")
        self.agent.hotline_wrapup_until = fields.Datetime.now() - timedelta(seconds=1)
        self.assertEqual(self.Status.hotline_status()["status"]["state"], "available")
        self.assertTrue(call.wrapup_ended_at)

    def test_no_wrapup_time(self):
        self.env.company.write(
            {"hotline_wrapup_until_ready": False, "hotline_wrapup_seconds": 0}
        )
        self.agent.hotline_agent_state = "available"
        call = self._ring("1700000300.1")
        self._report("1700000300.1", ended=True)
        self.assertEqual(self.agent.hotline_agent_state, "available")
        self.assertFalse(call.wrapup_started_at)

    def test_unanswered_ring_returns_to_pause(self):
        """A paused agent's phone rang (a transfer): when the caller hangs up
        before the answer the agent is paused again, with the reason."""
        self.Me.action_hotline_login()
        self.Me.action_hotline_pause("Training")
        self._ring("1700000400.1")
        self.assertEqual(self.agent.hotline_agent_state, "ringing")
        self._report("1700000400.1", agents=(), answered=False, ended=True)
        self.assertEqual(self.agent.hotline_agent_state, "paused")
        self.assertEqual(self.Status.hotline_status()["status"]["reason"], "Training")

    def test_ring_all_answered_by_another(self):
        for user in (self.agent, self.agent2):
            user.hotline_agent_state = "available"
        self._ring("1700000500.1", "8001")
        self._ring("1700000500.1", "8002")
        self.assertEqual(self.agent2.hotline_agent_state, "ringing")
        self._report("1700000500.1", agents=("8001",))
        self.assertEqual(self.agent.hotline_agent_state, "on_call")
        self.assertEqual(self.agent2.hotline_agent_state, "available")

    def test_transfer_wraps_up_the_first_agent(self):
        self.env.company.hotline_wrapup_until_ready = False
        for user in (self.agent, self.agent2):
            user.hotline_agent_state = "available"
        call = self._ring("1700000700.1", "8001")
        self._report("1700000700.1", agents=("8001",))
        self.assertEqual(self.agent.hotline_agent_state, "on_call")
        self._ring("1700000700.1", "8002")  # the transfer rings the second agent
        self.assertEqual(self.agent2.hotline_agent_state, "ringing")
        self._report("1700000700.1", agents=("8001", "8002"))
        self.assertEqual(self.agent.hotline_agent_state, "wrapup")
        self.assertEqual(self.agent.hotline_wrapup_call_id, call)
        self.assertEqual(self.agent2.hotline_agent_state, "on_call")
        self._report("1700000700.1", agents=("8001", "8002"), ended=True)
        self.assertEqual(self.agent2.hotline_agent_state, "wrapup")

    def test_pause_with_configured_reason(self):
        self.Me.action_hotline_login()
        meal = self.env.ref("hotline_callcenter.pause_reason_meal")
        status = self.Status.hotline_pause(meal.id)
        self.assertEqual((status["state"], status["reason"]), ("paused", "Meal"))
        self.assertEqual(self._sent("QueuePause")[-1].get("Reason"), "Meal")
        meal.active = False
        with self.assertRaisesRegex(UserError, "Choose a pause reason"):
            self.Status.hotline_pause(meal.id)
        snapshot = self.Status.hotline_status()
        self.assertIn("Break", [r["name"] for r in snapshot["pause_reasons"]])
        self.assertNotIn("Meal", [r["name"] for r in snapshot["pause_reasons"]])
        self.assertEqual(
            [d["code"] for d in snapshot["dispositions"]],
            ["enquiry", "complaint", "repair", "payment", "other"],
        )

    def test_status_is_for_agents(self):
        handler = self.role_users["handler"]
        with self.assertRaises(AccessError):
            self.env["hotline.agent.status"].with_user(handler).hotline_status()


@tagged("post_install", "-at_install")
class TestWrapupRights(SimulatorCommon):
    """Who gives a call its wrap-up code, who keeps the codes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = new_test_user(
            cls.env,
            login="hl_agent_c",
            groups="base.group_user,hotline_base.group_agent",
        )
        cls.agent2.hotline_extension = "8002"
        cls.enquiry = cls.env.ref("hotline_callcenter.call_disposition_enquiry")

    def setUp(self):
        super().setUp()
        self.mine = self._answered("1700000600.1", self.agent)
        self.theirs = self._answered("1700000601.1", self.agent2)

    def _answered(self, linkedid, user):
        call = self._new_call(linkedid=linkedid, answered_at=fields.Datetime.now())
        call.agent_line_ids = [
            fields.Command.create(
                {"sequence": 1, "extension": user.hotline_extension, "user_id": user.id}
            )
        ]
        call.user_id = user
        return call

    def _save(self, user, call, disposition=None, note=""):
        return (
            self.env["hotline.agent.status"]
            .with_user(user)
            .hotline_wrapup_save(call.id, (disposition or self.enquiry).id, note)
        )

    def test_agent_own_calls_only(self):
        self._save(self.agent, self.mine, note="Asked about the bill")
        self.assertEqual(self.mine.disposition_id, self.enquiry)
        with self.assertRaises(AccessError):
            self._save(self.agent, self.theirs)
        self.assertFalse(self.theirs.disposition_id)
        # not through the ORM either: agents do not write calls
        with self.assertRaises(AccessError):
            self.mine.with_user(self.agent).disposition_id = False

    def test_wrapup_from_the_call_form(self):
        action = self.mine.with_user(self.agent).action_hotline_wrapup()
        self.assertEqual(action["tag"], "hotline_callcenter.wrapup")
        self.assertEqual(action["params"]["wrapup"]["call_id"], self.mine.id)
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.agent).action_hotline_wrapup()
        action = self.theirs.with_user(self.supervisor).action_hotline_wrapup()
        self.assertEqual(action["params"]["wrapup"]["call_id"], self.theirs.id)

    def test_supervisor_any_call(self):
        self._save(self.supervisor, self.theirs)
        self.assertEqual(self.theirs.disposition_id, self.enquiry)
        self.theirs.with_user(self.supervisor).write({"wrapup_note": "Checked"})
        self.assertEqual(self.theirs.wrapup_note, "Checked")

    def test_bad_codes(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        foreign = self.env["hotline.call.disposition"].create(
            {"name": "Foreign", "code": "foreign", "company_id": other.id}
        )
        with self.assertRaisesRegex(UserError, "another company"):
            self._save(self.supervisor, self.mine, foreign)
        archived = self.env["hotline.call.disposition"].create(
            {"name": "Old", "code": "old", "active": False}
        )
        with self.assertRaisesRegex(UserError, "Choose a wrap-up code"):
            self._save(self.agent, self.mine, archived)
        with self.assertRaisesRegex(UserError, "does not exist"):
            self.env["hotline.agent.status"].with_user(self.agent).hotline_wrapup_save(
                0, self.enquiry.id
            )

    def test_codes_by_role(self):
        Codes = self.env["hotline.call.disposition"]
        for role in ("agent", "handler", "leader"):
            user = self.role_users[role]
            self.assertIn(self.enquiry, Codes.with_user(user).search([]))
            with self.assertRaises(AccessError):
                Codes.with_user(user).create({"name": "X", "code": f"x_{role}"})
        for role in ("supervisor", "hotline_admin"):
            code = Codes.with_user(self.role_users[role]).create(
                {"name": "Meter reading", "code": f"meter_{role}"}
            )
            code.with_user(self.role_users[role]).name = "Meter reading (self)"
        with self.assertRaises(AccessError):
            Codes.with_user(self.role_users["finance"]).search([])
        handler = self.role_users["handler"]
        with self.assertRaises(AccessError):
            self._save(handler, self.mine)

    def test_report_groups_by_code(self):
        self._save(self.agent, self.mine)
        self.env.flush_all()
        groups = self.env["hotline.call.report"].read_group(
            [("call_id", "in", (self.mine | self.theirs).ids)],
            ["call_count:sum"],
            ["disposition_id"],
        )
        counts = {(g["disposition_id"] or [False])[0]: g["call_count"] for g in groups}
        self.assertEqual(counts, {self.enquiry.id: 1, False: 1})
