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
