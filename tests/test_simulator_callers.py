"""The simulator's demo traffic mixes known customers, unknown numbers and repeat
callers, and dials the DIDs it is given."""

import random
import time

import pytest
from pbx.simulator import AmiSimulator, CallerMix
from pbx.simulator.callers import KNOWN, REPEAT, UNKNOWN

KNOWN_NUMBERS = ["13901138888", "17012340000", "18610010004", "01064701001"]


def draw(mix, n):
    return [mix.next() for _ in range(n)]


def test_seeded_mix_has_known_unknown_and_repeat_callers():
    numbers = draw(CallerMix(KNOWN_NUMBERS, rng=random.Random(12)), 200)
    known = [n for n in numbers if n in KNOWN_NUMBERS]
    unknown = [n for n in numbers if n not in KNOWN_NUMBERS]
    assert set(known) == set(KNOWN_NUMBERS)
    # about half of the calls come from customers (weights 5/3/2, repeats of
    # known callers count as known)
    assert 80 <= len(known) <= 150
    assert unknown and all(len(n) == 11 and n.startswith("13") for n in unknown)
    # an unknown caller who calls again: the card shows their last calls
    assert any(unknown.count(n) > 1 for n in unknown)


def test_same_seed_same_callers():
    first = draw(CallerMix(KNOWN_NUMBERS, rng=random.Random(3)), 50)
    second = draw(CallerMix(KNOWN_NUMBERS, rng=random.Random(3)), 50)
    assert first == second


def test_kinds_follow_the_weights_and_what_there_is():
    rng = random.Random(5)
    # nobody called yet and no known numbers: only unknown callers
    assert CallerMix(rng=rng).pick_kind() == UNKNOWN
    only_known = CallerMix(KNOWN_NUMBERS, rng=rng, weights={UNKNOWN: 0, REPEAT: 0})
    assert set(draw(only_known, 30)) <= set(KNOWN_NUMBERS)
    repeats = CallerMix(KNOWN_NUMBERS, rng=rng, weights={UNKNOWN: 1, KNOWN: 0})
    first = repeats.next()
    repeats.weights[UNKNOWN] = 0
    repeats.weights[REPEAT] = 1
    assert repeats.pick_kind() == REPEAT
    assert draw(repeats, 5) == [first] * 5
    assert KNOWN in {
        CallerMix(KNOWN_NUMBERS, rng=random.Random(seed)).pick_kind()
        for seed in range(10)
    }


def test_memory_bounds_repeat_callers():
    mix = CallerMix(rng=random.Random(1), weights={REPEAT: 0}, memory=3)
    numbers = draw(mix, 10)
    assert list(mix.recent) == numbers[-3:]


@pytest.fixture
def sim():
    simulator = AmiSimulator(speed=0).start()
    yield simulator
    simulator.stop()


def test_traffic_uses_the_callers_and_dids_given(sim):
    callers = CallerMix(KNOWN_NUMBERS, rng=random.Random(9), weights={UNKNOWN: 0})
    gen = sim.generate_traffic(
        200, count=8, speed=0, callers=callers, dids=["4008100100"]
    )
    gen.join(10)
    time.sleep(0.2)
    assert len(gen.callers) == 8
    assert {did for _caller, did in gen.callers} == {"4008100100"}
    assert {caller for caller, _did in gen.callers} <= set(KNOWN_NUMBERS)
