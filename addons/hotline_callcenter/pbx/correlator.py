# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Turn AMI events into calls: one call per Asterisk Linkedid.

A plain state machine, no I/O.  ``CallCorrelator.feed(event)`` returns
``(calls, live)``: the call dicts whose content changed (a call is emitted when
it starts, when it is answered and when it ends) and the "live" events for the
agents' screens (ringing, answered, transferred, hangup).

Order and repetition do not matter for the result: times are kept as the
minimum/maximum seen, agents are ordered by the time they answered, the
disposition is a pure function of what was seen; an event fed twice changes
nothing and emits nothing.  Finished calls stay known (bounded LRU) so late
events (Cdr after the last Hangup) update them instead of opening a new call.

Rules (all observed in the Asterisk 22 captures, see ``/work/shared/asterisk``):

- the call is inbound when one of its channels runs in an inbound context
  (``from-pstn``...); its CallerIDNum is the caller, its Exten (or the
  ``DID`` channel variable) the DID;
- agents are ``Local/<ext>@agents`` or ``PJSIP/<ext>-...`` channels; an agent
  answers on ``AgentConnect``, on a ``DialEnd ANSWER`` towards its channel or
  when its channel enters a bridge while Up;
- an outbound call is one that dials an outbound context (``pstn-out``) or
  comes from a click-to-dial Originate (context ``click2dial``); it is answered
  when the customer leg answers;
- queue: ``QueueCallerJoin`` (queued_at), ``QueueCallerAbandon`` (abandoned,
  HoldTime), ``AgentCalled``/``DialState RINGING`` (ringing);
- voicemail: ``VoiceMail`` application, ``VM_MESSAGEFILE``/``VMSTATUS``;
- recording: ``MIXMONITOR_FILENAME``;
- a call the IVR ended (blacklist refusal, hang-up node, end of the flow):
  ``HOTLINE_IVR_END`` set by the connector's FastAGI before the hang-up, seen
  as a ``VarSet`` event (AGI ``SET VARIABLE`` emits one, see the
  ``fastagi_ivr`` capture) or in the ``ChanVariable`` lines of the
  ``Hangup`` when ``manager.conf`` lists it in ``channelvars``; such an
  unanswered call is ``refused_blacklist`` / ``ended_by_ivr``, not abandoned;
- the call ends when every channel seen for the Linkedid has hung up.
"""

import re
from collections import OrderedDict
from datetime import UTC, datetime

INBOUND_CONTEXTS = frozenset({"from-pstn", "from-trunk", "from-external", "from-did"})
OUTBOUND_CONTEXTS = frozenset(
    {"pstn-out", "click2dial", "from-internal-out", "outbound"}
)
AGENT_CONTEXTS = frozenset({"agents"})
# set by the IVR engine (pbx.ivr_engine.END_VARIABLE) before it ends a call
IVR_END_VARIABLE = "HOTLINE_IVR_END"
IVR_END_REASONS = frozenset({"refused_blacklist", "ended_by_ivr"})
_LOCAL_RE = re.compile(r"^Local/([^@]+)@([^-;]+)")
_DEVICE_RE = re.compile(r"^(?:PJSIP|SIP|IAX2)/(\d{2,6})-")
UNKNOWN = ("", "<unknown>", "unknown", None)
BUSY_CAUSES = {"17"}
NOANSWER_CAUSES = {"19", "18"}
FAILED_CAUSES = {"1", "3", "20", "21", "27", "34", "38", "41", "42", "44", "58", "88"}
DIAL_STATUS = {
    "BUSY": "busy",
    "NOANSWER": "no_answer",
    "CANCEL": "no_answer",
    "CHANUNAVAIL": "failed",
    "CONGESTION": "failed",
    "INVALIDARGS": "failed",
}
ORIGINATE_REASON = {
    "5": "busy",
    "3": "no_answer",
    "8": "failed",
    "1": "failed",
    "0": "failed",
}
IGNORED = frozenset(
    {
        "Newexten_noapp",
        "DeviceStateChange",
        "NewCallerid_",
        "QueueMemberStatus",
        "Registry",
        "PeerStatus",
        "ContactStatus",
        "RTCPSent",
        "RTCPReceived",
    }
)


def _ts(event, default):
    value = event.get("Timestamp")
    if value:
        try:
            return float(value)
        except ValueError:
            return default
    return default


def to_datetime(epoch):
    """UTC-aware datetime of an epoch (``None`` stays ``None``)."""
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


class _Call:
    __slots__ = (
        "abandon_hold",
        "agent_answers",
        "answered",
        "answered_agents_emitted",
        "called",
        "caller",
        "channels",
        "did",
        "ended",
        "hangup_cause",
        "hung",
        "inbound",
        "is_ended",
        "ivr_end",
        "last_emitted",
        "linkedid",
        "outbound",
        "outcome",
        "primary",
        "queue",
        "queued",
        "recording",
        "ringing",
        "started",
        "uniqueid",
        "voicemail",
    )  # fmt: skip

    def __init__(self, linkedid):
        self.linkedid = linkedid
        self.uniqueid = linkedid
        self.channels = {}  # uniqueid -> channel name
        self.hung = set()
        self.started = None
        self.ended = None
        self.answered = None
        self.queued = None
        self.queue = None
        self.agent_answers = {}  # extension -> first answer time
        self.inbound = False
        self.outbound = False
        self.caller = None
        self.called = None
        self.did = None
        self.recording = None
        self.hangup_cause = None
        self.abandon_hold = None
        self.voicemail = False
        self.outcome = None  # busy/no_answer/failed seen on a dial or originate
        self.ivr_end = None  # why the IVR ended the call (IVR_END_REASONS)
        self.ringing = set()
        self.primary = None
        self.last_emitted = None
        self.answered_agents_emitted = set()
        self.is_ended = False


class CallCorrelator:
    """Events in, call dicts and live events out (see module doc)."""

    def __init__(
        self,
        inbound_contexts=INBOUND_CONTEXTS,
        outbound_contexts=OUTBOUND_CONTEXTS,
        agent_contexts=AGENT_CONTEXTS,
        finished_cache=20000,
        clock=None,
    ):
        self.inbound_contexts = frozenset(inbound_contexts)
        self.outbound_contexts = frozenset(outbound_contexts)
        self.agent_contexts = frozenset(agent_contexts)
        self.finished_cache = finished_cache
        self.clock = clock
        self.calls = OrderedDict()  # linkedid -> _Call (open and recently finished)
        self.by_uniqueid = {}  # uniqueid -> linkedid
        self.events = 0
        self.ignored = 0
        self.unknown_events = 0
        self.missing_fields = 0

    # -- helpers -----------------------------------------------------------------
    def agent_extension(self, channel):
        """Extension of an agent channel name, else ``None``."""
        if not channel:
            return None
        match = _LOCAL_RE.match(channel)
        if match:
            return match.group(1) if match.group(2) in self.agent_contexts else None
        match = _DEVICE_RE.match(channel)
        return match.group(1) if match else None

    def _now(self):
        if self.clock is not None:
            return self.clock()
        return datetime.now(UTC).timestamp()

    def _call(self, linkedid, create=True):
        call = self.calls.get(linkedid)
        if call is None and create:
            call = _Call(linkedid)
            self.calls[linkedid] = call
            self._trim()
        return call

    def _trim(self):
        excess = len(self.calls) - self.finished_cache
        if excess <= 0:
            return
        for linkedid in list(self.calls)[: excess * 2]:
            call = self.calls[linkedid]
            if call.is_ended:
                del self.calls[linkedid]
                for uid in call.channels:
                    self.by_uniqueid.pop(uid, None)
                excess -= 1
                if excess <= 0:
                    break

    def open_calls(self):
        return [c.linkedid for c in self.calls.values() if not c.is_ended]

    # -- the state machine ---------------------------------------------------------
    def feed(self, event):
        """One event (AmiMessage, dict...): returns ``(calls, live)``."""
        self.events += 1
        name = event.get("Event")
        handler = self._HANDLERS.get(name)
        if handler is None:
            self.ignored += 1
            return [], []
        live = []
        linkedid = event.get("Linkedid") or event.get("DestLinkedid")
        if not linkedid:
            uid = event.get("Uniqueid") or event.get("UniqueID")
            linkedid = self.by_uniqueid.get(uid) if uid else None
            if linkedid is None and name not in (
                "OriginateResponse",
                "BlindTransfer",
                "AttendedTransfer",
            ):
                self.missing_fields += 1
                return [], []
        call = self._call(linkedid) if linkedid else None
        now = _ts(event, None)
        if call is not None:
            self._see_channel(call, event, now)
        call = handler(self, call, event, now, live)
        if call is None:
            return [], live
        return self._emit(call), live

    def feed_many(self, events):
        """Several events: ``(calls, live)`` with one dict per changed call."""
        changed = {}
        live = []
        for event in events:
            calls, ev_live = self.feed(event)
            for call in calls:
                changed[call["linkedid"]] = call
            live.extend(ev_live)
        return list(changed.values()), live

    def _see_channel(self, call, event, now):
        uid = event.get("Uniqueid")
        channel = event.get("Channel")
        if now is not None and (call.started is None or now < call.started):
            call.started = now
        if not uid or not channel:
            return
        if uid not in call.channels:
            call.channels[uid] = channel
            self.by_uniqueid[uid] = call.linkedid
            if uid == call.linkedid:
                call.primary = channel
        context = event.get("Context")
        exten = event.get("Exten")
        number = event.get("CallerIDNum")
        if context in self.inbound_contexts and not self.agent_extension(channel):
            call.inbound = True
            if number not in UNKNOWN and call.caller is None:
                call.caller = number
            did = (
                event.chan_variables().get("DID")
                if hasattr(event, "chan_variables")
                else None
            )
            if did and call.did is None:
                call.did = did
            elif call.did is None and exten and exten.isdigit():
                call.did = exten
        elif context in self.outbound_contexts and not call.inbound:
            call.outbound = True
            if exten and exten.isdigit() and len(exten) > 6 and call.called is None:
                call.called = exten

    def _emit(self, call):
        snapshot = self.snapshot(call)
        key = tuple(sorted((k, str(v)) for k, v in snapshot.items()))
        if key == call.last_emitted:
            return []
        call.last_emitted = key
        return [snapshot]

    # -- handlers --------------------------------------------------------------------
    def _on_newchannel(self, call, event, now, live):
        return call

    def _on_varset(self, call, event, now, live):
        variable = event.get("Variable")
        if variable == "MIXMONITOR_FILENAME":
            value = event.get("Value")
            if value and call.recording != value:
                call.recording = value
                return call
        elif variable in ("VM_MESSAGEFILE", "VMSTATUS"):
            if not call.voicemail and event.get("Value"):
                call.voicemail = True
                return call
        elif variable == "DIALSTATUS" and event.get("Value") in DIAL_STATUS:
            return self._outcome(call, DIAL_STATUS[event.get("Value")])
        elif variable == IVR_END_VARIABLE:
            return self._ivr_end(call, event.get("Value"))
        return None

    def _ivr_end(self, call, reason):
        # the first reason wins: a refused caller stays refused
        if reason in IVR_END_REASONS and call.ivr_end is None:
            call.ivr_end = reason
            return call
        return None

    def _outcome(self, call, outcome):
        if call.outcome is None:
            call.outcome = outcome
            return call
        return None

    def _on_newexten(self, call, event, now, live):
        if event.get("Application") == "VoiceMail" and not call.voicemail:
            call.voicemail = True
            return call
        if event.get("Application") == "MixMonitor" and not call.recording:
            return None
        return None

    def _on_mixmonitor(self, call, event, now, live):
        value = event.get("MixMonitorFilename") or event.get("Filename")
        if value and call.recording != value:
            call.recording = value
            return call
        return None

    def _on_queue_join(self, call, event, now, live):
        call.queue = call.queue or event.get("Queue")
        if now is not None and (call.queued is None or now < call.queued):
            call.queued = now
            return call
        return None

    def _on_queue_abandon(self, call, event, now, live):
        call.queue = call.queue or event.get("Queue")
        hold = event.get("HoldTime")
        if hold and hold.isdigit():
            call.abandon_hold = int(hold)
        return call

    def _ring(self, call, dest, live):
        ext = self.agent_extension(dest)
        if not ext or not call.inbound or ext in call.ringing or call.is_ended:
            return
        call.ringing.add(ext)
        live.append(self._live(call, "ringing", ext))
        return

    def _on_agent_called(self, call, event, now, live):
        call.queue = call.queue or event.get("Queue")
        self._ring(call, event.get("DestChannel"), live)

    def _on_dial_state(self, call, event, now, live):
        if event.get("DialStatus") == "RINGING":
            self._ring(call, event.get("DestChannel"), live)

    def _on_dial_begin(self, call, event, now, live):
        dest = event.get("DestChannel")
        if dest and not self.agent_extension(dest):
            context = event.get("DestContext")
            exten = event.get("DestExten")
            if context in self.outbound_contexts and not call.inbound:
                call.outbound = True
                if exten and exten.isdigit() and call.called is None:
                    call.called = exten
        if self.agent_extension(dest) and call.inbound:
            self._ring(call, dest, live)
        return call if call.outbound else None

    def _agent_answer(self, call, ext, now, live):
        if now is None:
            now = self._now()
        first = call.agent_answers.get(ext)
        if first is not None and first <= now:
            return None
        before = self._agents(call)
        call.agent_answers[ext] = now
        if call.inbound and (call.answered is None or now < call.answered):
            call.answered = now
        if not call.is_ended and ext not in call.answered_agents_emitted:
            call.answered_agents_emitted.add(ext)
            kind = "transferred" if before and before[-1] != ext else "answered"
            live.append(self._live(call, kind, ext))
        return call

    def _on_agent_connect(self, call, event, now, live):
        call.queue = call.queue or event.get("Queue")
        ext = self.agent_extension(event.get("DestChannel")) or self.agent_extension(
            event.get("Interface")
        )
        if ext:
            return self._agent_answer(call, ext, now, live)
        return None

    def _on_dial_end(self, call, event, now, live):
        status = event.get("DialStatus")
        dest = event.get("DestChannel")
        ext = self.agent_extension(dest)
        if status == "ANSWER":
            if ext:
                if call.inbound or (
                    event.get("Channel")
                    and self.agent_extension(event.get("Channel")) is None
                ):
                    return self._agent_answer(call, ext, now, live)
                # click-to-dial: the agent's own phone answered the Originate
                if not call.agent_answers:
                    call.agent_answers[ext] = now if now is not None else self._now()
                    return call
                return None
            if call.outbound or event.get("DestContext") in self.outbound_contexts:
                call.outbound = True
                if now is not None and (call.answered is None or now < call.answered):
                    call.answered = now
                    return call
            return None
        if status in DIAL_STATUS and (not ext or not call.inbound):
            return self._outcome(call, DIAL_STATUS[status])
        return None

    def _on_bridge_enter(self, call, event, now, live):
        ext = self.agent_extension(event.get("Channel"))
        if ext and call.inbound and event.get("ChannelState") == "6":
            return self._agent_answer(call, ext, now, live)
        return None

    def _on_transfer(self, call, event, now, live):
        linkedid = (
            event.get("TransfererLinkedid")
            or event.get("OrigTransfererLinkedid")
            or event.get("TransfereeLinkedid")
        )
        call = self._call(linkedid, create=False) if linkedid else call
        if call is None:
            return
        target = event.get("Extension") or self.agent_extension(
            event.get("TransferTargetChannel") or ""
        )
        if target and not call.is_ended and target not in call.answered_agents_emitted:
            call.answered_agents_emitted.add(target)
            live.append(self._live(call, "transferred", target))
        return

    def _on_hangup(self, call, event, now, live):
        uid = event.get("Uniqueid")
        if uid in call.hung:
            return None
        call.hung.add(uid)
        if hasattr(event, "chan_variables"):
            self._ivr_end(call, event.chan_variables().get(IVR_END_VARIABLE))
        cause = event.get("Cause")
        if cause and cause not in ("0", "16") and call.hangup_cause is None:
            call.hangup_cause = f"{cause} {event.get('Cause-txt') or ''}".strip()
            if cause in BUSY_CAUSES:
                self._outcome(call, "busy")
            elif cause in NOANSWER_CAUSES:
                self._outcome(call, "no_answer")
            elif cause in FAILED_CAUSES:
                self._outcome(call, "failed")
        if now is not None and (call.ended is None or now > call.ended):
            call.ended = now
        if set(call.channels) <= call.hung and not call.is_ended:
            call.is_ended = True
            if call.hangup_cause is None:
                call.hangup_cause = f"{cause} {event.get('Cause-txt') or ''}".strip()
            live.append(
                self._live(
                    call,
                    "hangup",
                    self._agents(call)[-1] if call.agent_answers else None,
                )
            )
            return call
        return call if call.is_ended else None

    def _on_originate_response(self, call, event, now, live):
        if event.get("Response") == "Success":
            return None
        channel = event.get("Channel") or ""
        exten = event.get("Exten")
        reason = ORIGINATE_REASON.get(event.get("Reason"), "failed")
        # failed Originate: Uniqueid <unknown>, Channel = the requested dial string
        for candidate in reversed(self.calls.values()):
            if candidate.primary and candidate.primary.startswith(channel + "-"):
                candidate.outbound = True
                if exten and exten.isdigit() and candidate.called is None:
                    candidate.called = exten
                candidate.outcome = reason
                return candidate
        return None

    def _on_core_show_channel(self, call, event, now, live):
        return call

    def _on_cdr(self, call, event, now, live):
        return None

    _HANDLERS = {
        "Newchannel": _on_newchannel,
        "CoreShowChannel": _on_core_show_channel,
        "VarSet": _on_varset,
        "Newexten": _on_newexten,
        "MixMonitorStart": _on_mixmonitor,
        "QueueCallerJoin": _on_queue_join,
        "QueueCallerAbandon": _on_queue_abandon,
        "AgentCalled": _on_agent_called,
        "DialBegin": _on_dial_begin,
        "DialState": _on_dial_state,
        "DialEnd": _on_dial_end,
        "AgentConnect": _on_agent_connect,
        "BridgeEnter": _on_bridge_enter,
        "BlindTransfer": _on_transfer,
        "AttendedTransfer": _on_transfer,
        "Hangup": _on_hangup,
        "OriginateResponse": _on_originate_response,
        "Cdr": _on_cdr,
    }

    # -- output ------------------------------------------------------------------------
    @staticmethod
    def _agents(call):
        return [
            ext
            for ext, _t in sorted(
                call.agent_answers.items(), key=lambda i: (i[1], i[0])
            )
        ]

    def _live(self, call, kind, extension):
        return {
            "type": kind,
            "linkedid": call.linkedid,
            "extension": extension,
            "caller_number": call.caller if call.inbound else call.called,
            "did": call.did,
            "queue": call.queue,
        }

    def _direction(self, call):
        if call.inbound:
            return "inbound"
        if call.outbound:
            return "outbound"
        return "internal"

    def _disposition(self, call):
        if not call.is_ended:
            return "answered" if call.answered is not None else "ringing"
        if call.answered is not None:
            return "answered"
        if call.voicemail:
            return "voicemail"
        if call.inbound and call.ivr_end:
            return call.ivr_end
        if call.inbound:
            return "abandoned_queue" if call.queued is not None else "abandoned_ivr"
        if call.outcome:
            return call.outcome
        return "no_answer"

    def snapshot(self, call):
        """The call dict (see module doc for the keys)."""
        if isinstance(call, str):
            call = self.calls[call]
        direction = self._direction(call)
        agents = self._agents(call)
        if direction == "inbound":
            caller, called = call.caller, call.did
        elif direction == "outbound":
            caller, called = (agents[0] if agents else None), call.called
        else:
            caller = self.agent_extension(call.primary) if call.primary else None
            called = next((a for a in agents if a != caller), None)
        wait = None
        if call.answered is not None:
            wait = call.answered - (call.queued or call.started or call.answered)
        elif call.abandon_hold is not None:
            wait = call.abandon_hold
        elif call.is_ended and call.ended is not None:
            wait = call.ended - (call.queued or call.started or call.ended)
        talk = None
        if call.answered is not None and call.is_ended and call.ended is not None:
            talk = call.ended - call.answered
        return {
            "linkedid": call.linkedid,
            "uniqueid": call.uniqueid,
            "direction": direction,
            "caller_number": caller,
            "called_number": called,
            "did": call.did,
            "queue": call.queue,
            "agents": agents,
            "started_at": to_datetime(call.started),
            "queued_at": to_datetime(call.queued),
            "answered_at": to_datetime(call.answered),
            "ended_at": to_datetime(call.ended) if call.is_ended else None,
            "wait_seconds": round(max(wait, 0)) if wait is not None else 0,
            "talk_seconds": round(max(talk, 0)) if talk is not None else 0,
            "disposition": self._disposition(call),
            "recording_file": call.recording,
            "hangup_cause": call.hangup_cause if call.is_ended else None,
        }

    # -- resynchronisation -------------------------------------------------------------
    def close_missing(
        self,
        live_linkedids,
        now=None,
        reason="ended while the connector was disconnected",
    ):
        """After a reconnect: end the open calls Asterisk no longer has.

        ``live_linkedids``: the Linkedids of CoreShowChannels.  Their end time
        is the resync time (the real one was not seen); ``hangup_cause`` says so.
        """
        now = self._now() if now is None else now
        live = set(live_linkedids)
        out = []
        for call in list(self.calls.values()):
            if call.is_ended or call.linkedid in live:
                continue
            call.is_ended = True
            call.ended = max(now, call.started or now)
            call.hangup_cause = reason
            call.hung.update(call.channels)
            out.extend(self._emit(call))
        return out
