# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connector's processing loop end to end: simulator -> AMI -> correlator
-> hotline.call in the test cursor, and its behaviour under faults."""

import logging
import shutil
import socket
import tempfile
import time

from odoo.tests import tagged

from ..cli.connector import EnvSink, PbxWorker
from ..cli.hotline_connector import Connector, ConnectorError, PbxLock
from ..pbx.simulator import AmiSimulator
from ..pbx.simulator.dialplan import SHIPPED_DIALPLAN
from ..pbx.simulator.scenarios import render
from .common import serve_media
from .test_call_ingest import CallLogCommon

LOGGER = "odoo.addons.hotline_callcenter"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestConnectorLoop(CallLogCommon):
    def start_simulator(self, port=0):
        sim = AmiSimulator(port=port, speed=0, auth_fail_delay=0).start()
        self.addCleanup(sim.stop)
        return sim

    def start_worker(self, port, secret="secret"):
        worker = PbxWorker(
            self.pbx.id,
            self.pbx.name,
            "127.0.0.1",
            port,
            "odoo",
            secret,
            EnvSink(self.env),
            timeout=2.0,
        )
        worker.client.backoff_initial = 0.05
        worker.client.backoff_max = 0.2
        worker.start(process=False)
        self.addCleanup(worker.stop)
        return worker

    def calls(self, linkedids):
        return self.env["hotline.call"].search(
            [("pbx_id", "=", self.pbx.id), ("linkedid", "in", list(linkedids))]
        )

    def ended(self, linkedids):
        def check():
            calls = self.calls(linkedids)
            return len(calls) == len(linkedids) and all(calls.mapped("ended_at"))

        return check

    def test_end_to_end_scenarios(self):
        sim = self.start_simulator()
        worker = self.start_worker(sim.port)
        self.assertTrue(worker.client.wait_connected(5))
        threads = {
            "inbound_answered": sim.run_scenario("inbound_answered", agent="8101"),
            "queue_abandoned": sim.run_scenario(
                "queue_abandoned", caller="13900001111"
            ),
            "missed_voicemail": sim.run_scenario("missed_voicemail"),
            "blind_transfer": sim.run_scenario("blind_transfer", agent="8101"),
            "attended_transfer": sim.run_scenario("attended_transfer", agent="8101"),
        }
        originate = worker.client.action(
            "Originate",
            Channel="Local/8101@agents",
            Context="click2dial",
            Exten="13800138000",
            Async="true",
        )
        self.assertEqual(originate.get("Message"), "Originate successfully queued")
        linkedids = {name: t.linkedid for name, t in threads.items()}
        finished = []
        worker.on_call_finished = finished.append
        # Odoo renames level 25 "INFO" for its test output: use the number
        with self.assertLogs(f"{LOGGER}.cli.connector", logging.INFO) as logs:
            self.assertTrue(worker.drain(self.ended(list(linkedids.values()))))
            self.assertTrue(worker.drain(lambda: len(finished) == 6))
        calls = {c.linkedid: c for c in self.calls(linkedids.values())}
        answered = calls[linkedids["inbound_answered"]]
        self.assertEqual(answered.disposition, "answered")
        self.assertEqual(answered.partner_id, self.customer)
        self.assertEqual(answered.user_id, self.agent)
        self.assertEqual(answered.queue_name, "support")
        self.assertTrue(answered.recording_file.endswith(".wav"))
        self.assertEqual(answered.talk_seconds, 3)
        self.assertEqual(
            calls[linkedids["queue_abandoned"]].disposition, "abandoned_queue"
        )
        self.assertEqual(calls[linkedids["queue_abandoned"]].wait_seconds, 5)
        self.assertEqual(calls[linkedids["missed_voicemail"]].disposition, "voicemail")
        for name in ("blind_transfer", "attended_transfer"):
            lines = calls[linkedids[name]].agent_line_ids.sorted("sequence")
            self.assertEqual(lines.mapped("extension"), ["8101", "8002"], name)
            self.assertEqual(lines[0].user_id, self.agent)
        outbound = self.env["hotline.call"].search(
            [("pbx_id", "=", self.pbx.id), ("direction", "=", "outbound")]
        )
        self.assertEqual(len(outbound), 1)
        self.assertEqual(outbound.called_number, "13800138000")
        self.assertEqual(outbound.partner_id, self.customer)
        # one INFO line per finished call
        lines = [line for line in logs.output if ": call " in line]
        self.assertEqual(len(lines), 6, logs.output)
        self.assertEqual(len({c["linkedid"] for c in finished}), 6)
        # the agent's card popped for the inbound calls that rang 8101
        popped = self.env["res.users"].search(
            [("hotline_current_call_id", "!=", False)]
        )
        self.assertIn(self.agent, popped)
        # replaying the whole stream changes nothing
        count = self.env["hotline.call"].search_count([("pbx_id", "=", self.pbx.id)])
        for thread in threads.values():
            thread.join(5)
        self.assertEqual(worker.stats["sink_errors"], 0)
        self.assertEqual(
            self.env["hotline.call"].search_count([("pbx_id", "=", self.pbx.id)]), count
        )

    def test_voicemail_messages_go_to_the_calls_that_left_them(self):
        """One caller leaves two messages within the hour: the spool files
        (written by the simulated Asterisk as app_voicemail does) name the
        channels the connector saw, each message goes to its own call."""
        spool = tempfile.mkdtemp(prefix="hotline-vm-")
        self.addCleanup(shutil.rmtree, spool, True)
        self.startPatcher(serve_media(spool))
        self.pbx.voicemail_path = spool
        sim = self.start_simulator()
        sim.voicemail_spool = spool
        worker = self.start_worker(sim.port)
        self.assertTrue(worker.client.wait_connected(5))
        first = sim.run_scenario("voicemail", caller="13800138000", wait=True)
        second = sim.run_scenario("voicemail", caller="13800138000", wait=True)
        self.assertTrue(worker.drain(self.ended([first.linkedid, second.linkedid])))
        calls = {c.linkedid: c for c in self.calls([first.linkedid, second.linkedid])}
        self.assertTrue(all(c.voicemail_channel for c in calls.values()))
        vms = self.env["hotline.voicemail"]._cron_hotline_collect()
        self.assertEqual(
            {vm.file_path: vm.call_id.linkedid for vm in vms},
            {
                "default/8000/INBOX/msg0000.wav": first.linkedid,
                "default/8000/INBOX/msg0001.wav": second.linkedid,
            },
        )
        self.assertEqual(set(vms.mapped("queue")), {"8000@default"})
        self.assertEqual(vms.partner_id, self.customer)

    def test_bad_frames_do_not_stop_the_connector(self):
        sim = self.start_simulator()
        worker = self.start_worker(sim.port)
        self.assertTrue(worker.client.wait_connected(5))
        with self.assertLogs(LOGGER, "WARNING") as logs:
            sim.broadcast_raw(
                b"Event: Newchannel\r\nCallerIDName: \xff\xfe bad\r\n\r\n"
            )
            sim.broadcast_raw(b"this line has no colon\r\nEvent: Odd\r\n\r\n")
            sim.broadcast_raw(
                b"Event: Huge\r\n" + b"Output: " + b"x" * 1_100_000 + b"\r\n\r\n"
            )
            sim.broadcast_raw(b"Event: BrandNewEvent\r\nLinkedid: zz\r\n\r\n")
            sim.broadcast_raw(b"Event: Hangup\r\nChannel: PJSIP/x-1\r\n\r\n")  # no ids
            thread = sim.run_scenario("inbound_answered", agent="8101")
            self.assertTrue(worker.drain(self.ended([thread.linkedid])))
        text = "\n".join(logs.output)
        self.assertIn("invalid UTF-8", text)
        self.assertIn("without colon", text)
        self.assertIn("oversized AMI frame dropped", text)
        self.assertEqual(self.calls([thread.linkedid]).disposition, "answered")
        self.assertGreaterEqual(worker.correlator.ignored, 2)
        self.assertGreaterEqual(worker.correlator.missing_fields, 1)

    def test_pbx_down_at_start_then_up(self):
        port = free_port()
        with self.assertLogs(f"{LOGGER}.pbx.ami_client", "WARNING") as logs:
            worker = self.start_worker(port)
            time.sleep(0.3)
            self.assertFalse(worker.client.connected)
            sim = self.start_simulator(port)
            self.assertTrue(worker.client.wait_connected(5))
        self.assertIn(f"Connection refused by 127.0.0.1:{port}", "\n".join(logs.output))
        thread = sim.run_scenario("queue_abandoned")
        self.assertTrue(worker.drain(self.ended([thread.linkedid])))
        worker.stop()  # before the simulator (cleanups run in reverse)

    def test_login_refused_is_logged_and_retried(self):
        sim = self.start_simulator()
        with self.assertLogs(f"{LOGGER}.pbx.ami_client", "WARNING") as logs:
            worker = self.start_worker(sim.port, secret="wrong")
            time.sleep(0.4)
            self.assertFalse(worker.client.connected)
            worker.client.secret = "secret"  # the admin fixes the PBX record
            self.assertTrue(worker.client.wait_connected(5))
        self.assertIn(
            "Login refused for user 'odoo': bad credentials (Authentication failed)",
            "\n".join(logs.output),
        )
        thread = sim.run_scenario("inbound_answered", agent="8101")
        self.assertTrue(worker.drain(self.ended([thread.linkedid])))

    def test_connection_dropped_mid_call_loses_no_call(self):
        sim = self.start_simulator()
        worker = self.start_worker(sim.port)
        self.assertTrue(worker.client.wait_connected(5))
        events = render("inbound_answered", agent="8101")
        linkedid = dict(events[0][1])["Linkedid"]
        cut = (
            next(i for i, (_t, p) in enumerate(events) if p[0][1] == "AgentConnect") + 1
        )
        sim.broadcast_many([p for _t, p in events[:cut]])
        self.assertTrue(
            worker.drain(lambda: self.calls([linkedid]).disposition == "answered")
        )
        with self.assertLogs(f"{LOGGER}.pbx.ami_client", "WARNING") as logs:
            sim.drop_connections()
            # the call ends while nobody listens; another one starts and is live
            sim.broadcast_many([p for _t, p in events[cut:]])
            other = render("inbound_answered", caller="13911112222", agent="8101")
            other_id = dict(other[0][1])["Linkedid"]
            half = next(
                i for i, (_t, p) in enumerate(other) if p[0][1] == "QueueCallerJoin"
            )
            sim.broadcast_many([p for _t, p in other[:half]])
            self.assertTrue(worker.client.wait_connected(5))
            self.assertTrue(worker.drain(self.ended([linkedid])))
            self.assertTrue(worker.drain(lambda: bool(self.calls([other_id]))))
        self.assertIn("AMI connection lost", "\n".join(logs.output))
        call = self.calls([linkedid])
        self.assertEqual(call.disposition, "answered")
        self.assertEqual(
            call.hangup_cause, "ended while the connector was disconnected"
        )
        self.assertEqual(self.calls([other_id]).disposition, "ringing")
        self.assertEqual(worker.stats["resyncs"], 2)

    def test_calls_left_open_by_a_previous_run_are_closed(self):
        """A call the database still has open, unknown to the PBX at resync."""
        stale = self.Call.hotline_ingest(
            self.pbx.id,
            [
                {
                    "linkedid": "previous-run-1",
                    "direction": "inbound",
                    "caller_number": "13800138000",
                    "agents": ["8101"],
                    "started_at": "2026-11-25 07:00:00",
                    "answered_at": "2026-11-25 07:00:05",
                    "disposition": "answered",
                },
                {
                    "linkedid": "previous-run-2",
                    "direction": "inbound",
                    "caller_number": "13800138000",
                    "started_at": "2026-11-25 07:00:00",
                    "queued_at": "2026-11-25 07:00:02",
                    "disposition": "ringing",
                },
            ],
        )["calls"]
        sim = self.start_simulator()
        live = sim.run_scenario("inbound_answered", speed=0.5)  # still up at resync
        time.sleep(0.3)
        worker = self.start_worker(sim.port)
        with self.assertLogs(f"{LOGGER}.cli.connector", logging.INFO) as logs:
            self.assertTrue(worker.drain(lambda: all(stale.mapped("ended_at"))))
        self.assertIn("2 open calls closed", "\n".join(logs.output))
        by_id = {c.linkedid: c for c in stale}
        self.assertEqual(by_id["previous-run-1"].disposition, "answered")
        self.assertGreater(by_id["previous-run-1"].talk_seconds, 0)
        self.assertEqual(by_id["previous-run-2"].disposition, "abandoned_queue")
        self.assertEqual(
            by_id["previous-run-2"].hangup_cause,
            "ended while the connector was disconnected",
        )
        current = self.calls([live.linkedid])
        self.assertTrue(current, "the call live at resync is recorded")
        self.assertFalse(current.ended_at)
        worker.stop()


def _channel_events(sim, linkedid, steps):
    """Events of one call: ``steps`` are ``(event, fields)`` with the Linkedid
    added (what a PJSIP deployment of the shipped dialplan sends)."""
    return [
        sim._event(name, "call", [*fields, ("Linkedid", linkedid)])
        for name, fields in steps
    ]


@tagged("post_install", "-at_install")
class TestConnectorPbxSettings(CallLogCommon):
    """The connector serves each PBX with the PBX record's own settings: its
    contexts, one connector at a time, a FastAGI port it really listens on."""

    def setUp(self):
        super().setUp()
        self.sim = AmiSimulator(
            speed=0, auth_fail_delay=0, dialplan=SHIPPED_DIALPLAN
        ).start()
        self.addCleanup(self.sim.stop)
        self.pbx.write({"ami_port": self.sim.port, "agi_port": free_port()})

    def settings(self, pbx=None):
        return (pbx or self.pbx)._hotline_connector_settings()

    def calls_of(self, sim, pbx, inbound, outbound, n):
        """An inbound call answered by agent 8101 and a click-to-dial, in the
        given contexts, through a worker the connector built for ``pbx``."""
        worker = Connector(self.registry).make_worker(
            self.settings(pbx), EnvSink(self.env), timeout=2.0
        )
        worker.start(process=False)
        self.addCleanup(worker.stop)
        self.assertTrue(worker.client.wait_connected(5))
        caller, agent = f"PJSIP/trunk-{n:08x}", f"PJSIP/8101-{n + 1:08x}"
        inbound_id, outbound_id = f"pjsip-{n}.1", f"pjsip-{n}.2"
        sim.broadcast_many(
            _channel_events(
                sim,
                inbound_id,
                [
                    (
                        "Newchannel",
                        [
                            ("Channel", caller),
                            ("CallerIDNum", "13800138000"),
                            ("Context", inbound),
                            ("Exten", "4008123456"),
                            ("Uniqueid", inbound_id),
                        ],
                    ),
                    (
                        "DialEnd",
                        [
                            ("Channel", caller),
                            ("Uniqueid", inbound_id),
                            ("DestChannel", agent),
                            ("DestUniqueid", inbound_id + "1"),
                            ("DialStatus", "ANSWER"),
                        ],
                    ),
                    ("Hangup", [("Channel", agent), ("Uniqueid", inbound_id + "1")]),
                    ("Hangup", [("Channel", caller), ("Uniqueid", inbound_id)]),
                ],
            )
            + _channel_events(
                sim,
                outbound_id,
                [
                    (
                        "Newchannel",
                        [
                            ("Channel", f"PJSIP/8101-{n + 2:08x}"),
                            ("CallerIDNum", "8101"),
                            ("Context", outbound),
                            ("Exten", "13900139000"),
                            ("Uniqueid", outbound_id),
                        ],
                    ),
                    (
                        "DialEnd",
                        [
                            ("Channel", f"PJSIP/8101-{n + 2:08x}"),
                            ("Uniqueid", outbound_id),
                            ("DestChannel", f"PJSIP/trunk-{n + 3:08x}"),
                            ("DestContext", outbound),
                            ("DestExten", "13900139000"),
                            ("DialStatus", "ANSWER"),
                        ],
                    ),
                    (
                        "Hangup",
                        [
                            ("Channel", f"PJSIP/8101-{n + 2:08x}"),
                            ("Uniqueid", outbound_id),
                        ],
                    ),
                ],
            )
        )
        ids = [inbound_id, outbound_id]

        def ended():
            calls = self.env["hotline.call"].search([("linkedid", "in", ids)])
            return len(calls) == 2 and all(calls.mapped("ended_at"))

        self.assertTrue(worker.drain(ended))
        calls = self.env["hotline.call"].search([("linkedid", "in", ids)])
        return {c.linkedid: c for c in calls}[inbound_id], {
            c.linkedid: c for c in calls
        }[outbound_id]

    def test_default_pbx_values_classify_the_shipped_dialplan(self):
        settings = self.settings()
        self.assertEqual(
            settings["contexts"],
            {
                "inbound_contexts": frozenset({"from-pstn"}),
                "outbound_contexts": frozenset({"outbound", "hotline-campaign"}),
                "agent_contexts": frozenset({"internal"}),
                "hold_contexts": frozenset({"hotline-hold"}),
            },
        )
        inbound, outbound = self.calls_of(
            self.sim, self.pbx, "from-pstn", "outbound", 0xB00
        )
        self.assertEqual(
            (inbound.direction, inbound.caller_number, inbound.did),
            ("inbound", "13800138000", "4008123456"),
        )
        self.assertEqual(
            (inbound.disposition, inbound.user_id), ("answered", self.agent)
        )
        self.assertEqual(
            (outbound.direction, outbound.called_number, outbound.disposition),
            ("outbound", "13900139000", "answered"),
        )

    def test_the_pbx_contexts_reach_the_correlator(self):
        """A PBX whose dialplan names its contexts otherwise: the connector's
        correlator uses them, not built-in lists."""
        pbx = self.env["hotline.pbx"].create(
            {
                "name": "Carrier PBX",
                "ami_port": self.sim.port,
                "ami_secret": "secret",
                "inbound_contexts": "from-carrier,from-did",
                "outbound_context": "dial-out",
            }
        )
        inbound, outbound = self.calls_of(
            self.sim, pbx, "from-carrier", "dial-out", 0xC00
        )
        self.assertEqual((inbound.direction, inbound.user_id), ("inbound", self.agent))
        self.assertEqual(
            (outbound.direction, outbound.called_number), ("outbound", "13900139000")
        )

    def test_one_connector_per_pbx(self):
        """A second connector for the same PBX stops with a clear error and a
        non-zero status; the first one goes on."""
        first = PbxLock(self.env.cr.dbname, self.pbx.id, self.pbx.name).acquire()
        self.addCleanup(first.release)
        connector = Connector(self.registry)
        with self.assertRaisesRegex(
            ConnectorError,
            "PBX Ingest PBX is already served by another connector "
            r"\(hotline-connector .* pid \d+",
        ):
            connector.start_pbx(self.settings(), EnvSink(self.env), process=False)
        self.assertFalse(connector.workers or connector.agi_servers)
        # run() on this database: the error is logged, the status is 1
        self.registry.enter_test_mode(self.env.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.env["hotline.pbx"].search([("id", "!=", self.pbx.id)]).active = False
        self.env.flush_all()
        with self.assertLogs(f"{LOGGER}.cli.hotline_connector", "ERROR") as logs:
            status = Connector(self.registry).run()
        self.assertEqual(status, 1)
        self.assertIn("already served by another connector", logs.output[0])
        # once the first one stops, the PBX can be served
        first.release()
        connector.start_pbx(self.settings(), EnvSink(self.env), process=False)
        self.assertTrue(connector.workers[self.pbx.id].client.wait_connected(5))
        connector.shutdown()
        self.assertFalse(connector.locks)

    def test_fastagi_port_taken_is_fatal_not_silent(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            self.pbx.agi_port = taken.getsockname()[1]
            connector = Connector(self.registry, agi_bind_attempts=2, agi_bind_delay=0)
            with (
                self.assertLogs(f"{LOGGER}.cli.hotline_connector", "ERROR") as logs,
                self.assertRaisesRegex(
                    ConnectorError,
                    "PBX Ingest PBX: cannot listen for FastAGI on "
                    f"127.0.0.1:{self.pbx.agi_port}: Address already in use "
                    r"\(tried 2 times\)",
                ),
            ):
                connector.start_pbx(self.settings(), EnvSink(self.env), process=False)
        self.assertIn("retrying", logs.output[0])
        self.assertFalse(connector.workers or connector.agi_servers or connector.locks)
        # nothing kept the PBX locked
        PbxLock(self.env.cr.dbname, self.pbx.id).acquire().release()
