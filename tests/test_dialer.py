"""Outbound campaigns' pacing and results (pbx/dialer.py), and the simulated
callee (pbx/simulator/campaign.py) through a real AMI session."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from pbx import dialer
from pbx.ami_client import AmiActionError, AmiClient
from pbx.simulator import AmiSimulator

T0 = datetime(2026, 10, 9, 9, 0, tzinfo=UTC)
WINDOW = [(T0, T0 + timedelta(hours=8))]


def contacts(n, attempts=0, next_at=None):
    return [
        {"id": i, "attempts": attempts, "next_attempt_at": next_at}
        for i in range(1, n + 1)
    ]


def test_plan_never_more_than_the_free_channels():
    settings = {"max_channels": 3, "max_attempts": 3, "mode": "automated"}
    assert len(dialer.plan_dials(T0, settings, contacts(10), 0, WINDOW)) == 3
    assert len(dialer.plan_dials(T0, settings, contacts(10), 2, WINDOW)) == 1
    assert dialer.plan_dials(T0, settings, contacts(10), 3, WINDOW) == []
    assert dialer.plan_dials(T0, settings, contacts(10), 5, WINDOW) == []


def test_plan_never_outside_the_windows():
    settings = {"max_channels": 3, "max_attempts": 3, "mode": "automated"}
    before = T0 - timedelta(seconds=1)
    end = WINDOW[0][1]
    assert dialer.plan_dials(before, settings, contacts(2), 0, WINDOW) == []
    assert dialer.plan_dials(end, settings, contacts(2), 0, WINDOW) == []
    assert dialer.plan_dials(T0, settings, contacts(2), 0, []) == []
    assert dialer.next_window_start(before, WINDOW) == T0
    assert dialer.next_window_start(end, WINDOW) is None


def test_plan_respects_attempts_intervals_agents_and_preview():
    settings = {"max_channels": 5, "max_attempts": 2, "mode": "automated"}
    later = T0 + timedelta(minutes=5)
    due = contacts(2, attempts=2) + [
        {"id": 7, "attempts": 1, "next_attempt_at": later},
        {"id": 8, "attempts": 1, "next_attempt_at": T0},
    ]
    assert [c["id"] for c in dialer.plan_dials(T0, settings, due, 0, WINDOW)] == [8]
    progressive = dict(settings, mode="progressive")
    due = contacts(4)
    assert len(dialer.plan_dials(T0, progressive, due, 0, WINDOW, free_agents=1)) == 1
    assert dialer.plan_dials(T0, progressive, due, 0, WINDOW, free_agents=0) == []
    assert dialer.plan_dials(T0, dict(settings, mode="preview"), due, 0, WINDOW) == []


def test_busy_is_retried_sooner_than_no_answer():
    intervals = {"busy": 5, "no_answer": 60, "failed": 30}
    assert dialer.next_attempt_at(T0, "busy", intervals) == T0 + timedelta(minutes=5)
    assert dialer.next_attempt_at(T0, "no_answer", intervals) == T0 + timedelta(
        minutes=60
    )
    assert dialer.next_attempt_at(T0, "congestion", intervals) == T0 + timedelta(
        minutes=30
    )


def test_numbers_in_turn_skipping_invalid_ones():
    numbers = ["13800000001", "01065550000", "13900000002"]
    assert dialer.pick_number(numbers, 0) == "13800000001"
    assert dialer.pick_number(numbers, 1) == "01065550000"
    assert dialer.pick_number(numbers, 3) == "13800000001"
    assert dialer.pick_number(numbers, 1, invalid={"01065550000"}) == "13900000002"
    assert dialer.pick_number(numbers, 0, invalid=set(numbers)) is None
    assert dialer.pick_number([], 0) is None


@pytest.mark.parametrize(
    ("response", "reason", "cause", "result"),
    [
        ("Success", "4", None, "answered"),
        ("Failure", "5", "17", "busy"),
        ("Failure", "5", None, "busy"),
        ("Failure", "3", "19", "no_answer"),
        ("Failure", "3", None, "no_answer"),
        ("Failure", "1", "18", "no_answer"),
        ("Failure", "1", "1", "invalid_number"),
        ("Failure", "1", "28", "invalid_number"),
        ("Failure", "1", "21", "rejected"),
        ("Failure", "8", "34", "congestion"),
        ("Failure", "0", "38", "congestion"),
        ("Failure", "8", None, "congestion"),
        ("Failure", "0", None, "failed"),
        ("Failure", "4", None, "failed"),  # a failure is never "answered"
        ("Failure", "", "", "failed"),
    ],
)
def test_result_from_asterisks_words(response, reason, cause, result):
    assert dialer.attempt_result(response, reason, cause) == result


def test_action_ids_name_their_attempt():
    action_id = dialer.make_action_id(42)
    assert dialer.attempt_of_action(action_id) == 42
    assert dialer.make_action_id(42) != action_id
    assert dialer.attempt_of_action("hotline-c2d-7-abcdef") is None
    fields = dialer.originate_fields(
        {
            "channel": "PJSIP/13800000001@trunk",
            "context": "hotline-campaign",
            "exten": "ivr",
            "caller_id": '"Gas" <4008100100>',
            "timeout": 25,
            "action_id": action_id,
            "channel_id": "hlcp-42.abc",
            "variables": {"CRM_CALL_ID": "hlcp-42.abc", "HOTLINE_CAMPAIGN": 3},
        }
    )
    assert fields["Async"] == "true"
    assert fields["Timeout"] == "25000"
    assert fields["Variable"] == "CRM_CALL_ID=hlcp-42.abc,HOTLINE_CAMPAIGN=3"


# -- against the simulator ------------------------------------------------------


@pytest.fixture
def sim():
    server = AmiSimulator(speed=0, auth_fail_delay=0).start()
    events = []
    client = AmiClient(
        "127.0.0.1", server.port, "odoo", "secret", timeout=3, on_event=events.append
    )
    client.__enter__()
    server.test_client = client
    server.test_events = events
    yield server
    client.close()
    server.stop()


def originate(sim, attempt_id, number, context="hotline-campaign"):
    action_id = dialer.make_action_id(attempt_id)
    channel_id = dialer.make_channel_id(attempt_id)
    fields = dialer.originate_fields(
        {
            "channel": f"Local/{number}@pstn-out",
            "context": context,
            "exten": "ivr",
            "caller_id": "4008100100",
            "timeout": 5,
            "action_id": action_id,
            "channel_id": channel_id,
            "variables": {
                "CRM_CALL_ID": channel_id,
                "HOTLINE_CAMPAIGN": 1,
                "HOTLINE_ATTEMPT": attempt_id,
            },
        }
    )
    sim.test_client.action("Originate", action_id=action_id, **fields)
    return channel_id


def wait_results(sim, tracker, count, timeout=5.0):
    results = []
    seen = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = sim.test_events[seen:]
        seen += len(new)
        for event in new:
            results.extend(tracker.feed(event))
        if len([r for r in results if r["kind"] == "result"]) >= count:
            return results
        time.sleep(0.01)
    return results


@pytest.mark.parametrize(
    ("outcome", "result", "reason", "cause"),
    [
        ("answer", "answered", "4", ""),
        ("busy", "busy", "5", "17"),
        ("no_answer", "no_answer", "3", "19"),
        ("invalid", "invalid_number", "1", "1"),
        ("rejected", "rejected", "1", "21"),
        ("congestion", "congestion", "8", "34"),
        ("failure", "failed", "0", ""),
    ],
)
def test_simulated_outcomes_mapped(sim, outcome, result, reason, cause):
    sim.campaign.script["13800000001"] = outcome
    tracker = dialer.AttemptTracker()
    channel_id = originate(sim, 5, "13800000001")
    tracker.watch(5, channel_id)
    results = wait_results(sim, tracker, 1)
    first = next(r for r in results if r["kind"] == "result")
    assert (first["attempt_id"], first["result"]) == (5, result)
    assert (first["reason"], first["cause"]) == (reason, cause)
    assert first["uniqueid"] == channel_id
    response = next(e for e in sim.test_events if e.get("Event") == "OriginateResponse")
    # manager.c fast_originate: these fields, in this order
    assert [k for k, _v in response.pairs][-8:] == [
        "Response",
        "Channel",
        "Context",
        "Exten",
        "Reason",
        "Uniqueid",
        "CallerIDNum",
        "CallerIDName",
    ]
    if outcome == "failure":
        assert not [e for e in sim.test_events if e.get("Event") == "Newchannel"]
        assert response.get("Channel") == "Local/13800000001@pstn-out"
    if outcome == "answer":
        hangup = wait_results(sim, tracker, 0, timeout=0.2)
        ended = [r for r in results + hangup if r["kind"] == "ended"]
        assert ended
        assert ended[0]["cause"] == "16"


def test_simulator_refuses_an_unknown_context(sim):
    with pytest.raises(AmiActionError, match="Extension does not exist"):
        originate(sim, 6, "13800000001", context="no-such-context")
    assert not sim.campaign.outcomes


def test_simulator_mix_and_delays():
    sim = AmiSimulator(speed=1, auth_fail_delay=0).start()
    try:
        sim.campaign.mix = {"busy": 1}
        sim.campaign.delays = {"ring": 0.2, "talk": 0.2}
        events = []
        done = threading.Event()

        def on_event(event):
            events.append(event)
            if event.get("Event") == "OriginateResponse":
                done.set()

        client = AmiClient(
            "127.0.0.1", sim.port, "odoo", "secret", timeout=3, on_event=on_event
        )
        client.__enter__()
        sim_test = type("S", (), {"test_client": client})
        originate(sim_test, 9, "13800000009")
        assert done.wait(3)
        assert sim.campaign.outcomes == [("13800000009", "busy")]
        client.close()
    finally:
        sim.stop()
