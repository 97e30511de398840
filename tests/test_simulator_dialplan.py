"""The simulator knows its dialplan: what Asterisk refuses, it refuses.

Redirect to a context that does not exist: "Redirect successful", then the
channel is hung up (capture coreshowchannels_live_and_redirect_invalid_context);
Originate to an extension that does not exist: "Extension does not exist."
(main/manager.c action_originate). The shipped dialplan sends a caller the
connector could not serve to the fallback (queue, then voicemail).
"""

import threading
import time
from pathlib import Path

import pytest
from pbx.ami_client import AmiClient
from pbx.ami_protocol import AmiParser
from pbx.simulator import AmiSimulator
from pbx.simulator.agi_caller import AgiCaller
from pbx.simulator.dialplan import SHIPPED_DIALPLAN, Dialplan, pattern_match

CAPTURE = Path(
    "/work/shared/asterisk/coreshowchannels_live_and_redirect_invalid_context"
)
LINKEDID = "odoo-test-pbx-1796194195.0"
HALF_1 = "Local/8001@agents-00000000;1"
HALF_2 = "Local/8001@agents-00000000;2"


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0, auth_fail_delay=0).start()
    yield simulator
    simulator.stop()


def _local_call(sim):
    """The Local channel pair of the capture, as the simulator tracks it."""
    for channel, uniqueid in ((HALF_1, LINKEDID), (HALF_2, LINKEDID[:-1] + "1")):
        sim.broadcast(
            sim._event(
                "Newchannel",
                "call",
                [
                    ("Channel", channel),
                    ("ChannelState", "6"),
                    ("ChannelStateDesc", "Up"),
                    ("CallerIDNum", "13800138000"),
                    ("Context", "agents"),
                    ("Exten", "8001"),
                    ("Priority", "5"),
                    ("Uniqueid", uniqueid),
                    ("Linkedid", LINKEDID),
                ],
            )
        )


def _session(sim):
    events = []
    lock = threading.Lock()

    def on_event(msg):
        with lock:
            events.append(msg)

    ami = AmiClient("127.0.0.1", sim.port, "odoo", "secret", on_event=on_event)
    return ami, events


def _hangups(events):
    return [
        (e.get("Event"), e.get("Channel"), e.get("Cause"))
        for e in events
        if e.get("Event") in ("SoftHangupRequest", "HangupRequest", "Hangup")
    ]


def test_redirect_to_missing_context_succeeds_then_hangs_up(sim):
    ami, events = _session(sim)
    with ami:
        _local_call(sim)
        resp = ami.action(
            "Redirect",
            Channel=HALF_2,
            Context="from-internal",
            Exten="8001",
            Priority="1",
        )
        assert resp.get("Response") == "Success"
        assert resp.get("Message") == "Redirect successful"
        deadline = time.monotonic() + 3
        while len(_hangups(events)) < 4 and time.monotonic() < deadline:
            time.sleep(0.02)
        _resp, channels = ami.action_list("CoreShowChannels")
    expected = [
        ("SoftHangupRequest", HALF_2, "16"),
        ("HangupRequest", HALF_1, "0"),
        ("Hangup", HALF_2, "0"),
        ("Hangup", HALF_1, "0"),
    ]
    assert _hangups(events) == expected
    hangup = next(e for e in events if e.get("Event") == "Hangup")
    # the redirected channel dies where it was sent
    assert (hangup.get("Context"), hangup.get("Exten"), hangup.get("Cause-txt")) == (
        "from-internal",
        "8001",
        "Unknown",
    )
    assert not channels
    if CAPTURE.exists():
        real = AmiParser().feed((CAPTURE / "ami.raw").read_bytes())
        after = real[[m.get("ActionID") for m in real].index("redirect-bad") :]
        assert _hangups(after) == expected
        real_hangup = next(m for m in after if m.get("Event") == "Hangup")
        assert real_hangup.get("Context") == "from-internal"


def test_redirect_to_existing_context_keeps_the_channel(sim):
    ami, events = _session(sim)
    with ami:
        _local_call(sim)
        resp = ami.action(
            "Redirect", Channel=HALF_2, Context="internal", Exten="8002", Priority="1"
        )
        assert resp.get("Message") == "Redirect successful"
        time.sleep(0.2)
        _resp, channels = ami.action_list("CoreShowChannels")
    assert not _hangups(events)
    assert {c.get("Channel") for c in channels} == {HALF_1, HALF_2}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"Exten": "8001", "Priority": "1"}, "Context not specified"),
        ({"Context": "internal", "Priority": "1"}, "Exten not specified"),
        ({"Context": "internal", "Exten": "8001"}, "Priority not specified"),
        (
            {"Context": "internal", "Exten": "8001", "Priority": "0"},
            "Priority is invalid",
        ),
    ],
)
def test_redirect_argument_errors_as_manager_c(sim, fields, message):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        _local_call(sim)
        with pytest.raises(Exception, match=message):
            ami.action("Redirect", Channel=HALF_2, **fields)
    assert HALF_2 in sim.channels


def test_originate_to_missing_extension_is_refused(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        with pytest.raises(Exception, match="Extension does not exist."):
            ami.action(
                "Originate",
                Channel="Local/8001@agents",
                Context="from-internal",
                Exten="13800138000",
                Priority="1",
                Async="true",
            )
        resp = ami.action(
            "Originate",
            Channel="Local/8001@agents",
            Context="click2dial",
            Exten="13800138000",
            Priority="1",
            Async="true",
        )
        assert resp.get("Message") == "Originate successfully queued"
    assert sim.calls_started == 1


def test_simulator_configured_with_the_shipped_dialplan():
    sim = AmiSimulator(speed=0, auth_fail_delay=0, dialplan=SHIPPED_DIALPLAN)
    with sim, AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        with pytest.raises(Exception, match="Extension does not exist."):
            ami.action(
                "Originate",
                Channel="PJSIP/8001",
                Context="click2dial",
                Exten="13800138000",
                Priority="1",
                Async="true",
            )
        resp = ami.action(
            "Originate",
            Channel="PJSIP/8001",
            Context="outbound",
            Exten="13800138000",
            Priority="1",
            Async="true",
        )
        assert resp.get("Response") == "Success"


def test_dialplan_patterns_and_includes():
    assert pattern_match("_8XXX", "8003")
    assert not pattern_match("_8XXX", "80031")
    assert pattern_match("_X.", "13800138000")
    assert not pattern_match("_X.", "1")  # "." is one or more characters
    assert pattern_match("_[1-3]N!", "12")
    assert pattern_match("s", "s") and not pattern_match("s", "t")
    plan = Dialplan.load(SHIPPED_DIALPLAN)
    # an agent extension in the outbound context rings the phone, not the trunk
    steps = plan._find("outbound", "8003")
    assert steps[0][2:] == ("Dial", "PJSIP/${EXTEN},30,tT")
    steps = plan._find("outbound", "13800138000")
    assert ("Dial", "PJSIP/${EXTEN}@trunk,60,tT") in [s[2:] for s in steps]
    assert plan.exists("hotline-hold", "s")
    assert plan.exists("hotline-conference", "78001")
    assert not plan.exists("internal", "13800138000")


def test_shipped_dialplan_sends_an_unserved_caller_to_the_fallback():
    plan = Dialplan.load(SHIPPED_DIALPLAN)
    agi_priority = next(
        p
        for p, _l, app, _d in plan.contexts["from-pstn"]["extens"]["_X."]
        if app == "AGI"
    )
    fallback = [
        ("Queue", "support,t,,,300"),
        ("VoiceMail", "8000@default,u"),
        ("Hangup", ""),
    ]
    for variables in (
        {"AGISTATUS": "SUCCESS", "HOTLINE_AGI_ERROR": "NoFlow"},
        {"AGISTATUS": "FAILURE"},
        {"AGISTATUS": "NOTFOUND"},
    ):
        assert plan.run_after("from-pstn", "4008123456", agi_priority, variables) == (
            fallback
        ), variables
    done = {"AGISTATUS": "SUCCESS"}
    assert plan.run_after("from-pstn", "4008123456", agi_priority, done) == [
        ("Hangup", "")
    ]


def test_agi_caller_continues_in_the_dialplan():
    """An AGI script that sets HOTLINE_AGI_ERROR and returns: the simulated
    channel goes on in the shipped dialplan, to the queue."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]

    def script():
        conn, _addr = server.accept()
        rfile = conn.makefile("rb")
        while rfile.readline().strip():
            pass
        conn.sendall(b"SET VARIABLE HOTLINE_AGI_ERROR NoFlow\n")
        rfile.readline()
        conn.close()
        server.close()

    thread = threading.Thread(target=script, daemon=True)
    thread.start()
    caller = AgiCaller("127.0.0.1", port, did="4008123456", dialplan=SHIPPED_DIALPLAN)
    caller.run()
    thread.join(5)
    assert caller.variables["AGISTATUS"] == "SUCCESS"
    assert caller.after_agi[0] == ("Queue", "support,t,,,300")
