"""The AMI actions behind the CTI buttons (pbx/cti_actions.py), without Odoo."""

import json
from pathlib import Path

import pytest
from pbx import cti_actions
from pbx.ami_client import AmiActionError, AmiConnectionLost
from pbx.originate_tracker import OriginateTracker, make_action_id

CAPTURES = Path("/work/shared/asterisk")

# CoreShowChannels of an agent (Local channel pair) talking to a caller
CHANNELS = [
    {
        "Channel": "Local/4008123459@from-pstn-0000001a;2",
        "Uniqueid": "pbx-1.50",
        "Linkedid": "pbx-1.50",
    },
    {
        "Channel": "Local/8001@agents-0000001c;2",
        "Uniqueid": "pbx-1.53",
        "Linkedid": "pbx-1.50",
    },
    {
        "Channel": "Local/8001@agents-0000001c;1",
        "Uniqueid": "pbx-1.52",
        "Linkedid": "pbx-1.50",
    },
    {
        "Channel": "Local/8002@agents-0000001e;1",
        "Uniqueid": "pbx-1.60",
        "Linkedid": "pbx-1.60",
    },
]


class FakeAmi:
    """Answers actions from a script: ``refuse`` maps (action, queue) to the
    Message of a ``Response: Error``; ``lose_after`` drops the link."""

    def __init__(self, refuse=None, lose_after=None):
        self.refuse = refuse or {}
        self.lose_after = lose_after
        self.sent = []

    def action(self, name, raise_on_error=True, **fields):
        if self.lose_after is not None and len(self.sent) >= self.lose_after:
            raise AmiConnectionLost("gone")
        self.sent.append((name, fields))
        message = self.refuse.get((name, fields.get("Queue")))
        if message:
            response = {"Response": "Error", "Message": message}
            if raise_on_error:
                raise AmiActionError(message, response, name)
            return response
        return {"Response": "Success"}

    def action_list(self, name, **fields):
        class Item:
            def __init__(self, pairs):
                self.pairs = list(pairs.items())

        self.sent.append((name, fields))
        return {"Response": "Success"}, [Item(c) for c in CHANNELS]


def test_agent_channel_is_the_first_half_of_a_local_pair():
    chan = cti_actions.agent_channel(CHANNELS, "Local/8001@agents")
    assert chan["Channel"] == "Local/8001@agents-0000001c;1"
    assert cti_actions.agent_channel(CHANNELS, "Local/8003@agents") is None
    # a prefix of another phone's name is not that phone
    assert cti_actions.agent_channel(CHANNELS, "Local/800") is None


def test_peer_is_the_caller_of_the_same_call():
    agent = cti_actions.agent_channel(CHANNELS, "Local/8001@agents")
    peer = cti_actions.peer_channel(CHANNELS, agent)
    assert peer["Channel"] == "Local/4008123459@from-pstn-0000001a;2"
    alone = cti_actions.agent_channel(CHANNELS, "Local/8002@agents")
    assert cti_actions.peer_channel(CHANNELS, alone) is None


def test_live_channels_and_uniqueid():
    ami = FakeAmi()
    channels = cti_actions.live_channels(ami)
    assert ami.sent == [("CoreShowChannels", {})]
    assert cti_actions.channel_of_uniqueid(channels, "pbx-1.60") == (
        "Local/8002@agents-0000001e;1"
    )
    assert cti_actions.channel_of_uniqueid(channels, "") is None
    assert cti_actions.channel_of_uniqueid(channels, "pbx-9.99") is None


@pytest.mark.parametrize(
    ("mode", "options"), [("listen", "q"), ("whisper", "qw"), ("barge", "qB")]
)
def test_spy_options(mode, options):
    fields = cti_actions.spy("PJSIP/9000", "PJSIP/8001", mode, '"A" <8001>')
    assert fields == {
        "Channel": "PJSIP/9000",
        "Application": "ChanSpy",
        "Data": f"PJSIP/8001,{options}",
        "CallerID": '"A" <8001>',
    }


def test_spy_refuses_an_unknown_mode():
    with pytest.raises(KeyError):
        cti_actions.spy("PJSIP/9000", "PJSIP/8001", "shout", "")


def test_transfer_hold_hangup():
    assert cti_actions.transfer("C;1", "internal", "8002") == (
        "BlindTransfer",
        {"Channel": "C;1", "Context": "internal", "Exten": "8002"},
    )
    assert cti_actions.transfer("C;1", "outbound", "010", attended=True)[0] == (
        "Atxfer"
    )
    assert cti_actions.hold("P;2", "hotline-hold") == (
        "Redirect",
        {"Channel": "P;2", "Context": "hotline-hold", "Exten": "s", "Priority": 1},
    )
    assert cti_actions.hangup("C;1") == ("Hangup", {"Channel": "C;1", "Cause": 16})


def test_attended_transfer_needs_option_t():
    assert cti_actions.allows_atxfer("ct")
    assert cti_actions.allows_atxfer("")
    assert not cti_actions.allows_atxfer("c")


def test_conference_moves_both_parties_then_the_supervisor_joins():
    room = cti_actions.conference_room("8001", 7)
    assert room == "78001"
    assert cti_actions.conference_room(False, 7) == "77"
    action, fields = cti_actions.conference_redirect("A;1", "P;2", "conf", room)
    assert action == "Redirect"
    assert fields == {
        "Channel": "A;1",
        "Context": "conf",
        "Exten": room,
        "Priority": 1,
        "ExtraChannel": "P;2",
        "ExtraContext": "conf",
        "ExtraExten": room,
        "ExtraPriority": 1,
    }
    _action, alone = cti_actions.conference_redirect("A;1", None, "conf", room)
    assert "ExtraChannel" not in alone
    assert cti_actions.conference_join("PJSIP/9000", room) == {
        "Channel": "PJSIP/9000",
        "Application": "ConfBridge",
        "Data": room,
    }


def test_async_originate_never_waits_for_the_ring():
    fields = cti_actions.async_originate({"Channel": "PJSIP/9000"}, 20)
    assert fields == {"Channel": "PJSIP/9000", "Timeout": 20000, "Async": "true"}
    assert cti_actions.async_originate({}, 0)["Timeout"] == 30000


def test_dialable():
    assert cti_actions.dialable("010-6512 3456") == "01065123456"
    assert cti_actions.dialable("+86 138 0013 8000") == "13800138000"
    assert cti_actions.dialable("+1 650 253 0000") == "0016502530000"
    assert cti_actions.dialable("8002") == "8002"
    assert cti_actions.dialable("+1 650 253 0000", region="US") == "6502530000"
    with pytest.raises(cti_actions.NotDialable):
        cti_actions.dialable("call me")


def test_contexts():
    assert cti_actions.split_contexts(" from-pstn, ,sip ") == ["from-pstn", "sip"]
    assert cti_actions.bad_context_names(["ok-1", "no way", ""]) == ["no way", ""]
    contexts = cti_actions.correlator_contexts(
        "from-pstn,from-sip", "outbound", "internal", "Local/{extension}@agents"
    )
    assert contexts == {
        "inbound_contexts": frozenset({"from-pstn", "from-sip"}),
        "outbound_contexts": frozenset({"outbound"}),
        "agent_contexts": frozenset({"internal", "agents"}),
    }
    plain = cti_actions.correlator_contexts("a", "b", "c", "PJSIP/{extension}")
    assert plain["agent_contexts"] == frozenset({"c"})


def test_queue_actions_per_event():
    queues = [("support", 0), ("sales", 2)]
    login = cti_actions.queue_actions("PJSIP/8001", queues, "login", "Li Na")
    assert login[1] == (
        "QueueAdd",
        {
            "Queue": "sales",
            "Interface": "PJSIP/8001",
            "Penalty": "2",
            "MemberName": "Li Na",
            "StateInterface": "PJSIP/8001",
        },
    )
    pause = cti_actions.queue_actions("PJSIP/8001", queues, "pause", reason="Meal")
    assert [f["Paused"] for _a, f in pause] == ["true", "true"]
    assert pause[0][1]["Reason"] == "Meal"
    unpause = cti_actions.queue_actions("PJSIP/8001", queues, "unpause")
    assert unpause[0] == (
        "QueuePause",
        {"Queue": "support", "Interface": "PJSIP/8001", "Paused": "false"},
    )
    logout = cti_actions.queue_actions("PJSIP/8001", queues, "logout")
    assert [a for a, _f in logout] == ["QueueRemove", "QueueRemove"]
    with pytest.raises(ValueError):
        cti_actions.queue_actions("PJSIP/8001", queues, "dance")


def test_membership_already_there_is_success():
    already = cti_actions.ALREADY_DONE["QueueAdd"]
    ami = FakeAmi(refuse={("QueueAdd", "support"): already})
    actions = cti_actions.queue_actions(
        "PJSIP/8001", [("support", 0), ("sales", 0)], "login"
    )
    cti_actions.apply_membership(ami, actions)
    assert [a for a, _f in ami.sent] == ["QueueAdd", "QueueAdd"]


def test_membership_refused_takes_back_the_queues_added():
    ami = FakeAmi(refuse={("QueueAdd", "nosuch"): cti_actions.NO_SUCH_QUEUE})
    actions = cti_actions.queue_actions(
        "PJSIP/8001", [("support", 0), ("nosuch", 0), ("sales", 0)], "login"
    )
    with pytest.raises(AmiActionError) as caught:
        cti_actions.apply_membership(ami, actions)
    assert caught.value.message == cti_actions.NO_SUCH_QUEUE
    assert caught.value.action == "QueueAdd"
    assert caught.value.fields["Queue"] == "nosuch"
    # sales never tried, support taken back
    assert [(a, f["Queue"]) for a, f in ami.sent] == [
        ("QueueAdd", "support"),
        ("QueueAdd", "nosuch"),
        ("QueueRemove", "support"),
    ]


def test_membership_link_lost_reports_the_first_error():
    ami = FakeAmi(lose_after=1)
    actions = cti_actions.queue_actions(
        "PJSIP/8001", [("support", 0), ("sales", 0)], "login"
    )
    with pytest.raises(AmiConnectionLost) as caught:
        cti_actions.apply_membership(ami, actions)
    assert caught.value.fields["Queue"] == "sales"
    assert [a for a, _f in ami.sent] == ["QueueAdd"]


def test_tracker_reports_only_a_refused_supervisor_phone():
    """A ChanSpy Originate (capture chanspy): its answer ends the story, no
    "ended before dialled" result when the supervisor hangs up later."""
    action_id = make_action_id(5, "ab")
    tracker = OriginateTracker()
    answered = {
        "Event": "OriginateResponse",
        "ActionID": action_id,
        "Response": "Success",
        "Channel": "PJSIP/9000-00000001",
        "Application": "ChanSpy",
        "Data": "PJSIP/8001,q",
        "Reason": "4",
        "Uniqueid": "pbx-1.70",
    }
    assert tracker.feed(answered) == []
    hangup = {"Event": "Hangup", "Uniqueid": "pbx-1.70", "Cause": "16"}
    assert tracker.feed(hangup) == []
    assert not tracker.waiting
    busy = dict(answered, Response="Failure", Reason="5", Uniqueid="<unknown>")
    (result,) = tracker.feed(busy)
    assert (result["user_id"], result["leg"], result["outcome"]) == (5, "agent", "busy")


def test_tracker_on_the_captured_chanspy_stream():
    action_id = make_action_id(5, "ab")
    tracker = OriginateTracker()
    out = []
    for line in (CAPTURES / "chanspy" / "timeline.jsonl").read_text().splitlines():
        rec = json.loads(line)
        event = dict(rec.get("pairs") or [])
        if rec["dir"] != "in" or "Event" not in event:
            continue
        if event["Event"] == "OriginateResponse":
            event["ActionID"] = action_id
        out.extend(tracker.feed(event))
    assert out == []
    assert not tracker.waiting
