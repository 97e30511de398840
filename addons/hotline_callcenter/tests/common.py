# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from unittest.mock import patch

from odoo.tools import config

from odoo.addons.hotline_base.tests.common import HotlineCommon

from ..cli.connector import EnvSink, PbxWorker
from ..models.hotline_recording import DEFAULT_MEDIA_ROOTS, DEFAULT_SOUNDS_ROOTS


def bus_pump(stop, period=0.2):
    """Wake the websockets every ``period`` s until ``stop`` is set.

    In tests the test cursor drops the bus's NOTIFY that would wake them, so a
    tour that waits for a notification needs this in a thread."""
    from odoo.addons.bus.models.bus import dispatch

    while not stop.wait(period):
        for websockets in list(dispatch._channels_to_ws.values()):
            for websocket in list(websockets):
                websocket.trigger_notification_dispatching()


def serve_media(*folders):
    """The server's configuration (odoo.conf's ``hotline_media_roots``) allowing
    Odoo to serve ``folders`` (a test's temporary folders) besides Asterisk's
    spool folders (the PBX's defaults)."""
    roots = ",".join((*folders, DEFAULT_MEDIA_ROOTS))
    return patch.dict(config.options, {"hotline_media_roots": roots})


def serve_sounds(*folders):
    """The server's configuration (odoo.conf's ``hotline_sounds_roots``)
    allowing prompt files in ``folders`` (a test's temporary folders) besides
    Asterisk's sounds folder (the PBX's default)."""
    roots = ",".join((*folders, DEFAULT_SOUNDS_ROOTS))
    return patch.dict(config.options, {"hotline_sounds_roots": roots})


class CallCenterCommon(HotlineCommon):
    """Roles, a PBX, agents with extensions and a known customer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Test PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        cls.agent = cls.role_users["agent"]
        cls.supervisor = cls.role_users["supervisor"]
        cls.agent.hotline_extension = "8001"
        cls.supervisor.hotline_extension = "9000"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Zhang Wei", "ref": "C-0001", "phone": "+86 138 0013 8000"}
        )

    @classmethod
    def _join_queues(cls, user, *codes):
        """``user`` a member (``hotline.queue.member``) of the queues ``codes``
        of the test PBX, created when the company has none of that code."""
        Queue = cls.env["hotline.queue"]
        members = cls.env["hotline.queue.member"]
        for sequence, code in enumerate(codes, start=1):
            queue = Queue.search(
                [("code", "=", code), ("company_id", "=", cls.env.company.id)]
            ) or Queue.create({"name": code.title(), "code": code})
            # logged into in the order given
            queue.write({"pbx_id": cls.pbx.id, "sequence": sequence})
            members |= members.create({"queue_id": queue.id, "user_id": user.id})
        return members

    def setUp(self):
        super().setUp()
        # pending notifications of earlier tests survive their rollback in
        # cr.precommit: flush them now and only look at newer ones
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
        self._bus_marker = self.env.cr.fetchone()[0]

    def _new_call(self, **vals):
        values = {
            "pbx_id": self.pbx.id,
            "linkedid": f"1700000000.{self.env['hotline.call'].search_count([]) + 1}",
            "caller_number": "13800138000",
            "called_number": "4008123459",
            "direction": "inbound",
        }
        values.update(vals)
        return self.env["hotline.call"].create(values)

    def _bus_messages(self, user, notification_type):
        """Bus notifications of ``notification_type`` queued for ``user``."""
        return self._bus_payloads(
            ["res.partner", user.partner_id.id], notification_type
        )

    def _bus_payloads(self, channel, notification_type):
        """Payloads of ``notification_type`` sent on ``channel`` (the bus
        channel without the database name) since the test started."""
        self.env.cr.precommit.run()
        channel = json.dumps([self.env.cr.dbname, *channel], separators=(",", ":"))
        notifs = (
            self.env["bus.bus"]
            .sudo()
            .search(
                [("channel", "=", channel), ("id", ">", self._bus_marker)], order="id"
            )
        )
        messages = [json.loads(n.message) for n in notifs]
        return [m["payload"] for m in messages if m["type"] == notification_type]


class SimulatorCommon(CallCenterCommon):
    """A running AMI simulator (the PBX boundary) the test PBX points at."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        from ..pbx.simulator import CAPTURE_PBX_SETTINGS, AmiSimulator

        cls.simulator = AmiSimulator(speed=0, auth_fail_delay=0).start()
        cls.addClassCleanup(cls.simulator.stop)
        cls.pbx.write(
            {
                "ami_port": cls.simulator.port,
                "ami_timeout": 3.0,
                "originate_timeout": 5,
                # the contexts of the dialplan the simulator replays
                **CAPTURE_PBX_SETTINGS,
            }
        )

    def setUp(self):
        super().setUp()
        self.simulator.actions_seen.clear()

    def _worker(self):
        """The connector on the simulated PBX, writing in the test's cursor."""
        worker = PbxWorker(
            self.pbx.id,
            self.pbx.name,
            "127.0.0.1",
            self.simulator.port,
            "odoo",
            "secret",
            EnvSink(self.env),
            timeout=2.0,
        )
        worker.start(process=False)
        self.addCleanup(worker.stop)
        self.assertTrue(worker.client.wait_connected(5))
        return worker

    def _sent(self, action):
        """The messages of ``action`` the simulator received, in order."""
        return [
            m
            for m in self.simulator.actions_seen
            if (m.get("Action") or "").lower() == action.lower()
        ]

    def _live_call(
        self, agent_ext="8001", caller="13800138000", linkedid=None, contexts=False
    ):
        """Make the simulated PBX hold a bridged call between a caller and an
        agent phone (the two channels CoreShowChannels will list); with
        ``contexts`` their Newchannel carry the from-pstn / agents contexts the
        connector's correlator classifies a call by."""
        sim = self.simulator
        linkedid = linkedid or f"odoo-test-pbx-{len(sim.channels) + 1000}.1"
        customer = f"Local/4008123459@from-pstn-{len(sim.channels):08x};1"
        agent = f"Local/{agent_ext}@agents-{len(sim.channels) + 1:08x};1"
        for channel, uniqueid, number, context, exten in (
            (customer, linkedid, caller, "from-pstn", "4008123459"),
            (agent, linkedid + "1", agent_ext, "agents", agent_ext),
        ):
            where = [("Context", context), ("Exten", exten)] if contexts else []
            sim.broadcast(
                sim._event(
                    "Newchannel",
                    "call",
                    [
                        ("Channel", channel),
                        ("ChannelState", "6"),
                        ("ChannelStateDesc", "Up"),
                        ("CallerIDNum", number),
                    ]
                    + where
                    + [("Uniqueid", uniqueid), ("Linkedid", linkedid)],
                )
            )
        self.addCleanup(sim.channels.pop, customer, None)
        self.addCleanup(sim.channels.pop, agent, None)
        return customer, agent
