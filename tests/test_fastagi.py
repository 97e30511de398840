"""FastAGI server + session against the simulator's Asterisk side (AgiCaller)."""

import contextlib
import logging
import socket
import threading
import time

import pytest
from pbx.fastagi import AgiCommandError, AgiHangup, FastAgiServer, parse_response
from pbx.simulator.agi_caller import AgiCaller


@pytest.fixture
def server_factory():
    servers = []

    def make(handler):
        server = FastAgiServer("127.0.0.1", 0, handler).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def test_parse_response_forms():
    assert parse_response("200 result=0 endpos=11234") == (200, "0", None, 11234)
    assert parse_response("200 result=1 (4008123458)") == (200, "1", "4008123458", None)
    assert parse_response("200 result= (timeout)") == (200, "", "timeout", None)
    assert parse_response("510 Invalid or unknown command").code == 510
    assert parse_response("garbage").code == 0


def test_main_flow_like_capture(server_factory):
    """The fastagi_ivr capture's script, driven through the session helpers."""
    seen = {}
    done = threading.Event()

    def handler(session):
        seen["script"], seen["params"], seen["args"] = (
            session.script,
            session.params,
            session.args,
        )
        seen["env"] = dict(session.env)
        assert session.answer() == 0
        session.verbose("IVR main flow")
        seen["did"] = session.get_variable("DID")
        seen["unset"] = session.get_variable("NOT_SET_ANYWHERE")
        seen["first"] = session.stream_file("hello-world", "#")
        seen["second"] = session.stream_file("demo-congrats", "0123456789#*")
        seen["data"] = session.get_data("beep", 8000, 4)
        session.say_number(12345)
        session.say_digits("4321")
        session.set_variable("IVR_CHOICE", "1234")
        seen["full"] = session.get_full_variable("${IVR_CHOICE}-${CALLERID(num)}")
        with pytest.raises(AgiCommandError) as err:
            session.command("FOO BAR")
        seen["510"] = err.value.response.code
        with pytest.raises(AgiCommandError) as err:
            session.command("SAY NUMBER")
        seen["520"] = err.value.usage
        seen["dial"] = session.exec_("Dial", "Local/8003@agents,20")
        done.set()

    server = server_factory(handler)
    caller = AgiCaller("127.0.0.1", server.port, script="ivr?flow=main", dtmf="51234")
    caller.run()
    assert done.is_set()
    assert seen["script"] == "ivr" and seen["params"] == {"flow": "main"}
    assert seen["args"] == ["13800138000", "4008123458"]
    assert seen["env"]["agi_network"] == "yes"
    assert seen["did"] == "4008123458" and seen["unset"] is None
    assert (seen["first"], seen["second"]) == ("", "5")
    assert seen["data"] == ("1234", False)
    assert seen["full"] == "1234-13800138000"
    assert seen["510"] == 510
    assert seen["520"].startswith("520-Invalid command syntax") and seen[
        "520"
    ].endswith("520 End of proper usage.")
    assert seen["dial"] == -1
    assert caller.executed == [("Dial", "Local/8003@agents,20")]
    assert caller.closed_by == "server"
    assert ("out", 'STREAM FILE hello-world "#"') in caller.transcript


def test_get_data_timeout(server_factory):
    result = {}

    def handler(session):
        result["data"] = session.get_data("beep", 3000, 4)

    server = server_factory(handler)
    AgiCaller("127.0.0.1", server.port, dtmf="12").run()
    assert result["data"] == ("12", True)


@pytest.mark.parametrize("sighup", [True, False])
def test_hangup_during_stream_file(server_factory, sighup, caplog):
    """fastagi_ivr_hangup(_nosighup): -1 endpos, then HANGUP line (or not), 511."""
    outcome = {}

    def handler(session):
        try:
            session.stream_file("demo-congrats", "#")
        except AgiHangup as exc:
            outcome["first"] = str(exc)
        outcome["hung_up"] = session.hung_up
        # Asterisk still answers VERBOSE after a hangup (after HANGUP if AGISIGHUP=yes)
        try:
            session.verbose("still there?")
            outcome["verbose"] = "ok"
        except AgiHangup:
            outcome["verbose"] = "hangup"
        with pytest.raises(AgiHangup):
            session.channel_status()
        outcome["done"] = True

    server = server_factory(handler)
    caller = AgiCaller("127.0.0.1", server.port, hangup_after=1, sighup=sighup)
    with caplog.at_level(logging.INFO):
        caller.run()
    assert outcome["done"] and outcome["hung_up"]
    assert "result=-1" in outcome["first"]
    assert outcome["verbose"] == ("hangup" if sighup else "ok")
    assert (
        ("in", "HANGUP") in caller.transcript
        if sighup
        else ("in", "HANGUP") not in caller.transcript
    )


def test_handler_exception_logged_and_flagged(server_factory, caplog):
    def handler(session):
        session.answer()
        raise RuntimeError("flow broken")

    server = server_factory(handler)
    caller = AgiCaller("127.0.0.1", server.port)
    with caplog.at_level(logging.ERROR):
        caller.run()
    assert "FastAGI script 'ivr' failed" in caplog.text
    assert caller.variables["HOTLINE_AGI_ERROR"] == "RuntimeError"
    assert server.errors == 1


def test_concurrent_sessions(server_factory):
    results = []
    lock = threading.Lock()

    def handler(session):
        session.answer()
        digit = session.stream_file("menu", "123")
        with lock:
            results.append((session.caller_number, digit))

    server = server_factory(handler)
    callers = [
        AgiCaller(
            "127.0.0.1", server.port, caller=f"1380000{i:04d}", dtmf=str(i % 3 + 1)
        )
        for i in range(20)
    ]
    threads = [c.start() for c in callers]
    for t in threads:
        t.join(10)
    assert sorted(results) == sorted(
        (f"1380000{i:04d}", str(i % 3 + 1)) for i in range(20)
    )
    assert server.sessions == 20


def test_quote_prevents_command_injection(server_factory):
    def handler(session):
        session.set_variable("X", 'a"b\nHANGUP')

    server = server_factory(handler)
    caller = AgiCaller("127.0.0.1", server.port)
    caller.run()
    assert caller.commands == ['SET VARIABLE X "a\\"b HANGUP"']
    assert not caller.dead


def _ivr_call(server_factory, flow, backend=None, **caller_kw):
    """Run ``flow`` for one simulated call; its AMI side through the correlator."""
    from pbx.ami_protocol import AmiMessage
    from pbx.correlator import CallCorrelator
    from pbx.ivr_engine import IvrEngine

    server = server_factory(lambda session: IvrEngine(flow, backend).run(session))
    sim = AgiCaller("127.0.0.1", server.port, **caller_kw).run()
    calls, _live = CallCorrelator().feed_many(AmiMessage(e) for e in sim.ami_events)
    assert len(calls) == 1
    return sim, calls[0]


IVR_FLOW = {
    "id": 1,
    "languages": ["zh_CN"],
    "default_language": "zh_CN",
    "start": "bl",
    "fallback": {"type": "queue", "queue": "support"},
    "nodes": {
        "bl": {
            "type": "condition",
            "condition": "blacklist",
            "warn_prompt": {"zh_CN": "hotline/zh_CN/blacklist_warning"},
            "refuse_prompt": {"zh_CN": "hotline/zh_CN/blacklist_refused"},
            "next": "menu",
        },
        "menu": {
            "type": "menu",
            "prompt": {"zh_CN": "hotline/zh_CN/menu"},
            "options": {"1": "bye"},
            "retries_no_input": 0,
        },
        "bye": {"type": "hangup", "prompt": {"zh_CN": "hotline/zh_CN/bye"}},
    },
}


def test_how_the_ivr_ended_the_call_reaches_the_correlator(server_factory):
    """Asterisk shows the IVR's SET VARIABLE as a VarSet (fastagi_ivr capture):
    the call the IVR ended is not recorded as abandoned in the IVR."""
    from pbx.ivr_engine import IvrBackend

    class Refuse(IvrBackend):
        def check_blacklist(self, number):
            return {"action": "refuse"}

    sim, call = _ivr_call(server_factory, IVR_FLOW, Refuse())
    assert 'STREAM FILE hotline/zh_CN/blacklist_refused ""' in sim.commands
    assert call["disposition"] == "refused_blacklist"
    # the goodbye of a hang-up node
    sim, call = _ivr_call(server_factory, IVR_FLOW, dtmf="1")
    assert call["disposition"] == "ended_by_ivr"
    # the caller hangs up at the menu: abandoned in the IVR
    sim, call = _ivr_call(server_factory, IVR_FLOW, hangup_after=2)
    assert call["disposition"] == "abandoned_ivr"
    # an event filter dropping VarSet: the Hangup's ChanVariable still says it
    sim, call = _ivr_call(server_factory, IVR_FLOW, Refuse())
    from pbx.ami_protocol import AmiMessage
    from pbx.correlator import CallCorrelator

    calls, _live = CallCorrelator().feed_many(
        AmiMessage(e) for e in sim.ami_events if e[0] != ("Event", "VarSet")
    )
    assert calls[0]["disposition"] == "refused_blacklist"


# -- hostile clients (issue 11 item 5): every resource a client can make the
# unauthenticated FastAGI port hold is bounded ---------------------------------

ENV = (
    b"agi_network: yes\nagi_network_script: ivr\nagi_channel: PJSIP/trunk-1\n"
    b"agi_uniqueid: 1.1\n\n"
)


def _closed_within(sock, seconds):
    """True when the server closes ``sock`` within ``seconds``."""
    sock.settimeout(seconds)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _connect(port, source="127.0.0.1"):
    sock = socket.socket()
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def _served(port):
    """A well-behaved Asterisk still gets its session answered."""
    with _connect(port) as sock:
        sock.sendall(ENV)
        sock.settimeout(5)
        return sock.makefile("rb").readline() == b"ANSWER\n"


def _answer(session):
    session.command("ANSWER")


def _wait(predicate, seconds=5):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


def test_line_without_newline_is_cut_at_max_line(server_factory, caplog):
    server = server_factory(_answer)
    with caplog.at_level(logging.WARNING), _connect(server.port) as sock:
        # 4 MB without newline: the server reads at most MAX_LINE bytes of it
        with contextlib.suppress(OSError):
            sock.sendall(b"agi_network: " + b"x" * (4 << 20))
        assert _closed_within(sock, 5)
    assert _wait(lambda: server.refusals == 1)
    assert "line longer than 8192 bytes" in caplog.text
    assert _served(server.port)


def test_endless_environment_is_refused(server_factory, caplog):
    server = server_factory(_answer)
    with caplog.at_level(logging.WARNING), _connect(server.port) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(b"agi_x: y\n" * 100_000)
        assert _closed_within(sock, 5)
    assert _wait(lambda: server.refusals == 1)
    assert "environment longer than 256 lines" in caplog.text
    assert server.sessions == 0 and _served(server.port)


def test_environment_must_finish_in_time_even_when_dripped(caplog):
    with FastAgiServer("127.0.0.1", 0, _answer, header_timeout=0.6) as server:
        with caplog.at_level(logging.WARNING), _connect(server.port) as sock:
            start = time.monotonic()
            closed = False
            # one byte every 0.1 s: each read is quick, the whole is too slow
            with contextlib.suppress(OSError):
                for byte in b"agi_network: yes\n" * 10:
                    sock.sendall(bytes([byte]))
                    time.sleep(0.1)
                    if time.monotonic() - start > 3:
                        break
            closed = _closed_within(sock, 3)
            assert closed and time.monotonic() - start < 3
        assert _wait(lambda: server.refusals == 1)
        assert "environment not sent in time" in caplog.text


def test_connections_capped_in_total_and_per_address_threads_bounded(caplog):
    threads_before = threading.active_count()
    with FastAgiServer(
        "127.0.0.1",
        0,
        _answer,
        max_connections=6,
        max_per_peer=4,
        workers=3,
        header_timeout=30,
    ) as server:
        with caplog.at_level(logging.WARNING):
            idle = [_connect(server.port) for _n in range(4)]
            # the fifth from the same address is closed at once
            extra = _connect(server.port)
            assert _closed_within(extra, 2)
            # another address still gets in, up to the total
            other = [_connect(server.port, "127.0.0.2") for _n in range(2)]
            third = _connect(server.port, "127.0.0.3")
            assert _closed_within(third, 2)
            for sock in idle + other:
                assert not _closed_within(sock, 0.05)
            assert server.connections == 6
            # 6 idle clients hold 3 pool threads, not 6
            assert threading.active_count() <= threads_before + 1 + 3
            for sock in idle + other + [extra, third]:
                sock.close()
        assert _wait(lambda: server.connections == 0)
        assert "too many connections from it (4)" in caplog.text
        assert "too many connections (6)" in caplog.text
        assert _served(server.port)
    assert server_backlog() >= 128


def server_backlog():
    from pbx.fastagi import _Server

    return _Server.request_queue_size


def test_only_configured_pbx_addresses_logged_once_per_period(caplog):
    with FastAgiServer(
        "127.0.0.1",
        0,
        _answer,
        allowed_peers=("127.0.0.5",),
        allow_loopback=False,
    ) as server:
        with caplog.at_level(logging.WARNING):
            for _n in range(5):
                with _connect(server.port) as sock:
                    sock.sendall(ENV)
                    assert _closed_within(sock, 2)
            assert _wait(lambda: server.refusals == 5)
        refused = [r for r in caplog.records if "not a configured PBX" in r.message]
        assert len(refused) == 1 and "127.0.0.1" in refused[0].message
        assert server.sessions == 0
        # the configured PBX address is served
        with _connect(server.port, "127.0.0.5") as sock:
            sock.sendall(ENV)
            sock.settimeout(5)
            assert sock.makefile("rb").readline() == b"ANSWER\n"
