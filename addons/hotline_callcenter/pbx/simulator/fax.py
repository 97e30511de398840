# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""res_fax as the simulated Asterisk speaks it: a fax received on a fax DID
and the far end of an outbound fax's Originate.

No capture of a fax exists: the events follow Asterisk's source (see
:mod:`..fax` for the citations):

- ``res/res_fax.c`` ``generic_fax_exec``: ``FAXStatus`` "Allocating
  Resources" (status events on: option ``s`` of the shipped dialplan), the
  first ``set_channel_variables`` (only the non-empty values raise a
  ``VarSet``: ``LOCALSTATIONID`` and ``FAXPAGES`` 0), ``FAXStatus`` "FAX
  Transmission In Progress", then the final ``set_channel_variables``:
  ``FAXSTATUS``, ``FAXERROR`` (failures only), ``FAXSTATUSSTRING``,
  ``REMOTESTATIONID``, ``LOCALSTATIONID``, ``FAXBITRATE``, ``FAXRESOLUTION``,
  ``FAXPAGES``;
- ``main/manager_channels.c`` ``channel_fax_cb``: ``ReceiveFAX`` /
  ``SendFAX`` with the channel snapshot, ``LocalStationID``,
  ``RemoteStationID``, ``PagesTransferred``, ``Resolution``,
  ``TransferRate``, ``FileName``;
- ``res/res_fax_spandsp.c`` ``t30_phase_e_handler``: ``SUCCESS`` with the
  T.30 text "OK", or ``FAILED`` with the T.30 completion text as error;
  ``Resolution`` as spandsp prints it (dots per metre, "8040x7700" for
  204x196 dpi), ``TransferRate`` in bit/s.

The Originate side (``Newchannel``, ``OriginateResponse``, ``Hangup``) is the
campaign callee's (:mod:`.campaign`, after the click-to-dial captures).
"""

import io
import os

from .campaign import channel_name, number_of, originate_variables

FAX_VARIABLE = "HOTLINE_FAX_ID"
# outcome -> (OriginateResponse Reason, Hangup cause) of the call
CALL_OUTCOMES = {
    "sent": ("4", ("16", "Normal Clearing")),
    "fax_failed": ("4", ("16", "Normal Clearing")),
    "busy": ("5", ("17", "User busy")),
    "no_answer": ("3", ("19", "User alerting, no answer")),
}
# spandsp's t30_completion_code_to_str() texts used here
T30_OK = "OK"
T30_CALLDROPPED = "The call dropped prematurely"
T30_T0_EXPIRED = "Timed out waiting for initial communication"
RESOLUTION = "8040x7700"  # 204x196 dpi in dots per metre
RATE = "14400"


def is_fax_originate(msg):
    return FAX_VARIABLE in originate_variables(msg)


def tiff_page_count(source):
    """Pages of a TIFF (bytes, or the path of a file; 1 when it cannot be
    read)."""
    try:
        from PIL import Image, TiffImagePlugin

        assert TiffImagePlugin  # registered even where Odoo limited Pillow
        if isinstance(source, str):
            with open(source, "rb") as handle:
                source = handle.read()
        return max(1, getattr(Image.open(io.BytesIO(source)), "n_frames", 1))
    except (OSError, ValueError, ImportError):
        return 1


def _snapshot(channel, state, uid, context, exten, caller, connected="", priority="1"):
    return [
        ("Channel", channel),
        ("ChannelState", state),
        (
            "ChannelStateDesc",
            {"0": "Down", "4": "Ring", "5": "Ringing"}.get(state, "Up"),
        ),
        ("CallerIDNum", caller or "<unknown>"),
        ("CallerIDName", "<unknown>"),
        ("ConnectedLineNum", connected or "<unknown>"),
        ("ConnectedLineName", "<unknown>"),
        ("Language", "en"),
        ("AccountCode", ""),
        ("Context", context),
        ("Exten", exten),
        ("Priority", priority),
        ("Uniqueid", uid),
        ("Linkedid", uid),
    ]


def _session(snap, operation, file_name, local_id, remote_id, pages, error, make):
    """The events of generic_fax_exec and the completion event, in order."""
    events = []

    def status(text):
        events.append(
            make(
                "FAXStatus",
                "call",
                snap
                + [
                    ("Operation", operation),
                    ("Status", text),
                    ("LocalStationID", local_id),
                    ("FileName", file_name),
                ],
            )
        )

    def varset(name, value):
        events.append(
            make("VarSet", "dialplan", snap + [("Variable", name), ("Value", value)])
        )

    status("Allocating Resources")
    varset("LOCALSTATIONID", local_id)
    varset("FAXPAGES", "0")
    status("FAX Transmission In Progress")
    varset("FAXSTATUS", "FAILED" if error else "SUCCESS")
    if error:
        varset("FAXERROR", error)
    varset("FAXSTATUSSTRING", error or T30_OK)
    if remote_id:
        varset("REMOTESTATIONID", remote_id)
    varset("LOCALSTATIONID", local_id)
    varset("FAXBITRATE", RATE)
    varset("FAXRESOLUTION", RESOLUTION)
    varset("FAXPAGES", str(pages))
    name = "ReceiveFAX" if operation == "receive" else "SendFAX"
    events.append(
        make(
            name,
            "call",
            snap
            + [
                ("LocalStationID", local_id),
                ("RemoteStationID", remote_id),
                ("PagesTransferred", str(pages)),
                ("Resolution", RESOLUTION),
                ("TransferRate", RATE),
                ("FileName", file_name),
            ],
        )
    )
    return events


def receive_events(
    uid,
    suffix,
    did,
    caller,
    file_name,
    pages,
    make,
    remote_id="",
    local_id="",
    error="",
    context="hotline-fax-receive",
):
    """Events of a fax received on ``did`` from ``caller`` into ``file_name``
    (Asterisk's path), ``pages`` pages; ``error`` a failure's FAXERROR."""
    channel = f"PJSIP/trunk-{suffix}"
    ring = _snapshot(channel, "4", uid, "from-pstn", did, caller)
    events = [
        make(
            "Newchannel", "call", _snapshot(channel, "0", uid, "from-pstn", did, caller)
        )
    ]
    events.append(make("Newstate", "call", ring))
    up = _snapshot(channel, "6", uid, context, did, caller, priority="3")
    # the dialplan marks the call as ended by the IVR (not abandoned)
    events.append(
        make(
            "VarSet",
            "dialplan",
            _snapshot(channel, "6", uid, context, did, caller, priority="2")
            + [("Variable", "HOTLINE_IVR_END"), ("Value", "ended_by_ivr")],
        )
    )
    events.append(
        make(
            "Newexten",
            "dialplan",
            up
            + [
                ("Extension", did),
                ("Application", "ReceiveFAX"),
                ("AppData", f"{file_name},s"),
            ],
        )
    )
    events += _session(
        up, "receive", file_name, local_id or "unknown", remote_id, pages, error, make
    )
    cause = ("16", "Normal Clearing")
    events.append(
        make("Hangup", "call", up + [("Cause", cause[0]), ("Cause-txt", cause[1])])
    )
    return events


class FaxPeer:
    """The far ends of outbound faxes: an outcome per number (``script``),
    default ``sent``; ``remote_id`` the station id they answer with."""

    def __init__(self, script=None, remote_id="+86 10 6666 0000"):
        self.script = dict(script or {})
        self.remote_id = remote_id
        self.originates = []  # (ActionID, Channel, Context, variables)

    def outcome_for(self, number):
        outcome = self.script.get(number, "sent")
        if isinstance(outcome, list):  # one outcome per attempt, in order
            outcome = outcome.pop(0) if len(outcome) > 1 else outcome[0]
        if outcome not in CALL_OUTCOMES:
            raise ValueError(f"unknown fax outcome {outcome!r}")
        return outcome

    def events(self, msg, action_id, uid, suffix, make, spool=None):
        """The events of one fax Originate (``spool``: the simulator's folder
        standing for Asterisk's fax spool, to count the pages sent)."""
        requested = msg.get("Channel") or ""
        number = number_of(requested)
        outcome = self.outcome_for(number)
        variables = originate_variables(msg)
        self.originates.append((action_id, requested, msg.get("Context"), variables))
        reason, cause = CALL_OUTCOMES[outcome]
        context = msg.get("Context") or ""
        exten = msg.get("Exten") or "s"
        name = channel_name(requested, suffix)
        file_name = variables.get("HOTLINE_FAX_FILE", "")
        local_id = variables.get("LOCALSTATIONID", "") or "unknown"

        def response(success):
            fields = [
                ("Response", "Success" if success else "Failure"),
                ("Channel", name if success else requested),
                ("Context", context),
                ("Exten", exten),
                ("Reason", reason),
                ("Uniqueid", uid),
                ("CallerIDNum", "<unknown>"),
                ("CallerIDName", "<unknown>"),
            ]
            return make("OriginateResponse", "call", fields, action_id)

        events = [
            make(
                "Newchannel", "call", _snapshot(name, "0", uid, context, number, number)
            )
        ]
        if outcome in ("busy", "no_answer"):
            state = _snapshot(name, "5", uid, context, number, number)
            events.append(make("Newstate", "call", state))
            events.append(response(False))
            events.append(
                make(
                    "Hangup",
                    "call",
                    state + [("Cause", cause[0]), ("Cause-txt", cause[1])],
                )
            )
            return events
        up = _snapshot(name, "6", uid, context, exten, number, priority="2")
        events.append(
            make("Newstate", "call", _snapshot(name, "6", uid, context, number, number))
        )
        events.append(response(True))
        events.append(
            make(
                "Newexten",
                "dialplan",
                up
                + [
                    ("Extension", exten),
                    ("Application", "SendFAX"),
                    ("AppData", f"{file_name},s"),
                ],
            )
        )
        pages = 1
        if spool and file_name:
            local = os.path.join(
                spool,
                os.path.basename(os.path.dirname(file_name)),
                os.path.basename(file_name),
            )
            if not os.path.exists(local):
                local = os.path.join(spool, os.path.basename(file_name))
            pages = tiff_page_count(local)
        failed = outcome == "fax_failed"
        events += _session(
            up,
            "send",
            file_name,
            local_id,
            "" if failed else self.remote_id,
            0 if failed else pages,
            T30_T0_EXPIRED if failed else "",
            make,
        )
        events.append(
            make("Hangup", "call", up + [("Cause", cause[0]), ("Cause-txt", cause[1])])
        )
        return events
