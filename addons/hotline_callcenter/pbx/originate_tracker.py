# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Follow a click-to-dial Originate to its outcome, from the AMI event stream.

Supervisors' Originates into an application (ChanSpy, ConfBridge) carry the
same kind of ActionID: only their refusal by the supervisor's phone is
reported.

Odoo sends ``Originate ... Async: true`` with an ActionID that names the user
who clicked (:func:`make_action_id`) and returns at once; the connector, which
sees every event, feeds them here and gets one result per Originate:

- ``OriginateResponse`` (broadcast to every AMI session with the ``call``
  class, manager.c ``fast_originate``; it carries the ActionID of the
  Originate): ``Response: Failure`` means the agent's own phone did not take
  the call (``Reason`` 5 busy, 3 no answer, 1 hung up, 8 congestion, 0 no such
  channel), ``Channel`` is then the requested dial string and ``Uniqueid``
  ``<unknown>``.  ``Response: Success`` (``Reason: 4``) means the agent answered;
  ``Uniqueid`` is the channel that now runs the outbound dialplan.
- the customer leg: the ``DialEnd`` whose ``Uniqueid`` is that channel
  (``DialStatus`` ANSWER / BUSY / NOANSWER / CANCEL / CHANUNAVAIL /
  CONGESTION), else its ``DIALSTATUS`` VarSet (a Dial that created no
  channel emits no DialEnd), with the ``Hangup`` cause of the dialled channel
  (``DialBegin``'s ``DestUniqueid``) for a failure; the channel hanging up
  without any of these ends the attempt too.

Captures: ``/work/shared/asterisk/originate_click2dial_*``.  In them the
``DialBegin`` of the customer leg precedes the ``OriginateResponse``, so what
happens on recent channels is kept (bounded) until the response names one.
"""

import re
import secrets
import time
from collections import OrderedDict

ACTION_PREFIX = "hotline-c2d"
_ACTION_RE = re.compile(r"^" + re.escape(ACTION_PREFIX) + r"-(\d+)-[0-9a-f]+$")
# OriginateResponse Reason (enum ast_control_frame_type of the last frame)
AGENT_REASONS = {"5": "busy", "3": "no_answer", "1": "failed", "8": "failed"}
DIAL_OUTCOMES = {
    "ANSWER": "answered",
    "BUSY": "busy",
    "NOANSWER": "no_answer",
    "CANCEL": "cancelled",
    "CHANUNAVAIL": "failed",
    "CONGESTION": "failed",
    "INVALIDARGS": "failed",
}
# a failed dial waits for the customer leg's Hangup to say why
WAIT_FOR_CAUSE = frozenset({"failed"})
CAUSE_OUTCOMES = {"17": "busy", "18": "no_answer", "19": "no_answer", "21": "failed"}
NORMAL_CAUSES = frozenset({"", "0", "16"})


def make_action_id(user_id, tag=""):
    """The ActionID of a click-to-dial Originate by ``user_id``; ``tag`` (hex)
    starts its random part, e.g. to tell which database dialled."""
    return f"{ACTION_PREFIX}-{int(user_id)}-{tag}{secrets.token_hex(6)}"


def user_of_action(action_id):
    """The user id an ActionID of :func:`make_action_id` names, else ``None``."""
    match = _ACTION_RE.match(action_id or "")
    return int(match.group(1)) if match else None


class _Channel:
    __slots__ = ("cause", "dest", "hung", "status")

    def __init__(self):
        self.dest = None  # Uniqueid of the customer leg (DialBegin)
        self.status = None  # last DialStatus / DIALSTATUS seen
        self.hung = None  # Hangup cause of this channel
        self.cause = None  # Hangup cause of the customer leg


class OriginateTracker:
    """``feed(event)`` -> list of result dicts (see :meth:`_result`)."""

    def __init__(self, max_channels=5000, max_age=4 * 3600.0, clock=time.monotonic):
        self.max_channels = max_channels
        self.max_age = max_age
        self.clock = clock
        self.channels = OrderedDict()  # Uniqueid -> _Channel (recent ones)
        self.dest_of = {}  # customer leg Uniqueid -> originated Uniqueid
        self.waiting = {}  # originated Uniqueid -> (action_id, user, exten, since)

    def _channel(self, uid, create=True):
        chan = self.channels.get(uid)
        if chan is None and create and uid and uid != "<unknown>":
            chan = self.channels[uid] = _Channel()
            while len(self.channels) > self.max_channels:
                _old, gone = self.channels.popitem(last=False)
                if gone.dest is not None:
                    self.dest_of.pop(gone.dest, None)
        return chan

    def feed(self, event):
        name = event.get("Event")
        if name == "OriginateResponse":
            return self._on_originate_response(event)
        uid = event.get("Uniqueid")
        if name == "DialBegin" and event.get("DestUniqueid") and uid:
            self._channel(uid).dest = event.get("DestUniqueid")
            self.dest_of[event.get("DestUniqueid")] = uid
        elif name == "DialEnd" and uid and event.get("DialStatus"):
            self._channel(uid).status = event.get("DialStatus")
        elif name == "VarSet" and event.get("Variable") == "DIALSTATUS" and uid:
            if event.get("Value"):
                self._channel(uid).status = event.get("Value")
        elif name == "Hangup" and uid:
            cause = event.get("Cause") or ""
            origin = self.dest_of.get(uid)
            if origin is not None:
                self._channel(origin).cause = (cause, event.get("Cause-txt") or "")
                uid = origin
            else:
                self._channel(uid).hung = (cause, event.get("Cause-txt") or "")
        else:
            return []
        self._expire()
        return self._check(uid)

    def _on_originate_response(self, event):
        action_id = event.get("ActionID")
        user_id = user_of_action(action_id)
        if user_id is None:
            return []  # not a click-to-dial of ours
        exten = event.get("Exten") or ""
        if event.get("Response") != "Success":
            reason = event.get("Reason") or ""
            return [
                self._result(
                    action_id,
                    user_id,
                    exten,
                    leg="agent",
                    outcome=AGENT_REASONS.get(reason, "failed"),
                    reason=reason,
                )
            ]
        uid = event.get("Uniqueid")
        if not uid or uid == "<unknown>" or event.get("Application"):
            # an Originate into an application (a supervisor's ChanSpy or
            # ConfBridge) dials no one: the answered phone is the outcome
            return []
        self.waiting[uid] = (action_id, user_id, exten, self.clock())
        self._channel(uid)
        return self._check(uid)

    def _check(self, uid):
        """The result of the Originate of channel ``uid`` once it is known."""
        if uid not in self.waiting:
            return []
        chan = self._channel(uid, create=False)
        if chan is None:
            return []
        outcome = DIAL_OUTCOMES.get(chan.status) if chan.status else None
        if (
            outcome in WAIT_FOR_CAUSE
            and chan.cause is None
            and chan.hung is None
            and chan.dest is not None
        ):
            return []  # the customer leg's Hangup follows with the cause
        cause = chan.cause or chan.hung
        if outcome is None and chan.cause and chan.cause[0] not in NORMAL_CAUSES:
            # no dial status (yet): the customer leg's own cause says it
            outcome = CAUSE_OUTCOMES.get(chan.cause[0], "failed")
        if outcome is None and chan.hung is not None:
            outcome = "ended"  # the agent's leg ended before any dial result
        if outcome is None:
            return []
        action_id, user_id, exten, _since = self.waiting.pop(uid)
        return [
            self._result(
                action_id,
                user_id,
                exten,
                leg="customer",
                outcome=outcome,
                uniqueid=uid,
                dial_status=chan.status,
                cause=cause,
            )
        ]

    def _expire(self):
        """Originates whose channel was never seen again (e.g. events lost)."""
        if not self.waiting:
            return
        limit = self.clock() - self.max_age
        for uid in [u for u, w in self.waiting.items() if w[3] < limit]:
            del self.waiting[uid]

    @staticmethod
    def _result(
        action_id,
        user_id,
        exten,
        leg,
        outcome,
        reason=None,
        uniqueid=None,
        dial_status=None,
        cause=None,
    ):
        """``type`` "click_to_dial"; ``leg`` "agent" (the agent's own phone,
        ``reason`` of OriginateResponse) or "customer"; ``outcome`` answered /
        busy / no_answer / cancelled / failed / ended; ``cause`` the Hangup
        ``(code, text)`` of the customer leg (or of the agent's when it ended
        first); ``linkedid`` the originated channel's Uniqueid."""
        return {
            "type": "click_to_dial",
            "action_id": action_id,
            "user_id": user_id,
            "number": exten,
            "leg": leg,
            "outcome": outcome,
            "reason": reason,
            "linkedid": uniqueid,
            "dial_status": dial_status,
            "cause": list(cause) if cause else None,
        }
