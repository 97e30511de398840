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


# -- scripted IVR callers (make run's walk through the demo's IVR flows) --------------
def _menu_server(heard):
    """A FastAGI script: welcome, a notice, then a menu and a PIN until the
    caller hangs up; ``heard`` gets what the caller answered."""
    from pbx.fastagi import AgiHangup, FastAgiServer

    def handler(session):
        try:
            session.answer()
            for name in ("hotline/zh_CN/welcome", "hotline/zh_CN/notice_x"):
                heard.append((name, session.stream_file(name)))
            while True:
                heard.append(("menu", session.stream_file("hotline/zh_CN/menu", "120")))
                heard.append(("pin", session.get_data("hotline/zh_CN/pin", 3000, 6)))
        except AgiHangup:
            heard.append(("hung up", None))

    return FastAgiServer("127.0.0.1", 0, handler).start()


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        # hangs up while the notice plays
        (
            {"hangup_at": "notice_x"},
            [("hotline/zh_CN/welcome", ""), ("hung up", None)],
        ),
        # presses 1, types the PIN, then hangs up at the next menu
        (
            {"dtmf": "1135790"},
            [
                ("hotline/zh_CN/welcome", ""),
                ("hotline/zh_CN/notice_x", ""),
                ("menu", "1"),
                ("pin", ("135790", False)),
                ("hung up", None),
            ],
        ),
    ],
)
def test_scripted_ivr_caller_presses_its_keys_and_hangs_up(script, expected):
    from pbx.simulator.callers import IvrScript

    heard = []
    server = _menu_server(heard)
    try:
        ivr = IvrScript("t", "13800000001", "4008100200", **script)
        caller = ivr.agi_caller("127.0.0.1", server.port)
        assert caller.variables["QUEUESTATUS"] == "CONTINUE"
        caller.run()
    finally:
        server.stop()
    assert caller.dead
    assert heard == expected


def test_ivr_traffic_runs_the_scripts_and_sends_their_channels(sim):
    from pbx.simulator.callers import IvrScriptMix

    heard = []
    server = _menu_server(heard)
    events = []
    sim.broadcast_many = lambda batch: events.extend(batch)
    try:
        scripts = [
            {
                "name": "agent",
                "caller": "13800000002",
                "did": "4008100200",
                "dtmf": "0",
            },
            {"name": "never", "caller": "1", "did": "1", "weight": 0},
        ]
        gen = sim.generate_ivr_traffic("127.0.0.1", server.port, scripts, 200, count=3)
        gen.join(10)
    finally:
        server.stop()
    assert [name for name, _caller in gen.calls] == ["agent"] * 3
    assert all(caller.dead for _name, caller in gen.calls)
    names = [dict(pairs)["Event"] for pairs in events]
    assert names.count("Newchannel") == 3
    assert names.count("Hangup") == 3
    assert names.index("Newchannel") < names.index("Hangup")
    mix = IvrScriptMix(scripts, rng=random.Random(1))
    assert {mix.next().name for _ in range(20)} == {"agent"}
