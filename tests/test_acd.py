# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ACD routing decisions and queue configuration, one decision at a time."""

import random
import time

import pytest
from pbx import acd, queues_conf
from pbx.acd import Agent

NOW = 1_000_000.0


def agents():
    return [
        Agent(1, "1001", position=0, calls_taken=5, last_call_end=NOW - 300),
        Agent(2, "1002", position=1, calls_taken=2, last_call_end=NOW - 900),
        Agent(3, "1003", position=2, calls_taken=9, last_call_end=NOW - 100),
    ]


def ids(members):
    return [m.user_id for m in members]


# -- before the queue ---------------------------------------------------------
def test_default_goes_to_queue():
    d = acd.route_before_queue("complaints")
    assert (d.action, d.queue, d.priority, d.reason) == (
        "queue",
        "complaints",
        0,
        "default",
    )


def test_vip_to_vip_queue_with_priority():
    d = acd.route_before_queue("complaints", is_vip=True, vip_queue="vip")
    assert (d.action, d.queue, d.priority, d.reason) == ("queue", "vip", 10, "vip")


def test_vip_without_vip_queue_keeps_queue_with_priority():
    d = acd.route_before_queue("complaints", is_vip=True)
    assert (d.queue, d.priority) == ("complaints", acd.VIP_PRIORITY)


def test_first_contact_free_agent():
    agent = Agent(9, "1009")
    d = acd.route_before_queue("q", last_agent=agent, now=NOW)
    assert (d.action, d.agent, d.reason) == ("agent", agent, "first_contact")


@pytest.mark.parametrize(
    "agent",
    [
        Agent(9, "1009", logged_in=False),
        Agent(9, "1009", paused=True),
        Agent(9, "1009", in_call=True),
        Agent(9, "1009", last_call_end=NOW - 5),  # still in wrap-up
    ],
)
def test_first_contact_unavailable_agent_queue_with_priority(agent):
    d = acd.route_before_queue("q", last_agent=agent, now=NOW, wrapup_seconds=30)
    assert (d.action, d.queue, d.priority, d.reason) == (
        "queue",
        "q",
        acd.FIRST_CONTACT_PRIORITY,
        "first_contact_busy",
    )


def test_first_contact_agent_out_of_wrapup_gets_the_call():
    agent = Agent(9, "1009", last_call_end=NOW - 31)
    d = acd.route_before_queue("q", last_agent=agent, now=NOW, wrapup_seconds=30)
    assert (d.action, d.agent, d.reason) == ("agent", agent, "first_contact")


def test_first_contact_wrapup_without_now_uses_the_clock():
    # the agent hung up 5 s ago: within a 30 s wrap-up measured on the real clock
    recent = Agent(9, "1009", last_call_end=time.time() - 5)
    d = acd.route_before_queue("q", last_agent=recent, wrapup_seconds=30)
    assert (d.action, d.reason) == ("queue", "first_contact_busy")
    earlier = Agent(9, "1009", last_call_end=time.time() - 60)
    d = acd.route_before_queue("q", last_agent=earlier, wrapup_seconds=30)
    assert (d.action, d.reason) == ("agent", "first_contact")


def test_blacklist_refuse_beats_vip():
    d = acd.route_before_queue(
        "q", is_vip=True, blacklist={"action": "refuse", "prompt": "no"}
    )
    assert (d.action, d.refuse_prompt) == ("refuse", "no")


def test_blacklist_warn_continues():
    d = acd.route_before_queue(
        "q", blacklist={"action": "warn_continue", "prompt": "w"}
    )
    assert (d.action, d.queue, d.warn_prompt) == ("queue", "q", "w")


# -- strategies ----------------------------------------------------------------
def test_ringall_rings_all_available():
    members = agents()
    members[1].paused = True
    assert ids(acd.select_members("ringall", members, NOW)) == [1, 3]


def test_linear_keeps_order():
    assert ids(acd.select_members("linear", agents(), NOW)) == [1, 2, 3]


def test_rrmemory_remembers_last():
    state = acd.QueueState()
    firsts = [
        acd.select_members("rrmemory", agents(), NOW, state=state)[0].user_id
        for _ in range(4)
    ]
    assert firsts == [1, 2, 3, 1]


def test_leastrecent_and_fewestcalls():
    assert ids(acd.select_members("leastrecent", agents(), NOW)) == [2, 1, 3]
    assert ids(acd.select_members("fewestcalls", agents(), NOW)) == [2, 1, 3]


def test_random_is_a_permutation():
    chosen = acd.select_members("random", agents(), NOW, rng=random.Random(1))
    assert sorted(ids(chosen)) == [1, 2, 3]


def test_wrandom_prefers_low_penalty():
    members = agents()
    members[0].penalty = 0
    members[1].penalty = 9
    members[2].penalty = 9
    rng = random.Random(42)
    wins = [
        acd.select_members("wrandom", members, NOW, rng=rng)[0].user_id
        for _ in range(1000)
    ]
    assert wins.count(1) > 700
    assert set(wins) == {1, 2, 3}


def test_penalty_only_lowest_rings():
    members = agents()
    members[0].penalty = 1
    assert ids(acd.select_members("ringall", members, NOW)) == [2, 3]
    members[1].in_call = True
    members[2].logged_in = False
    assert ids(acd.select_members("ringall", members, NOW)) == [1]


def test_wrapup_time():
    members = agents()
    # agent 3 hung up 100 s ago: out of a 120 s wrap-up only after 20 s more
    assert ids(acd.select_members("linear", members, NOW, wrapup_seconds=120)) == [1, 2]
    assert ids(acd.select_members("linear", members, NOW + 20, wrapup_seconds=120)) == [
        1,
        2,
        3,
    ]


def test_no_one_available():
    assert acd.select_members("ringall", [Agent(1, "1", paused=True)], NOW) == []


def test_unknown_strategy():
    with pytest.raises(ValueError):
        acd.select_members("roulette", agents(), NOW)


# -- overflow ------------------------------------------------------------------
@pytest.mark.parametrize(
    "status,overflow,expected",
    [
        ("CONTINUE", {"type": "voicemail"}, ("done", "")),
        ("TIMEOUT", {"type": "voicemail", "target": "1@x"}, ("voicemail", "1@x")),
        ("FULL", {"type": "mobile", "target": "139"}, ("mobile", "139")),
        ("JOINEMPTY", {"type": "queue", "target": "backup"}, ("queue", "backup")),
        ("TIMEOUT", None, ("voicemail", "")),
    ],
)
def test_overflow_action(status, overflow, expected):
    assert acd.overflow_action(status, overflow) == expected


def test_overflow_unknown():
    with pytest.raises(ValueError):
        acd.overflow_action("TIMEOUT", {"type": "fax"})


def test_service_levels():
    sl, sl2 = acd.service_level(
        [5, 10, 25, 40], [3, 12, 50], threshold=20, short_abandon=5
    )
    assert sl == 50.0  # 2 of 4 answered within 20 s
    # abandon of 3 s excluded; 2 answered + 1 abandoned within 20 s of 6
    assert sl2 == pytest.approx(100 * 3 / 6)


# -- queues.conf ----------------------------------------------------------------
QUEUES = [
    {
        "name": "repair",
        "strategy": "linear",
        "timeout": 20,
        "wrapuptime": 15,
        "members": [{"interface": "PJSIP/1001", "penalty": 2, "name": "Li, Wei"}],
    },
    {"name": "billing", "strategy": "rrmemory"},
]


def test_generate_conf():
    text = queues_conf.generate(QUEUES)
    assert text.index("[billing]") < text.index("[repair]")
    assert "strategy = rrmemory" in text
    assert "wrapuptime = 15" in text
    assert "autofill = no" in text
    assert "member => PJSIP/1001,2,Li  Wei" in text


def test_generate_conf_rejects_bad_names():
    for bad in (
        {"name": "a b"},
        {"name": "x]\n[evil"},
        {"name": "ok", "strategy": "x"},
    ):
        with pytest.raises(ValueError):
            queues_conf.generate([bad])


def test_push_actions_build_staging_then_switch():
    actions = queues_conf.push_actions([QUEUES[1]], staging_categories=["old"])
    build, switch = actions
    assert build["SrcFilename"] == build["DstFilename"] == queues_conf.STAGING_FILENAME
    assert build["Reload"] == "no"
    assert (build["Action-000000"], build["Cat-000000"]) == ("DelCat", "old")
    assert (build["Action-000001"], build["Cat-000001"]) == ("NewCat", "billing")
    assert (build["Var-000002"], build["Value-000002"]) == ("strategy", "rrmemory")
    # the switch: the staging file saved over the live one, no edits
    assert switch == {
        "SrcFilename": queues_conf.STAGING_FILENAME,
        "DstFilename": queues_conf.CONF_FILENAME,
        "Reload": "no",
    }


def test_push_actions_stay_under_the_header_limit():
    """Two queues already need ~150 lines (issue 10: one UpdateConfig of 149
    lines refused); every action, with Action and ActionID, stays <= 128."""
    queues = [
        dict(
            q, name=f"q{n}", members=[{"interface": f"PJSIP/{n}{m}"} for m in range(n)]
        )
        for n, q in enumerate(QUEUES * 4)
    ]
    actions = queues_conf.push_actions(queues, ["a", "b"])
    assert len(actions) > 3
    for fields in actions:
        assert len(fields) + 2 <= queues_conf.AST_MAX_MANHEADERS
        numbers = sorted({k.split("-")[1] for k in fields if k.startswith("Action-")})
        assert numbers == [f"{n:06d}" for n in range(len(numbers))]
    steps = [
        {k.split("-")[0]: v for k, v in fields.items() if k.endswith(f"-{n:06d}")}
        for fields in actions[:-1]
        for n in range(len(fields))
        if f"Action-{n:06d}" in fields
    ]
    assert steps == queues_conf.update_config_steps(queues, ["a", "b"])
    with pytest.raises(ValueError):
        queues_conf.batch_update_actions(
            [{"Action": "NewCat", "Cat": "x"}], "a", "a", 6
        )


def test_app_options():
    assert queues_conf.app_options({}) == queues_conf.DEFAULT_APP_OPTIONS == "t"
    assert queues_conf.app_options({"agent_transfer": False}) == ""
    assert (
        queues_conf.app_options(
            {"caller_transfer": True, "agent_park": True, "waiting_sound": "ringing"}
        )
        == "tTkr"
    )
    assert queues_conf.app_options({"waiting_sound": "ring_when_ringing"}) == "tR"
    with pytest.raises(ValueError):
        queues_conf.app_options({"waiting_sound": "silence"})
