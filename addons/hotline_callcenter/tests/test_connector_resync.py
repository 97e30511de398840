# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The connector restarted during calls (issue: every live call was blanked by
the CoreShowChannels snapshot of the resync), driven against the simulator."""

import time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..pbx.simulator.scenarios import render
from . import test_connector
from .test_call_ingest import CallLogCommon, call_dict

STORED = (
    "started_at",
    "queued_at",
    "answered_at",
    "queue_name",
    "agent_extensions",
    "user_id",
    "recording_file",
    "wait_seconds",
    "caller_number",
    "did",
    "direction",
)


def answered_call(**params):
    """An answered queue call with recording whose first 4 s are past:
    (events up to the agent's bridge, the rest: talk and hang-up)."""
    events = [p for _t, p in render("inbound_answered", now=time.time() - 4, **params)]
    names = [p[0][1] for p in events]
    cut = max(i for i, name in enumerate(names) if name == "BridgeEnter") + 1
    return dict(events[0])["Linkedid"], events[:cut], events[cut:]


@tagged("post_install", "-at_install")
class TestConnectorRestart(CallLogCommon):
    # the helpers of the connector tests (not their tests: no subclass)
    start_simulator = test_connector.TestConnectorLoop.start_simulator
    start_worker = test_connector.TestConnectorLoop.start_worker
    calls = test_connector.TestConnectorLoop.calls
    ended = test_connector.TestConnectorLoop.ended

    def test_restart_mid_call_keeps_the_stored_call(self):
        sim = self.start_simulator()
        worker = self.start_worker(sim.port)
        self.assertTrue(worker.client.wait_connected(5))
        live_id, live_before, live_after = answered_call(agent="8101")
        gone_id, gone_before, gone_after = answered_call(
            caller="13911112222", agent="8102"
        )
        sim.broadcast_many(live_before + gone_before)

        def recorded():
            calls = self.calls([live_id, gone_id])
            return len(calls) == 2 and all(calls.mapped("recording_file"))

        self.assertTrue(worker.drain(recorded))
        self.assertTrue(worker.drain())
        live, gone = self.calls([live_id]), self.calls([gone_id])
        before = {fname: live[fname] for fname in STORED}
        gone_before_restart = {fname: gone[fname] for fname in STORED}
        self.assertEqual(live.disposition, "answered")
        self.assertEqual(live.queue_name, "support")
        self.assertEqual(live.user_id, self.agent)

        worker.stop()  # the connector stops; Asterisk goes on
        sim.broadcast_many(gone_after)  # this call ends while nobody listens
        restarted = self.start_worker(sim.port)  # a new process: knows nothing
        self.assertIsNot(restarted.correlator, worker.correlator)
        self.assertTrue(restarted.client.wait_connected(5))
        self.assertTrue(restarted.drain(self.ended([gone_id])))
        self.assertTrue(restarted.drain())
        self.assertEqual(restarted.stats["resyncs"], 1)

        # the live call keeps everything it had, still in progress
        self.assertEqual({fname: live[fname] for fname in STORED}, before)
        self.assertEqual(live.disposition, "answered")
        self.assertFalse(live.ended_at)
        self.assertTrue(all(before.values()), before)
        # the call that ended meanwhile keeps its answered state
        self.assertEqual(gone.disposition, "answered")
        self.assertEqual(
            gone.hangup_cause, "ended while the connector was disconnected"
        )
        for fname in ("started_at", "answered_at", "queue_name", "recording_file"):
            self.assertEqual(gone[fname], gone_before_restart[fname], fname)

        # the hang-up after the restart completes the call normally
        sim.broadcast_many(live_after)
        self.assertTrue(restarted.drain(self.ended([live_id])))
        for fname in ("started_at", "queued_at", "answered_at", "wait_seconds"):
            self.assertEqual(live[fname], before[fname], fname)
        self.assertEqual(live.disposition, "answered")
        self.assertEqual(live.queue_name, "support")
        self.assertEqual(live.agent_extensions, "8101")
        self.assertEqual(live.recording_file, before["recording_file"])
        self.assertEqual(live.hangup_cause, "16 Normal Clearing")
        # the exact event times; the answer time read back is a whole second
        answered = next(dict(p) for p in live_before if p[0][1] == "AgentConnect")
        ended = max(
            float(dict(p)["Timestamp"]) for p in live_after if "Timestamp" in dict(p)
        )
        self.assertAlmostEqual(
            live.talk_seconds, ended - float(answered["Timestamp"]), delta=1
        )
        self.assertGreater(live.talk_seconds, 0)

    def test_ingest_never_blanks_a_known_value(self):
        """A call dict that knows less than what is stored (a connector that
        restarted without reading it back) adds, never erases."""
        live = call_dict("restart-1", ended_at=None, hangup_cause=None)
        live.update(talk_seconds=0)
        self.ingest(live)
        call = self.calls(["restart-1"])
        before = {fname: call[fname] for fname in STORED}
        blank = dict.fromkeys(live, None)
        blank.update(
            linkedid="restart-1",
            direction="inbound",
            disposition="ringing",
            agents=[],
            wait_seconds=0,
            talk_seconds=0,
            hangup_cause=None,
            uniqueid="restart-1",
        )
        result = self.ingest(blank)
        self.assertEqual(result["unchanged"], 1)
        self.assertEqual({fname: call[fname] for fname in STORED}, before)
        self.assertEqual(call.disposition, "answered")
        # what is new is still written
        self.ingest(dict(blank, ended_at=live["answered_at"], talk_seconds=60))
        self.assertEqual(call.ended_at, live["answered_at"].replace(tzinfo=None))
        self.assertEqual(call.talk_seconds, 60)
        self.assertEqual(call.disposition, "answered")

    def test_only_the_connector_reads_calls_back(self):
        """The read-back bypasses the call rules (confidential calls included):
        the connector's, nobody else's."""
        self.ingest(call_dict("restart-2", ended_at=None, hangup_cause=None))
        for role in ("agent", "supervisor", "handler"):
            with self.assertRaises(AccessError):
                self.Call.with_user(self.role_users[role]).hotline_stored_calls(
                    self.pbx.id, ["restart-2"]
                )
        (stored,) = self.Call.hotline_stored_calls(self.pbx.id, ["restart-2", "nope"])
        self.assertEqual(stored["linkedid"], "restart-2")
        self.assertEqual(stored["agents"], ["8101"])
        self.assertEqual(stored["queue"], "support")
        self.assertIsNone(stored["ended_at"])
