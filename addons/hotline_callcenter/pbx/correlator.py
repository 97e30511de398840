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
  HoldTime), ``AgentCalled``/``DialState RINGING`` (ringing); after an overflow
  (``Queue()`` timed out: QueueCallerAbandon + QueueCallerLeave, then the next
  ``Queue()`` of the dialplan) the call's queue is the one that answered
  (``AgentConnect``), else the last one entered; ``queue_path`` lists the
  queues entered, in order;
- transfers: the target agent gets one screen pop, ``transferred`` (with the
  extension it comes from), when its phone rings or the transfer is reported,
  whichever comes first;
- supervisor legs: a ``ChanSpy`` (``ChanSpyStart``/``ChanSpyStop``, mode from
  the spyer's ChanSpy options: ``q`` listen, ``w`` whisper, ``B`` barge) or an
  internal call joining the ``ConfBridge`` of a customer's call (conference)
  is a leg of the monitored call (``supervisor_legs``), not a call of its own:
  the supervisor's call dict then carries ``supervisor_leg_of``;
- voicemail: ``VoiceMail`` application (its channel is the message file's
  ``callerchan``), ``VM_MESSAGEFILE``/``VMSTATUS``;
- recording: ``MIXMONITOR_FILENAME``;
- hold (``agent_holds``: ``{extension: [seconds, count]}``): the agent's own
  channel raising ``Hold`` until its ``Unhold`` (the phone's hold key, a SIP
  re-INVITE; the atxfer feature holds the transferer's side, capture
  attended_transfer), or, once an agent answered, the other party's
  ``MusicOnHoldStart`` in a hold context (``hold_contexts``: the CTI hold
  redirects the caller to ``hotline.pbx.hold_context``, extension ``s``:
  ``MusicOnHold()``) until its ``MusicOnHoldStop``. Overlapping holds count
  once; the hold belongs to the agent who held (its leg), a transfer meanwhile
  or not, and ends at the latest when that channel hangs up or the call ends
  (a hold still on at the hang-up);
- a call the IVR ended (blacklist refusal, hang-up node, end of the flow):
  ``HOTLINE_IVR_END`` set by the connector's FastAGI before the hang-up, seen
  as a ``VarSet`` event (AGI ``SET VARIABLE`` emits one, see the
  ``fastagi_ivr`` capture) or in the ``ChanVariable`` lines of the
  ``Hangup`` when ``manager.conf`` lists it in ``channelvars``; such an
  unanswered call is ``refused_blacklist`` / ``ended_by_ivr``, not abandoned;
- the call ends when every channel seen for the Linkedid has hung up;
- after a (re)connection, ``restore`` (what was stored) then ``resync`` (the
  ``CoreShowChannels`` snapshot): a snapshot only adds what is new.
"""

import re
from collections import OrderedDict
from datetime import UTC, datetime

from .dialer import ACTION_PREFIX

INBOUND_CONTEXTS = frozenset({"from-pstn", "from-trunk", "from-external", "from-did"})
# hotline.pbx.hold_context's default: the CTI hold's MusicOnHold()
HOLD_CONTEXTS = frozenset({"hotline-hold"})
OUTBOUND_CONTEXTS = frozenset(
    {"pstn-out", "click2dial", "from-internal-out", "outbound"}
)
AGENT_CONTEXTS = frozenset({"agents"})
# set by the IVR engine (pbx.ivr_engine.END_VARIABLE) before it ends a call
IVR_END_VARIABLE = "HOTLINE_IVR_END"
IVR_END_REASONS = frozenset({"refused_blacklist", "ended_by_ivr"})
_LOCAL_RE = re.compile(r"^Local/([^@]+)@([^-;]+)")
_DEVICE_RE = re.compile(r"^(?:PJSIP|SIP|IAX2)/(\d{2,6})-")
_ANY_LOCAL_RE = re.compile(r"^Local/(\d{2,6})@")
_PAREN_RE = re.compile(r"\([^)]*\)")
SUPERVISOR_APPS = frozenset({"ChanSpy", "ConfBridge"})
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
# ActionIDs of the outbound campaigns' Originates
CAMPAIGN_ACTION_PREFIX = ACTION_PREFIX + "-"
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


def _duration(value):
    """Seconds of a ``Duration: HH:MM:SS`` (``None`` when absent or odd)."""
    parts = (value or "").split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    hours, minutes, seconds = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + seconds


def _epoch(value):
    """Epoch of a datetime (naive ones are UTC, as Odoo stores them) or number."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def to_datetime(epoch):
    """UTC-aware datetime of an epoch (``None`` stays ``None``)."""
    return datetime.fromtimestamp(epoch, UTC) if epoch is not None else None


class _Call:
    __slots__ = (
        "abandon_holds",
        "agent_answers",
        "agent_holds",
        "answer_queue",
        "answered",
        "answered_agents_emitted",
        "called",
        "caller",
        "channels",
        "conferences",
        "did",
        "ended",
        "hangup_cause",
        "hold_leg",
        "hold_sources",
        "hold_start",
        "hung",
        "inbound",
        "is_ended",
        "ivr_end",
        "last_emitted",
        "legs",
        "linkedid",
        "monitor_of",
        "outbound",
        "outcome",
        "primary",
        "queue",
        "queue_joins",
        "queued",
        "recording",
        "ringing",
        "spy_options",
        "started",
        "transfer_from",
        "uniqueid",
        "voicemail",
        "voicemail_channel",
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
        self.agent_holds = {}  # extension -> [hold seconds, holds]
        self.hold_sources = {}  # (kind, Uniqueid) holding the caller now
        self.hold_start = None  # when the current hold began
        self.hold_leg = None  # the extension holding now
        self.inbound = False
        self.outbound = False
        self.caller = None
        self.called = None
        self.did = None
        self.recording = None
        self.hangup_cause = None
        self.abandon_holds = {}  # queue -> HoldTime of its QueueCallerAbandon
        self.queue_joins = set()  # (time, queue) of each QueueCallerJoin
        self.answer_queue = None  # (time, queue) of the first AgentConnect
        self.legs = {}  # (spyer Uniqueid, start) -> supervisor leg
        self.monitor_of = None  # the monitored call, when this is a leg
        self.spy_options = None  # (application, data) the supervisor runs
        self.conferences = {}  # Uniqueid -> (conference, join time)
        self.transfer_from = {}  # target extension -> transferring extension
        self.voicemail = False
        self.voicemail_channel = None  # what the message file names (callerchan)
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
        hold_contexts=HOLD_CONTEXTS,
    ):
        self.inbound_contexts = frozenset(inbound_contexts)
        self.hold_contexts = frozenset(hold_contexts)
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
        self.rooms = {}  # ConfBridge conference -> {Uniqueid: Linkedid}

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

    def leg_extension(self, channel, number=None):
        """Extension of a supervisor's channel (any Local context too)."""
        ext = self.agent_extension(channel)
        if ext:
            return ext
        match = _ANY_LOCAL_RE.match(channel or "")
        if match:
            return match.group(1)
        return number if number not in UNKNOWN else None

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
                "ChanSpyStart",
                "ChanSpyStop",
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
        if isinstance(call, list):
            return [c for one in call for c in self._emit(one)], live
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
        app = event.get("Application")
        if app in SUPERVISOR_APPS:
            return self._supervisor_app(call, app, event.get("AppData"), now)
        if app == "VoiceMail":
            changed = not call.voicemail
            call.voicemail = True
            channel = event.get("Channel")
            if channel and call.voicemail_channel is None:
                call.voicemail_channel = channel
                changed = True
            return call if changed else None
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
        queue = event.get("Queue")
        call.queue = call.queue or queue
        changed = False
        if queue and now is not None and (now, queue) not in call.queue_joins:
            call.queue_joins.add((now, queue))
            changed = True
        if now is not None and (call.queued is None or now < call.queued):
            call.queued = now
            changed = True
        return call if changed else None

    def _on_queue_abandon(self, call, event, now, live):
        queue = event.get("Queue")
        call.queue = call.queue or queue
        hold = event.get("HoldTime")
        if hold and hold.isdigit():
            # also sent when Queue() times out (app_queue.c record_abandoned):
            # the caller may go on to the next queue (overflow)
            call.abandon_holds[queue] = int(hold)
        return call

    def _ring(self, call, dest, live):
        ext = self.agent_extension(dest)
        if not ext or not call.inbound or ext in call.ringing or call.is_ended:
            return
        call.ringing.add(ext)
        if ext in call.answered_agents_emitted:
            return  # its transfer pop is out already (BlindTransfer came first)
        previous = [a for a in self._agents(call) if a != ext]
        if previous:
            # another agent has the call: this ring is a transfer, one pop
            call.answered_agents_emitted.add(ext)
            call.transfer_from.setdefault(ext, previous[-1])
            live.append(self._live(call, "transferred", ext))
            return
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
            if kind == "transferred":
                call.transfer_from.setdefault(ext, before[-1])
            live.append(self._live(call, kind, ext))
        return call

    def _on_agent_connect(self, call, event, now, live):
        queue = event.get("Queue")
        call.queue = call.queue or queue
        changed = False
        if (
            queue
            and now is not None
            and (call.answer_queue is None or now < call.answer_queue[0])
        ):
            call.answer_queue = (now, queue)  # the queue that answered
            changed = True
        ext = self.agent_extension(event.get("DestChannel")) or self.agent_extension(
            event.get("Interface")
        )
        answered = self._agent_answer(call, ext, now, live) if ext else None
        return call if changed else answered

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
            source = self.agent_extension(
                event.get("TransfererChannel") or event.get("OrigTransfererChannel")
            )
            agents = self._agents(call)
            source = source or (agents[-1] if agents else None)
            if source and source != target:
                call.transfer_from.setdefault(target, source)
            live.append(self._live(call, "transferred", target))
        return

    # -- hold ----------------------------------------------------------------------
    def _hold_on(self, call, source, ext, now):
        if source in call.hold_sources or call.is_ended or not ext:
            return None
        if not call.hold_sources:
            call.hold_start = now if now is not None else self._now()
            call.hold_leg = ext
            call.agent_holds.setdefault(ext, [0.0, 0])[1] += 1
        call.hold_sources[source] = ext
        return call

    def _hold_off(self, call, sources, now):
        """The hold ``sources`` ended at ``now``; the hold with them when none
        is left."""
        ended = [source for source in sources if source in call.hold_sources]
        if not ended:
            return None
        for source in ended:
            del call.hold_sources[source]
        if not call.hold_sources:
            stop = now if now is not None else self._now()
            hold = call.agent_holds.setdefault(call.hold_leg, [0.0, 0])
            hold[0] += max(stop - call.hold_start, 0)
            call.hold_start = call.hold_leg = None
        return call

    def _on_hold(self, call, event, now, live):
        ext = self.agent_extension(event.get("Channel"))
        return self._hold_on(call, ("hold", event.get("Uniqueid")), ext, now)

    def _on_unhold(self, call, event, now, live):
        return self._hold_off(call, [("hold", event.get("Uniqueid"))], now)

    def _on_moh_start(self, call, event, now, live):
        channel = event.get("Channel")
        if (
            event.get("Context") not in self.hold_contexts
            or self.agent_extension(channel)
            or not call.agent_answers
        ):
            return None
        ext = self._agents(call)[-1]
        return self._hold_on(call, ("moh", event.get("Uniqueid")), ext, now)

    def _on_moh_stop(self, call, event, now, live):
        return self._hold_off(call, [("moh", event.get("Uniqueid"))], now)

    def _on_hangup(self, call, event, now, live):
        uid = event.get("Uniqueid")
        if uid in call.hung:
            return None
        # a hold still on when its channel hangs up (or the call ends) ends
        held = self._hold_off(call, [("hold", uid), ("moh", uid)], now)
        result = self._hangup(call, event, now, live)
        if call.is_ended and call.hold_sources:
            held = self._hold_off(call, list(call.hold_sources), call.ended or now)
        if result is None and held is not None:
            result = held
        # a supervisor's phone hung up: its legs end (ChanSpyStop may follow)
        monitored = self._end_legs(call, uid, now)
        if monitored is not None:
            return [c for c in (result, monitored) if c is not None]
        return result

    def _hangup(self, call, event, now, live):
        uid = event.get("Uniqueid")
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
        campaign = (event.get("ActionID") or "").startswith(CAMPAIGN_ACTION_PREFIX)
        if event.get("Response") == "Success":
            app = event.get("Application")
            if call is not None and app in SUPERVISOR_APPS:
                return self._supervisor_app(call, app, event.get("Data"), now)
            if call is not None and campaign and call.answered is None:
                # an outbound campaign dials the callee's own channel: the
                # Originate's success is the callee answering (Reason 4)
                call.outbound = True
                call.answered = now
                return call
            return None
        channel = event.get("Channel") or ""
        exten = event.get("Exten")
        reason = ORIGINATE_REASON.get(event.get("Reason"), "failed")
        if call is not None and campaign:
            # the campaign's Originate named the channel (ChannelId)
            call.outbound = True
            call.outcome = call.outcome or reason
            return call
        # failed Originate: Uniqueid <unknown>, Channel = the requested dial string
        for candidate in reversed(self.calls.values()):
            if candidate.primary and candidate.primary.startswith(channel + "-"):
                candidate.outbound = True
                if exten and exten.isdigit() and candidate.called is None:
                    candidate.called = exten
                candidate.outcome = reason
                return candidate
        return None

    def _on_cdr(self, call, event, now, live):
        app = event.get("LastApplication")
        if call is not None and app in SUPERVISOR_APPS and call.spy_options is None:
            return self._supervisor_app(call, app, event.get("LastData"), now)
        return None

    # -- supervisor legs ---------------------------------------------------------------
    def _supervisor_app(self, call, app, data, now):
        """The supervisor's channel runs ChanSpy/ConfBridge (seen in its
        Newexten, its OriginateResponse or its Cdr): the legs' mode."""
        if call.spy_options == (app, data or ""):
            return None
        call.spy_options = (app, data or "")
        out = [call]
        if app == "ConfBridge":
            for conference, _joined in list(call.conferences.values()):
                out += self._link_conference(conference)
        monitored = self.calls.get(call.monitor_of) if call.monitor_of else None
        if monitored is not None:
            out.append(monitored)
        return out

    @staticmethod
    def spy_mode(options):
        """listen / whisper / barge from ChanSpy's options (app_chanspy.c:
        ``B`` barge, ``w`` whisper, ``W`` private whisper), ``conference``
        for ConfBridge."""
        if not options:
            return "listen"
        app, data = options
        if app == "ConfBridge":
            return "conference"
        flags = _PAREN_RE.sub("", data.split(",", 1)[1] if "," in data else "")
        if "B" in flags:
            return "barge"
        if "w" in flags or "W" in flags:
            return "whisper"
        return "listen"

    def _spy_ids(self, event, role):
        uid = event.get(f"{role}Uniqueid")
        linkedid = event.get(f"{role}Linkedid") or self.by_uniqueid.get(uid)
        return uid, linkedid

    def _on_spy_start(self, call, event, now, live):
        spyer_uid, spyer_lid = self._spy_ids(event, "Spyer")
        _spyee_uid, spyee_lid = self._spy_ids(event, "Spyee")
        monitored = self.calls.get(spyee_lid) if spyee_lid else None
        if monitored is None or not spyer_lid or spyer_lid == spyee_lid:
            return None
        now = self._now() if now is None else now
        key = (spyer_uid, now)
        if key in monitored.legs:
            return None
        spyer = self._call(spyer_lid)
        spyer.monitor_of = monitored.linkedid
        monitored.legs[key] = {
            "uid": spyer_uid,
            "channel": event.get("SpyerChannel"),
            "number": event.get("SpyerCallerIDNum"),
            "linkedid": spyer_lid,
            "conference": False,
            "started": now,
            "ended": None,
        }
        return [monitored, spyer]

    def _on_spy_stop(self, call, event, now, live):
        spyer_uid, spyer_lid = self._spy_ids(event, "Spyer")
        _spyee_uid, spyee_lid = self._spy_ids(event, "Spyee")
        spyer = self.calls.get(spyer_lid) if spyer_lid else None
        # app_chanspy.c may publish the stop without the spyee
        spyee_lid = spyee_lid or (spyer.monitor_of if spyer else None)
        monitored = self.calls.get(spyee_lid) if spyee_lid else None
        if monitored is None:
            return None
        return self._end_leg_of(monitored, spyer_uid, now)

    def _end_leg_of(self, monitored, uid, now):
        now = self._now() if now is None else now
        changed = False
        for leg in monitored.legs.values():
            if leg["uid"] == uid and leg["ended"] is None and leg["started"] <= now:
                leg["ended"] = now
                changed = True
        return monitored if changed else None

    def _end_legs(self, call, uid, now):
        monitored = self.calls.get(call.monitor_of) if call.monitor_of else None
        if monitored is None:
            return None
        return self._end_leg_of(monitored, uid, now)

    def _on_conf_join(self, call, event, now, live):
        uid = event.get("Uniqueid")
        conference = event.get("Conference")
        if not uid or not conference:
            return None
        now = self._now() if now is None else now
        self.rooms.setdefault(conference, {})[uid] = call.linkedid
        if uid in call.conferences:
            return None
        call.conferences[uid] = (conference, now)
        return self._link_conference(conference) or None

    def _on_conf_leave(self, call, event, now, live):
        uid = event.get("Uniqueid")
        return self._end_legs(call, uid, now)

    def _is_supervisor(self, call):
        """A call that joins a customer's conference as a supervisor: the
        supervisor's phone originated into ConfBridge, or an internal call."""
        if call.inbound:
            return False
        if call.spy_options and call.spy_options[0] == "ConfBridge":
            return True
        return not call.outbound

    def _link_conference(self, conference):
        """The supervisors in ``conference`` become legs of the customer's
        call in it (the first one to join, when several)."""
        members = {}
        for uid, linkedid in self.rooms.get(conference, {}).items():
            member = self.calls.get(linkedid)
            if member is not None:
                members.setdefault(linkedid, (member, []))[1].append(uid)
        customers = [m for m, _u in members.values() if not self._is_supervisor(m)]
        if not customers:
            return []
        customer = min(
            customers,
            key=lambda c: min(
                j for conf, j in c.conferences.values() if conf == conference
            ),
        )
        out = []
        for member, uids in members.values():
            if member in customers:
                continue
            for uid in uids:
                joined = member.conferences[uid][1]
                key = (uid, joined)
                if key in customer.legs:
                    continue
                member.monitor_of = customer.linkedid
                customer.legs[key] = {
                    "uid": uid,
                    "channel": member.channels.get(uid),
                    "number": None,
                    "linkedid": member.linkedid,
                    "conference": True,
                    "started": joined,
                    "ended": None,
                }
                out.append(member)
        if out:
            out.append(customer)
        return out

    _HANDLERS = {
        "Newchannel": _on_newchannel,
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
        "ChanSpyStart": _on_spy_start,
        "ChanSpyStop": _on_spy_stop,
        "ConfbridgeJoin": _on_conf_join,
        "ConfbridgeLeave": _on_conf_leave,
        "Hold": _on_hold,
        "Unhold": _on_unhold,
        "MusicOnHoldStart": _on_moh_start,
        "MusicOnHoldStop": _on_moh_stop,
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
        event = {
            "type": kind,
            "linkedid": call.linkedid,
            "extension": extension,
            "caller_number": call.caller if call.inbound else call.called,
            "did": call.did,
            "queue": self._queue(call),
        }
        if kind == "transferred":
            event["transferred_from"] = call.transfer_from.get(extension)
        return event

    @staticmethod
    def _queue_path(call):
        return [queue for _t, queue in sorted(call.queue_joins)]

    def _queue(self, call):
        """The queue that answered, else the last one entered (overflow)."""
        if call.answer_queue is not None:
            return call.answer_queue[1]
        path = self._queue_path(call)
        return path[-1] if path else call.queue

    def _abandon_wait(self, call):
        """Wait of a caller who gave up in a queue, counted from the first
        queue entered when the call overflowed from one queue to another."""
        joins = sorted(call.queue_joins)
        if not joins:
            holds = list(call.abandon_holds.values())
            return holds[0] if len(holds) == 1 else None
        last_time, last_queue = joins[-1]
        hold = call.abandon_holds.get(last_queue)
        if hold is None:
            return None
        return hold + (last_time - joins[0][0])

    def _supervisor_legs(self, call):
        legs = []
        for leg in sorted(call.legs.values(), key=lambda g: (g["started"], g["uid"])):
            supervisor = self.calls.get(leg["linkedid"])
            end = leg["ended"]
            if end is None and call.is_ended:
                end = call.ended  # a leg never outlasts the monitored call
            legs.append(
                {
                    "linkedid": leg["linkedid"],
                    "extension": self.leg_extension(leg["channel"], leg["number"]),
                    "mode": "conference"
                    if leg["conference"]
                    else self.spy_mode(supervisor.spy_options if supervisor else None),
                    "started_at": to_datetime(leg["started"]),
                    "ended_at": to_datetime(end),
                    "duration_seconds": round(max(end - leg["started"], 0))
                    if end is not None
                    else 0,
                }
            )
        return legs

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
        elif self._abandon_wait(call) is not None:
            wait = self._abandon_wait(call)
        elif call.is_ended and call.ended is not None:
            wait = call.ended - (call.queued or call.started or call.ended)
        talk = None
        if call.answered is not None and call.is_ended and call.ended is not None:
            talk = call.ended - call.answered
        data = {
            "linkedid": call.linkedid,
            "uniqueid": call.uniqueid,
            "direction": direction,
            "caller_number": caller,
            "called_number": called,
            "did": call.did,
            "queue": self._queue(call),
            "queue_path": self._queue_path(call),
            "agents": agents,
            "started_at": to_datetime(call.started),
            "queued_at": to_datetime(call.queued),
            "answered_at": to_datetime(call.answered),
            "ended_at": to_datetime(call.ended) if call.is_ended else None,
            "wait_seconds": round(max(wait, 0)) if wait is not None else 0,
            "talk_seconds": round(max(talk, 0)) if talk is not None else 0,
            "disposition": self._disposition(call),
            "recording_file": call.recording,
            "voicemail_channel": call.voicemail_channel,
            "hangup_cause": call.hangup_cause if call.is_ended else None,
            "supervisor_legs": self._supervisor_legs(call),
        }
        if call.agent_holds:
            data["agent_holds"] = {
                ext: [round(seconds), count]
                for ext, (seconds, count) in call.agent_holds.items()
            }
        if call.monitor_of:
            data["supervisor_leg_of"] = call.monitor_of
        return data

    # -- resynchronisation -------------------------------------------------------------
    def restore(self, data):
        """Seed a call from what was stored of it (a ``snapshot`` dict read back
        from the database) when the connector restarts during the call.

        Only fills what this correlator does not know yet: a snapshot taken
        after a restart lacks the start, answer and queue times, the agents
        and the recording, which the stored call has.
        """
        call = self._call(data["linkedid"])
        if data.get("uniqueid"):
            call.uniqueid = data["uniqueid"]
        direction = data.get("direction")
        if direction == "inbound":
            call.inbound = True
            call.caller = call.caller or data.get("caller_number")
        elif direction == "outbound":
            call.outbound = True
            call.called = call.called or data.get("called_number")
        call.did = call.did or data.get("did")
        call.queue = call.queue or data.get("queue")
        call.recording = call.recording or data.get("recording_file")
        for attr, key in (
            ("started", "started_at"),
            ("queued", "queued_at"),
            ("answered", "answered_at"),
        ):
            value = data.get(key)
            if value and getattr(call, attr) is None:
                setattr(call, attr, _epoch(value))
        if data.get("disposition") == "voicemail":
            call.voicemail = True
        if data.get("queue_path") and not call.queue_joins:
            # stored in joining order; their times are not kept
            base = call.queued if call.queued is not None else call.started or 0.0
            for seq, queue in enumerate(data["queue_path"]):
                call.queue_joins.add((base + seq * 1e-3, queue))
        first = call.answered if call.answered is not None else call.started
        for seq, ext in enumerate(data.get("agents") or []):
            if ext not in call.agent_answers:
                # stored in answering order; only the first answer time is kept
                call.agent_answers[ext] = (first or 0.0) + seq * 1e-3
            call.answered_agents_emitted.add(ext)
        call.last_emitted = tuple(
            sorted((k, str(v)) for k, v in self.snapshot(call).items())
        )
        return call

    def resync(
        self,
        channels,
        now=None,
        reason="ended while the connector was disconnected",
    ):
        """After a (re)connection: ``channels`` are the ``CoreShowChannel``
        events Asterisk listed at ``now``.

        A snapshot has no start, answer or queue time (manager.c
        ``action_coreshowchannels``; capture
        ``coreshowchannels_live_and_redirect_invalid_context``), so it only
        adds what is new: the call and its channels, its start from
        ``Duration``, the queue it waits in (``Application: Queue``), the agent
        bridged with it (``BridgeId``), a voicemail in progress; each time
        estimated at ``now`` is a bound (never earlier than the real one) used
        only where nothing was known.  Channels known here but not listed hung
        up meanwhile; the open calls Asterisk no longer has are closed
        (``close_missing``).  Returns the call dicts that changed.
        """
        now = self._now() if now is None else now
        listed = {}  # linkedid -> [events]
        for event in channels:
            linkedid = event.get("Linkedid")
            if linkedid and event.get("Uniqueid"):
                listed.setdefault(linkedid, []).append(event)
        out = []
        for linkedid, events in listed.items():
            call = self._call(linkedid)
            for event in events:  # the whole call first: inbound, caller, DID
                self._see_channel(call, event, None)
            self._resync_call(call, events, now)
            uids = {event.get("Uniqueid") for event in events}
            call.hung.update(uid for uid in call.channels if uid not in uids)
            out.extend(self._emit(call))
        return out + self.close_missing(listed, now=now, reason=reason)

    def _resync_call(self, call, events, now):
        created = [
            now - seconds
            for seconds in (_duration(e.get("Duration")) for e in events)
            if seconds is not None
        ]
        if call.started is None and created:
            call.started = min(created)
        bridged = any(e.get("BridgeId") for e in events)
        ignored = []  # no screen pop for what happened while away
        for event in events:
            app = event.get("Application")
            up = event.get("ChannelState") == "6"
            ext = self.agent_extension(event.get("Channel"))
            if app == "Queue" and not ext:
                call.queue = call.queue or (
                    (event.get("ApplicationData") or "").split(",")[0] or None
                )
                if call.queued is None and not bridged:
                    call.queued = now
                if call.queue and not call.queue_joins:
                    queued = call.queued if call.queued is not None else now
                    call.queue_joins.add((queued, call.queue))
            elif app == "VoiceMail":
                call.voicemail = True
            if not (up and event.get("BridgeId")):
                continue
            if ext and call.inbound and ext not in call.agent_answers:
                self._agent_answer(call, ext, now, ignored)
            elif not ext and call.outbound and call.answered is None:
                call.answered = now

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
