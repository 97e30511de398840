"""Parsing Asterisk's voicemail spool (pbx/voicemail_spool.py), no Odoo needed."""

from datetime import datetime

import pytest
from pbx.voicemail_spool import BadMessageInfo, parse_message_info, scan_spool

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
        "mailbox": "8000@from-pstn",
        "exten": "4008123457",
        "received_at": datetime(2026, 11, 25, 18, 23, 43),
        "duration": 5,
    }


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
    found = list(scan_spool(str(tmp_path)))
    assert [(i["msg_id"], audio) for i, audio in found] == [
        ("1795631023-00000000", "default/8000/INBOX/msg0000.WAV")
    ]
    assert list(scan_spool(str(tmp_path / "missing"))) == []
