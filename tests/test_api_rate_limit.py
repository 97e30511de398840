"""The API's token bucket (addons/hotline_api/tools/rate_limit.py): plain Python,
no Odoo, no database; the clock is a fake one the tests move."""

import importlib.util
import threading
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parents[1] / "addons/hotline_api/tools/rate_limit.py"
spec = importlib.util.spec_from_file_location("hotline_api_rate_limit", PATH)
rate_limit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rate_limit)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_burst_then_refused_with_retry_after():
    clock = Clock()
    limiter = rate_limit.RateLimiter(period=60, clock=clock)
    assert [limiter.hit("k", 3)[0] for _ in range(3)] == [True, True, True]
    allowed, retry_after = limiter.hit("k", 3)
    assert not allowed
    # one token comes back every 20 s
    assert retry_after == 20


def test_refill_over_time():
    clock = Clock()
    limiter = rate_limit.RateLimiter(period=60, clock=clock)
    for _ in range(2):
        limiter.hit("k", 2)
    assert not limiter.hit("k", 2)[0]
    clock.now += 29
    allowed, retry_after = limiter.hit("k", 2)
    assert not allowed and retry_after == 1
    clock.now += 2
    assert limiter.hit("k", 2) == (True, 0)
    # never more than the capacity after a long pause
    clock.now += 3600
    assert [limiter.hit("k", 2)[0] for _ in range(3)] == [True, True, False]


def test_keys_are_independent_and_reset():
    clock = Clock()
    limiter = rate_limit.RateLimiter(period=60, clock=clock)
    assert limiter.hit("a", 1)[0]
    assert not limiter.hit("a", 1)[0]
    assert limiter.hit("b", 1)[0]
    limiter.reset("a")
    assert limiter.hit("a", 1)[0]
    limiter.reset()
    assert limiter.hit("b", 1)[0]


def test_new_rate_starts_a_new_bucket():
    clock = Clock()
    limiter = rate_limit.RateLimiter(period=60, clock=clock)
    assert limiter.hit("a", 1)[0]
    assert not limiter.hit("a", 1)[0]
    assert limiter.hit("a", 5)[0]


def test_bad_rate_refused():
    with pytest.raises(ValueError):
        rate_limit.TokenBucket(0, 60, 0.0)


def test_threads_never_overdraw():
    limiter = rate_limit.RateLimiter(period=3600, clock=Clock())
    results = []

    def worker():
        for _ in range(50):
            results.append(limiter.hit("k", 100)[0])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(True) == 100
