"""Issue 20's CTI controls without Odoo: the emergency call, the agent's
three-way call (ConfBridge) and forced login, against the AMI simulator.

The simulator's ConfBridge follows Asterisk 20/22: apps/app_confbridge.c
(join_conference_bridge(): ConfbridgeStart for a new room, then
ConfbridgeJoin; leave_conference()/conf_ended(): ConfbridgeLeave then
ConfbridgeEnd for the last one), apps/confbridge/confbridge_manager.c (the
fields: Conference, bridge snapshot, channel snapshot, Admin) and
main/manager.c action_redirect() (its checks and answers)."""

import time

import pytest
from pbx import cti_actions
from pbx.ami_client import AmiActionError, AmiClient
from pbx.correlator import CallCorrelator
from pbx.simulator import AmiSimulator

CUSTOMER = "Local/4008123459@from-pstn-00000001;1"
AGENT = "Local/8001@agents-00000002;1"
LINKEDID = "pbx-sim-1.10"
BRIDGE_FIELDS = [
    "BridgeUniqueid",
    "BridgeType",
    "BridgeTechnology",
    "BridgeCreator",
    "BridgeName",
    "BridgeNumChannels",
    "BridgeVideoSourceMode",
]


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0, auth_fail_delay=0.05).start()
    yield simulator
    simulator.stop()


def live_call(sim):
    """A caller bridged to agent 8001 (the two channels CoreShowChannels lists)."""
    for channel, uniqueid, number, context, exten in (
        (CUSTOMER, LINKEDID, "13800138000", "from-pstn", "4008123459"),
        (AGENT, LINKEDID + "1", "8001", "agents", "8001"),
    ):
        sim.broadcast(
            sim._event(
                "Newchannel",
                "call",
                [
                    ("Channel", channel),
                    ("ChannelState", "6"),
                    ("ChannelStateDesc", "Up"),
                    ("CallerIDNum", number),
                    ("Context", context),
                    ("Exten", exten),
                    ("Uniqueid", uniqueid),
                    ("Linkedid", LINKEDID),
                ],
            )
        )


def wait_for(received, predicate, seconds=3):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate(received):
            return True
        time.sleep(0.01)
    return False


def conf_events(received):
    return [e for e in received if (e.get("Event") or "").startswith("Confbridge")]


# -- the plain decisions -------------------------------------------------------
def test_duty_supervisor_designated_first_then_longest_logged_in():
    people = [
        {"id": 1, "extension": "9000", "logged_in_at": "2026-01-05 08:30:00"},
        {"id": 2, "extension": "9001", "logged_in_at": "2026-01-05 07:55:00"},
        {"id": 3, "extension": "9002", "logged_in_at": None},
        {"id": 4, "extension": "", "logged_in_at": "2026-01-05 06:00:00"},
    ]
    pick = cti_actions.pick_duty_supervisor
    assert pick(people, designated_id=3)["id"] == 3
    # logged in the longest, with an extension
    assert pick(people)["id"] == 2
    # a designated supervisor without a phone is skipped
    assert pick(people, designated_id=4)["id"] == 2
    # never the agent who pressed the button (a supervisor may be on the phones)
    assert pick(people, exclude_id=2)["id"] == 1
    assert pick(people[2:]) is None
    assert pick([]) is None


def test_party_and_emergency_fields():
    channel = cti_actions.third_party_channel("13800138000", "outbound")
    assert channel == "Local/13800138000@outbound"
    caller_id = cti_actions.emergency_caller_id("8001")
    assert caller_id == '"EMERGENCY 8001" <8001>'
    assert cti_actions.party_join(channel, "78001", caller_id) == {
        "Channel": "Local/13800138000@outbound",
        "Application": "ConfBridge",
        "Data": "78001",
        "CallerID": caller_id,
    }
    fields = cti_actions.emergency_call(
        "PJSIP/8001", "9000", "hotline-emergency", caller_id
    )
    assert (fields["Channel"], fields["Context"], fields["Exten"]) == (
        "PJSIP/8001",
        "hotline-emergency",
        "9000",
    )
    assert fields["Priority"] == 1


# -- the simulator answers the three-way call as Asterisk does -----------------
def test_three_way_call_join_add_party_and_agent_drops_out(sim):
    received = []
    with (
        AmiClient("127.0.0.1", sim.port, "odoo", "secret", on_event=received.append),
        AmiClient("127.0.0.1", sim.port, "odoo", "secret", events=False) as ami,
    ):
        live_call(sim)
        assert wait_for(received, lambda r: len(r) >= 2)
        action, fields = cti_actions.conference_redirect(
            AGENT, CUSTOMER, "hotline-conference", "78001"
        )
        resp = ami.action(action, **fields)
        assert resp.get("Message") == "Dual Redirect successful"
        assert wait_for(received, lambda r: len(conf_events(r)) >= 3)
        start, join_agent, join_caller = conf_events(received)
        assert start.get("Event") == "ConfbridgeStart"
        assert [k for k, _v in start.pairs][4:] == ["Conference", *BRIDGE_FIELDS]
        assert (join_agent.get("Channel"), join_caller.get("Channel")) == (
            AGENT,
            CUSTOMER,
        )
        keys = [k for k, _v in join_agent.pairs]
        # Conference, the bridge snapshot, the channel snapshot, Admin
        assert keys[4:12] == ["Conference", *BRIDGE_FIELDS]
        assert keys[-1] == "Admin" and join_agent.get("Admin") == "No"
        assert join_agent.get("Context") == "hotline-conference"
        assert join_agent.get("Exten") == "78001"
        assert join_caller.get("BridgeNumChannels") == "2"
        assert join_caller.get("BridgeUniqueid") == start.get("BridgeUniqueid")

        # the third party: Originate straight into the room
        party = cti_actions.party_join(
            cti_actions.third_party_channel("13800138000", "click2dial"),
            "78001",
            '"8001" <8001>',
        )
        resp = ami.action(
            "Originate", **cti_actions.async_originate(party, 30), action_id="x-1"
        )
        assert resp.get("Message") == "Originate successfully queued"
        assert wait_for(received, lambda r: len(conf_events(r)) >= 4)
        join_party = conf_events(received)[3]
        assert join_party.get("Channel").startswith("Local/13800138000@click2dial")
        assert join_party.get("BridgeNumChannels") == "3"
        response = next(e for e in received if e.get("Event") == "OriginateResponse")
        assert (response.get("Response"), response.get("ActionID")) == (
            "Success",
            "x-1",
        )

        # the agent drops out: Hangup of their channel, the others stay
        action, fields = cti_actions.hangup(AGENT)
        assert ami.action(action, **fields).get("Message") == "Channel Hungup"
        assert wait_for(received, lambda r: any(e.get("Event") == "Hangup" for e in r))
        tail = [
            e.get("Event")
            for e in received
            if e.get("Channel") == AGENT
            and e.get("Event") in ("ConfbridgeLeave", "Hangup")
        ]
        assert tail == ["ConfbridgeLeave", "Hangup"]
        assert sim.conferences["78001"]["members"][0] == CUSTOMER
        assert len(sim.conferences["78001"]["members"]) == 2
        assert CUSTOMER in sim.channels

        # the caller hangs up, then the third party: the room ends
        ami.action("Hangup", Channel=CUSTOMER)
        (spyer,) = sim.spies
        ami.action("Hangup", Channel=spyer)
        assert wait_for(
            received,
            lambda r: any(e.get("Event") == "ConfbridgeEnd" for e in r),
        )
    names = [e.get("Event") for e in conf_events(received)]
    assert names == [
        "ConfbridgeStart",
        "ConfbridgeJoin",
        "ConfbridgeJoin",
        "ConfbridgeJoin",
        "ConfbridgeLeave",
        "ConfbridgeLeave",
        "ConfbridgeLeave",
        "ConfbridgeEnd",
    ]
    assert not sim.conferences

    # the call log: one call, the third party a conference leg of it
    calls, _live = CallCorrelator().feed_many(received)
    customer_calls = [c for c in calls if c["linkedid"] == LINKEDID]
    assert customer_calls
    call = customer_calls[-1]
    assert (call["direction"], call["caller_number"]) == ("inbound", "13800138000")
    legs = call["supervisor_legs"]
    assert [leg["mode"] for leg in legs] == ["conference"]
    assert legs[0]["ended_at"] is not None
    assert all(
        not c.get("supervisor_leg_of") or c["linkedid"] != LINKEDID for c in calls
    )


def test_redirect_and_originate_errors_like_asterisk(sim):
    received = []
    with (
        AmiClient("127.0.0.1", sim.port, "odoo", "secret", on_event=received.append),
        AmiClient("127.0.0.1", sim.port, "odoo", "secret", events=False) as ami,
    ):
        action, fields = cti_actions.conference_redirect(
            "Local/8009@agents-0000ffff;1", None, "hotline-conference", "78009"
        )
        with pytest.raises(AmiActionError, match="No such channel"):
            ami.action(action, **fields)
        live_call(sim)
        assert wait_for(received, lambda r: len(r) >= 2)
        action, fields = cti_actions.conference_redirect(
            AGENT, "Local/gone@from-pstn-1;1", "hotline-conference", "78001"
        )
        with pytest.raises(
            AmiActionError, match="ExtraChannel does not exist: Local/gone"
        ):
            ami.action(action, **fields)
        # an Originate to an extension the dialplan lacks is refused at once
        with pytest.raises(AmiActionError, match="Extension does not exist"):
            ami.action(
                "Originate",
                **cti_actions.emergency_call(
                    AGENT.split("-")[0], "9000", "nosuch-emergency", '"E" <8001>'
                ),
            )
        # a Local channel into an unknown context: queued, then a Failure
        party = cti_actions.party_join(
            "Local/13800138000@nosuch-context", "78001", '"8001" <8001>'
        )
        resp = ami.action(
            "Originate", **cti_actions.async_originate(party, 30), action_id="x-2"
        )
        assert resp.get("Message") == "Originate successfully queued"
        assert wait_for(
            received,
            lambda r: any(e.get("Event") == "OriginateResponse" for e in r),
        )
        response = next(e for e in received if e.get("Event") == "OriginateResponse")
        assert (response.get("Response"), response.get("Reason")) == (
            "Failure",
            "0",
        )
        assert not conf_events(received)
        # nothing was moved by the refused redirects
        assert AGENT in sim.channels and CUSTOMER in sim.channels


def test_emergency_call_when_idle_dials_the_emergency_context(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret", events=False) as ami:
        fields = cti_actions.emergency_call(
            "Local/8001@agents",
            "9000",
            "hotline-emergency",
            cti_actions.emergency_caller_id("8001"),
        )
        resp = ami.action("Originate", **cti_actions.async_originate(fields, 30))
        assert resp.get("Message") == "Originate successfully queued"


def test_forced_login_refusals_are_app_queue_answers(sim):
    """A supervisor's forced login sends the agent's QueueAdds: app_queue's
    refusals reach the supervisor, the queues added are taken back."""
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        actions = cti_actions.queue_actions(
            "Local/8003@agents", [("support", 0), ("nosuchqueue", 1)], "login", "A"
        )
        with pytest.raises(AmiActionError, match="No such queue") as caught:
            cti_actions.apply_membership(ami, actions)
        assert caught.value.fields["Queue"] == "nosuchqueue"
        assert "Local/8003@agents" not in sim.queues["support"]
        cti_actions.apply_membership(ami, actions[:1])
        assert "Local/8003@agents" in sim.queues["support"]


def test_shipped_dialplan_has_the_emergency_and_conference_contexts():
    """docker/asterisk/extensions.conf: what hotline.pbx's default contexts
    (emergency_context hotline-emergency, conference_context
    hotline-conference) send calls to."""
    from pbx.simulator.dialplan import SHIPPED_DIALPLAN, Dialplan

    plan = Dialplan.load(SHIPPED_DIALPLAN)
    assert plan.exists("hotline-emergency", "9000")
    dial = plan._find("hotline-emergency", "9000")[1][2:]
    assert dial[0] == "Dial"
    assert "b(hotline-emergency-autoanswer^s^1)" in dial[1]
    handler = [step[2:] for step in plan._find("hotline-emergency-autoanswer", "s")]
    # (the parser stops at the escaped ";" as it stops at a comment)
    assert handler[0][1].startswith("PJSIP_HEADER(add,Call-Info")
    assert handler[-1] == ("Return", "")
    sim = AmiSimulator(speed=0, auth_fail_delay=0.05, dialplan=SHIPPED_DIALPLAN)
    assert sim._conference_room("hotline-conference", "78001", 1) == "78001"
    assert sim._conference_room("hotline-hold", "s", 1) is None
