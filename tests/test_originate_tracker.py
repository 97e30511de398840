"""Click-to-dial outcomes from the AMI stream (pbx/originate_tracker.py)."""

import json
from pathlib import Path

import pytest
from pbx.originate_tracker import OriginateTracker, make_action_id, user_of_action
from pbx.simulator import render

CAPTURES = Path("/work/shared/asterisk")


def capture_events(name, action_id):
    """The events Asterisk 22 sent in capture ``name``, the Originate's
    ActionID replaced by ``action_id``."""
    events = []
    for line in (CAPTURES / name / "timeline.jsonl").read_text().splitlines():
        rec = json.loads(line)
        if rec["dir"] != "in" or rec.get("kind") != "message":
            continue
        event = dict(rec["pairs"])
        if "Event" not in event:
            continue
        if event["Event"] == "OriginateResponse" and action_id is not None:
            event["ActionID"] = action_id
        events.append(event)
    return events


def results_of(events):
    tracker = OriginateTracker()
    out = []
    for event in events:
        out.extend(tracker.feed(event))
    return out, tracker


@pytest.mark.parametrize(
    ("capture", "leg", "outcome", "detail"),
    [
        ("originate_click2dial_answered", "customer", "answered", "ANSWER"),
        ("originate_click2dial_customer_busy", "customer", "busy", "BUSY"),
        ("originate_click2dial_customer_noanswer", "customer", "no_answer", "NOANSWER"),
        ("originate_click2dial_agent_busy", "agent", "busy", "5"),
        ("originate_click2dial_agent_noanswer", "agent", "no_answer", "3"),
    ],
)
def test_outcome_of_each_capture(capture, leg, outcome, detail):
    action_id = make_action_id(42)
    (result,), tracker = results_of(capture_events(capture, action_id))
    assert result["type"] == "click_to_dial"
    assert result["action_id"] == action_id
    assert result["user_id"] == 42
    assert result["number"] in ("13800138000", "13900139000", "13700137000")
    assert (result["leg"], result["outcome"]) == (leg, outcome)
    assert detail == (result["dial_status"] if leg == "customer" else result["reason"])
    assert not tracker.waiting, "nothing left waiting"


def test_simulator_replays_give_the_same_outcomes():
    for name, customer, outcome in (
        ("click2dial", "13500135000", "answered"),
        ("click2dial_customer_busy", None, "busy"),
        ("click2dial_customer_noanswer", None, "no_answer"),
        ("click2dial_agent_busy", None, "busy"),
    ):
        action_id = make_action_id(7)
        events = [
            dict(p) for _t, p in render(name, customer=customer, action_id=action_id)
        ]
        (result,), _tracker = results_of(events)
        assert result["outcome"] == outcome, name
        if customer:
            assert result["number"] == customer


def test_foreign_originates_and_unrelated_events_are_ignored():
    results, tracker = results_of(
        capture_events("originate_click2dial_answered", "originate-2")
    )
    assert results == []
    assert not tracker.waiting
    # an inbound call (the capture's caller was itself originated)
    results, _tracker = results_of(capture_events("queue_answered", None))
    assert results == []


def test_dial_result_seen_before_the_response():
    """The dial may end before OriginateResponse is emitted (another thread in
    Asterisk): the result comes with the response."""
    action_id = make_action_id(3)
    events = capture_events("originate_click2dial_customer_busy", action_id)
    response = next(e for e in events if e["Event"] == "OriginateResponse")
    events.remove(response)
    tracker = OriginateTracker()
    assert [r for e in events for r in tracker.feed(e)] == []
    (result,) = tracker.feed(response)
    assert result["outcome"] == "busy"


def test_failed_dial_waits_for_the_customer_cause():
    tracker = OriginateTracker()
    action_id = make_action_id(5)
    feed = tracker.feed
    assert (
        feed(
            {
                "Event": "OriginateResponse",
                "ActionID": action_id,
                "Response": "Success",
                "Uniqueid": "pbx-1.1",
                "Exten": "13300133000",
                "Reason": "4",
            }
        )
        == []
    )
    assert (
        feed({"Event": "DialBegin", "Uniqueid": "pbx-1.1", "DestUniqueid": "pbx-1.3"})
        == []
    )
    assert (
        feed(
            {
                "Event": "DialEnd",
                "Uniqueid": "pbx-1.1",
                "DestUniqueid": "pbx-1.3",
                "DialStatus": "CHANUNAVAIL",
            }
        )
        == []
    )
    (result,) = feed(
        {
            "Event": "Hangup",
            "Uniqueid": "pbx-1.3",
            "Cause": "1",
            "Cause-txt": "Unallocated (unassigned) number",
        }
    )
    assert result["outcome"] == "failed"
    assert result["cause"] == ["1", "Unallocated (unassigned) number"]


def test_dial_without_channel_and_leg_that_just_ends():
    tracker = OriginateTracker()
    for uid, user in (("pbx-2.1", 8), ("pbx-3.1", 9)):
        tracker.feed(
            {
                "Event": "OriginateResponse",
                "ActionID": make_action_id(user),
                "Response": "Success",
                "Uniqueid": uid,
                "Exten": "110",
            }
        )
    # Dial() could not create the channel: no DialBegin/DialEnd, only DIALSTATUS
    (first,) = tracker.feed(
        {
            "Event": "VarSet",
            "Uniqueid": "pbx-2.1",
            "Variable": "DIALSTATUS",
            "Value": "CONGESTION",
        }
    )
    assert (first["user_id"], first["outcome"]) == (8, "failed")
    (second,) = tracker.feed({"Event": "Hangup", "Uniqueid": "pbx-3.1", "Cause": "16"})
    assert (second["user_id"], second["outcome"]) == (9, "ended")
    assert not tracker.waiting


def test_bounded_memory_and_expiry():
    now = [0.0]
    tracker = OriginateTracker(max_channels=10, max_age=60, clock=lambda: now[0])
    for n in range(100):
        tracker.feed(
            {"Event": "DialBegin", "Uniqueid": f"u{n}", "DestUniqueid": f"d{n}"}
        )
    assert len(tracker.channels) == 10
    assert len(tracker.dest_of) == 10
    tracker.feed(
        {
            "Event": "OriginateResponse",
            "ActionID": make_action_id(1),
            "Response": "Success",
            "Uniqueid": "lost.1",
        }
    )
    now[0] = 61.0
    tracker.feed({"Event": "Hangup", "Uniqueid": "other", "Cause": "16"})
    assert not tracker.waiting


@pytest.mark.parametrize(
    "action_id",
    [None, "", "originate-2", "hotline-c2d-x-ab", "hotline-c2d-12", "hotline-c2d-3-zz"],
)
def test_action_ids(action_id):
    assert user_of_action(action_id) is None
    assert user_of_action(make_action_id(12)) == 12
    tagged = make_action_id(12, "deadbeef")
    assert tagged.startswith("hotline-c2d-12-deadbeef")
    assert user_of_action(tagged) == 12
