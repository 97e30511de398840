"""AMI framing: parser and serializer, against the real Asterisk 22 captures."""

import json
import logging
from pathlib import Path

import pytest
from pbx.ami_protocol import AmiMessage, AmiParser, parse_all, serialize_action

CAPTURES = Path("/work/shared/asterisk")


def _timeline_in(capture):
    out = []
    for line in (CAPTURES / capture / "timeline.jsonl").open():
        rec = json.loads(line)
        if rec["dir"] == "in" and rec["kind"] == "message":
            out.append([tuple(p) for p in rec["pairs"]])
    return out


needs_captures = pytest.mark.skipif(
    not CAPTURES.exists(), reason="captures not present"
)


@needs_captures
@pytest.mark.parametrize(
    "capture", ["login_ok", "queue_answered", "list_actions", "attended_transfer"]
)
def test_parser_matches_capture_timeline(capture):
    raw = (CAPTURES / capture / "ami.raw").read_bytes()
    parser = AmiParser()
    messages = parser.feed(raw)
    assert parser.banner == "Asterisk Call Manager/11.0.0"
    assert [m.pairs for m in messages] == _timeline_in(capture)


@needs_captures
def test_parser_byte_by_byte_same_result():
    raw = (CAPTURES / "login_ok" / "ami.raw").read_bytes()
    parser = AmiParser()
    messages = []
    for i in range(len(raw)):
        messages += parser.feed(raw[i : i + 1])
    assert [m.pairs for m in messages] == _timeline_in("login_ok")


def test_repeated_keys_and_order_kept():
    data = (
        b"Asterisk Call Manager/11.0.0\r\n"
        b"Response: Success\r\nActionID: c-1\r\nMessage: Command output follows\r\n"
        b"Output: line one\r\nOutput: \r\nOutput: line three\r\n\r\n"
        b"Event: Newchannel\r\nChannel: PJSIP/a-1\r\nChanVariable: DID=4008123456\r\n"
        b"ChanVariable: CRM_CALL_ID=\r\nVariable: A=1\r\nVariable: B=x=y\r\n\r\n"
    )
    resp, event = parse_all(data)
    assert resp.get_all("Output") == ["line one", "", "line three"]
    assert resp.get("actionid") == "c-1"
    assert event.chan_variables() == {"DID": "4008123456", "CRM_CALL_ID": ""}
    assert event.variables() == {"A": "1", "B": "x=y"}
    assert [k for k, _v in event.pairs] == [
        "Event",
        "Channel",
        "ChanVariable",
        "ChanVariable",
        "Variable",
        "Variable",
    ]
    assert event.get("Missing", "dflt") == "dflt"
    assert event.is_event and resp.is_response


def test_invalid_utf8_is_replaced_and_logged(caplog):
    parser = AmiParser(expect_banner=False)
    with caplog.at_level(logging.WARNING):
        (msg,) = parser.feed(
            b"Event: Newchannel\r\nCallerIDName: Zh\xff\xfeang\r\n\r\n"
        )
    assert msg.get("CallerIDName") == "Zh\ufffd\ufffdang"
    assert parser.decode_errors == 1
    assert "invalid UTF-8" in caplog.text


def test_oversized_frame_dropped_and_stream_recovers(caplog):
    parser = AmiParser(expect_banner=False, max_frame=1000)
    big = (
        b"Event: Junk\r\n"
        + b"".join(b"Output: %d %s\r\n" % (i, b"x" * 50) for i in range(100))
        + b"\r\n"
    )
    with caplog.at_level(logging.WARNING):
        out = parser.feed(big + b"Event: Ping\r\nX: 1\r\n\r\n")
    assert [m.get("Event") for m in out] == ["Ping"]
    assert parser.dropped_frames == 1
    assert caplog.text.count("oversized AMI frame dropped") == 1


def test_unterminated_huge_line_is_capped():
    parser = AmiParser(expect_banner=False, max_frame=1000)
    assert parser.feed(b"Event: X" + b"y" * 5000) == []
    assert parser.dropped_frames == 1
    assert len(parser._buf) == 0
    # the rest of that line and its frame are skipped, then parsing resumes
    out = parser.feed(b"tail\r\nKey: v\r\n\r\nEvent: Ok\r\n\r\n")
    assert [m.get("Event") for m in out] == ["Ok"]


def test_line_without_colon_kept_with_empty_key(caplog):
    with caplog.at_level(logging.WARNING):
        (msg,) = parse_all(
            b"Response: Follows\r\nfree text line\r\n\r\n", expect_banner=False
        )
    assert msg.pairs == [("Response", "Follows"), ("", "free text line")]
    assert "without colon" in caplog.text


def _hostile(n):
    return b"".join(
        b"Event: X\r\nno colon %d\r\nName: \xff%d\r\n\r\n" % (i, i)
        + b"Event: Big\r\n"
        + b"Output: "
        + b"z" * 2000
        + b"\r\n\r\n"
        for i in range(n)
    )


def test_hostile_frames_do_not_flood_the_log(caplog):
    """900k hostile frames once made 3.3 million WARNING records: each kind of
    bad input is logged once, then counted."""
    parser = AmiParser(expect_banner=False, max_frame=1000)
    with caplog.at_level(logging.WARNING):
        out = parser.feed(_hostile(2000))
    assert len(out) == 2000
    assert parser.bad_lines == parser.decode_errors == parser.dropped_frames == 2000
    assert len(caplog.records) == 3
    assert {r.levelname for r in caplog.records} == {"WARNING"}


def test_suppressed_warnings_are_summarised_once_per_period(caplog):
    now = [100.0]
    parser = AmiParser(
        expect_banner=False, max_frame=1000, log_period=60, clock=lambda: now[0]
    )
    with caplog.at_level(logging.WARNING):
        parser.feed(_hostile(50))
        now[0] += 30
        parser.feed(_hostile(50))
        assert len(caplog.records) == 3
        now[0] += 31  # the period is over: one summary per kind with the count
        parser.feed(_hostile(1))
    assert len(caplog.records) == 6
    summaries = [r.getMessage() for r in caplog.records[3:]]
    assert all("99 more not logged in the last 60 s" in m for m in summaries)
    assert any("without colon" in m for m in summaries)
    assert any("invalid UTF-8" in m for m in summaries)
    assert any("oversized AMI frame" in m for m in summaries)


def test_serialize_action_generates_action_id_and_repeats_lists():
    action_id, data = serialize_action(
        "Originate", Channel="Local/8001@agents", Variable=["A=1", "B=2"], Async=True
    )
    assert action_id.startswith("originate-")
    (msg,) = parse_all(data, expect_banner=False)
    assert msg.pairs == [
        ("Action", "Originate"),
        ("ActionID", action_id),
        ("Channel", "Local/8001@agents"),
        ("Variable", "A=1"),
        ("Variable", "B=2"),
        ("Async", "true"),
    ]
    _aid, _data = serialize_action("Ping")
    assert _aid != action_id


def test_serialize_strips_crlf_injection():
    _aid, data = serialize_action(
        "Command", action_id="x", Command="core show channels\r\nAction: Logoff"
    )
    (msg,) = parse_all(data, expect_banner=False)
    assert msg.get_all("Action") == ["Command"]
    assert msg.serialize() == data


def test_message_roundtrip():
    msg = AmiMessage([("Event", "Hangup"), ("Cause", "16"), ("ChanVariable", "DID=")])
    (again,) = parse_all(msg.serialize(), expect_banner=False)
    assert again == msg
    assert again.as_dict() == {"Event": "Hangup", "Cause": "16", "ChanVariable": "DID="}
