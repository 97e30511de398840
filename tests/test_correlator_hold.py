"""Hold time per agent leg from AMI (issue 19): the CTI hold (the caller
redirected to the hold context's MusicOnHold()), the phone's own Hold/Unhold,
a hold across a transfer, a hold still on at the hang-up."""

import time

import pytest
from pbx import cti_actions
from pbx.ami_client import AmiClient
from pbx.ami_protocol import AmiMessage
from pbx.correlator import CallCorrelator
from pbx.simulator import AmiSimulator
from pbx.simulator.scenarios import render

LINKEDID = "pbx-1.1"
CUSTOMER = {"Channel": "PJSIP/trunk-0001", "Uniqueid": "pbx-1.1"}
AGENT = {"Channel": "PJSIP/8001-0002", "Uniqueid": "pbx-1.2"}
AGENT2 = {"Channel": "PJSIP/8002-0003", "Uniqueid": "pbx-1.3"}


def ev(name, ts, channel, **fields):
    pairs = [("Event", name), ("Timestamp", f"{ts:.6f}"), ("Linkedid", LINKEDID)]
    return AmiMessage(pairs + list(channel.items()) + list(fields.items()))


def answered_call():
    """A caller (from-pstn) answered by agent 8001 at t=110."""
    return [
        ev("Newchannel", 100, CUSTOMER, Context="from-pstn", Exten="4008000001",
           CallerIDNum="13800138000"),
        ev("QueueCallerJoin", 102, CUSTOMER, Context="from-pstn", Queue="support"),
        # the queue's own music while waiting is no hold
        ev("MusicOnHoldStart", 102, CUSTOMER, Context="from-pstn", Class="default"),
        ev("MusicOnHoldStop", 110, CUSTOMER, Context="from-pstn"),
        ev("Newchannel", 105, AGENT, Context="agents", Exten="8001"),
        ev("AgentConnect", 110, CUSTOMER, DestChannel=AGENT["Channel"],
           Queue="support", HoldTime="8"),
    ]  # fmt: skip


def cti_hold(start, stop):
    """The CTI hold: the caller redirected to hotline-hold (MusicOnHold), then
    back to the agent."""
    return [
        ev("MusicOnHoldStart", start, CUSTOMER, Context="hotline-hold", Exten="s",
           Class="default"),
        ev("MusicOnHoldStop", stop, CUSTOMER, Context="hotline-hold", Exten="s"),
    ]  # fmt: skip


def hangups(ts, *channels):
    return [ev("Hangup", ts, channel, Context="x", Cause="16") for channel in channels]


def final(events, **kwargs):
    calls, _live = CallCorrelator(**kwargs).feed_many(events)
    (call,) = calls
    return call


def test_a_leg_held_twice():
    events = answered_call() + cti_hold(130, 145) + cti_hold(200, 230)
    call = final(events + hangups(300, CUSTOMER, AGENT))
    # 15 s + 30 s, two holds; the queue's music before the answer is not hold
    assert call["agent_holds"] == {"8001": [45, 2]}
    assert call["talk_seconds"] == 190


def test_phone_hold_and_cti_hold_overlapping_count_once():
    events = answered_call() + [
        ev("Hold", 120, AGENT, Context="agents", MusicClass="default"),
        ev("MusicOnHoldStart", 125, CUSTOMER, Context="hotline-hold", Class="x"),
        ev("Unhold", 130, AGENT, Context="agents"),
        ev("MusicOnHoldStop", 140, CUSTOMER, Context="hotline-hold"),
    ]
    call = final(events + hangups(150, CUSTOMER, AGENT))
    assert call["agent_holds"] == {"8001": [20, 1]}


def test_hold_still_on_at_the_hang_up():
    events = answered_call() + [ev("Hold", 200, AGENT, Context="agents")]
    # the caller hangs up first, the agent's channel last: the call ends at 260
    call = final(events + hangups(250, CUSTOMER) + hangups(260, AGENT))
    assert call["agent_holds"] == {"8001": [60, 1]}
    # the caller in the hold context hangs up: the call's end closes it
    events = answered_call() + cti_hold(200, 999)[:1]
    call = final(events + hangups(230, CUSTOMER, AGENT))
    assert call["agent_holds"] == {"8001": [30, 1]}


def test_hold_across_a_blind_transfer_belongs_to_the_holder():
    """8001 holds the caller, transfers blind to 8002 while the caller hears
    the hold music; the hold ends when 8002 takes the caller off it (the
    music stops): 8001's leg has it, 8002 holds once more on its own."""
    events = answered_call() + cti_hold(120, 150)[:1] + [
        ev("BlindTransfer", 125, {}, TransfererLinkedid=LINKEDID,
           TransfererChannel=AGENT["Channel"], Extension="8002", Result="Success"),
        ev("Newchannel", 126, AGENT2, Context="agents", Exten="8002"),
        ev("BridgeEnter", 140, AGENT2, Context="agents", ChannelState="6"),
    ] + cti_hold(120, 150)[1:] + [
        ev("Hold", 170, AGENT2, Context="agents"),
        ev("Unhold", 175, AGENT2, Context="agents"),
    ]  # fmt: skip
    call = final(events + hangups(200, CUSTOMER, AGENT, AGENT2))
    assert call["agents"] == ["8001", "8002"]
    assert call["agent_holds"] == {"8001": [30, 1], "8002": [5, 1]}


def test_hold_across_the_attended_transfer_capture():
    """Capture attended_transfer: the atxfer feature raises Hold on the
    transferer's channel; it never sends Unhold, the transferer hangs up to
    complete the transfer: that hang-up ends the hold."""
    events = [
        AmiMessage(p)
        for _t, p in render(
            "attended_transfer", caller="13912345678", did="4008000001", agent="8101"
        )
    ]
    hold = next(e for e in events if e.get("Event") == "Hold")
    end = next(
        e
        for e in events
        if e.get("Event") == "Hangup" and e.get("Uniqueid") == hold.get("Uniqueid")
    )
    expected = float(end.get("Timestamp")) - float(hold.get("Timestamp"))
    call = final(events)
    assert call["agents"] == ["8101", "8002"]
    assert call["agent_holds"] == {"8101": [round(expected), 1]}


def test_no_hold_without_an_agent_or_outside_the_hold_contexts():
    # the queue's music only (the caller abandons)
    call = final(answered_call()[:4] + hangups(120, CUSTOMER))
    assert "agent_holds" not in call
    # music in another context (an IVR's) after the answer is no CTI hold;
    # a hold context of the PBX's own is
    events = answered_call() + [
        ev("MusicOnHoldStart", 130, CUSTOMER, Context="my-hold", Class="default"),
        ev("MusicOnHoldStop", 140, CUSTOMER, Context="my-hold"),
    ]
    assert "agent_holds" not in final(events + hangups(150, CUSTOMER, AGENT))
    call = final(events + hangups(150, CUSTOMER, AGENT), hold_contexts={"my-hold"})
    assert call["agent_holds"] == {"8001": [10, 1]}


def test_replayed_hold_events_change_nothing():
    events = answered_call() + cti_hold(130, 145) + hangups(300, CUSTOMER, AGENT)
    corr = CallCorrelator()
    (first,), _ = corr.feed_many(events)
    again, _live = corr.feed_many(events)
    assert again == []
    assert corr.snapshot(LINKEDID)["agent_holds"] == {"8001": [15, 1]}
    assert first["agent_holds"] == {"8001": [15, 1]}


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0, auth_fail_delay=0.05).start()
    yield simulator
    simulator.stop()


def test_simulator_cti_hold_and_phone_hold_events(sim):
    """The CTI hold's Redirect into hotline-hold makes the simulator send what
    res_musiconhold.c publishes (Newexten MusicOnHold, MusicOnHoldStart with
    Class; MusicOnHoldStop when redirected out), the phone's hold key
    Hold/Unhold; the correlator makes them the agent's hold time."""
    seen = []
    with AmiClient(
        "127.0.0.1", sim.port, "odoo", "secret", on_event=seen.append
    ) as ami:
        thread = sim.run_scenario("inbound_answered", speed=1.0)
        deadline = time.time() + 10
        while time.time() < deadline and not any(
            e.get("Event") == "AgentConnect" for e in seen
        ):
            time.sleep(0.05)
        _resp, channels = ami.action_list("CoreShowChannels")
        live = [c for c in channels if c.get("Linkedid") == thread.linkedid]
        customer = next(c for c in live if c.get("Context") == "from-pstn")
        agent = next(c for c in live if "@agents" in c.get("Channel", ""))
        action, fields = cti_actions.hold(customer.get("Channel"), "hotline-hold")
        assert ami.action(action, **fields).get("Response") == "Success"
        assert sim.phone_hold(agent.get("Channel"))
        time.sleep(0.3)
        assert sim.phone_hold(agent.get("Channel"), hold=False)
        action, fields = cti_actions.redirect(
            customer.get("Channel"), "internal", "8002"
        )
        assert ami.action(action, **fields).get("Response") == "Success"
        assert not sim.phone_hold("PJSIP/none-0001")
        time.sleep(0.3)
    names = [(e.get("Event"), e.get("Channel")) for e in seen]
    start = names.index(("MusicOnHoldStart", customer.get("Channel")))
    moh = seen[start]
    assert (moh.get("Context"), moh.get("Exten"), moh.get("Class")) == (
        "hotline-hold",
        "s",
        "default",
    )
    assert moh.get("Linkedid") == thread.linkedid
    newexten = seen[start - 1]
    assert (newexten.get("Event"), newexten.get("Application")) == (
        "Newexten",
        "MusicOnHold",
    )
    assert names.index(("Hold", agent.get("Channel"))) > start
    assert names.index(("Unhold", agent.get("Channel"))) > start
    stop = names.index(("MusicOnHoldStop", customer.get("Channel")))
    assert stop > start
    corr = CallCorrelator()
    corr.feed_many(seen)
    held = corr.snapshot(thread.linkedid)["agent_holds"]
    ext = corr.agent_extension(agent.get("Channel"))
    assert list(held) == [ext] and held[ext][1] == 1
    moh_time = float(seen[stop].get("Timestamp")) - float(moh.get("Timestamp"))
    assert held[ext][0] == round(moh_time)
