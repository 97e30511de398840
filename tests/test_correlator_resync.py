"""A connector restarted during calls: the CoreShowChannels snapshot (no start,
answer or queue time) only adds what is new to what was stored of a call."""

import time

import pytest
from pbx.ami_client import AmiClient
from pbx.ami_protocol import AmiMessage
from pbx.correlator import CallCorrelator
from pbx.simulator import AmiSimulator, render


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0, auth_fail_delay=0.05).start()
    yield simulator
    simulator.stop()


def answered_call(caller="13912345678", agent="8101"):
    """An answered queue call with recording, its first 4 s in the past:
    (events up to the agent's bridge, the rest)."""
    events = [
        AmiMessage(p)
        for _t, p in render(
            "inbound_answered", caller=caller, agent=agent, now=time.time() - 4
        )
    ]
    cut = max(i for i, e in enumerate(events) if e.get("Event") == "BridgeEnter") + 1
    return events[:cut], events[cut:]


def snapshot(sim, events):
    """What Asterisk lists when the connector comes back: CoreShowChannels."""
    sim.broadcast_many([e.pairs for e in events])
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        _response, channels = ami.action_list("CoreShowChannels")
    return channels, time.time()


def last(calls, linkedid):
    return [c for c in calls if c["linkedid"] == linkedid][-1]


def test_restart_mid_call_keeps_what_was_stored_and_ends_normally(sim):
    before, after = answered_call()
    reference = CallCorrelator()  # the connector that never went away
    stored = last(reference.feed_many(before)[0], before[0].get("Linkedid"))
    assert stored["answered_at"] and stored["recording_file"]
    channels, at = snapshot(sim, before)
    assert {c.get("Linkedid") for c in channels} == {stored["linkedid"]}

    restarted = CallCorrelator()
    restarted.restore(stored)
    # nothing new in the snapshot: nothing to write
    assert restarted.resync(channels, now=at) == []
    calls, live = restarted.feed_many(after)
    call = last(calls, stored["linkedid"])
    expected = last(reference.feed_many(after)[0], stored["linkedid"])
    assert call == expected
    assert call["disposition"] == "answered"
    assert call["started_at"] == stored["started_at"]
    assert call["answered_at"] == stored["answered_at"]
    assert call["queue"] == "support" and call["agents"] == ["8101"]
    assert call["recording_file"] == stored["recording_file"]
    assert call["hangup_cause"] != "ended while the connector was disconnected"
    assert [e["type"] for e in live] == ["hangup"]


def test_snapshot_alone_adds_start_queue_and_agent_never_blanks(sim):
    """The call started while the connector was away (nothing stored): the
    snapshot's Duration, Application and BridgeId tell what they can."""
    before, after = answered_call(agent="8102")
    reference = last(CallCorrelator().feed_many(before)[0], before[0].get("Linkedid"))
    channels, at = snapshot(sim, before)
    corr = CallCorrelator()
    (call,) = corr.resync(channels, now=at)
    assert call["direction"] == "inbound"
    assert call["caller_number"] == "13912345678"
    assert call["queue"] == "support"
    assert call["agents"] == ["8102"]
    assert call["disposition"] == "answered"
    # bounds: never before the real times, at most the snapshot's second later
    real_start = reference["started_at"].timestamp()
    assert real_start <= call["started_at"].timestamp() <= real_start + 1.5
    assert reference["answered_at"].timestamp() <= call["answered_at"].timestamp()
    assert call["answered_at"].timestamp() <= at + 1e-6
    final = last(corr.feed_many(after)[0], call["linkedid"])
    assert final["disposition"] == "answered" and final["ended_at"]
    assert final["started_at"] == call["started_at"]  # the start was not seen
    assert final["queue"] == "support" and final["agents"] == ["8102"]


def test_call_ended_while_disconnected_stays_answered(sim):
    before, _after = answered_call()
    corr = CallCorrelator()
    stored = last(corr.feed_many(before)[0], before[0].get("Linkedid"))
    (closed,) = corr.resync([], now=time.time())
    assert closed["linkedid"] == stored["linkedid"]
    assert closed["disposition"] == "answered"
    assert closed["answered_at"] == stored["answered_at"]
    assert closed["queue"] == "support" and closed["recording_file"]
    assert closed["hangup_cause"] == "ended while the connector was disconnected"


def test_channels_gone_while_away_do_not_keep_the_call_open(sim):
    """A reconnect (same correlator): a channel that hung up unseen is not
    waited for; the call ends with its last listed channel."""
    before, after = answered_call()
    corr = CallCorrelator()
    linkedid = before[0].get("Linkedid")
    corr.feed_many(before)
    channels, at = snapshot(sim, before)
    gone = channels[0].get("Uniqueid")
    listed = [c for c in channels if c.get("Uniqueid") != gone]
    assert corr.resync(listed, now=at) == []
    hangups = [e for e in after if e.get("Uniqueid") != gone]
    call = last(corr.feed_many(hangups)[0], linkedid)
    assert call["ended_at"] and call["disposition"] == "answered"


@pytest.mark.parametrize(
    "duration, expected", [("00:00:06", 6), ("01:02:03", 3723), ("", None)]
)
def test_snapshot_duration(duration, expected):
    event = AmiMessage(
        [
            ("Event", "CoreShowChannel"),
            ("Channel", "Local/4008123456@from-pstn-00000001;2"),
            ("ChannelState", "6"),
            ("CallerIDNum", "13912345678"),
            ("Context", "from-pstn"),
            ("Exten", "4008123456"),
            ("Uniqueid", "pbx-1.2"),
            ("Linkedid", "pbx-1.2"),
            ("Application", "Queue"),
            ("ApplicationData", "support,tT,,,60"),
            ("Duration", duration),
            ("BridgeId", ""),
        ]
    )
    (call,) = CallCorrelator().resync([event], now=1000.0)
    started = call["started_at"].timestamp() if call["started_at"] else None
    assert started == (1000.0 - expected if expected is not None else None)
    assert call["queue"] == "support"
    assert call["queued_at"].timestamp() == 1000.0
