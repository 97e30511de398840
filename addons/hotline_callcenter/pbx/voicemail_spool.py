"""Asterisk's voicemail spool, read as app_voicemail writes it.

Each message is ``<vm context>/<mailbox>/<folder>/msgNNNN.txt`` (an ini file
with a ``[message]`` section) beside its audio (``msgNNNN.wav``, ``.WAV``,
``.gsm``...); new messages are in ``INBOX``, urgent ones (``U`` option or the
caller's choice) in ``Urgent``. AMI says nothing of the file, so the connector
side finds new messages here. Format: apps/app_voicemail.c
(``leave_voicemail``: origmailbox, context, exten, rdnis, priority,
callerchan, callerid, origdate, origtime, category, msg_id, then flag and
duration; no Uniqueid). ``context`` is where the *caller's channel* was in the
dialplan (``from-pstn``), not the voicemail context: that one is the folder.
``callerchan`` is the name of the channel that left the message, which the
call's AMI events name too. Sample in the capture
queue_ringnoanswer_voicemail/voicemail_files.txt.
"""

import configparser
import logging
import os
import re
from datetime import datetime, timezone

_logger = logging.getLogger(__name__)

AUDIO_EXTENSIONS = (".wav", ".WAV", ".wav49", ".gsm", ".ulaw", ".alaw")
# folders of messages nobody has listened to yet (app_voicemail.c: INBOX, Urgent)
NEW_FOLDERS = ("INBOX", "Urgent")
CALLERID = re.compile(r"<([^>]*)>")


class BadMessageInfo(ValueError):
    pass


def parse_message_info(text, vm_context=None):
    """The ``[message]`` section of a msgNNNN.txt as a dict of clean values.

    ``vm_context``: the voicemail context the message is filed under (its
    folder), which makes ``mailbox`` ``8000@default``."""
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
    channel = section.get("callerchan", "").strip()
    return {
        "msg_id": section.get("msg_id") or f"{origtime}-{section.get('origmailbox')}",
        "caller_number": number,
        "mailbox": "@".join(p for p in (section.get("origmailbox"), vm_context) if p),
        # "Unknown" when copied from a file (msg_create_from_file)
        "channel": channel if channel and channel != "Unknown" else None,
        "exten": section.get("exten", ""),
        "received_at": datetime.fromtimestamp(origtime, tz=timezone.utc).replace(
            tzinfo=None
        ),
        "duration": duration,
    }


def scan_spool(root):
    """Yield ``(info, audio_relative_path)`` for every new message (INBOX and
    Urgent folders) under ``root``; unreadable message files are logged and
    skipped."""
    if not root or not os.path.isdir(root):
        return
    for context in sorted(os.listdir(root)):
        for mailbox in sorted(
            os.listdir(os.path.join(root, context))
            if os.path.isdir(os.path.join(root, context))
            else []
        ):
            for folder in NEW_FOLDERS:
                yield from _scan_folder(root, context, mailbox, folder)


def _scan_folder(root, context, mailbox, folder):
    inbox = os.path.join(root, context, mailbox, folder)
    if not os.path.isdir(inbox):
        return
    for name in sorted(os.listdir(inbox)):
        if not (name.startswith("msg") and name.endswith(".txt")):
            continue
        stem = os.path.join(inbox, name[:-4])
        audio = next(
            (stem + ext for ext in AUDIO_EXTENSIONS if os.path.isfile(stem + ext)),
            None,
        )
        if audio is None:
            continue  # audio not written yet: taken on the next scan
        try:
            with open(stem + ".txt", encoding="utf-8", errors="replace") as f:
                info = parse_message_info(f.read(), context)
        except (OSError, BadMessageInfo) as exc:
            _logger.warning("Voicemail %s skipped: %s", stem + ".txt", exc)
            continue
        yield info, os.path.relpath(audio, root)
