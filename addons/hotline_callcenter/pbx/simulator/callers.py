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
