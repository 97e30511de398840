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


def _ev(name, ts, **fields):
    return AmiMessage([("Event", name), ("Timestamp", f"{ts:.6f}"), *fields.items()])


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


@pytest.mark.parametrize(
    "scenario", ["blind_transfer", "blind_transfer_redirect", "attended_transfer"]
)
def test_transfer_target_gets_one_pop_saying_from_whom(scenario):
    """Issue 10 #6: the target's phone rings *and* the transfer is reported;
    one screen pop ("transferred", from the agent who had the call)."""
    _call, live = final(scenario)
    pops = [e for e in live if e["type"] in ("ringing", "transferred")]
    assert [(e["type"], e["extension"]) for e in pops] == [
        ("ringing", "8101"),
        ("transferred", "8002"),
    ]
    assert pops[1]["transferred_from"] == "8101"
    assert "transferred_from" not in pops[0]


def test_overflow_records_the_queue_that_answered_and_the_path():
    """Issue 10 #12: Queue(sales) times out (QueueCallerAbandon, then
    QueueCallerLeave: app_queue.c record_abandoned), the caller overflows to
    support where 8101 answers."""
    call, live = final("queue_overflow")
    assert call["queue"] == "support"
    assert call["queue_path"] == ["sales", "support"]
    assert call["disposition"] == "answered" and call["agents"] == ["8101"]
    # the caller's wait counts from the first queue
    assert call["wait_seconds"] == 12 and call["talk_seconds"] == 3
    rings = [(e["extension"], e["queue"]) for e in live if e["type"] == "ringing"]
    assert rings == [("8009", "sales"), ("8101", "support")]


def test_overflow_queue_is_known_while_waiting_in_the_second_queue():
    events = events_of("queue_overflow")
    joins = [n for n, e in enumerate(events) if e.get("Event") == "QueueCallerJoin"]
    calls, _live = CallCorrelator().feed_many(events[: joins[1] + 1])
    assert calls[0]["queue"] == "support"
    assert calls[0]["queue_path"] == ["sales", "support"]
    assert calls[0]["disposition"] == "ringing"


def test_overflow_then_abandoned_counts_both_queues_wait():
    """The caller hangs up in support after overflowing from sales: abandoned
    in support, the wait counted from joining sales."""
    events = events_of("queue_overflow")
    cut = next(n for n, e in enumerate(events) if e.get("Event") == "AgentConnect")
    waiting = [e for e in events[:cut] if e.get("Event") != "DialEnd"]
    corr = CallCorrelator()
    corr.feed_many(waiting)
    join = [e for e in waiting if e.get("Event") == "QueueCallerJoin"][-1]
    joined = float(join.get("Timestamp"))
    corr.feed(
        _ev(
            "QueueCallerAbandon",
            joined + 4,
            Channel=join.get("Channel"),
            Uniqueid=join.get("Uniqueid"),
            Linkedid=join.get("Linkedid"),
            Queue="support",
            HoldTime="4",
        )
    )
    snap = corr.snapshot(join.get("Linkedid"))
    assert snap["queue"] == "support" and snap["queue_path"] == ["sales", "support"]
    assert snap["answered_at"] is None
    assert snap["wait_seconds"] == round(joined + 4 - snap["queued_at"].timestamp())


def test_supervisor_spy_legs_are_linked_to_the_monitored_call():
    """Issue 10 #14: listen (q), whisper (qw), barge (qB) of the chanspy
    capture are legs of the agent's call, not calls of the supervisor."""
    calls, live = CallCorrelator().feed_many(events_of("supervisor_spy"))
    (call,) = [c for c in calls if not c.get("supervisor_leg_of")]
    legs = [c for c in calls if c.get("supervisor_leg_of")]
    assert call["direction"] == "inbound" and call["agents"] == ["8101"]
    assert [
        (g["extension"], g["mode"], g["duration_seconds"])
        for g in call["supervisor_legs"]
    ] == [("9000", "listen", 27), ("9000", "whisper", 18), ("9000", "barge", 9)]
    # Asterisk's CDR of each spying channel says the same durations
    assert all(g["ended_at"] <= call["ended_at"] for g in call["supervisor_legs"])
    assert {c["linkedid"] for c in legs} == {
        g["linkedid"] for g in call["supervisor_legs"]
    }
    assert {c["supervisor_leg_of"] for c in legs} == {call["linkedid"]}
    pops = [e for e in live if e["type"] in ("ringing", "transferred")]
    assert [e["extension"] for e in pops] == ["8101"]


def test_product_spy_originate_mode_from_originate_response():
    """hotline.pbx.hotline_spy originates the supervisor's phone straight into
    ChanSpy: no Newexten ChanSpy (same context/exten/priority as AppDial2,
    manager_channels.c), the options come with the OriginateResponse."""
    corr = CallCorrelator()
    corr.feed_many(events_of("inbound_answered")[:80])
    (agent_lid,) = corr.open_calls()
    spy = {
        "Channel": "PJSIP/9000-0000002a",
        "Uniqueid": "sup-1.1",
        "Linkedid": "sup-1.1",
    }
    corr.feed(_ev("Newchannel", 2e9, Context="internal", Exten="s", **spy))
    corr.feed(_ev("Newexten", 2e9, Application="AppDial2", **spy))
    corr.feed(_ev("DialEnd", 2e9 + 2, DestChannel=spy["Channel"], DialStatus="ANSWER"))
    corr.feed(
        AmiMessage(
            [
                ("Event", "OriginateResponse"),
                ("Response", "Success"),
                ("Channel", spy["Channel"]),
                ("Application", "ChanSpy"),
                ("Data", "PJSIP/8101,qw"),
                ("Uniqueid", "sup-1.1"),
            ]
        )
    )
    calls, _ = corr.feed(
        _ev(
            "ChanSpyStart",
            2e9 + 2.1,
            SpyerChannel=spy["Channel"],
            SpyerUniqueid="sup-1.1",
            SpyerLinkedid="sup-1.1",
            SpyeeLinkedid=agent_lid,
        )
    )
    by_id = {c["linkedid"]: c for c in calls}
    assert by_id["sup-1.1"]["supervisor_leg_of"] == agent_lid
    assert by_id[agent_lid]["supervisor_legs"][0]["mode"] == "whisper"
    # the supervisor hangs up: ChanSpyStop without the spyee (older app_chanspy)
    calls, _ = corr.feed(_ev("ChanSpyStop", 2e9 + 32.1, SpyerUniqueid="sup-1.1"))
    (leg,) = calls[0]["supervisor_legs"]
    assert (leg["extension"], leg["duration_seconds"]) == ("9000", 30)


def test_supervisor_conference_leg():
    """hotline_conference: the caller and the agent are redirected into a
    ConfBridge room, the supervisor's phone is originated into it (fields of
    ConfbridgeJoin/Leave as in the confbridge capture)."""
    corr = CallCorrelator()
    events = events_of("inbound_answered")
    corr.feed_many(events[:80])
    (lid,) = corr.open_calls()
    channels = {
        e.get("Channel"): e.get("Uniqueid")
        for e in events[:80]
        if e.get("Event") == "Newchannel"
    }
    t0 = 2e9
    for channel, uid in channels.items():
        if channel.endswith(";2"):
            corr.feed(
                _ev(
                    "ConfbridgeJoin",
                    t0,
                    Conference="78101",
                    Channel=channel,
                    Uniqueid=uid,
                    Linkedid=lid,
                    Admin="No",
                )
            )
    sup = {
        "Channel": "PJSIP/9000-0000002b",
        "Uniqueid": "sup-2.1",
        "Linkedid": "sup-2.1",
    }
    corr.feed(_ev("Newchannel", t0 + 1, Context="internal", Exten="s", **sup))
    calls, _ = corr.feed(
        _ev("ConfbridgeJoin", t0 + 3, Conference="78101", Admin="No", **sup)
    )
    by_id = {c["linkedid"]: c for c in calls}
    assert by_id["sup-2.1"]["supervisor_leg_of"] == lid
    calls, _ = corr.feed(
        _ev("ConfbridgeLeave", t0 + 48, Conference="78101", Admin="No", **sup)
    )
    (leg,) = calls[0]["supervisor_legs"]
    assert (leg["extension"], leg["mode"], leg["duration_seconds"]) == (
        "9000",
        "conference",
        45,
    )


def test_conference_of_callers_has_no_supervisor_leg():
    """The confbridge capture: three inbound callers in one room stay three
    calls (nobody is a supervisor)."""
    calls, _live = CallCorrelator().feed_many(events_of("conference"))
    assert len(calls) == 3
    assert all(c["direction"] == "inbound" for c in calls)
    assert not any(c["supervisor_legs"] or c.get("supervisor_leg_of") for c in calls)


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
