# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who calls in the simulator's demo traffic.

A demo whose callers are all random numbers never shows what the screen pop is
for. :class:`CallerMix` draws each caller from three kinds: a known number (the
demo's customers, passed in by the connector: VIP, blacklisted, in arrears), an
unknown number, or someone who called a moment ago and calls again.
"""

import random
from collections import deque

KNOWN, UNKNOWN, REPEAT = "known", "unknown", "repeat"
DEFAULT_WEIGHTS = {KNOWN: 5, UNKNOWN: 3, REPEAT: 2}
# the numbers the simulator dials when no database gives it its own
DEFAULT_DIDS = ("4008123456", "8008123456", "4008123457")


def unknown_number(rng):
    """A Chinese mobile number nobody in the demo has (13x range)."""
    return f"13{rng.randrange(10**9):09d}"


class CallerMix:
    """Draws caller numbers: ``known`` numbers, unknown ones and repeat callers.

    :param known: numbers as the PBX presents them (national digits).
    :param rng: a :class:`random.Random` (seed it for a reproducible mix).
    :param weights: {kind: weight} for ``known``, ``unknown`` and ``repeat``;
        a kind with nothing to draw from (no known numbers, nobody called yet)
        is left out of that draw.
    :param memory: how many of the latest callers a repeat caller comes from.
    """

    def __init__(self, known=(), rng=None, weights=None, memory=10):
        self.known = [number for number in dict.fromkeys(known) if number]
        self.rng = rng or random.Random()
        self.weights = dict(DEFAULT_WEIGHTS, **(weights or {}))
        self.recent = deque(maxlen=memory)

    def pick_kind(self):
        kinds = [UNKNOWN]
        if self.known:
            kinds.append(KNOWN)
        if self.recent:
            kinds.append(REPEAT)
        kinds = [kind for kind in kinds if self.weights.get(kind, 0) > 0] or [UNKNOWN]
        return self.rng.choices(kinds, [self.weights.get(k, 1) for k in kinds])[0]

    def next(self):
        """The next caller's number."""
        kind = self.pick_kind()
        if kind == KNOWN:
            number = self.rng.choice(self.known)
        elif kind == REPEAT:
            number = self.rng.choice(list(self.recent))
        else:
            number = unknown_number(self.rng)
        self.recent.append(number)
        return number


class IvrScript:
    """A scripted IVR caller: who calls which number, the keys they press and
    when they hang up (see :class:`AgiCaller`'s ``hangup_at`` and
    ``hangup_when_done``). The demo's add-ons describe theirs as dicts
    (``hotline.pbx._hotline_simulator_ivr_scripts``); :meth:`agi_caller`
    makes the simulated call that plays Asterisk's side of FastAGI."""

    def __init__(
        self,
        name,
        caller,
        did,
        dtmf="",
        hangup_at=None,
        hangup_when_done=True,
        weight=1,
    ):
        self.name = name
        self.caller = caller
        self.did = did
        self.dtmf = dtmf
        self.hangup_at = hangup_at
        self.hangup_when_done = hangup_when_done
        self.weight = weight

    @classmethod
    def coerce(cls, value):
        return value if isinstance(value, cls) else cls(**value)

    def agi_caller(self, host, port):
        """The :class:`AgiCaller` of one call of this script (not started).
        A queue the call reaches answers at once (QUEUESTATUS CONTINUE)."""
        from .agi_caller import AgiCaller

        return AgiCaller(
            host,
            port,
            script=f"ivr?did={self.did}",
            caller=self.caller,
            did=self.did,
            dtmf=self.dtmf,
            hangup_at=self.hangup_at,
            hangup_when_done=self.hangup_when_done,
            variables={"QUEUESTATUS": "CONTINUE"},
        )

    def __repr__(self):
        return f"IvrScript({self.name!r}, {self.caller}, {self.did}, {self.dtmf!r})"


class IvrScriptMix:
    """Draws scripted IVR callers by their weight."""

    def __init__(self, scripts, rng=None):
        self.scripts = [IvrScript.coerce(script) for script in scripts]
        self.rng = rng or random.Random()

    def next(self):
        weights = [max(script.weight, 0) or 0 for script in self.scripts]
        if not any(weights):
            weights = None
        return self.rng.choices(self.scripts, weights)[0]
