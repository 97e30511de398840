"""The connector's pipeline without a database: simulator -> AMI -> PbxWorker
(correlator, batching, parallel screen pops) -> a recording sink."""

import threading
import time
from pathlib import Path

import pytest

import odoo.addons

ADDONS = Path(__file__).resolve().parents[1] / "addons"
if str(ADDONS) not in odoo.addons.__path__:
    odoo.addons.__path__.append(str(ADDONS))

from odoo.addons.hotline_callcenter.cli.connector import PbxWorker
from odoo.addons.hotline_callcenter.pbx.simulator import AmiSimulator


class RecordingSink:
    thread_safe = True

    def __init__(self, fail_first=0):
        self.lock = threading.Lock()
        self.writes = []  # (seq, thread name, [call dicts], [live events])
        self.fail_first = fail_first
        self.spans = []  # (start, end, ringing extensions) of every transaction

    def __call__(self, pbx_id, calls, live):
        start = time.monotonic()
        time.sleep(0.005)
        exts = {e.get("extension") for e in live if e["type"] == "ringing"}
        with self.lock:
            self.spans.append((start, time.monotonic(), exts))
            if self.fail_first:
                self.fail_first -= 1
                raise RuntimeError("database hiccup")
            self.writes.append(
                (
                    len(self.writes),
                    threading.current_thread().name,
                    list(calls),
                    list(live),
                )
            )


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=3.0).start()
    yield simulator
    simulator.stop()


def run_calls(sim, sink, pop_workers, count=12, agents=None):
    worker = PbxWorker(1, "pipe", "127.0.0.1", sim.port, "odoo", "secret", sink,
                       pop_workers=pop_workers)  # fmt: skip
    worker.start()
    assert worker.client.wait_connected(5)
    threads = [
        sim.run_scenario(
            "inbound_answered", caller=f"1390000{n:04d}", agent=f"8{n + 100:03d}"
        )
        for n in range(count)
    ]
    for thread in threads:
        thread.join(20)
    assert worker.wait_idle(10)
    worker.stop()
    return worker, [t.linkedid for t in threads]


@pytest.mark.parametrize("pop_workers", [0, 4])
def test_every_ring_popped_once_and_final_state_written_last(sim, pop_workers):
    sink = RecordingSink()
    worker, linkedids = run_calls(sim, sink, pop_workers)
    rings = [
        e for _s, _t, _c, live in sink.writes for e in live if e["type"] == "ringing"
    ]
    assert sorted(e["linkedid"] for e in rings) == sorted(linkedids)
    last = {}
    for seq, _thread, calls, _live in sink.writes:
        for call in calls:
            last[call["linkedid"]] = (seq, call)
    assert set(last) == set(linkedids)
    assert all(
        call["ended_at"] and call["disposition"] == "answered"
        for _s, call in last.values()
    )
    if pop_workers:
        assert worker.stats["parallel_pops"] >= 2
        assert any(t.startswith("pops") for _s, t, _c, _l in sink.writes)


def test_failed_parallel_pop_is_retried_not_lost(sim, caplog):
    sink = RecordingSink(fail_first=1)
    with caplog.at_level("WARNING"):
        _worker, linkedids = run_calls(sim, sink, 4, count=6)
    rings = {
        e["linkedid"]
        for _s, _t, _c, live in sink.writes
        for e in live
        if e["type"] == "ringing"
    }
    assert rings == set(linkedids)


def test_pops_to_the_same_agent_never_run_in_parallel(sim):
    """Two calls ringing one agent share a transaction (the pop writes the
    agent's user record: parallel writes would conflict)."""
    sink = RecordingSink()
    _worker, linkedids = run_calls(sim, sink, 4, count=12, agents=["8101", "8102"])
    rings = [
        e for _s, _t, _c, live in sink.writes for e in live if e["type"] == "ringing"
    ]
    assert sorted(e["linkedid"] for e in rings) == sorted(linkedids)
    spans = [s for s in sink.spans if s[2]]
    for i, (start, end, exts) in enumerate(spans):
        for start2, end2, exts2 in spans[i + 1 :]:
            if start < end2 and start2 < end:  # overlapping transactions
                assert not exts & exts2
