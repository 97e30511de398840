"""The connector's sink: a batch is one transaction of its own, written
without a savepoint (a failure throws the whole transaction away), and the
screen pops get the calls and callers the same batch ingested."""

import threading
import time
from pathlib import Path
from unittest import mock

import odoo.addons

ADDONS = Path(__file__).resolve().parents[1] / "addons"
if str(ADDONS) not in odoo.addons.__path__:
    odoo.addons.__path__.append(str(ADDONS))

from odoo.addons.hotline_callcenter.cli import connector


def sink_with(monkeypatch):
    cr = mock.MagicMock()
    registry = mock.MagicMock()
    registry.check_signaling.return_value = registry
    registry.cursor.return_value.__enter__.return_value = cr
    env = mock.MagicMock()
    env.cr = cr
    monkeypatch.setattr(connector.api, "Environment", lambda *args: env)
    model = env.__getitem__.return_value.sudo.return_value
    model.hotline_ingest.return_value = {
        "calls": "the calls",
        "identified": {"13800138000": [7]},
    }
    return connector.RegistrySink(registry), cr, model


def test_registry_sink_writes_without_a_savepoint(monkeypatch):
    sink, cr, model = sink_with(monkeypatch)
    ring = {"type": "ringing", "linkedid": "L1", "extension": "8001"}
    sink(1, [{"linkedid": "L1"}], [ring])
    cr.savepoint.assert_not_called()
    model.hotline_live_events.assert_called_once_with(
        1, [ring], known_calls="the calls", identified={"13800138000": [7]}
    )


def test_env_sink_keeps_its_savepoint():
    env = mock.MagicMock()
    connector.EnvSink(env)(1, [], [{"type": "ringing"}])
    env.cr.savepoint.assert_called_once()


class RecordingSink:
    thread_safe = True

    def __init__(self):
        self.batches = []

    def __call__(self, pbx_id, calls, live):
        self.batches.append(([c["linkedid"] for c in calls], [e["type"] for e in live]))
        return {}


def ringing_batches(backlog):
    """Two calls ringing in one batch, ``backlog`` events still queued."""
    from odoo.addons.hotline_callcenter.pbx.ami_protocol import AmiMessage
    from odoo.addons.hotline_callcenter.pbx.simulator.scenarios import render

    sink = RecordingSink()
    worker = connector.PbxWorker(
        1, "test", "127.0.0.1", 1, "odoo", "secret", sink,
        pop_workers=4, prompt_sync_interval=0,
    )  # fmt: skip
    events = []
    for agent in ("8101", "8102"):
        for _t, pairs in render("inbound_answered", agent=agent):
            message = AmiMessage(pairs)
            events.append(message)
            if message.get("Event") == "AgentCalled":
                break
    worker.batch_max = len(events)
    for event in events:
        worker.queue.put(event)
    for _n in range(backlog):
        worker.queue.put(AmiMessage([("Event", "VarSet"), ("Linkedid", "later")]))
    assert worker.process_pending(block=False)
    worker._pool.shutdown(wait=True)
    return sink.batches


def test_pops_in_parallel_when_keeping_up():
    batches = ringing_batches(backlog=0)
    pops = [b for b in batches if "ringing" in b[1]]
    assert len(pops) == 2, batches  # one transaction a ringing call


def test_pops_in_one_transaction_when_behind():
    batches = ringing_batches(backlog=10000)
    # both pops in one transaction, first (the other calls, if any, after it)
    assert batches[0][1].count("ringing") == 2, batches
    assert not any("ringing" in live for _calls, live in batches[1:]), batches


class BlockingSink(RecordingSink):
    """Records like ``RecordingSink``; a transaction with calls (the
    writer's) waits for ``release``."""

    def __init__(self):
        super().__init__()
        self.release = threading.Event()
        self.writing = threading.Event()

    def __call__(self, pbx_id, calls, live):
        if calls:
            self.writing.set()
            assert self.release.wait(10)
        return super().__call__(pbx_id, calls, live)


def ring_events(agent):
    """One call's events up to the ring of ``agent`` (AgentCalled)."""
    from odoo.addons.hotline_callcenter.pbx.ami_protocol import AmiMessage
    from odoo.addons.hotline_callcenter.pbx.simulator.scenarios import render

    events = []
    for _t, pairs in render("inbound_answered", agent=agent):
        message = AmiMessage(pairs)
        events.append(message)
        if message.get("Event") == "AgentCalled":
            return events
    raise AssertionError("no AgentCalled in the capture")


def test_ring_does_not_wait_for_the_batch_being_written():
    sink = BlockingSink()
    worker = connector.PbxWorker(
        1, "test", "127.0.0.1", 1, "odoo", "secret", sink,
        pop_workers=4, prompt_sync_interval=0,
    )  # fmt: skip
    try:
        for event in ring_events("8101"):
            worker.queue.put(event)
        assert worker.process_pending(block=False)
        assert sink.writing.wait(5), "the first call is being written"
        # a second call rings while the writer is still busy with the first
        for event in ring_events("8102"):
            worker.queue.put(event)
        assert worker.process_pending(block=False), "not blocked by the writer"
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(sink.batches) < 2:
            time.sleep(0.01)
        pops = [b for b in sink.batches if "ringing" in b[1]]
        assert len(pops) == 2, sink.batches
        # a pop carries its ring, not its call (the writer records it)
        assert all(calls == [] for calls, _live in pops), sink.batches
    finally:
        sink.release.set()
        worker.stop(timeout=1)
    written = [c for calls, _live in sink.batches for c in calls]
    assert len(set(written)) == 2, sink.batches  # both calls recorded after all


def test_writer_records_a_call_after_its_pop():
    order = []
    pop_running = threading.Event()
    release_pop = threading.Event()

    def sink(pbx_id, calls, live):
        if any(e["type"] == "ringing" for e in live):
            pop_running.set()
            assert release_pop.wait(10)
            order.append("pop")
        if calls:
            order.append("calls")
        return {}

    sink.thread_safe = True
    worker = connector.PbxWorker(
        1, "test", "127.0.0.1", 1, "odoo", "secret", sink,
        pop_workers=4, prompt_sync_interval=0,
    )  # fmt: skip
    for event in ring_events("8101"):
        worker.queue.put(event)
    assert worker.process_pending(block=False)
    assert pop_running.wait(5)
    time.sleep(0.1)
    assert order == [], "the writer waits for the pop submitted before it"
    release_pop.set()
    assert worker.wait_idle(5)
    worker.stop(timeout=1)
    assert order == ["pop", "calls"], order


def test_pop_commit_does_not_wait_for_the_disk(monkeypatch):
    """A pop transaction (no call: the writer records it) commits without
    waiting for the WAL flush; a transaction recording calls waits for it."""
    sink, cr, _model = sink_with(monkeypatch)
    sink(1, [], [{"type": "ringing", "linkedid": "L1", "extension": "8001"}])
    assert mock.call("SET LOCAL synchronous_commit TO OFF") in cr.execute.mock_calls
    cr.reset_mock()
    sink(1, [{"linkedid": "L1"}], [])
    assert mock.call("SET LOCAL synchronous_commit TO OFF") not in (
        cr.execute.mock_calls
    )


def test_writer_takes_what_arrived_meanwhile_in_one_transaction():
    sink = BlockingSink()
    worker = connector.PbxWorker(
        1, "test", "127.0.0.1", 1, "odoo", "secret", sink,
        pop_workers=2, prompt_sync_interval=0,
    )  # fmt: skip
    worker._queue_write([{"linkedid": "A", "v": 1}], [], [])
    assert sink.writing.wait(5)
    # while the writer is busy: two states of B, one of C
    worker._queue_write([{"linkedid": "B", "v": 1}], [], [])
    worker._queue_write([{"linkedid": "B", "v": 2}, {"linkedid": "C"}], [], [])
    sink.release.set()
    assert worker.wait_idle(5)
    worker.stop(timeout=1)
    assert [calls for calls, _live in sink.batches] == [["A"], ["B", "C"]]
