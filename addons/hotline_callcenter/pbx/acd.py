# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ACD routing decisions (排队及话务分配), plain Python.

Two kinds of decision live here, each a pure function tested on its own:

* :func:`route_before_queue`: where a caller goes before the queue (VIP queue,
  first-contact agent 首问负责制, blacklist warning or refusal, priority).
* :func:`select_members`: which queue members ring for a waiting caller under a
  strategy, with penalties and wrap-up time, the way Asterisk's ``app_queue``
  does it (ringall, rrmemory, linear, leastrecent, fewestcalls, random,
  wrandom). Asterisk makes this choice itself for calls in its queues; the
  same rules are used here to route direct-to-agent calls and to show agents
  the order in which they will ring.
* :func:`overflow_action`: what happens when a caller waited too long or the
  queue cannot take the call.
"""

import random
import time
from dataclasses import dataclass, field

STRATEGIES = (
    "ringall",
    "rrmemory",
    "linear",
    "leastrecent",
    "fewestcalls",
    "random",
    "wrandom",
)
VIP_PRIORITY = 10
FIRST_CONTACT_PRIORITY = 5


@dataclass
class Agent:
    """A queue member as routing sees it."""

    user_id: int
    extension: str
    name: str = ""
    logged_in: bool = True
    paused: bool = False
    in_call: bool = False
    penalty: int = 0
    calls_taken: int = 0
    last_call_end: float = 0.0  # epoch seconds; 0 = never
    position: int = 0  # order in the queue (linear)

    def available(self, now, wrapup_seconds=0):
        if not self.logged_in or self.paused or self.in_call:
            return False
        if wrapup_seconds and self.last_call_end:
            return now - self.last_call_end >= wrapup_seconds
        return True


@dataclass
class RoutingDecision:
    action: str  # "queue", "agent", "refuse"
    queue: str = ""
    agent: Agent = None
    priority: int = 0
    reason: str = ""
    warn_prompt: str = ""
    refuse_prompt: str = ""


def route_before_queue(
    queue,
    is_vip=False,
    vip_queue=None,
    blacklist=None,
    last_agent=None,
    base_priority=0,
    now=None,
    wrapup_seconds=0,
):
    """Decide where a caller goes before joining ``queue``.

    Order: blacklist refusal first (a refused number reaches nobody), then the
    blacklist warning (played, then the call continues), VIP, first contact.
    ``last_agent`` is the :class:`Agent` who served the caller within the
    first-contact window (None otherwise): the caller goes to that agent when
    logged in, free and out of the queue's wrap-up time (``wrapup_seconds``
    after the agent's ``last_call_end``, at ``now``, epoch seconds, the current
    time when None), else to the queue with priority.
    """
    warn = ""
    if blacklist:
        if blacklist.get("action") == "refuse":
            return RoutingDecision(
                "refuse",
                reason="blacklist",
                refuse_prompt=blacklist.get("prompt") or "",
            )
        warn = blacklist.get("prompt") or ""
    if is_vip:
        return RoutingDecision(
            "queue",
            queue=vip_queue or queue,
            priority=max(base_priority, VIP_PRIORITY),
            reason="vip",
            warn_prompt=warn,
        )
    if last_agent is not None:
        now = now if now is not None else time.time()
        if last_agent.available(now, wrapup_seconds):
            return RoutingDecision(
                "agent",
                queue=queue,
                agent=last_agent,
                priority=max(base_priority, FIRST_CONTACT_PRIORITY),
                reason="first_contact",
                warn_prompt=warn,
            )
        return RoutingDecision(
            "queue",
            queue=queue,
            priority=max(base_priority, FIRST_CONTACT_PRIORITY),
            reason="first_contact_busy",
            warn_prompt=warn,
        )
    return RoutingDecision(
        "queue", queue=queue, priority=base_priority, reason="default", warn_prompt=warn
    )


@dataclass
class QueueState:
    """What a strategy remembers between calls (rrmemory)."""

    last_position: int = -1
    extra: dict = field(default_factory=dict)


def select_members(
    strategy,
    members,
    now,
    wrapup_seconds=0,
    state=None,
    rng=None,
):
    """Members to ring, in order, for the next caller.

    Only available members (logged in, not paused, not in a call, out of
    wrap-up) with the lowest penalty among them are candidates, as in
    Asterisk. ``ringall`` returns all candidates; the other strategies return
    them in the order they will be tried, the first ringing first.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}")
    rng = rng or random.Random()
    available = [m for m in members if m.available(now, wrapup_seconds)]
    if not available:
        return []
    best = min(m.penalty for m in available)
    candidates = sorted(
        (m for m in available if m.penalty == best), key=lambda m: m.position
    )
    if strategy == "ringall":
        return candidates
    if strategy == "linear":
        return candidates
    if strategy == "rrmemory":
        state = state if state is not None else QueueState()
        after = [m for m in candidates if m.position > state.last_position]
        before = [m for m in candidates if m.position <= state.last_position]
        ordered = after + before
        state.last_position = ordered[0].position
        return ordered
    if strategy == "leastrecent":
        return sorted(candidates, key=lambda m: (m.last_call_end, m.position))
    if strategy == "fewestcalls":
        return sorted(candidates, key=lambda m: (m.calls_taken, m.position))
    if strategy == "random":
        ordered = list(candidates)
        rng.shuffle(ordered)
        return ordered
    # wrandom: Asterisk draws a random metric in [0, (penalty + 1) * 1000) per
    # member, all available members compete (penalty is the weight), lowest wins
    scored = sorted(
        available, key=lambda m: (rng.randrange((m.penalty + 1) * 1000), m.position)
    )
    return scored


def overflow_action(queue_status, overflow):
    """What to do once Queue() returned without an agent.

    ``queue_status`` is Asterisk's QUEUESTATUS (TIMEOUT, FULL, JOINEMPTY,
    LEAVEEMPTY, JOINUNAVAIL, LEAVEUNAVAIL, CONTINUE); ``overflow`` is
    ``{"type": "voicemail"|"mobile"|"queue", "target": ...}``. Returns
    ``(action, target)``: ``("done", "")`` when the caller was served.
    """
    status = (queue_status or "").upper()
    if status in ("", "CONTINUE"):
        return "done", ""
    overflow = overflow or {}
    kind = overflow.get("type") or "voicemail"
    if kind not in ("voicemail", "mobile", "queue"):
        raise ValueError(f"unknown overflow {kind!r}")
    return kind, overflow.get("target") or ""


def service_level(waits_answered, abandoned_waits, threshold, short_abandon=0):
    """Asterisk's SL and the abandon-aware SL2 (both in percent).

    SL = answered within threshold / answered; SL2 = (answered within threshold
    + abandoned within threshold) / (answered + abandoned), short abandons
    (under ``short_abandon`` seconds) excluded from both counts.
    """
    answered = len(waits_answered)
    within = sum(1 for w in waits_answered if w <= threshold)
    abandons = [w for w in abandoned_waits if w >= short_abandon]
    abandoned_within = sum(1 for w in abandons if w <= threshold)
    sl = 100.0 * within / answered if answered else 0.0
    total = answered + len(abandons)
    sl2 = 100.0 * (within + abandoned_within) / total if total else 0.0
    return sl, sl2
