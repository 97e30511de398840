# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A token bucket per API key, in plain Python (no ORM).

Each key may send ``rate`` requests per ``period`` seconds on average, with bursts
of up to ``rate`` requests. ``RateLimiter.hit(key, rate)`` takes one token and
answers ``(allowed, retry_after_seconds)``.

The buckets live in the memory of one process: with several Odoo workers the
ceiling of a key is up to (workers x rate). A database counter would make every
request (reads too) write the same row and wait on the other requests of the key.
"""

import math
import threading
import time


class TokenBucket:
    """``capacity`` tokens, refilled at ``capacity / period`` tokens a second."""

    __slots__ = ("capacity", "period", "tokens", "updated")

    def __init__(self, capacity, period, now):
        if capacity <= 0 or period <= 0:
            raise ValueError("capacity and period must be positive")
        self.capacity = capacity
        self.period = period
        self.tokens = float(capacity)
        self.updated = now

    def take(self, now):
        """Take one token at ``now``: ``(True, 0)`` or ``(False, seconds to wait)``."""
        elapsed = max(now - self.updated, 0.0)
        self.tokens = min(
            self.capacity, self.tokens + elapsed * self.capacity / self.period
        )
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True, 0
        wait = (1.0 - self.tokens) * self.period / self.capacity
        return False, max(1, math.ceil(wait))


class RateLimiter:
    """Buckets by key; thread-safe (the threaded server shares one process)."""

    def __init__(self, period=60.0, clock=time.monotonic, max_keys=10000):
        self.period = period
        self.clock = clock
        self.max_keys = max_keys
        self._buckets = {}
        self._lock = threading.Lock()

    def hit(self, key, rate):
        """One request of ``key`` allowed ``rate`` requests per period."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None or bucket.capacity != rate:
                if len(self._buckets) >= self.max_keys:
                    self._buckets.clear()
                bucket = self._buckets[key] = TokenBucket(rate, self.period, now)
            return bucket.take(now)

    def reset(self, key=None):
        with self._lock:
            if key is None:
                self._buckets.clear()
            else:
                self._buckets.pop(key, None)
