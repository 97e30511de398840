# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound campaigns: pacing, the Originate of an attempt and its result.

Plain Python (no ORM): the connector's :class:`cli.dialer.CampaignDialer`
asks the database which contacts are due, runs :func:`plan_dials` to pick the
ones to dial now, writes (commits) one attempt row per pick, then sends
:func:`originate_fields`.  :class:`AttemptTracker` follows the AMI events of
the attempts to their result (:func:`attempt_result`).

What Asterisk says, and where it says it (asterisk/asterisk, main branch):

- ``main/manager.c`` ``action_originate``: ``Response: Error`` "Extension does
  not exist." when Exten, Context and Priority are given and the extension is
  not in the dialplan (checked before anything rings); "Originate successfully
  queued" for an async Originate otherwise.
- ``main/manager.c`` ``fast_originate``: the ``OriginateResponse`` event
  (``Response`` Success/Failure, ``Channel``, ``Context``, ``Exten``,
  ``Reason``, ``Uniqueid`` = the new channel's, or the requested ``ChannelId``,
  or ``<unknown>``), sent to every session with the ``call`` class.
- ``Reason`` is the ``outstate`` of ``__ast_request_and_dial`` in
  ``main/channel.c``: values of ``enum ast_control_frame_type``
  (``include/asterisk/frame.h``): ``AST_CONTROL_HANGUP`` = 1 (the far end hung
  up before answering), ``AST_CONTROL_RINGING`` = 3 (still ringing when the
  Originate's timeout ran out; the channel's hang-up cause is then set to
  ``AST_CAUSE_NO_ANSWER`` 19), ``AST_CONTROL_ANSWER`` = 4,
  ``AST_CONTROL_BUSY`` = 5, ``AST_CONTROL_CONGESTION`` = 8 (also for
  ``AST_CONTROL_INCOMPLETE``); 0 when no channel could be requested or
  called (``handle_cause``: 5/8 only for causes BUSY/CONGESTION).
- ``Cause`` of the ``Hangup`` event: ITU-T Q.850 values
  (``include/asterisk/causes.h``, words in :mod:`hangup_causes`): 17 busy,
  18/19 no answer, 1 unallocated number and 28 invalid number format (空号),
  21 call rejected, 34/38/41/42 congestion and network failures.
- Captures ``/work/shared/asterisk/originate_click2dial_*``: the failed
  Originate's ``Newchannel`` precedes its ``OriginateResponse`` and its
  ``Hangup`` (with the cause) follows it.
"""

import re
import secrets
import time
from datetime import timedelta

ACTION_PREFIX = "hotline-cp"
_ACTION_RE = re.compile(r"^" + re.escape(ACTION_PREFIX) + r"-(\d+)-[0-9a-f]+$")

# result codes of an attempt -> English label (selection of
# hotline.campaign.attempt.result)
RESULTS = [
    ("answered", "Answered"),
    ("busy", "Busy"),
    ("no_answer", "No answer"),
    ("invalid_number", "Number does not exist"),
    ("rejected", "Rejected"),
    ("congestion", "Congestion / network failure"),
    ("failed", "Failed (PBX side)"),
    ("refused", "Refused by the PBX"),
    ("unknown", "Unknown (no response from the PBX)"),
]
RESULT_CODES = frozenset(code for code, _label in RESULTS)
# OriginateResponse Reason (enum ast_control_frame_type)
REASON_RESULTS = {
    "0": "failed",
    "1": "rejected",
    "3": "no_answer",
    "4": "answered",
    "5": "busy",
    "8": "congestion",
}
# Hangup Cause (Q.850) of the dialled channel, when it says more than Reason
CAUSE_RESULTS = {
    "1": "invalid_number",
    "3": "invalid_number",
    "22": "invalid_number",
    "28": "invalid_number",
    "17": "busy",
    "18": "no_answer",
    "19": "no_answer",
    "20": "no_answer",
    "21": "rejected",
    "27": "congestion",
    "34": "congestion",
    "38": "congestion",
    "41": "congestion",
    "42": "congestion",
    "44": "congestion",
}
# results after which the contact's same number is worth another attempt
RETRY_RESULTS = frozenset(
    {"busy", "no_answer", "rejected", "congestion", "failed", "unknown"}
)
# which retry interval of the campaign applies to a result
INTERVAL_OF = {
    "busy": "busy",
    "no_answer": "no_answer",
    "rejected": "no_answer",
    "congestion": "failed",
    "failed": "failed",
    "unknown": "failed",
}


def make_action_id(attempt_id):
    """The ActionID of attempt ``attempt_id``'s Originate (unique per attempt,
    the attempt id readable again after a restart)."""
    return f"{ACTION_PREFIX}-{int(attempt_id)}-{secrets.token_hex(4)}"


def attempt_of_action(action_id):
    match = _ACTION_RE.match(action_id or "")
    return int(match.group(1)) if match else None


def make_channel_id(attempt_id, tag=""):
    """The Uniqueid asked for the dialled channel (Originate ``ChannelId``):
    Asterisk names the channel, its Linkedid and a failed OriginateResponse
    with it, so the attempt finds its call in the call log."""
    return f"hlcp{tag}-{int(attempt_id)}.{secrets.token_hex(3)}"


def attempt_result(response, reason, cause=None):
    """The result of an Originate from Asterisk's own words.

    :param response: ``OriginateResponse`` ``Response`` (Success/Failure)
    :param reason: its ``Reason`` (``outstate`` of ``__ast_request_and_dial``)
    :param cause: the dialled channel's ``Hangup`` ``Cause`` when seen
    """
    if response == "Success":
        return "answered"
    cause = str(cause or "").strip()
    if cause in CAUSE_RESULTS:
        return CAUSE_RESULTS[cause]
    result = REASON_RESULTS.get(str(reason or "").strip(), "failed")
    return "failed" if result == "answered" else result


def in_windows(now, windows):
    """Whether ``now`` (aware) falls in one of ``windows`` ((start, end) aware)."""
    return any(start <= now < end for start, end in windows)


def next_window_start(now, windows):
    """When dialling may resume: ``now`` inside a window, else the next
    window's start, ``None`` when there is none."""
    if in_windows(now, windows):
        return now
    starts = [start for start, _end in windows if start > now]
    return min(starts) if starts else None


def pick_number(numbers, attempts_done, invalid=()):
    """The number of the next attempt: the contact's numbers in the
    campaign's order, one per attempt in turn, skipping the ones found not
    to exist.  ``None`` when no number is left."""
    valid = [n for n in numbers if n and n not in set(invalid)]
    if not valid:
        return None
    return valid[attempts_done % len(valid)]


def next_attempt_at(now, result, intervals):
    """When the contact may be dialled again after ``result``.

    :param intervals: {"busy", "no_answer", "failed"}: minutes
    """
    minutes = intervals.get(INTERVAL_OF.get(result, "failed"), 0) or 0
    return now + timedelta(minutes=minutes)


def plan_dials(now, settings, due, in_use, windows, free_agents=None):
    """Which contacts to dial now.

    :param settings: the campaign's {"max_channels", "max_attempts", "mode"}
    :param due: contact dicts {"id", "attempts", "next_attempt_at"} in
        dialling order (oldest first)
    :param in_use: the campaign's attempts ringing or talking now
    :param windows: the calling windows around ``now`` ((start, end) aware)
    :param free_agents: progressive mode: agents of the queue free now
    :return: the contacts to dial, never more than the free channels (and
        agents), none outside the windows, none over the attempts or before
        their next attempt time
    """
    if settings.get("mode") == "preview":
        return []
    if not in_windows(now, windows):
        return []
    slots = int(settings.get("max_channels") or 0) - int(in_use)
    if free_agents is not None:
        slots = min(slots, int(free_agents))
    if slots <= 0:
        return []
    max_attempts = int(settings.get("max_attempts") or 0)
    picked = []
    for contact in due:
        if len(picked) >= slots:
            break
        if max_attempts and contact.get("attempts", 0) >= max_attempts:
            continue
        when = contact.get("next_attempt_at")
        if when and when > now:
            continue
        picked.append(contact)
    return picked


def originate_fields(spec):
    """The AMI ``Originate`` fields of one attempt.

    :param spec: {"channel" (dial string of the number), "context", "exten",
        "caller_id", "timeout" (s), "action_id", "channel_id",
        "variables": {name: value}}
    """
    variables = ",".join(
        f"{name}={value}" for name, value in (spec.get("variables") or {}).items()
    )
    fields = {
        "Channel": spec["channel"],
        "Context": spec["context"],
        "Exten": spec["exten"],
        "Priority": "1",
        "Timeout": str(int(spec.get("timeout") or 30) * 1000),
        "Async": "true",
        "ChannelId": spec["channel_id"],
    }
    if spec.get("caller_id"):
        fields["CallerID"] = spec["caller_id"]
    if variables:
        fields["Variable"] = variables
    return fields


class AttemptTracker:
    """Follows the attempts' Originates through the AMI events.

    ``watch(action_id, channel_id)`` when the Originate is sent (or, after a
    restart, for attempts still open); ``feed(event)`` returns result dicts:

    - ``{"kind": "result", "attempt_id", "result", "reason", "cause",
      "uniqueid"}`` when the OriginateResponse (and, for a failure whose
      channel was created, its Hangup with the cause) is in;
    - ``{"kind": "ended", "attempt_id", "cause", "uniqueid"}`` when an
      answered attempt's channel hangs up.
    """

    def __init__(self, clock=time.monotonic, max_age=6 * 3600.0):
        self.clock = clock
        self.max_age = max_age
        self.by_channel = {}  # channel_id -> attempt_id (watched)
        self.created = set()  # channel ids seen in Newchannel
        self.failures = {}  # channel_id -> (attempt_id, reason) awaiting Hangup
        self.answered = {}  # channel_id -> attempt_id, until its Hangup
        self.seen_at = {}

    def watch(self, attempt_id, channel_id):
        self.by_channel[channel_id] = attempt_id
        self.seen_at[channel_id] = self.clock()

    def forget(self, attempt_id):
        for store in (self.by_channel, self.answered):
            for key in [k for k, v in store.items() if v == attempt_id]:
                store.pop(key, None)

    def feed(self, event):
        name = event.get("Event")
        if name == "OriginateResponse":
            return self._response(event)
        uid = event.get("Uniqueid")
        if name == "Newchannel" and uid in self.by_channel:
            self.created.add(uid)
        elif name == "Hangup" and uid:
            cause = event.get("Cause") or ""
            if uid in self.failures:
                attempt_id, reason = self.failures.pop(uid)
                self._drop(uid)
                return [
                    self._result(
                        attempt_id,
                        attempt_result("Failure", reason, cause),
                        reason,
                        cause,
                        uid,
                    )
                ]
            if uid in self.answered:
                attempt_id = self.answered.pop(uid)
                self._drop(uid)
                return [
                    {
                        "kind": "ended",
                        "attempt_id": attempt_id,
                        "cause": cause,
                        "uniqueid": uid,
                    }
                ]
        self._expire()
        return []

    def _response(self, event):
        attempt_id = attempt_of_action(event.get("ActionID"))
        if attempt_id is None:
            return []
        uid = event.get("Uniqueid") or ""
        reason = event.get("Reason") or ""
        if event.get("Response") == "Success":
            self.answered[uid] = attempt_id
            return [self._result(attempt_id, "answered", reason, None, uid)]
        if uid in self.created:
            # the channel existed: its Hangup follows with the cause
            self.failures[uid] = (attempt_id, reason)
            return []
        self._drop(uid)
        return [
            self._result(
                attempt_id, attempt_result("Failure", reason), reason, None, uid
            )
        ]

    def _drop(self, uid):
        self.by_channel.pop(uid, None)
        self.created.discard(uid)
        self.seen_at.pop(uid, None)

    def _expire(self):
        limit = self.clock() - self.max_age
        for uid in [u for u, at in self.seen_at.items() if at < limit]:
            self._drop(uid)
            self.failures.pop(uid, None)
            self.answered.pop(uid, None)

    @staticmethod
    def _result(attempt_id, result, reason, cause, uid):
        return {
            "kind": "result",
            "attempt_id": attempt_id,
            "result": result,
            "reason": reason,
            "cause": cause or "",
            "uniqueid": uid if uid and uid != "<unknown>" else "",
        }
