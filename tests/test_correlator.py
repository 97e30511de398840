"""Events -> calls: every scenario of the captures, any order, replays."""

import random
from datetime import datetime

import pytest
from pbx.ami_protocol import AmiMessage
from pbx.correlator import CallCorrelator
from pbx.simulator.scenarios import render


def events_of(name, **params):
    params.setdefault("caller", "13912345678")
    params.setdefault("did", "4008000001")
    params.setdefault("agent", "8101")
    return [AmiMessage(p) for _t, p in render(name, **params)]


def final(name, **params):
    calls, live = CallCorrelator().feed_many(events_of(name, **params))
    assert len(calls) == 1, calls
    return calls[0], live


def test_inbound_answered_through_queue():
    call, live = final("inbound_answered", action_id=None)
    assert call["direction"] == "inbound"
    assert (call["caller_number"], call["did"], call["called_number"]) == (
        "13912345678",
        "4008000001",
        "4008000001",
    )
    assert call["queue"] == "support"
    assert call["agents"] == ["8101"]
    assert call["disposition"] == "answered"
    assert call["wait_seconds"] == 2 and call["talk_seconds"] == 3
    assert (
        call["started_at"]
        <= call["queued_at"]
        <= call["answered_at"]
        <= call["ended_at"]
    )
    assert (
        isinstance(call["ended_at"], datetime) and call["ended_at"].tzinfo is not None
    )
    assert call["recording_file"].startswith("/var/spool/asterisk/monitor/support-")
    assert call["recording_file"].endswith(".wav")
    assert call["hangup_cause"] == "16 Normal Clearing"
    assert [(e["type"], e["extension"]) for e in live] == [
        ("ringing", "8101"),
        ("answered", "8101"),
        ("hangup", "8101"),
    ]
    assert live[0] == {
        "type": "ringing",
        "linkedid": call["linkedid"],
        "extension": "8101",
        "caller_number": "13912345678",
        "did": "4008000001",
        "queue": "support",
    }


def test_abandoned_in_queue_keeps_wait():
    call, live = final("queue_abandoned")
    assert call["disposition"] == "abandoned_queue"
    assert call["wait_seconds"] == 5 and call["talk_seconds"] == 0
    assert call["agents"] == [] and call["answered_at"] is None
    assert [e["type"] for e in live] == ["hangup"]


def test_missed_call_goes_to_voicemail():
    call, live = final("missed_voicemail")
    assert call["disposition"] == "voicemail"
    assert call["queue"] == "sales" and call["agents"] == []
    assert ("ringing", "8101") in [(e["type"], e["extension"]) for e in live]
    # the channel that ran VoiceMail: the message file's callerchan
    events = events_of("missed_voicemail")
    ran = [e.get("Channel") for e in events if e.get("Application") == "VoiceMail"]
    assert ran and ran[0].startswith("Local/4008000001@from-pstn-")
    call = CallCorrelator().feed_many(events)[0][0]
    assert call["voicemail_channel"] == ran[0]


def test_click2dial_outbound():
    call, live = final("click2dial", action_id="orig-1")
    assert call["direction"] == "outbound"
    assert call["caller_number"] == "8101" and call["called_number"] == "13912345678"
    assert call["agents"] == ["8101"]
    assert call["disposition"] == "answered" and call["talk_seconds"] > 0
    assert "ringing" not in [e["type"] for e in live]  # no pop for your own click


@pytest.mark.parametrize(
    ("scenario", "customer", "disposition", "cause"),
    [
        ("click2dial_customer_busy", "13900139000", "busy", "17 User busy"),
        ("click2dial_customer_noanswer", "13700137000", "no_answer", None),
        (
            "click2dial_agent_noanswer",
            "13600136000",
            "no_answer",
            "19 User alerting, no answer",
        ),
    ],
)
def test_click2dial_failures(scenario, customer, disposition, cause):
    calls, _live = CallCorrelator().feed_many(
        events_of(scenario, customer=customer, action_id="o-1")
    )
    call = calls[0]
    assert call["direction"] == "outbound"
    assert call["called_number"] == customer
    assert call["disposition"] == disposition
    if cause:
        assert call["hangup_cause"] == cause


def test_originate_failure_agent_busy_links_by_channel():
    calls, _live = CallCorrelator().feed_many(
        events_of("click2dial_agent_busy", action_id="o-1")
    )
    first = calls[0]
    assert first["direction"] == "outbound" and first["disposition"] == "busy"
    assert first["called_number"] == "13912345678"


@pytest.mark.parametrize(
    "scenario", ["blind_transfer", "blind_transfer_redirect", "attended_transfer"]
)
def test_transfers_append_agents_in_order(scenario):
    call, live = final(scenario)
    assert call["agents"] == ["8101", "8002"]
    assert call["disposition"] == "answered"
    kinds = [(e["type"], e["extension"]) for e in live]
    assert kinds[:2] == [("ringing", "8101"), ("answered", "8101")]
    assert ("transferred", "8002") in kinds
    assert kinds.count(("transferred", "8002")) == 1
    assert kinds[-1] == ("hangup", "8002")


def test_abandoned_in_ivr_and_failed_from_synthetic_events():
    def ev(name, **fields):
        return AmiMessage([("Event", name), *fields.items()])

    base = {"Linkedid": "pbx-1.1", "Uniqueid": "pbx-1.1", "Channel": "PJSIP/trunk-0001"}
    corr = CallCorrelator()
    corr.feed(
        ev(
            "Newchannel",
            Timestamp="100.0",
            Context="from-pstn",
            Exten="4008123456",
            CallerIDNum="13800138000",
            **base,
        )
    )
    calls, live = corr.feed(
        ev(
            "Hangup",
            Timestamp="112.0",
            Context="from-pstn",
            Cause="16",
            **{"Cause-txt": "Normal Clearing"},
            **base,
        )
    )
    assert calls[0]["disposition"] == "abandoned_ivr" and calls[0]["wait_seconds"] == 12
    assert live[0]["type"] == "hangup"
    out = {"Linkedid": "pbx-2.1", "Uniqueid": "pbx-2.1", "Channel": "PJSIP/8001-0002"}
    corr.feed(
        ev(
            "Newchannel",
            Timestamp="200.0",
            Context="pstn-out",
            Exten="13500000000",
            **out,
        )
    )
    calls, _ = corr.feed(
        ev(
            "Hangup",
            Timestamp="201.0",
            Context="pstn-out",
            Cause="34",
            **{"Cause-txt": "Circuit/channel congestion"},
            **out,
        )
    )
    assert calls[0]["direction"] == "outbound" and calls[0]["disposition"] == "failed"
    assert calls[0]["hangup_cause"] == "34 Circuit/channel congestion"


def test_replay_is_idempotent_and_emits_nothing_new():
    corr = CallCorrelator()
    events = events_of("inbound_answered")
    first, _ = corr.feed_many(events)
    again, live = corr.feed_many(events)
    assert again == [] and live == []
    assert corr.snapshot(first[0]["linkedid"]) == first[0]


@pytest.mark.parametrize("seed", range(5))
def test_any_order_gives_the_same_call(seed):
    events = events_of("blind_transfer")
    expected, _ = CallCorrelator().feed_many(events)
    shuffled = events[:]
    random.Random(seed).shuffle(shuffled)
    corr = CallCorrelator()
    corr.feed_many(shuffled)
    got = corr.snapshot(expected[0]["linkedid"])
    # everything but the hangup cause of the last channel is order-free
    for key in (
        "direction",
        "caller_number",
        "did",
        "agents",
        "started_at",
        "answered_at",
        "ended_at",
        "disposition",
        "talk_seconds",
        "wait_seconds",
    ):
        assert got[key] == expected[0][key], key


def test_interleaved_calls_one_record_each():
    corr = CallCorrelator()
    streams = [
        events_of("inbound_answered", caller=f"1390000{i:04d}") for i in range(30)
    ]
    merged = []
    while any(streams):
        for stream in streams:
            if stream:
                merged.append(stream.pop(0))
    calls, _ = corr.feed_many(merged)
    assert len(calls) == 30
    assert len({c["linkedid"] for c in calls}) == 30
    assert all(c["disposition"] == "answered" for c in calls)
    assert corr.open_calls() == []


def test_unknown_events_and_missing_fields_are_counted_not_fatal():
    corr = CallCorrelator()
    assert corr.feed(AmiMessage([("Event", "SomethingNew"), ("X", "1")])) == ([], [])
    assert corr.feed(AmiMessage([("Event", "Hangup"), ("Channel", "PJSIP/x-1")])) == (
        [],
        [],
    )
    assert corr.ignored == 1 and corr.missing_fields == 1


def test_close_missing_after_reconnect():
    corr = CallCorrelator()
    events = events_of("inbound_answered")
    half = [e for e in events if e.get("Event") != "Hangup"]
    calls, _ = corr.feed_many(half)
    linkedid = calls[-1]["linkedid"]
    assert corr.open_calls() == [linkedid]
    assert corr.close_missing([linkedid]) == []  # still live on the PBX
    closed = corr.close_missing([], now=calls[-1]["answered_at"].timestamp() + 60)
    assert len(closed) == 1
    assert closed[0]["disposition"] == "answered"
    assert closed[0]["hangup_cause"] == "ended while the connector was disconnected"
    assert closed[0]["talk_seconds"] == 60
    assert corr.open_calls() == []
