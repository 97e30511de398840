"""Asterisk's voicemail spool, read as app_voicemail writes it.

Each message is ``<context>/<mailbox>/INBOX/msgNNNN.txt`` (an ini file with a
``[message]`` section: callerid, origtime, duration, msg_id, ...) beside its audio
(``msgNNNN.wav``, ``.WAV``, ``.gsm``...). AMI says nothing of the file, so the
connector side finds new messages here. Format: apps/app_voicemail.c (make_file,
the "Message Information file" it writes); sample in the capture
queue_ringnoanswer_voicemail/voicemail_files.txt.
"""

import configparser
import logging
import os
import re
from datetime import datetime, timezone

_logger = logging.getLogger(__name__)

AUDIO_EXTENSIONS = (".wav", ".WAV", ".wav49", ".gsm", ".ulaw", ".alaw")
CALLERID = re.compile(r"<([^>]*)>")


class BadMessageInfo(ValueError):
    pass


def parse_message_info(text):
    """The ``[message]`` section of a msgNNNN.txt as a dict of clean values."""
    parser = configparser.ConfigParser(
        interpolation=None, comment_prefixes=(";", "#"), strict=False
    )
    try:
        parser.read_string(text)
        section = parser["message"]
        origtime = int(section.get("origtime", ""))
    except (configparser.Error, KeyError, ValueError) as exc:
        raise BadMessageInfo(f"not a voicemail message file: {exc}") from exc
    callerid = section.get("callerid", "").strip()
    match = CALLERID.search(callerid)
    number = (match.group(1) if match else callerid.strip('"')).strip()
    try:
        duration = int(section.get("duration") or 0)
    except ValueError:
        duration = 0
    return {
        "msg_id": section.get("msg_id") or f"{origtime}-{section.get('origmailbox')}",
        "caller_number": number,
        "mailbox": "@".join(
            p for p in (section.get("origmailbox"), section.get("context")) if p
        ),
        "exten": section.get("exten", ""),
        "received_at": datetime.fromtimestamp(origtime, tz=timezone.utc).replace(
            tzinfo=None
        ),
        "duration": duration,
    }


def scan_spool(root):
    """Yield ``(info, audio_relative_path)`` for every message in the INBOX folders
    under ``root``; unreadable message files are logged and skipped."""
    if not root or not os.path.isdir(root):
        return
    for context in sorted(os.listdir(root)):
        for mailbox in sorted(
            os.listdir(os.path.join(root, context))
            if os.path.isdir(os.path.join(root, context))
            else []
        ):
            inbox = os.path.join(root, context, mailbox, "INBOX")
            if not os.path.isdir(inbox):
                continue
            for name in sorted(os.listdir(inbox)):
                if not (name.startswith("msg") and name.endswith(".txt")):
                    continue
                stem = os.path.join(inbox, name[:-4])
                audio = next(
                    (
                        stem + ext
                        for ext in AUDIO_EXTENSIONS
                        if os.path.isfile(stem + ext)
                    ),
                    None,
                )
                if audio is None:
                    continue  # audio not written yet: taken on the next scan
                try:
                    with open(stem + ".txt", encoding="utf-8", errors="replace") as f:
                        info = parse_message_info(f.read())
                except (OSError, BadMessageInfo) as exc:
                    _logger.warning("Voicemail %s skipped: %s", stem + ".txt", exc)
                    continue
                yield info, os.path.relpath(audio, root)
