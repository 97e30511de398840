# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The voicemail spool as Asterisk 22's app_voicemail writes it.

``leave_voicemail()`` in apps/app_voicemail.c (file storage): the message
information file is written before the recording with the keys origmailbox
(the mailbox), context / exten / priority (where the *caller's channel* is in
the dialplan, not the voicemail context), rdnis ("unknown" when not
redirected), callerchan (the channel's name), callerid (``ast_callerid_merge``:
``"name" <number>``), origdate (``get_date``: ``%a %b %e %r UTC %Y``),
origtime (epoch), category, msg_id (``generate_msg_id``: ``%ld-%08x``, time
and a counter); ``flag`` and ``duration`` are appended after the recording.
Then the files are renamed to ``<spool>/<vm context>/<mailbox>/<folder>/msgNNNN``
with NNNN = last index + 1, and ``VM_MESSAGEFILE`` is set to that path (no
extension).  Sample: capture queue_ringnoanswer_voicemail/voicemail_files.txt.
"""

import itertools
import os
import threading
import wave
from datetime import UTC, datetime

# where Asterisk keeps the spool (ast_config_AST_SPOOL_DIR + "/voicemail"):
# the path VM_MESSAGEFILE names, whatever folder the simulator writes to
ASTERISK_SPOOL = "/var/spool/asterisk/voicemail"
_msg_ids = itertools.count(0)  # msg_id_incrementor
_lock = threading.Lock()


def callerid_merge(name, number, unknown="Unknown"):
    """main/callerid.c ast_callerid_merge()."""
    name = None if name in ("", "<unknown>", None) else name
    number = None if number in ("", "<unknown>", None) else number
    if name and number:
        return '"{}" <{}>'.format(name.replace('"', '\\"'), number)
    return name or number or unknown


def _last_index(folder):
    """LAST_MSG_INDEX(): the highest msgNNNN present, -1 when none."""
    last = -1
    for name in os.listdir(folder):
        stem, ext = os.path.splitext(name)
        if stem.startswith("msg") and stem[3:].isdigit() and ext == ".txt":
            last = max(last, int(stem[3:]))
    return last


def _silence(path, seconds, rate=8000):
    with wave.open(path, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"\0\0" * int(rate * seconds))


def leave_message(
    spool,
    mailbox_spec,
    channel,
    caller_name,
    caller_number,
    context,
    exten,
    priority,
    end_time,
    duration,
    folder="INBOX",
):
    """Write one message as app_voicemail does; return the ``VM_MESSAGEFILE``
    Asterisk would set (under :data:`ASTERISK_SPOOL`).

    :param spool: the folder standing for Asterisk's voicemail spool
    :param mailbox_spec: VoiceMail()'s argument, e.g. ``8000@default,su``
    :param end_time: epoch when the caller stopped recording
    """
    box = mailbox_spec.split(",")[0].split("&")[0]
    mailbox, _at, vm_context = box.partition("@")
    vm_context = vm_context or "default"
    directory = os.path.join(spool, vm_context, mailbox, folder)
    origtime = int(end_time - duration)
    with _lock:
        os.makedirs(directory, exist_ok=True)
        number = _last_index(directory) + 1
        stem = os.path.join(directory, f"msg{number:04d}")
        msg_id = f"{origtime}-{next(_msg_ids):08x}"
        origdate = datetime.fromtimestamp(origtime, UTC)
        day = f"{origdate.day:2d}"  # %e: space-padded day of month
        text = (
            ";\n"
            "; Message Information file\n"
            ";\n"
            "[message]\n"
            f"origmailbox={mailbox}\n"
            f"context={context}\n"
            f"exten={exten}\n"
            "rdnis=unknown\n"
            f"priority={priority}\n"
            f"callerchan={channel}\n"
            f"callerid={callerid_merge(caller_name, caller_number)}\n"
            f"origdate={origdate:%a %b} {day} {origdate:%I:%M:%S %p} UTC "
            f"{origdate:%Y}\n"
            f"origtime={origtime}\n"
            "category=\n"
            f"msg_id={msg_id}\n"
            "flag=\n"
            f"duration={int(duration)}\n"
        )
        # the recording first, then the .txt (renamed last in leave_voicemail)
        _silence(stem + ".wav", duration)
        with open(stem + ".txt", "w", encoding="utf-8") as fh:
            fh.write(text)
    return f"{ASTERISK_SPOOL}/{vm_context}/{mailbox}/{folder}/msg{number:04d}"
