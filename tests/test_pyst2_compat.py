"""Each pyst2 0.5.1 Python 3 defect, reproduced against pyst2, and its fix."""

import contextlib
import io
import socket
import threading
import time

import pytest
from asterisk import agi as pyst2_agi
from asterisk import manager as pyst2_manager
from pbx.ami_client import AmiClient
from pbx.fastagi import FastAgiServer
from pbx.pyst2_compat import ThreadedAGI, fastagi_importable, parse_manager_lines
from pbx.simulator import AmiSimulator
from pbx.simulator.agi_caller import AgiCaller

EVENT_WITH_CHANVARIABLE = [
    "Event: Newchannel\r\n",
    "Privilege: call,all\r\n",
    "Channel: PJSIP/trunk-00000001\r\n",
    "ChanVariable: DID=4008123456\r\n",
    "ChanVariable: CRM_CALL_ID=crm-1\r\n",
]


def test_defect1_has_key_kills_manager_thread_and_fix():
    with pytest.raises(AttributeError, match="has_key"):
        pyst2_manager.ManagerMsg(EVENT_WITH_CHANVARIABLE)
    fixed = parse_manager_lines(EVENT_WITH_CHANVARIABLE)
    assert fixed.chan_variables() == {"DID": "4008123456", "CRM_CALL_ID": "crm-1"}


def test_defect1_live_manager_stops_delivering_events_and_amiclient_does_not(
    monkeypatch,
):
    crashes = []
    monkeypatch.setattr(
        threading, "excepthook", lambda args: crashes.append(args.exc_value)
    )
    sim = AmiSimulator(speed=0).start()
    try:
        pyst2_events = []
        mgr = pyst2_manager.Manager()
        mgr.connect("127.0.0.1", sim.port)
        mgr.login("odoo", "secret")
        mgr.register_event("*", lambda ev, _m: pyst2_events.append(ev.name))
        ours = []
        client = AmiClient(
            "127.0.0.1", sim.port, "odoo", "secret", on_event=ours.append
        )
        client.connect()
        client.login()
        sim.run_scenario("queue_abandoned", wait=True)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(ours) < 93:
            time.sleep(0.02)
        time.sleep(0.2)
        # pyst2: no event with a ChanVariable line was delivered ...
        assert "QueueMemberPause" in pyst2_events
        assert "Newchannel" not in pyst2_events
        # ... and nothing reaches it any more: a Ping is never answered
        answered = threading.Event()

        def ping():
            with contextlib.suppress(pyst2_manager.ManagerException, OSError):
                mgr.ping()
                answered.set()

        threading.Thread(target=ping, daemon=True).start()
        assert not answered.wait(1.0)
        # AmiClient got the whole capture and still answers
        assert len(ours) == 93
        assert client.action("Ping").get("Ping") == "Pong"
        client.close()
        # the message thread hangs in its finally (joining the reader) until the
        # socket closes; only then does the has_key AttributeError surface
        sim.stop()
        mgr.message_thread.join(5)
        assert not mgr.message_thread.is_alive()
        assert any(
            isinstance(e, AttributeError) and "has_key" in str(e) for e in crashes
        )
        mgr._running.clear()
    finally:
        sim.stop()


def test_defect2_repeated_keys_collapse_and_fix():
    lines = [
        "Response: Success\r\n",
        "Message: Command output follows\r\n",
        "Output: first\r\n",
        "Output: second\r\n",
        "Variable: A=1\r\n",
        "Variable: B=2\r\n",
    ]
    msg = pyst2_manager.ManagerMsg(lines)
    assert msg.headers["Output"] == "second"  # 'first' is lost
    assert msg.headers["Variable"] == "B=2"
    fixed = parse_manager_lines(lines)
    assert fixed.get_all("Output") == ["first", "second"]
    assert fixed.variables() == {"A": "1", "B": "2"}


ENV = b"agi_network: yes\nagi_network_script: ivr?flow=main\nagi_uniqueid: x.1\n\n"


def _in_thread(fn):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except (ValueError, TypeError, OSError) as exc:
            box["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(5)
    return box


def test_defect3_agi_outside_main_thread_and_fix():
    box = _in_thread(
        lambda: pyst2_agi.AGI(io.BytesIO(ENV), io.BytesIO(), io.StringIO())
    )
    assert isinstance(box.get("error"), ValueError)
    assert "main thread" in str(box["error"])
    box = _in_thread(lambda: ThreadedAGI(io.BytesIO(ENV), io.BytesIO()))
    assert box["value"].env["agi_network_script"] == "ivr?flow=main"


def test_defect4_writes_str_to_binary_stream_and_fix():
    agi = pyst2_agi.AGI.__new__(pyst2_agi.AGI)  # skip the SIGHUP handler (defect 3)
    agi.stdin, agi.stdout, agi.stderr = (
        io.BytesIO(b"200 result=0\n"),
        io.BytesIO(),
        io.StringIO(),
    )
    agi._got_sighup = False
    with pytest.raises(TypeError):
        agi.answer()
    out = io.BytesIO()
    fixed = ThreadedAGI(io.BytesIO(ENV + b"200 result=0\n"), out)
    assert fixed.answer() is None or True
    assert out.getvalue() == b"ANSWER\n"


def test_defect5_unsolicited_hangup_line_and_fix():
    # VERBOSE is answered by HANGUP + "200 result=1", GET VARIABLE by "(no)"
    responses = b"HANGUP\n200 result=1\n200 result=1 (no)\n"
    agi = pyst2_agi.AGI.__new__(pyst2_agi.AGI)
    agi.stdin, agi.stdout, agi.stderr = (
        io.BytesIO(responses),
        io.StringIO(),
        io.StringIO(),
    )
    agi._got_sighup = False
    with pytest.raises(ValueError, match="invalid literal for int"):
        agi.verbose("still there?")  # reads "HANGUP" as its response
    # ... and the stream is now one line off: GET VARIABLE gets VERBOSE's answer
    assert agi.get_variable("AGISIGHUP") == ""
    fixed = ThreadedAGI(io.BytesIO(ENV + responses), io.BytesIO())
    with pytest.raises(pyst2_agi.AGIHangup):
        fixed.verbose("still there?")
    fixed._got_sighup = False  # the script chooses to go on after the hangup
    assert fixed.get_variable("AGISIGHUP") == "no"


def test_defect5_511_raises_hangup():
    fixed = ThreadedAGI(
        io.BytesIO(
            ENV + b"511 Command Not Permitted on a dead channel or intercept routine\n"
        ),
        io.BytesIO(),
    )
    with pytest.raises(pyst2_agi.AGIHangup):
        fixed.channel_status()


def test_defect6_fastagi_does_not_import_and_replacement_serves():
    assert fastagi_importable() is False
    got = {}

    def handler(session):
        got["script"] = session.script
        session.answer()

    with FastAgiServer("127.0.0.1", 0, handler) as server:
        AgiCaller("127.0.0.1", server.port).run()
    assert got["script"] == "ivr"


def test_threaded_agi_on_real_socket_with_simulated_asterisk():
    """pyst2's helpers over ThreadedAGI in a server thread (what pyst2 cannot do)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    out = {}

    def serve():
        conn, _ = listener.accept()
        agi = ThreadedAGI(conn.makefile("rb"), conn.makefile("wb"))
        agi.answer()
        out["digit"] = agi.stream_file("menu", "12")
        out["var"] = agi.get_variable("DID")
        conn.close()

    thread = threading.Thread(target=serve)
    thread.start()
    AgiCaller("127.0.0.1", listener.getsockname()[1], dtmf="2").run()
    thread.join(5)
    listener.close()
    assert out == {"digit": "2", "var": "4008123458"}
