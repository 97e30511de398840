# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import SimulatorCommon

SUPERVISOR_CONTROLS = (
    "action_hotline_listen",
    "action_hotline_whisper",
    "action_hotline_barge",
    "action_hotline_force_hangup",
    "action_hotline_force_logout",
    "action_hotline_conference",
)
AGENT_CONTROLS = (
    ("action_hotline_login", ()),
    ("action_hotline_logout", ()),
    ("action_hotline_pause", ("Break",)),
    ("action_hotline_unpause", ()),
    ("action_hotline_transfer", ("8002",)),
    ("action_hotline_hold", ()),
    ("action_hotline_resume", ()),
    ("action_hotline_hangup", ()),
)


@tagged("post_install", "-at_install")
class TestCti(SimulatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.memberships = cls._join_queues(cls.agent, "support", "sales")

    def setUp(self):
        super().setUp()
        # the simulator's queues start with Agent 8001 in 'support'
        self.simulator.queues["support"].pop("Local/8001@agents", None)
        self.Me = self.agent.with_user(self.agent)
        self.Session = self.env["hotline.agent.session"]

    def test_login_pause_logout(self):
        self.Me.action_hotline_login()
        self.assertEqual(
            [(m.get("Queue"), m.get("Interface")) for m in self._sent("QueueAdd")],
            [("support", "Local/8001@agents"), ("sales", "Local/8001@agents")],
        )
        self.assertIn("Local/8001@agents", self.simulator.queues["sales"])
        self.assertEqual(self.agent.hotline_agent_state, "available")

        self.Me.action_hotline_pause("Lunch")
        self.assertEqual(
            [
                (m.get("Queue"), m.get("Paused"), m.get("Reason"))
                for m in self._sent("QueuePause")
            ],
            [("support", "true", "Lunch"), ("sales", "true", "Lunch")],
        )
        self.assertTrue(self.simulator.queues["support"]["Local/8001@agents"]["paused"])
        self.assertEqual(self.agent.hotline_agent_state, "paused")
        self.Me.action_hotline_unpause()
        self.assertFalse(self.simulator.queues["sales"]["Local/8001@agents"]["paused"])

        self.Me.action_hotline_logout()
        self.assertEqual(len(self._sent("QueueRemove")), 2)
        self.assertNotIn("Local/8001@agents", self.simulator.queues["support"])
        self.assertEqual(self.agent.hotline_agent_state, "logged_out")

        sessions = self.Session.search([("user_id", "=", self.agent.id)])
        self.assertEqual(sorted(sessions.mapped("kind")), ["login", "pause"])
        self.assertTrue(all(sessions.mapped("ended_at")))
        pause_session = sessions.filtered(lambda s: s.kind == "pause")
        self.assertEqual(pause_session.reason, "Lunch")
        self.assertGreaterEqual(pause_session.duration_seconds, 0)

    def test_session_duration(self):
        session = self.Session.create(
            {
                "user_id": self.agent.id,
                "kind": "pause",
                "reason": "Training",
                "started_at": "2026-01-05 09:00:00",
            }
        )
        self.assertEqual(session.duration_seconds, 0)
        session.ended_at = "2026-01-05 09:15:30"
        self.assertEqual(session.duration_seconds, 930)

    def test_login_when_already_member(self):
        """After an Asterisk restart persistent members are still there:
        "Already there" is a successful login (issue 10, item 15)."""
        self.simulator.queues["support"]["Local/8001@agents"] = {
            "name": "x",
            "paused": False,
        }
        self.Me.action_hotline_login()
        self.assertEqual(len(self._sent("QueueAdd")), 2)
        self.assertIn("Local/8001@agents", self.simulator.queues["sales"])
        self.assertEqual(self.agent.hotline_agent_state, "available")
        (session,) = self.Session.search([("user_id", "=", self.agent.id)])
        self.assertEqual((session.kind, session.ended_at), ("login", False))
        # logging in twice is no error either, and opens no second session
        self.Me.action_hotline_login()
        self.assertEqual(
            self.Session.search_count(
                [("user_id", "=", self.agent.id), ("ended_at", "=", False)]
            ),
            1,
        )

    def test_logout_when_no_longer_member(self):
        """QueueRemove answered "Not there" (the PBX lost the member): the
        logout still closes the session."""
        self.Me.action_hotline_login()
        self.simulator.queues["sales"].pop("Local/8001@agents")
        self.Me.action_hotline_logout()
        self.assertNotIn("Local/8001@agents", self.simulator.queues["support"])
        self.assertEqual(self.agent.hotline_agent_state, "logged_out")
        self.assertTrue(
            all(
                self.Session.search([("user_id", "=", self.agent.id)]).mapped(
                    "ended_at"
                )
            )
        )

    def test_login_to_unknown_queue_takes_back_the_others(self):
        self.memberships.filtered(lambda m: m.queue_id.code == "sales").unlink()
        self._join_queues(self.agent, "nosuchqueue").queue_id.sequence = 2
        with self.assertRaisesRegex(
            UserError,
            r"Queue Nosuchqueue \(nosuchqueue\) is not on the PBX yet",
        ):
            self.Me.action_hotline_login()
        # the QueueAdd to 'support' that went through is taken back
        self.assertNotIn("Local/8001@agents", self.simulator.queues["support"])
        self.assertEqual(
            [m.get("Queue") for m in self._sent("QueueRemove")], ["support"]
        )
        self.assertEqual(self.agent.hotline_agent_state, "logged_out")
        self.assertFalse(self.Session.search([("user_id", "=", self.agent.id)]))

    def test_pause_needs_reason_and_membership(self):
        with self.assertRaisesRegex(UserError, "Give a reason"):
            self.Me.action_hotline_pause("  ")
        with self.assertRaisesRegex(UserError, "Interface not found"):
            self.Me.action_hotline_pause("Break")
        self.assertFalse(self.Session.search([("user_id", "=", self.agent.id)]))

    def test_no_queue(self):
        self.memberships.unlink()
        with self.assertRaisesRegex(UserError, "No queue is set"):
            self.Me.action_hotline_login()

    def test_blind_and_attended_transfer(self):
        _customer, agent_chan = self._live_call()
        action = self.Me.action_hotline_transfer("8002")
        self.assertEqual(action["params"]["message"], "Call transferred to 8002.")
        (blind,) = self._sent("BlindTransfer")
        self.assertEqual(
            (blind.get("Channel"), blind.get("Exten"), blind.get("Context")),
            (agent_chan, "8002", "click2dial"),
        )
        self.Me.action_hotline_transfer("8002", attended=True)
        (atxfer,) = self._sent("Atxfer")
        self.assertEqual(atxfer.get("Channel"), agent_chan)

    def test_attended_transfer_needs_the_queue_transfer_right(self):
        """Asterisk answers Atxfer "successfully queued" even when the caller's
        Queue() gave the agent no transfer right, and the digits then reach
        the caller (issue 10): the CTI panel refuses it first."""
        queue = self.env["hotline.queue"].create(
            {"name": "No transfer", "code": "q_notransfer", "agent_transfer": False}
        )
        linkedid = "odoo-test-pbx-atx.1"
        _customer, agent_chan = self._live_call(linkedid=linkedid)
        call = self._new_call(linkedid=linkedid, queue_id=queue.id, queue_options="c")
        with self.assertRaisesRegex(UserError, "does not let agents transfer"):
            self.Me.action_hotline_transfer("8002", attended=True)
        self.assertFalse(self._sent("Atxfer"))
        # a blind transfer needs no bridge feature (ast_bridge_transfer_blind)
        self.Me.action_hotline_transfer("8002")
        self.assertEqual(len(self._sent("BlindTransfer")), 1)
        # what the caller's Queue() ran with counts, not today's queue settings
        queue.agent_transfer = True
        with self.assertRaisesRegex(UserError, "does not let agents transfer"):
            self.Me.action_hotline_transfer("8002", attended=True)
        call.queue_options = "ct"
        self.Me.action_hotline_transfer("8002", attended=True)
        (atxfer,) = self._sent("Atxfer")
        self.assertEqual(atxfer.get("Channel"), agent_chan)
        # a call queued outside the IVR: the queue's own settings
        call.queue_options = False
        queue.agent_transfer = False
        with self.assertRaisesRegex(UserError, "does not let agents transfer"):
            self.Me.action_hotline_transfer("8002", attended=True)
        self.assertEqual(len(self._sent("Atxfer")), 1)

    def test_transfer_without_call(self):
        with self.assertRaisesRegex(UserError, "is not on a call"):
            self.Me.action_hotline_transfer("8002")
        with self.assertRaisesRegex(UserError, "Choose the extension"):
            self.Me.action_hotline_transfer("")

    def test_hold_resume_hangup(self):
        customer, agent_chan = self._live_call()
        self.Me.action_hotline_hold()
        (redirect,) = self._sent("Redirect")
        self.assertEqual(
            (redirect.get("Channel"), redirect.get("Context"), redirect.get("Exten")),
            (customer, "hotline-hold", "s"),
        )
        self.assertEqual(self.agent.hotline_held_channel, customer)
        self.Me.action_hotline_resume()
        back = self._sent("Redirect")[-1]
        self.assertEqual((back.get("Channel"), back.get("Exten")), (customer, "8001"))
        self.assertFalse(self.agent.hotline_held_channel)
        with self.assertRaisesRegex(UserError, "No call is on hold"):
            self.Me.action_hotline_resume()
        self.Me.action_hotline_hangup()
        (hangup,) = self._sent("Hangup")
        self.assertEqual(hangup.get("Channel"), agent_chan)
        self.assertNotIn(agent_chan, self.simulator.channels)

    def test_resume_refused_when_caller_gone(self):
        self.agent.hotline_held_channel = "Local/4008123459@from-pstn-000000ff;1"
        with self.assertRaisesRegex(
            UserError, "Asterisk refused Redirect: No such channel"
        ):
            self.Me.action_hotline_resume()

    def test_supervisor_spy_modes(self):
        Agent = self.agent.with_user(self.supervisor)
        for mode, opts in (("listen", "q"), ("whisper", "qw"), ("barge", "qB")):
            action = getattr(Agent, f"action_hotline_{mode}")()
            self.assertEqual(action["params"]["type"], "success")
            originate = self._sent("Originate")[-1]
            self.assertEqual(originate.get("Channel"), "Local/9000@agents")
            self.assertEqual(originate.get("Application"), "ChanSpy")
            self.assertEqual(originate.get("Data"), f"Local/8001@agents,{opts}")
            # the request does not wait for the supervisor's phone: the
            # connector reports a refusal by its ActionID (originate_tracker)
            self.assertEqual(originate.get("Async"), "true")
            self.assertTrue(originate.get("ActionID").startswith("hotline-c2d-"))
        with self.assertRaisesRegex(UserError, "Unknown listening mode shout"):
            self.pbx.with_user(self.supervisor)._hotline_spy(self.agent, "shout")

    def test_supervisor_force_hangup_logout_conference(self):
        customer, agent_chan = self._live_call()
        Agent = self.agent.with_user(self.supervisor)
        Agent.action_hotline_conference()
        (redirect,) = self._sent("Redirect")
        self.assertEqual(redirect.get("Channel"), agent_chan)
        self.assertEqual(redirect.get("ExtraChannel"), customer)
        self.assertEqual(redirect.get("Context"), "hotline-conference")
        originate = self._sent("Originate")[-1]
        self.assertEqual(originate.get("Application"), "ConfBridge")
        self.assertEqual(originate.get("Data"), redirect.get("Exten"))
        self.assertEqual(originate.get("Async"), "true")

        Agent.action_hotline_force_hangup()
        self.assertEqual(self._sent("Hangup")[-1].get("Channel"), agent_chan)
        with self.assertRaisesRegex(UserError, "is not on a call"):
            Agent.action_hotline_force_hangup()

        self.Me.action_hotline_login()
        Agent.action_hotline_force_logout()
        self.assertNotIn("Local/8001@agents", self.simulator.queues["support"])
        self.assertEqual(self.agent.hotline_agent_state, "logged_out")

    def test_supervisor_phone_refusal_comes_over_the_bus(self):
        """Listen returns at once; the connector's result for the
        supervisor's Originate (a busy phone) reaches the supervisor only."""
        self.agent.with_user(self.supervisor).action_hotline_listen()
        originate = self._sent("Originate")[-1]
        result = {
            "type": "click_to_dial",
            "action_id": originate.get("ActionID"),
            "user_id": self.supervisor.id,
            "number": "",
            "leg": "agent",
            "outcome": "busy",
            "reason": "5",
        }
        notified = self.env["hotline.pbx"]._hotline_click_to_dial_results(
            self.pbx, [result]
        )
        self.assertEqual(notified, self.supervisor)
        (payload,) = self._bus_messages(self.supervisor, "hotline/click_to_dial")
        busy = "Asterisk could not place the call: your phone (9000) is busy"
        self.assertEqual(
            (payload["title"], payload["type"], payload["message"]),
            ("Your phone", "warning", f"{busy} (reason 5)."),
        )
        self.assertFalse(self._bus_messages(self.agent, "hotline/click_to_dial"))

    def test_agents_cannot_use_supervisor_controls(self):
        self._live_call()
        for method in SUPERVISOR_CONTROLS:
            with self.assertRaisesRegex(
                AccessError, "Only supervisors can use this control", msg=method
            ):
                getattr(self.supervisor.with_user(self.agent), method)()
        self.assertFalse(self.simulator.actions_seen)

    def test_plain_users_cannot_control_calls(self):
        user = self.user_internal
        for method, args in AGENT_CONTROLS:
            with self.assertRaisesRegex(
                AccessError, "Only hotline agents can control calls", msg=method
            ):
                getattr(user.with_user(user), method)(*args)
        self.assertFalse(self.simulator.actions_seen)

    def test_agents_control_their_own_phone_only(self):
        _customer, _agent_chan = self._live_call()
        for method, args in AGENT_CONTROLS:
            with self.assertRaisesRegex(
                AccessError, "You can only control your own phone", msg=method
            ):
                getattr(self.supervisor.with_user(self.agent), method)(*args)
        self.assertFalse(self.simulator.actions_seen)

    def test_supervisor_panel_buttons(self):
        """The Agents list's buttons (res.users) reach the same controls."""
        self._live_call()
        self.agent.with_user(self.supervisor).action_hotline_whisper()
        originate = self._sent("Originate")[-1]
        self.assertEqual(originate.get("Data"), "Local/8001@agents,qw")
        self.agent.with_user(self.supervisor).action_hotline_force_hangup()
        self.assertEqual(len(self._sent("Hangup")), 1)
        for method in (
            "action_hotline_listen",
            "action_hotline_barge",
            "action_hotline_conference",
            "action_hotline_force_logout",
        ):
            with self.assertRaises(AccessError, msg=method):
                getattr(self.supervisor.with_user(self.agent), method)()
        self.assertEqual(len(self._sent("Originate")), 1)

    def test_agents_see_only_their_sessions(self):
        mine = self.Session.create({"user_id": self.agent.id, "kind": "login"})
        other = self.Session.create({"user_id": self.supervisor.id, "kind": "login"})
        as_agent = self.Session.with_user(self.agent).search([])
        self.assertIn(mine, as_agent)
        self.assertNotIn(other, as_agent)
        as_supervisor = self.Session.with_user(self.supervisor).search([])
        self.assertIn(mine, as_supervisor)
        self.assertIn(other, as_supervisor)

    def test_supervisor_listen_is_a_leg_of_the_agent_call(self):
        """Issue 10 #14 end to end: the supervisor's Whisper button, Asterisk
        (simulated) spies on the agent's channel, the connector records a
        whisper leg on the agent's call instead of a call of the supervisor."""
        # channels other tests left on the simulated PBX (supervisor phones)
        self.simulator.channels.clear()
        self.simulator.spies.clear()
        worker = self._worker()
        Call = self.env["hotline.call"]
        _customer, agent_chan = self._live_call(linkedid="odoo-test-pbx-77.1")
        self.assertTrue(
            worker.drain(lambda: Call.search([("linkedid", "=", "odoo-test-pbx-77.1")]))
        )
        call = Call.search([("linkedid", "=", "odoo-test-pbx-77.1")])
        self.agent.with_user(self.supervisor).action_hotline_whisper()
        self.assertTrue(worker.drain(lambda: call.supervisor_leg_ids))
        leg = call.supervisor_leg_ids
        self.assertEqual(
            (leg.mode, leg.user_id, leg.extension, leg.ended_at),
            ("whisper", self.supervisor, "9000", False),
        )
        self.assertFalse(
            Call.search(
                [("pbx_id", "=", self.pbx.id), ("linkedid", "!=", call.linkedid)]
            ),
            "no call of the supervisor's own",
        )
        # the supervisor hangs up: ChanSpyStop ends the leg
        (spying,) = self.simulator.spies
        self.pbx._hotline_ami_action("Hangup", Channel=spying)
        self.assertTrue(worker.drain(lambda: leg.ended_at))
        self.assertEqual(len(call.supervisor_leg_ids), 1)
        self.assertIn(agent_chan, self.simulator.channels)
