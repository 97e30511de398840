"""The PBX simulator speaks AMI like the Asterisk 22 captures."""

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pbx.ami_client import AmiClient
from pbx.ami_protocol import AmiParser, parse_all
from pbx.correlator import CallCorrelator
from pbx.simulator import SCENARIOS, AmiSimulator, render
from pbx.simulator.scenarios import COMPOSITE_SOURCES, template

CAPTURES = Path("/work/shared/asterisk")
ADDON = Path(__file__).resolve().parents[1] / "addons" / "hotline_callcenter"


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0, auth_fail_delay=0.05).start()
    yield simulator
    simulator.stop()


def raw_session(port, data, wait=0.3):
    sock = socket.create_connection(("127.0.0.1", port), timeout=3)
    sock.sendall(data)
    time.sleep(wait)
    sock.settimeout(0.3)
    received = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    except TimeoutError:
        pass
    sock.close()
    return received


def test_banner_login_ping_logoff_bytes_like_login_ok(sim):
    data = raw_session(
        sim.port,
        b"Action: Login\r\nActionID: login-1\r\nUsername: odoo\r\n"
        b"Secret: secret\r\nEvents: on\r\n\r\n"
        b"Action: Ping\r\nActionID: ping-2\r\n\r\nAction: Ping\r\n\r\n"
        b"Action: Logoff\r\nActionID: logoff-3\r\n\r\n",
    )
    assert data.startswith(b"Asterisk Call Manager/11.0.0\r\nResponse: Success\r\n")
    parser = AmiParser()
    msgs = parser.feed(data)
    assert msgs[0].pairs == [
        ("Response", "Success"),
        ("ActionID", "login-1"),
        ("Message", "Authentication accepted"),
    ]
    assert msgs[1].get("Event") == "FullyBooted" and "Timestamp" not in msgs[1]
    pings = [m for m in msgs if m.get("Ping") == "Pong"]
    assert [p.get("ActionID") for p in pings] == ["ping-2", None]
    assert [k for k, _ in pings[1].pairs] == ["Response", "Ping", "Timestamp"]
    assert msgs[-1].pairs == [
        ("Response", "Goodbye"),
        ("ActionID", "logoff-3"),
        ("Message", "Thanks for all the fish."),
    ]


def test_bad_secret_and_permission_denied_like_capture(sim):
    data = raw_session(
        sim.port,
        b"Action: CoreStatus\r\nActionID: corestatus-1\r\n\r\n"
        b"Action: Login\r\nActionID: login-2\r\nUsername: odoo\r\nSecret: nope\r\n\r\n",
    )
    if CAPTURES.exists():
        assert data == (CAPTURES / "login_bad_secret" / "ami.raw").read_bytes()
    msgs = parse_all(data)
    assert msgs[-1].get("Message") == "Authentication failed"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenarios_replay_whole_capture_with_fresh_ids(name):
    tpl = template(name)
    one = render(
        name, caller="13911112222", did="4008000009", agent="8123", action_id="x-1"
    )
    two = render(
        name, caller="13911112222", did="4008000009", agent="8123", action_id="x-1"
    )
    assert len(one) == len(tpl.events)
    ids_one = {dict(p).get("Linkedid") for _t, p in one} - {None}
    ids_two = {dict(p).get("Linkedid") for _t, p in two} - {None}
    assert ids_one and ids_one.isdisjoint(ids_two)
    text = json.dumps([p for _t, p in one])
    for old in tpl.uids:
        assert old not in text
    assert "13800138000" not in text
    # times follow the capture's timeline
    assert [round(t, 6) for t, _p in one] == [round(t, 6) for t, _n, _f in tpl.events]
    if CAPTURES.exists():
        capture = SCENARIOS[name][0]
        for source in COMPOSITE_SOURCES.get(capture, (capture,)):
            readme = (CAPTURES / source / "README.md").read_text()
            assert readme.startswith(f"# {source}")


def test_run_scenario_delivers_events_in_capture_order(sim):
    received = []
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret", on_event=received.append):
        thread = sim.run_scenario("inbound_answered", caller="13955556666", wait=True)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(received) < thread.event_count:
            time.sleep(0.01)
    names = [e.get("Event") for e in received if e.get("Linkedid") == thread.linkedid]
    assert (
        names.index("QueueCallerJoin")
        < names.index("AgentConnect")
        < names.index("Hangup")
    )
    calls, _live = CallCorrelator().feed_many(received)
    assert [c["caller_number"] for c in calls] == ["13955556666"]


def test_originate_response_reaches_every_session(sim):
    """manager.c fast_originate() broadcasts OriginateResponse (call class):
    the connector's session sees the result of an Originate sent by another
    session (the web request's, already closed), with its ActionID; an
    Originate without ActionID still gets one, without the ActionID line."""
    seen = []
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret", on_event=seen.append):
        with AmiClient("127.0.0.1", sim.port, "odoo", "secret", events=False) as web:
            response = web.action(
                "Originate",
                action_id="hotline-c2d-7-abc",
                Channel="Local/8008@agents",
                Context="click2dial",
                Exten="13900139000",
                Async="true",
            )
            assert response.get("Message") == "Originate successfully queued"
        raw_session(
            sim.port,
            b"Action: Login\r\nUsername: odoo\r\nSecret: secret\r\nEvents: off\r\n\r\n"
            b"Action: Originate\r\nChannel: Local/8009@agents\r\n"
            b"Exten: 13800138000\r\nContext: click2dial\r\nAsync: true\r\n\r\n",
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            responses = [e for e in seen if e.get("Event") == "OriginateResponse"]
            if len(responses) == 2:
                break
            time.sleep(0.01)
    by_reason = {e.get("Reason"): e for e in responses}
    busy, away = by_reason["5"], by_reason["3"]
    assert busy.get("ActionID") == "hotline-c2d-7-abc"
    assert (busy.get("Response"), busy.get("Channel")) == (
        "Failure",
        "Local/8008@agents",
    )
    assert (busy.get("Exten"), busy.get("Uniqueid")) == ("13900139000", "<unknown>")
    assert "ActionID" not in away
    assert away.get("Response") == "Failure"


def test_realtime_speed_spreads_the_call(sim):
    received = []
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret", on_event=received.append):
        start = time.monotonic()
        sim.run_scenario("click2dial_customer_busy", speed=4.0, wait=True)
        elapsed = time.monotonic() - start
    assert elapsed >= template("click2dial_customer_busy").duration / 4.0 * 0.9


def test_traffic_generator_rate_and_count(sim):
    received = []
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret", on_event=received.append):
        gen = sim.generate_traffic(50, count=20)
        gen.join(10)
        time.sleep(0.5)
    assert len(gen.calls) == 20
    calls, _ = CallCorrelator().feed_many(received)
    assert {c["linkedid"] for c in calls} >= {lid for _n, lid in gen.calls if lid}


def test_traffic_generator_answers_on_the_given_agents(sim):
    """Issue 12 item 9: the demo's traffic rang 8001-8004 while Odoo knew two
    agents; the connector passes the extensions of Odoo's agents."""
    agents = []
    run_scenario = sim.run_scenario

    def spy(name, **kwargs):
        agents.append(kwargs["agent"])
        return run_scenario(name, **kwargs)

    sim.run_scenario = spy
    gen = sim.generate_traffic(50, count=12, agents=["8101", "8102"])
    gen.join(10)
    assert gen.agents == ["8101", "8102"]
    assert len(agents) == 12
    assert set(agents) <= {"8101", "8102"}


def test_queue_actions_and_errors(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        assert (
            ami.action("QueueAdd", Queue="support", Interface="Local/8101@agents").get(
                "Message"
            )
            == "Added interface to queue"
        )
        assert (
            ami.action(
                "QueuePause",
                Queue="support",
                Interface="Local/8101@agents",
                Paused="true",
                Reason="Lunch",
            ).get("Message")
            == "Interface paused successfully"
        )
        _resp, items = ami.action_list("QueueStatus", Queue="support")
        member = next(i for i in items if i.get("Location") == "Local/8101@agents")
        assert member.get("Paused") == "1" and member.get("PausedReason") == "Lunch"
        assert (
            ami.action(
                "QueueRemove", Queue="support", Interface="Local/8101@agents"
            ).get("Message")
            == "Removed interface from queue"
        )
        resp = ami.action(
            "QueueRemove",
            Queue="support",
            Interface="Local/8101@agents",
            raise_on_error=False,
        )
        assert resp.get("Message") == "Unable to remove interface: Not there"
        assert ami.action("Reload").get("Response") == "Success"
        out = ami.action("Command", Command="core show channels")
        assert out.get("Message") == "Command output follows" and out.get_all("Output")


def test_channels_listed_and_hangup_action(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        sim.run_scenario("attended_transfer", speed=0, wait=False)
        thread = sim.run_scenario("inbound_answered", speed=1.0)
        time.sleep(1.0)
        _resp, channels = ami.action_list("CoreShowChannels")
        live = [c for c in channels if c.get("Linkedid") == thread.linkedid]
        assert live and all(c.get("ActionID") for c in live)
        resp = ami.action(
            "Redirect",
            Channel=live[0].get("Channel"),
            Context="internal",
            Exten="8002",
            Priority="1",
        )
        assert resp.get("Message") == "Redirect successful"
        resp = ami.action("Hangup", Channel=live[0].get("Channel"))
        assert resp.get("Message") == "Channel Hungup"


def _csc_blocks(data, action_id):
    """The CoreShowChannels answer to ``action_id`` in raw AMI bytes: the
    list ack, the channel items (sorted: Asterisk walks its channel container
    in hash order) and the completion, each as its exact bytes."""
    tag = f"ActionID: {action_id}\r\n".encode()
    blocks = [b + b"\r\n\r\n" for b in data.split(b"\r\n\r\n") if tag in b]
    items = sorted(b for b in blocks if b.startswith(b"Event: CoreShowChannel\r\n"))
    return blocks[0], items, blocks[-1]


def test_coreshowchannels_of_a_live_call_is_byte_for_byte_asterisk(sim):
    """Replay the capture's events up to its CoreShowChannels (channels 6 s
    old, as there), then ask: the answer is the capture's, byte for byte."""
    capture = CAPTURES / "coreshowchannels_live_and_redirect_invalid_context"
    raw = (capture / "ami.raw").read_bytes()
    msgs = parse_all(raw)
    asked = next(i for i, m in enumerate(msgs) if m.get("ActionID") == "csc")
    events = [
        m
        for m in msgs[:asked]
        if m.get("Timestamp") and m.get("Event") != "SuccessfulAuth"
    ]
    assert [m.get("Event") for m in events[:2]] == ["Newchannel", "Newchannel"]
    shift = time.time() - 6.5 - float(events[0].get("Timestamp"))
    sim.broadcast_many(
        [
            [
                (k, f"{float(v) + shift:.6f}" if k == "Timestamp" else v)
                for k, v in m.pairs
            ]
            for m in events
        ]
    )
    data = raw_session(
        sim.port,
        b"Action: Login\r\nActionID: login\r\nUsername: odoo\r\nSecret: secret\r\n"
        b"Events: off\r\n\r\nAction: CoreShowChannels\r\nActionID: csc\r\n\r\n",
    )
    ack, items, complete = _csc_blocks(data, "csc")
    want_ack, want_items, want_complete = _csc_blocks(raw, "csc")
    assert ack == want_ack
    assert items == want_items and len(items) == 2
    assert complete == want_complete
    # once hung up, the channels are no longer listed
    for m in msgs[asked:]:
        if m.get("Event") == "Hangup":
            sim.broadcast(m.pairs)
    data = raw_session(
        sim.port,
        b"Action: Login\r\nUsername: odoo\r\nSecret: secret\r\nEvents: off\r\n\r\n"
        b"Action: CoreShowChannels\r\nActionID: csc-after\r\n\r\n",
    )
    assert _csc_blocks(data, "csc-after") == _csc_blocks(raw, "csc-after")


def test_cli_runs(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pbx.simulator",
            "--port",
            "0",
            "--rate",
            "5",
            "--speed",
            "0",
            "--duration",
            "1",
        ],
        cwd=ADDON,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "AMI simulator on 127.0.0.1:" in proc.stderr


def test_cli_burst_waits_for_a_client_then_plays_the_rounds():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "pbx.simulator", "--port", str(port), "--speed", "0",
            "--scenario", "inbound_answered", "--count", "3", "--spread", "0.1",
            "--rounds", "2", "--agents", "8101,8102",
        ],
        cwd=ADDON, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    received = []
    client = AmiClient("127.0.0.1", port, "odoo", "secret", on_event=received.append)
    client.backoff_initial = 0.05
    client.start()
    try:
        assert proc.wait(30) == 0
    finally:
        client.close()
    calls, _live = CallCorrelator().feed_many(received)
    assert len(calls) == 6
    assert {c["agents"][0] for c in calls} == {"8101", "8102"}


def replay_capture(sim, name):
    """Send a capture's ``ami.sent`` bytes to the simulator; return what it
    answered and what Asterisk answered (``ami.raw``)."""
    sent = (CAPTURES / name / "ami.sent").read_bytes()
    expected = (CAPTURES / name / "ami.raw").read_bytes()
    sock = socket.create_connection(("127.0.0.1", sim.port), timeout=3)
    sock.sendall(sent)
    received = b""
    deadline = time.monotonic() + 5
    while len(received) < len(expected) and time.monotonic() < deadline:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    sock.close()
    return received, expected


def test_queue_member_refusals_byte_for_byte_like_capture():
    """QueueAdd twice, to an unknown queue, QueuePause of an unknown interface,
    QueueRemove twice: the answers of queue_member_refusals, byte for byte."""
    sim = AmiSimulator(secret="odoo", speed=0, auth_fail_delay=0.05).start()
    try:
        assert "Local/8003@agents" not in sim.queues["support"]
        received, expected = replay_capture(sim, "queue_member_refusals")
    finally:
        sim.stop()
    assert received == expected


def test_app_options_parsed_like_asterisk():
    """main/app.c parse_options(): unknown letters are logged and ignored,
    x(arg) takes an argument, a missing ")" stops the parsing."""
    from pbx.simulator.app_args import (
        QUEUE_OPTIONS,
        bridge_options,
        parse_options,
        split_app_args,
    )

    assert split_app_args('support,c"t,"m(a,b),,,60') == [
        "support",
        "ct,m(a,b)",
        "",
        "",
        "60",
    ]
    flags, values, warnings = parse_options("ctzm(jazz)", QUEUE_OPTIONS)
    assert flags == {"c", "t", "m"} and values == {"m": "jazz"}
    assert warnings == ["Unrecognized option: 'z'"]
    flags, _values, warnings = parse_options("tm(jazz", QUEUE_OPTIONS)
    assert flags == {"t"}
    assert warnings[0].startswith("Missing closing parenthesis for argument 'm'")
    assert bridge_options("Dial", "Local/8001@agents,30,tT") == ({"t", "T"}, [])
    assert bridge_options("Queue", "support") == (set(), [])
    assert bridge_options("Wait", "5") is None


def test_agi_exec_queue_checks_its_options():
    from pbx.simulator.agi_caller import AgiCaller

    caller = AgiCaller("127.0.0.1", 1)
    assert caller.respond('EXEC Queue "support,ctz,,,60"') == "200 result=0"
    assert caller.queue_entries == [{"queue": "support", "options": {"c", "t"}}]
    assert caller.warnings == ["Unrecognized option: 'z'"]
    assert caller.respond('EXEC Queue ""') == "200 result=-1"
    assert caller.warnings[-1] == "Queue requires an argument"


def _bridged_call(sim, app_event):
    """A caller and an agent leg of one call, the caller's Queue()/Dial()
    announced by ``app_event`` (a Newexten or AGIExecStart field list)."""
    linkedid = f"sim-{len(sim.channels)}.1"
    caller = f"PJSIP/trunk-{len(sim.channels):08x}"
    agent = f"Local/8001@agents-{len(sim.channels):08x};1"
    for channel, uniqueid in ((caller, linkedid), (agent, linkedid + "1")):
        sim.broadcast(
            sim._event(
                "Newchannel",
                "call",
                [("Channel", channel), ("Uniqueid", uniqueid), ("Linkedid", linkedid)],
            )
        )
    event, fields = app_event
    sim.broadcast(
        sim._event(
            event, "call", [("Channel", caller), ("Linkedid", linkedid)] + fields
        )
    )
    return caller, agent


@pytest.mark.parametrize(
    "app_event, allowed",
    [
        (("Newexten", [("Application", "Queue"), ("AppData", "support,tT,,,60")]), 1),
        (("Newexten", [("Application", "Queue"), ("AppData", "support,c")]), 0),
        (("Newexten", [("Application", "Dial"), ("AppData", "PJSIP/8001,30,T")]), 0),
        (("AGIExecStart", [("Command", 'EXEC Queue "support,ct"')]), 1),
        (("AGIExecStart", [("Command", 'EXEC Queue "support,c,,,60"')]), 0),
    ],
)
def test_atxfer_needs_the_transfer_right_of_the_bridge(sim, app_event, allowed):
    """Asterisk answers Atxfer the same either way (manager.c queues the
    digits); without "t" for the agent the digits reach the caller and there is
    no consultation call (issue 10)."""
    caller, agent = _bridged_call(sim, app_event)
    received = []
    with AmiClient(
        "127.0.0.1", sim.port, "odoo", "secret", on_event=received.append
    ) as ami:
        response = ami.action("Atxfer", Channel=agent, Exten="8002", Context="x")
        time.sleep(0.3)
    assert response.get("Message") == "Atxfer successfully queued"
    dtmf = [
        (e.get("Channel"), e.get("Digit"), e.get("Direction"))
        for e in received
        if e.get("Event") == "DTMFEnd"
    ]
    assert [d for c, d, direction in dtmf if c == agent] == list("*28002")
    sent_to_caller = [d for c, d, direction in dtmf if c == caller]
    held = [e.get("Channel") for e in received if e.get("Event") == "MusicOnHoldStart"]
    if allowed:
        assert not sent_to_caller and held == [caller]
    else:
        assert sent_to_caller == list("*28002") and not held
    assert sim.atxfers[-1]["consultation"] is bool(allowed)


def test_atxfer_refusals_like_manager_c(sim):
    _caller, agent = _bridged_call(
        sim, ("Newexten", [("Application", "Queue"), ("AppData", "support,t")])
    )
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        for fields, message in (
            ({"Exten": "8002"}, "No channel specified"),
            ({"Channel": agent}, "No extension specified"),
            (
                {"Channel": "PJSIP/nobody", "Exten": "1"},
                "Channel specified does not exist",
            ),
        ):
            resp = ami.action("Atxfer", raise_on_error=False, **fields)
            assert (resp.get("Response"), resp.get("Message")) == ("Error", message)
        sim.featuremap["atxfer"] = ""  # Asterisk's default features.conf
        resp = ami.action("Atxfer", raise_on_error=False, Channel=agent, Exten="1")
        assert resp.get("Message") == "No attended transfer feature code found"
    assert not sim.atxfers
