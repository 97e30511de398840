# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..pbx.simulator import AmiSimulator, Dialplan
from ..pbx.simulator.dialplan import SHIPPED_DIALPLAN
from .common import CallCenterCommon, SimulatorCommon


@tagged("post_install", "-at_install")
class TestPbxConnection(SimulatorCommon):
    def _test(self, pbx=None):
        pbx = pbx or self.pbx
        action = pbx.with_user(
            self.role_users["hotline_admin"]
        ).action_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        return action["params"]

    def test_success(self):
        params = self._test()
        self.assertEqual(params["type"], "success")
        self.assertIn("Connected to Test PBX", params["message"])
        self.assertIn("as odoo", params["message"])
        self.assertEqual([m.get("Action") for m in self._sent("Ping")], ["Ping"])

    def test_bad_secret(self):
        self.pbx.ami_secret = "wrong"
        params = self._test()
        self.assertEqual(params["type"], "danger")
        self.assertIn("refused the AMI user odoo: bad credentials", params["message"])

    def test_closed_port(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.pbx.ami_port = port
        params = self._test()
        self.assertEqual(params["type"], "danger")
        self.assertEqual(
            params["message"],
            f"Connection refused by 127.0.0.1:{port}: is Asterisk running?",
        )

    def test_timeout(self):
        """A port that accepts but never sends the AMI banner."""
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            self.pbx.write({"ami_port": silent.getsockname()[1], "ami_timeout": 0.3})
            params = self._test()
        self.assertEqual(params["type"], "danger")
        self.assertIn("No answer from 127.0.0.1", params["message"])
        self.assertIn("within 0.3 s", params["message"])

    def test_admin_only(self):
        for role in ("agent", "supervisor"):
            with self.assertRaises(AccessError, msg=role):
                self.pbx.with_user(self.role_users[role]).action_test_connection()
        self.assertFalse(self._sent("Login"))


CONTEXT_FIELDS = (
    "inbound_contexts",
    "internal_context",
    "outbound_context",
    "hold_context",
    "conference_context",
    "campaign_context",
)


@tagged("post_install", "-at_install")
class TestPbxDialplanDefaults(CallCenterCommon):
    """The PBX record's contexts are the one source; their defaults are the
    contexts of the shipped docker/asterisk/extensions.conf."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.simulator = AmiSimulator(
            speed=0, auth_fail_delay=0, dialplan=SHIPPED_DIALPLAN
        ).start()
        cls.addClassCleanup(cls.simulator.stop)
        # default contexts and channel templates, only the address is set
        cls.pbx.write(
            {"ami_port": cls.simulator.port, "ami_timeout": 3.0, "originate_timeout": 5}
        )
        cls.Me = cls.agent.with_user(cls.agent)

    def setUp(self):
        super().setUp()
        self.simulator.actions_seen.clear()

    def _sent(self, action):
        return [m for m in self.simulator.actions_seen if m.get("Action") == action]

    def _live_call(self, agent_ext="8001"):
        """A caller bridged with the agent's PJSIP phone, as the shipped
        dialplan makes them."""
        sim = self.simulator
        n = len(sim.channels) + 0xA00
        customer, agent = f"PJSIP/trunk-{n:08x}", f"PJSIP/{agent_ext}-{n + 1:08x}"
        linkedid = f"odoo-test-pbx-{n}.1"
        for channel, uniqueid, context in (
            (customer, linkedid, "from-pstn"),
            (agent, linkedid + "1", "internal"),
        ):
            sim.broadcast(
                sim._event(
                    "Newchannel",
                    "call",
                    [
                        ("Channel", channel),
                        ("ChannelState", "6"),
                        ("Context", context),
                        ("Uniqueid", uniqueid),
                        ("Linkedid", linkedid),
                    ],
                )
            )
        self.addCleanup(sim.channels.pop, customer, None)
        self.addCleanup(sim.channels.pop, agent, None)
        return customer, agent

    def test_shipped_dialplan_has_every_default_context(self):
        defaults = self.env["hotline.pbx"].default_get(list(CONTEXT_FIELDS))
        plan = Dialplan.load(SHIPPED_DIALPLAN)
        inbound = defaults["inbound_contexts"].split(",")
        self.assertTrue(inbound)
        for context in inbound:
            self.assertTrue(plan.exists(context.strip(), "4008123456"), context)
        internal, outbound = defaults["internal_context"], defaults["outbound_context"]
        self.assertTrue(plan.exists(internal, "8001"), internal)
        self.assertTrue(plan.exists(outbound, "13800138000"), outbound)
        # an agent extension dialled in the outbound context rings the phone
        self.assertEqual(plan._find(outbound, "8003"), plan._find(internal, "8003"))
        self.assertTrue(plan.exists(defaults["hold_context"], "s"))
        self.assertTrue(plan.exists(defaults["conference_context"], "78001"))
        self.assertTrue(plan.exists(defaults["campaign_context"], "ivr"))
        self.assertTrue(plan.exists(defaults["campaign_context"], "agent"))
        # what a PBX with these defaults hands the connector
        self.assertEqual(
            self.pbx._hotline_correlator_contexts(),
            {
                "inbound_contexts": frozenset({"from-pstn"}),
                "outbound_contexts": frozenset({"outbound", "hotline-campaign"}),
                "agent_contexts": frozenset({"internal"}),
                "hold_contexts": frozenset({"hotline-hold"}),
            },
        )

    def test_click_to_dial_with_the_default_contexts(self):
        self.env["hotline.pbx"].with_user(self.agent).hotline_click_to_dial(
            "13800138000"
        )
        (originate,) = self._sent("Originate")
        self.assertEqual(
            (originate.get("Channel"), originate.get("Context")),
            ("PJSIP/8001", "outbound"),
        )

    def test_transfers_ring_extensions_in_the_internal_context(self):
        self.supervisor.hotline_extension = "8002"
        _customer, agent = self._live_call()
        self.Me.action_hotline_transfer("8002")
        self.Me.action_hotline_transfer("13900139000", attended=True)
        self.Me.action_hotline_transfer("119")  # not a phone of ours: outside
        self.assertEqual(
            [
                (m.get("Action"), m.get("Channel"), m.get("Context"), m.get("Exten"))
                for m in self.simulator.actions_seen
                if m.get("Action") in ("BlindTransfer", "Atxfer")
            ],
            [
                ("BlindTransfer", agent, "internal", "8002"),
                ("Atxfer", agent, "outbound", "13900139000"),
                ("BlindTransfer", agent, "outbound", "119"),
            ],
        )

    def test_hold_and_resume_keep_the_caller(self):
        customer, _agent = self._live_call()
        self.Me.action_hotline_hold()
        self.Me.action_hotline_resume()
        self.assertEqual(
            [(m.get("Context"), m.get("Exten")) for m in self._sent("Redirect")],
            [("hotline-hold", "s"), ("internal", "8001")],
        )
        # Asterisk hangs up a caller redirected to a context it does not have
        self.assertIn(customer, self.simulator.channels)

    def test_contexts_are_checked(self):
        admin_pbx = self.pbx.with_user(self.role_users["hotline_admin"])
        for vals, message in (
            ({"internal_context": "from internal"}, "not a dialplan context name"),
            ({"inbound_contexts": "from-pstn, from trunk"}, "“from trunk”"),
            ({"inbound_contexts": " , "}, "not a dialplan context name"),
            ({"agent_channel_template": "PJSIP/8001"}, r"\{extension\}"),
            ({"trunk_channel_template": "{number}"}, r"\{number\}"),
        ):
            with (
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                admin_pbx.write(vals)
            self.pbx.invalidate_recordset()
            self.assertEqual(self.pbx.internal_context, "internal")
            self.assertEqual(self.pbx.inbound_contexts, "from-pstn")
        admin_pbx.write({"inbound_contexts": "from-pstn,from-trunk"})
        self.assertEqual(
            self.pbx._hotline_correlator_contexts()["inbound_contexts"],
            frozenset({"from-pstn", "from-trunk"}),
        )
        for role in ("agent", "supervisor"):
            with self.assertRaises(AccessError, msg=role):
                self.pbx.with_user(self.role_users[role]).write(
                    {"internal_context": "agents"}
                )
