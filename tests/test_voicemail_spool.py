"""Parsing Asterisk's voicemail spool (pbx/voicemail_spool.py), no Odoo needed."""

import re
import time
from datetime import datetime
from pathlib import Path

import pytest
from pbx.ami_client import AmiClient
from pbx.simulator import AmiSimulator
from pbx.simulator.voicemail import leave_message
from pbx.voicemail_spool import BadMessageInfo, parse_message_info, scan_spool

CAPTURE = Path("/work/shared/asterisk/queue_ringnoanswer_voicemail")
CAPTURE_TXT = CAPTURE / "voicemail_files.txt"

MESSAGE = """;
; Message Information file
;
[message]
origmailbox=8000
context=from-pstn
exten=4008123457
callerid="13800138000" <13800138000>
origtime=1795631023
msg_id=1795631023-00000000
duration=5
"""


def test_parse_capture_message():
    info = parse_message_info(MESSAGE)
    assert info == {
        "msg_id": "1795631023-00000000",
        "caller_number": "13800138000",
        "mailbox": "8000",
        "channel": None,
        "exten": "4008123457",
        "received_at": datetime(2026, 11, 25, 18, 23, 43),
        "duration": 5,
    }


def test_parse_full_capture_file_names_channel_and_voicemail_context():
    """The whole msg0000.txt of the capture: ``context`` is the caller's
    dialplan context (from-pstn), the mailbox's context is its folder."""
    text = CAPTURE_TXT.read_text().split("==== ")[1].split("\n", 1)[1]
    info = parse_message_info(text, "default")
    assert info["mailbox"] == "8000@default"
    assert info["channel"] == "Local/4008123457@from-pstn-00000003;2"
    assert info["caller_number"] == "13800138000"
    copied = parse_message_info(text.replace(info["channel"], "Unknown"))
    assert copied["channel"] is None  # msg_create_from_file writes "Unknown"


def test_parse_plain_callerid_and_bad_duration():
    info = parse_message_info(
        MESSAGE.replace('"13800138000" <13800138000>', "02112345678").replace(
            "duration=5", "duration=abc"
        )
    )
    assert info["caller_number"] == "02112345678"
    assert info["duration"] == 0


@pytest.mark.parametrize(
    "text", ["", "garbage", "[message]\norigtime=yesterday\n", "[other]\na=1\n"]
)
def test_parse_rejects_bad_files(text):
    with pytest.raises(BadMessageInfo):
        parse_message_info(text)


def test_scan_spool(tmp_path):
    inbox = tmp_path / "default" / "8000" / "INBOX"
    inbox.mkdir(parents=True)
    (inbox / "msg0000.txt").write_text(MESSAGE)
    (inbox / "msg0000.WAV").write_bytes(b"x")
    (inbox / "msg0001.txt").write_text(MESSAGE)  # no audio yet
    (inbox / "msg0002.txt").write_text("garbage")
    (inbox / "msg0002.wav").write_bytes(b"x")
    (tmp_path / "stray-file").write_text("")
    urgent = tmp_path / "default" / "8000" / "Urgent"
    urgent.mkdir()
    (urgent / "msg0000.txt").write_text(MESSAGE.replace("00000000", "00000009"))
    (urgent / "msg0000.wav").write_bytes(b"x")
    old = tmp_path / "default" / "8000" / "Old"  # listened to: not new
    old.mkdir()
    (old / "msg0000.txt").write_text(MESSAGE.replace("00000000", "00000008"))
    (old / "msg0000.wav").write_bytes(b"x")
    found = list(scan_spool(str(tmp_path)))
    assert [(i["msg_id"], i["mailbox"], audio) for i, audio in found] == [
        ("1795631023-00000000", "8000@default", "default/8000/INBOX/msg0000.WAV"),
        ("1795631023-00000009", "8000@default", "default/8000/Urgent/msg0000.wav"),
    ]
    assert list(scan_spool(str(tmp_path / "missing"))) == []


def _keys(text):
    return re.findall(r"^(\w+)=", text, re.MULTILINE)


def test_simulator_writes_messages_as_app_voicemail(tmp_path):
    """The simulator's caller leaves a message as Asterisk 22 does: same keys
    in the same order as the capture's msg0000.txt, next msgNNNN, and
    VM_MESSAGEFILE names the file; the reader finds the call's channel."""
    sim = AmiSimulator(speed=0).start()
    try:
        sim.voicemail_spool = str(tmp_path)
        received = []
        with AmiClient(
            "127.0.0.1", sim.port, "odoo", "secret", on_event=received.append
        ):
            threads = [
                sim.run_scenario("voicemail", caller="13911112222", wait=True)
                for _n in range(2)
            ]
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline and len(received) < sum(
                t.event_count for t in threads
            ):
                time.sleep(0.01)
    finally:
        sim.stop()
    inbox = tmp_path / "default" / "8000" / "INBOX"
    assert sorted(p.name for p in inbox.iterdir()) == [
        "msg0000.txt",
        "msg0000.wav",
        "msg0001.txt",
        "msg0001.wav",
    ]
    capture = CAPTURE_TXT.read_text().split("==== ")[1].split("\n", 1)[1]
    text = (inbox / "msg0000.txt").read_text()
    assert text.startswith(";\n; Message Information file\n;\n[message]\n")
    assert _keys(text) == _keys(capture)
    origdate = r"^origdate=\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d [AP]M UTC \d{4}$"
    assert re.search(origdate, text, re.MULTILINE)
    files = [e.get("Value") for e in received if e.get("Variable") == "VM_MESSAGEFILE"]
    assert files == [
        "/var/spool/asterisk/voicemail/default/8000/INBOX/msg0000",
        "/var/spool/asterisk/voicemail/default/8000/INBOX/msg0001",
    ]
    ran = [e.get("Channel") for e in received if e.get("Application") == "VoiceMail"]
    infos = [info for info, _audio in scan_spool(str(tmp_path))]
    assert [i["channel"] for i in infos] == ran
    assert len(set(ran)) == 2
    assert {i["caller_number"] for i in infos} == {"13911112222"}
    assert len({i["msg_id"] for i in infos}) == 2
    assert all(i["duration"] == 5 for i in infos)


def test_leave_message_callerid_and_folder(tmp_path):
    path = leave_message(
        str(tmp_path),
        "8100@sales&8000",
        "PJSIP/trunk-0000002a",
        "",
        "02112345678",
        "from-pstn",
        "4008123456",
        3,
        end_time=1795631028.7,
        duration=4,
    )
    assert path == "/var/spool/asterisk/voicemail/sales/8100/INBOX/msg0000"
    text = (tmp_path / "sales" / "8100" / "INBOX" / "msg0000.txt").read_text()
    assert "callerid=02112345678\n" in text
    assert "origtime=1795631024\n" in text
    assert "origdate=Wed Nov 25 06:23:44 PM UTC 2026\n" in text
