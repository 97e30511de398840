# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 20's CTI controls end to end against the AMI simulator: the
emergency call (紧急呼叫), forced login (强制登入) and the agent's three-way
call (多方通话)."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SimulatorCommon


@tagged("post_install", "-at_install")
class TestCtiControls(SimulatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.memberships = cls._join_queues(cls.agent, "support", "sales")
        cls.Session = cls.env["hotline.agent.session"]
        cls.Event = cls.env["hotline.cti.event"]

    def setUp(self):
        super().setUp()
        sim = self.simulator
        sim.queues["support"].pop("Local/8001@agents", None)
        sim.queues["sales"].pop("Local/8001@agents", None)
        # channels and rooms other tests left on the simulated PBX
        sim.channels.clear()
        sim.spies.clear()
        sim.conferences.clear()
        self.Me = self.agent.with_user(self.agent)
        self.AsSupervisor = self.agent.with_user(self.supervisor)

    def _on_duty(self, user, minutes_ago=30):
        return self.Session.create(
            {
                "user_id": user.id,
                "kind": "login",
                "started_at": fields.Datetime.now() - timedelta(minutes=minutes_ago),
            }
        )

    def _nobody_on_duty(self):
        self.Session.search([("ended_at", "=", False)]).ended_at = fields.Datetime.now()
        self.pbx.duty_supervisor_id = False

    def _inbound_call(self, linkedid):
        """A caller in from-pstn bridged to agent 8001, as the connector sees
        it (Newchannel with the contexts the correlator classifies by)."""
        return self._live_call(linkedid=linkedid, contexts=True)

    # -- forced login ------------------------------------------------------------
    def test_force_login_and_logout_record_the_supervisor(self):
        self.AsSupervisor.action_hotline_force_login()
        self.assertEqual(
            [
                (m.get("Queue"), m.get("Interface"), m.get("MemberName"))
                for m in self._sent("QueueAdd")
            ],
            [
                ("support", "Local/8001@agents", self.agent.name),
                ("sales", "Local/8001@agents", self.agent.name),
            ],
        )
        self.assertIn("Local/8001@agents", self.simulator.queues["sales"])
        self.assertEqual(self.agent.hotline_agent_state, "available")
        session = self.Session.search(
            [("user_id", "=", self.agent.id), ("ended_at", "=", False)]
        )
        self.assertEqual(
            (session.kind, session.forced_by_id), ("login", self.supervisor)
        )
        event = self.Event.search([("agent_id", "=", self.agent.id)])
        self.assertEqual(
            (event.kind, event.user_id, event.target),
            ("force_login", self.supervisor, "8001"),
        )
        # the agent sees the session and who forced it
        self.assertEqual(
            self.Session.with_user(self.agent).search([]).forced_by_id,
            self.supervisor,
        )

        self.AsSupervisor.action_hotline_force_logout()
        self.assertNotIn("Local/8001@agents", self.simulator.queues["support"])
        self.assertEqual(
            (session.ended_by_id, bool(session.ended_at)), (self.supervisor, True)
        )
        # the agent's own login records nobody
        self.Me.action_hotline_login()
        own = self.Session.search(
            [("user_id", "=", self.agent.id), ("ended_at", "=", False)]
        )
        self.assertFalse(own.forced_by_id)

    def test_force_login_refusals(self):
        # no extension: nothing to log in, nothing sent
        self.agent.hotline_extension = False
        with self.assertRaisesRegex(UserError, "has no phone extension"):
            self.AsSupervisor.action_hotline_force_login()
        self.assertFalse(self._sent("QueueAdd"))
        self.agent.hotline_extension = "8001"
        # app_queue refuses a queue it does not know: the queues added are
        # taken back, no session is opened
        self._join_queues(self.agent, "nosuchqueue").queue_id.sequence = 3
        with self.assertRaisesRegex(UserError, r"\(nosuchqueue\) is not on the PBX"):
            self.AsSupervisor.action_hotline_force_login()
        self.assertNotIn("Local/8001@agents", self.simulator.queues["support"])
        self.assertFalse(
            self.Session.search([("user_id", "=", self.agent.id)]),
        )
        self.assertFalse(self.Event.search([("agent_id", "=", self.agent.id)]))
        # a user who is no agent
        with self.assertRaisesRegex(UserError, "is not an active hotline agent"):
            self.user_internal.with_user(self.supervisor).action_hotline_force_login()

    def test_only_supervisors_force_login(self):
        for user in (self.agent, self.role_users["handler"], self.user_internal):
            with self.assertRaisesRegex(
                AccessError, "Only supervisors can use this control"
            ):
                self.supervisor.with_user(user).action_hotline_force_login()
        self.assertFalse(self.simulator.actions_seen)
        # hotline admins are supervisors too
        self.agent.with_user(
            self.role_users["hotline_admin"]
        ).action_hotline_force_login()
        self.assertEqual(len(self._sent("QueueAdd")), 2)

    # -- emergency call ----------------------------------------------------------
    def test_emergency_when_idle_rings_the_supervisor_with_priority(self):
        self._nobody_on_duty()
        self._on_duty(self.supervisor)
        self.Me.action_hotline_emergency()
        (originate,) = self._sent("Originate")
        self.assertEqual(
            (
                originate.get("Channel"),
                originate.get("Context"),
                originate.get("Exten"),
                originate.get("CallerID"),
                originate.get("Async"),
            ),
            (
                "Local/8001@agents",
                "hotline-emergency",
                "9000",
                '"EMERGENCY 8001" <8001>',
                "true",
            ),
        )
        self.assertFalse(self._sent("Redirect"))
        (payload,) = self._bus_messages(self.supervisor, "simple_notification")
        self.assertEqual((payload["type"], payload["sticky"]), ("danger", True))
        self.assertIn(self.agent.name, payload["message"])
        self.assertFalse(self._bus_messages(self.agent, "simple_notification"))
        event = self.Event.search([("agent_id", "=", self.agent.id)])
        self.assertEqual(
            (event.kind, event.target_user_id, event.call_id, event.room),
            ("emergency", self.supervisor, self.env["hotline.call"], False),
        )

    def test_emergency_on_a_call_conferences_the_supervisor_in(self):
        self._nobody_on_duty()
        self.pbx.duty_supervisor_id = self.supervisor
        customer, agent_chan = self._inbound_call("odoo-test-pbx-301.1")
        call = self._new_call(linkedid="odoo-test-pbx-301.1", user_id=self.agent.id)
        self.Me.action_hotline_emergency()
        (redirect,) = self._sent("Redirect")
        self.assertEqual(
            (
                redirect.get("Channel"),
                redirect.get("ExtraChannel"),
                redirect.get("Context"),
                redirect.get("Exten"),
            ),
            (agent_chan, customer, "hotline-conference", "78001"),
        )
        (originate,) = self._sent("Originate")
        self.assertEqual(
            (
                originate.get("Channel"),
                originate.get("Application"),
                originate.get("Data"),
            ),
            ("Local/9000@hotline-emergency", "ConfBridge", "78001"),
        )
        self.assertEqual(
            sorted(self.simulator.conferences["78001"]["members"][:2]),
            sorted([agent_chan, customer]),
        )
        self.assertEqual(call.conference_room, "78001")
        self.assertEqual(call.cti_event_ids.kind, "emergency")
        (payload,) = self._bus_messages(self.supervisor, "simple_notification")
        self.assertIn("joins the call", payload["message"])
        # the caller's number is not in the supervisor's notification
        self.assertNotIn("13800138000", payload["message"])

    def test_emergency_picks_the_longest_logged_in_supervisor(self):
        self._nobody_on_duty()
        other = self.role_users["supervisor"].copy(
            {"login": "sup2-cti", "name": "Second Supervisor"}
        )
        other.hotline_extension = "9001"
        self._on_duty(other, minutes_ago=90)
        self._on_duty(self.supervisor, minutes_ago=10)
        self.Me.action_hotline_emergency()
        self.assertEqual(self._sent("Originate")[0].get("Exten"), "9001")
        # the PBX's on-duty supervisor wins
        self.pbx.duty_supervisor_id = self.supervisor
        self.Me.action_hotline_emergency()
        self.assertEqual(self._sent("Originate")[1].get("Exten"), "9000")

    def test_emergency_without_supervisor_on_duty(self):
        self._nobody_on_duty()
        with self.assertRaisesRegex(UserError, "No supervisor is on duty"):
            self.Me.action_hotline_emergency()
        self.assertFalse(self.simulator.actions_seen)
        self.assertFalse(self.Event.search([("agent_id", "=", self.agent.id)]))
        # a supervisor pressing it is never called by themselves
        self._on_duty(self.supervisor)
        with self.assertRaisesRegex(UserError, "No supervisor is on duty"):
            self.supervisor.with_user(self.supervisor).action_hotline_emergency()

    # -- three-way call ----------------------------------------------------------
    def test_three_way_call_end_to_end(self):
        """The agent adds a number, the simulated Asterisk joins the three
        into ConfBridge, the agent drops out; the connector keeps one call
        with the third party as a conference leg, still live."""
        worker = self._worker()
        Call = self.env["hotline.call"]
        linkedid = "odoo-test-pbx-302.1"
        customer, agent_chan = self._inbound_call(linkedid)
        self.assertTrue(
            worker.drain(lambda: Call.search([("linkedid", "=", linkedid)]))
        )
        call = Call.search([("linkedid", "=", linkedid)])
        self.assertEqual(call.direction, "inbound")

        self.Me.action_hotline_conference_add("138 0013 8000")
        (redirect,) = self._sent("Redirect")
        self.assertEqual(redirect.get("ExtraChannel"), customer)
        (originate,) = self._sent("Originate")
        self.assertEqual(
            (originate.get("Channel"), originate.get("Data")),
            ("Local/13800138000@click2dial", "78001"),
        )
        self.assertTrue(worker.drain(lambda: call.supervisor_leg_ids))
        leg = call.supervisor_leg_ids
        self.assertEqual((leg.mode, leg.ended_at), ("conference", False))
        self.assertEqual(call.conference_room, "78001")

        self.Me.action_hotline_conference_leave()
        self.assertEqual(self._sent("Hangup")[-1].get("Channel"), agent_chan)
        self.assertNotIn(agent_chan, self.simulator.conferences["78001"]["members"])
        self.assertIn(customer, self.simulator.channels)
        self.assertEqual(
            sorted(call.cti_event_ids.mapped("kind")),
            ["conference_add", "conference_leave"],
        )
        self.assertEqual(
            call.cti_event_ids.filtered(lambda e: e.kind == "conference_add").target,
            "13800138000",
        )
        self.assertFalse(
            Call.search([("pbx_id", "=", self.pbx.id), ("linkedid", "!=", linkedid)]),
            "the third party is a leg of the call, not a call of its own",
        )
        self.assertFalse(call.ended_at)

    def test_three_way_call_refusals(self):
        with self.assertRaisesRegex(UserError, "is not on a call"):
            self.Me.action_hotline_conference_add("8002")
        self._inbound_call("odoo-test-pbx-303.1")
        for target, error in (
            ("", "Choose the extension or number"),
            ("not a number", "is not a phone number"),
            ("8001", "You are already on this call"),
        ):
            with self.assertRaisesRegex(UserError, error, msg=target):
                self.Me.action_hotline_conference_add(target)
        with self.assertRaisesRegex(UserError, "You are not in a conference"):
            self.Me.action_hotline_conference_leave()
        self.assertFalse(self._sent("Redirect") + self._sent("Originate"))
        self.assertFalse(self._sent("Hangup"))
        self.assertFalse(self.Event.search([("agent_id", "=", self.agent.id)]))

    def test_three_way_call_with_another_agent(self):
        agent2 = self.role_users["agent"].copy({"login": "agent-cti-2"})
        agent2.hotline_extension = "8002"
        self._inbound_call("odoo-test-pbx-304.1")
        self.Me.action_hotline_conference_add("8002")
        originate = self._sent("Originate")[-1]
        self.assertEqual(originate.get("Channel"), "Local/8002@internal")
        event = self.Event.search([("agent_id", "=", self.agent.id)])
        self.assertEqual(event.target_user_id, agent2)
        # a second party joins the same room: no second Redirect
        self.Me.action_hotline_conference_add("13800138000")
        self.assertEqual(len(self._sent("Redirect")), 1)
        self.assertEqual(self._sent("Originate")[-1].get("Data"), "78001")

    def test_agent_controls_act_on_own_phone_only(self):
        self._inbound_call("odoo-test-pbx-305.1")
        for method, args in (
            ("action_hotline_emergency", ()),
            ("action_hotline_conference_add", ("8002",)),
            ("action_hotline_conference_leave", ()),
        ):
            with self.assertRaisesRegex(
                AccessError, "You can only control your own phone", msg=method
            ):
                getattr(self.supervisor.with_user(self.agent), method)(*args)
            user = self.user_internal
            with self.assertRaisesRegex(
                AccessError, "Only hotline agents can control calls", msg=method
            ):
                getattr(user.with_user(user), method)(*args)
        self.assertFalse(self.simulator.actions_seen)

    def test_cti_events_per_role(self):
        mine = self.Event.sudo().create(
            {
                "kind": "emergency",
                "user_id": self.agent.id,
                "agent_id": self.agent.id,
            }
        )
        other = self.Event.sudo().create(
            {
                "kind": "force_login",
                "user_id": self.supervisor.id,
                "agent_id": self.supervisor.id,
            }
        )
        self.assertEqual(self.Event.with_user(self.agent).search([]), mine)
        self.assertEqual(
            self.Event.with_user(self.supervisor).search([]) & (mine | other),
            mine | other,
        )
        with self.assertRaises(AccessError):
            self.Event.with_user(self.supervisor).create(
                {
                    "kind": "emergency",
                    "user_id": self.supervisor.id,
                    "agent_id": self.agent.id,
                }
            )
        with self.assertRaises(AccessError):
            mine.with_user(self.agent).unlink()
        with self.assertRaises(AccessError):
            self.Event.with_user(self.role_users["finance"]).search([])
