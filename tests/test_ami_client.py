"""AmiClient against the simulator: actions, lists, events, errors, reconnects."""

import logging
import socket
import threading
import time

import pytest
from pbx.ami_client import (
    AmiActionError,
    AmiAuthError,
    AmiClient,
    AmiConnectionRefused,
    AmiTimeout,
)
from pbx.ami_client import (
    test_connection as ami_test_connection,
)
from pbx.simulator import AmiSimulator


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0, auth_fail_delay=0.05).start()
    yield simulator
    simulator.stop()


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_login_ping_and_context_manager(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        assert ami.banner == "Asterisk Call Manager/11.0.0"
        pong = ami.action("Ping")
        assert pong.get("Ping") == "Pong"
        assert pong.get("ActionID").startswith("ping-")
    assert not ami.connected


def test_action_error_carries_asterisk_message(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        with pytest.raises(AmiActionError) as err:
            ami.action("QueuePause", Queue="support")
        assert err.value.message == "Need 'Interface' and 'Paused' parameters."
        with pytest.raises(AmiActionError, match="Invalid/unknown command: FooBar"):
            ami.action("FooBar")
        with pytest.raises(AmiActionError, match="No such channel"):
            ami.action("Hangup", Channel="PJSIP/none-0001")


def test_action_list_collects_until_complete(sim):
    with AmiClient("127.0.0.1", sim.port, "odoo", "secret") as ami:
        response, events = ami.action_list("QueueStatus", Queue="support")
        assert response.get("EventList") == "start"
        assert [e.get("Event") for e in events] == ["QueueParams", "QueueMember"]
        assert all(e.get("ActionID") == response.get("ActionID") for e in events)
        response, events = ami.action_list("CoreShowChannels")
        assert events == []


def test_events_reach_callback_and_originate_response(sim):
    received = []
    with AmiClient(
        "127.0.0.1", sim.port, "odoo", "secret", on_event=received.append
    ) as ami:
        resp = ami.action(
            "Originate",
            Channel="Local/8001@agents",
            Context="click2dial",
            Exten="13800138000",
            Async="true",
        )
        assert resp.get("Message") == "Originate successfully queued"
        assert wait_for(
            lambda: any(e.get("Event") == "OriginateResponse" for e in received)
        )
        orig = next(e for e in received if e.get("Event") == "OriginateResponse")
        assert orig.get("ActionID") == resp.get("ActionID")
        assert orig.get("Response") == "Success" and orig.get("Reason") == "4"


@pytest.mark.parametrize(
    ("channel", "exten", "response", "reason"),
    [
        ("Local/8008@agents", "13800138000", "Failure", "5"),
        ("Local/8001@agents", "13600136000", "Failure", "3"),
    ],
)
def test_originate_failures_as_in_captures(sim, channel, exten, response, reason):
    received = []
    with AmiClient(
        "127.0.0.1", sim.port, "odoo", "secret", on_event=received.append
    ) as ami:
        ami.action(
            "Originate",
            Channel=channel,
            Context="click2dial",
            Exten=exten,
            Async="true",
        )
        assert wait_for(
            lambda: any(e.get("Event") == "OriginateResponse" for e in received)
        )
    orig = next(e for e in received if e.get("Event") == "OriginateResponse")
    assert (orig.get("Response"), orig.get("Reason")) == (response, reason)


def test_events_off_gets_no_events(sim):
    received, watched = [], []
    with (
        AmiClient(
            "127.0.0.1", sim.port, "odoo", "secret", on_event=watched.append
        ) as watcher,
        AmiClient(
            "127.0.0.1",
            sim.port,
            "odoo",
            "secret",
            events=False,
            on_event=received.append,
        ) as ami,
    ):
        before = len(watched)
        call = sim.run_scenario("queue_abandoned", wait=True)
        # the scenario's events reached a session with events on ...
        assert wait_for(lambda: len(watched) - before >= call.event_count)
        # ... and this session's answer to an action sent afterwards came back:
        # anything sent to it before that answer has been read
        assert ami.action("Ping").get("Ping") == "Pong"
        assert watcher.connected
    assert received == []


def test_connection_helper_reasons(sim):
    ok, message = ami_test_connection("127.0.0.1", sim.port, "odoo", "secret", 2)
    assert ok and message.startswith("Connected to Asterisk Call Manager/11.0.0")
    ok, message = ami_test_connection("127.0.0.1", sim.port, "odoo", "wrong", 2)
    assert (
        not ok
        and message
        == "Login refused for user 'odoo': bad credentials (Authentication failed)"
    )
    port = _free_port()
    ok, message = ami_test_connection("127.0.0.1", port, "odoo", "secret", 2)
    assert not ok and message == f"Connection refused by 127.0.0.1:{port}"
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        ok, message = ami_test_connection(
            "127.0.0.1", silent.getsockname()[1], "odoo", "secret", 0.3
        )
    finally:
        silent.close()
    assert not ok and message.startswith("No AMI banner from") and "0.3 s" in message


def test_exceptions_types(sim):
    with pytest.raises(AmiConnectionRefused):
        AmiClient("127.0.0.1", _free_port(), "odoo", "x").connect()
    client = AmiClient("127.0.0.1", sim.port, "odoo", "bad")
    client.connect()
    with pytest.raises(AmiAuthError):
        client.login()
    client.close()


def test_action_timeout():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve():
        conn, _ = server.accept()
        conn.sendall(b"Asterisk Call Manager/11.0.0\r\n")
        time.sleep(1.5)
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    client = AmiClient("127.0.0.1", server.getsockname()[1], "odoo", "x", timeout=0.3)
    client.connect()
    with pytest.raises(AmiTimeout, match="no response from the PBX after 0.3 s"):
        client.login()
    client.close()
    server.close()


def test_watchdog_reconnects_after_drop_and_resyncs(sim, caplog):
    connects = []
    client = AmiClient(
        "127.0.0.1",
        sim.port,
        "odoo",
        "secret",
        backoff_initial=0.05,
        on_connect=lambda c: connects.append(time.monotonic()),
    )
    with caplog.at_level(logging.INFO):
        client.start()
        assert wait_for(lambda: len(connects) == 1)
        sim.drop_connections()
        assert wait_for(lambda: len(connects) == 2)
        assert client.action("Ping").get("Ping") == "Pong"
    client.close()
    assert client.reconnects == 1
    assert "AMI connection lost" in caplog.text


def test_watchdog_pbx_down_at_start_then_up(caplog):
    port = _free_port()
    client = AmiClient(
        "127.0.0.1", port, "odoo", "secret", backoff_initial=0.05, backoff_max=0.2
    )
    with caplog.at_level(logging.WARNING):
        client.start()
        time.sleep(0.3)
        assert not client.connected
        sim = AmiSimulator(port=port, speed=0).start()
        try:
            assert client.wait_connected(5)
        finally:
            client.close()
            sim.stop()
    assert f"Connection refused by 127.0.0.1:{port}" in caplog.text


def test_dead_reader_is_detected_and_restarted(sim, caplog):
    """A reader killed by an unexpected exception is noticed, never silent."""
    connects = []
    client = AmiClient(
        "127.0.0.1",
        sim.port,
        "odoo",
        "secret",
        backoff_initial=0.05,
        on_connect=lambda c: connects.append(1),
    )
    client.start()
    assert wait_for(lambda: len(connects) == 1)

    def boom(data):
        raise RuntimeError("parser bug")

    client.parser.feed = boom
    with caplog.at_level(logging.WARNING):
        sim.run_scenario("queue_abandoned", wait=True)
        assert wait_for(lambda: len(connects) == 2)
    client.close()
    assert "reader crashed" in caplog.text
