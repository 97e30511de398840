# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The IVR engine over a scripted fake AGI session, every node type."""

import logging

import pytest
from pbx import acd
from pbx.ivr_engine import (
    AgiHangup,
    IvrBackend,
    IvrEngine,
    ServiceResult,
    validate_snapshot,
)


class FakeSession:
    """Plays Asterisk's side: scripted DTMF answers and dial/queue results."""

    def __init__(
        self, inputs=(), variables=None, caller="13800000001", did="4008001234"
    ):
        self.env = {
            "agi_callerid": caller,
            "agi_dnid": did,
            "agi_uniqueid": "1700000000.1",
        }
        self.params = {"did": did}
        self.inputs = list(inputs)  # each: "digits" or None (timeout)
        self.variables = dict(variables or {})
        self.log = []  # (command, argument)
        self.hung_up = False

    def answer(self):
        self.log.append(("answer", ""))

    def stream_file(self, name, escape_digits=""):
        self.log.append(("play", name))
        return ""

    def get_data(self, name, timeout_ms, max_digits):
        self.log.append(("get_data", name))
        if not self.inputs:
            raise AgiHangup()
        digits = self.inputs.pop(0)
        return (digits or "", digits is None)

    def say_digits(self, digits, escape_digits=""):
        self.log.append(("say_digits", digits))
        return ""

    def say_number(self, number, escape_digits=""):
        self.log.append(("say_number", str(number)))
        return ""

    def set_variable(self, name, value):
        self.log.append(("set", f"{name}={value}"))
        self.variables[name] = value

    def get_variable(self, name):
        value = self.variables.get(name, "")
        if isinstance(value, list):
            return value.pop(0) if value else ""
        return value

    def exec_(self, app, options=""):
        self.log.append(("exec", f"{app}({options})"))
        return 0

    def hangup(self):
        self.log.append(("hangup", ""))
        self.hung_up = True

    def commands(self, kind):
        return [arg for cmd, arg in self.log if cmd == kind]


class FakeBackend(IvrBackend):
    def __init__(self, **kw):
        self.open = kw.get("open", True)
        self.customers = kw.get("customers", {})
        self.blacklist = kw.get("blacklist", {})
        self.last_agents = kw.get("last_agents", {})
        self.flows = kw.get("flows", {})
        self.wrapups = kw.get("wrapups", {})
        self.services = kw.get("services", {})
        self.service_calls = []
        self.ratings = []
        self.steps = []

    def load_flow(self, flow_id):
        return self.flows[flow_id]

    def is_business_hours(self, calendar_id, ctx):
        return self.open

    def lookup_caller(self, number):
        return self.customers.get(number)

    def check_blacklist(self, number):
        return self.blacklist.get(number)

    def last_agent(self, number, days):
        return self.last_agents.get(number)

    def wrapup_seconds(self, queue):
        return self.wrapups.get(queue, 0)

    def run_service(self, name, ctx):
        self.service_calls.append((name, dict(ctx.variables)))
        if name not in self.services:
            return super().run_service(name, ctx)
        return self.services[name](ctx)

    def store_rating(self, ctx, digit, rating):
        self.ratings.append((ctx.caller, digit, rating))

    def log_step(self, ctx, key, node, outcome):
        self.steps.append((key, outcome))


ZH_EN = {"zh_CN": "zh/{}", "en_US": "en/{}"}


def prompt(name):
    return {lang: pattern.format(name) for lang, pattern in ZH_EN.items()}


def flow(nodes, start, fallback=None):
    return {
        "id": 1,
        "name": "test",
        "languages": ["zh_CN", "en_US"],
        "default_language": "zh_CN",
        "start": start,
        "fallback": fallback or {"type": "queue", "queue": "fallback_q"},
        "nodes": nodes,
    }


def menu_flow(**menu_extra):
    menu = {
        "type": "menu",
        "prompt": prompt("menu"),
        "options": {"1": "q_billing", "2": "q_repair", "9": "english"},
        "timeout_ms": 3000,
        "retries_no_input": 1,
        "retries_invalid": 1,
        "no_input_prompt": prompt("noinput"),
        "invalid_prompt": prompt("invalid"),
    }
    menu.update(menu_extra)
    return flow(
        {
            "welcome": {"type": "play", "prompt": prompt("welcome"), "next": "menu"},
            "menu": menu,
            "english": {"type": "language", "language": "en_US", "next": "menu"},
            "q_billing": {
                "type": "transfer",
                "target_type": "queue",
                "target": "billing",
                "next": "bye",
            },
            "q_repair": {
                "type": "transfer",
                "target_type": "queue",
                "target": "repair",
                "timeout": 60,
                "on_fail": "vm",
                "next": "bye",
            },
            "vm": {"type": "voicemail", "mailbox": "200@default"},
            "bye": {"type": "hangup", "prompt": prompt("bye")},
            "sorry": {"type": "hangup", "prompt": prompt("sorry")},
        },
        "welcome",
    )


def test_play_menu_and_queue():
    session = FakeSession(inputs=["1"], variables={"QUEUESTATUS": "CONTINUE"})
    backend = FakeBackend()
    ctx = IvrEngine(menu_flow(), backend).run(session)
    assert session.commands("play")[0] == "zh/welcome"
    assert session.commands("get_data") == ["zh/menu"]
    assert session.commands("exec") == ["Queue(billing,ct)"]
    assert ctx.queue == "billing"
    assert session.hung_up
    assert [s[0] for s in backend.steps] == ["welcome", "menu", "q_billing", "bye"]
    assert backend.steps[1] == ("menu", "option_1")


class OptionsBackend(FakeBackend):
    """Queue() options per queue, as the Odoo backend reads them."""

    def __init__(self, options, **kw):
        super().__init__(**kw)
        self.options = options
        self.queued = []

    def on_queue(self, ctx, queue):
        self.queued.append(queue)
        return self.options.get(queue)


def test_queue_options_of_the_queue_are_passed():
    """The queue's options reach Queue(); "c" stays first (issue 10: the IVR
    ran Queue() without "t", so the agent could not transfer)."""
    session = FakeSession(inputs=["2"], variables={"QUEUESTATUS": "CONTINUE"})
    backend = OptionsBackend({"repair": "tkr"})
    ctx = IvrEngine(menu_flow(), backend).run(session)
    assert session.commands("exec") == ["Queue(repair,ctkr,,,60)"]
    assert ctx.queue_options == "ctkr"
    # a queue that takes the transfer right away from agents
    session = FakeSession(inputs=["1"], variables={"QUEUESTATUS": "CONTINUE"})
    backend = OptionsBackend({"billing": ""})
    IvrEngine(menu_flow(), backend).run(session)
    assert session.commands("exec") == ["Queue(billing,c)"]


def test_queue_options_refused_when_not_queue_options(caplog):
    """Letters that are not Queue() options (or a comma that would shift the
    arguments) are not sent: the defaults are."""
    session = FakeSession(inputs=["1"], variables={"QUEUESTATUS": "CONTINUE"})
    backend = OptionsBackend({"billing": "t,,,1"})
    with caplog.at_level(logging.ERROR):
        IvrEngine(menu_flow(), backend).run(session)
    assert session.commands("exec") == ["Queue(billing,ct)"]
    assert "refused" in caplog.text


def test_fallback_queue_gets_its_options_or_the_defaults():
    session = FakeSession(inputs=[None, None])
    backend = OptionsBackend({"fallback_q": "tT"})
    ctx = IvrEngine(menu_flow(), backend).run(session)
    assert session.commands("exec") == ["Queue(fallback_q,ctT)"]
    assert backend.queued == ["fallback_q"]  # the waiting list shows the caller
    assert ctx.result == "fallback_queue"

    class DownBackend(FakeBackend):
        def on_queue(self, ctx, queue):
            raise RuntimeError("database is down")

    session = FakeSession(inputs=[None, None])
    ctx = IvrEngine(menu_flow(), DownBackend()).run(session)
    assert session.commands("exec") == ["Queue(fallback_q,ct)"]
    assert ctx.result == "fallback_queue"


def test_language_switch_plays_english_prompts():
    session = FakeSession(inputs=["9", "1"], variables={"QUEUESTATUS": "CONTINUE"})
    ctx = IvrEngine(menu_flow()).run(session)
    assert session.commands("get_data") == ["zh/menu", "en/menu"]
    assert "CHANNEL(language)=en" in session.commands("set")
    assert ctx.language == "en_US"
    assert session.commands("play")[-1] == "en/bye"


def test_no_input_retry_then_success():
    session = FakeSession(inputs=[None, "2"], variables={"QUEUESTATUS": "CONTINUE"})
    IvrEngine(menu_flow()).run(session)
    assert session.commands("get_data") == ["zh/menu", "zh/menu"]
    assert "zh/noinput" in session.commands("play")
    assert session.commands("exec") == ["Queue(repair,ct,,,60)"]


def test_invalid_input_retries_exhausted_goes_on_fail():
    session = FakeSession(inputs=["7", "8"])
    backend = FakeBackend()
    IvrEngine(menu_flow(on_fail="sorry"), backend).run(session)
    assert session.commands("play").count("zh/invalid") == 1
    assert backend.steps[1] == ("menu", "invalid")
    assert session.commands("play")[-1] == "zh/sorry"
    assert session.hung_up


def test_timeouts_exhausted_without_on_fail_goes_to_fallback():
    session = FakeSession(inputs=[None, None])
    ctx = IvrEngine(menu_flow()).run(session)
    assert session.commands("exec") == ["Queue(fallback_q,ct)"]
    assert ctx.result == "fallback_queue"


def test_overflow_after_max_wait_to_voicemail():
    session = FakeSession(inputs=["2"], variables={"QUEUESTATUS": "TIMEOUT"})
    ctx = IvrEngine(menu_flow()).run(session)
    assert session.commands("exec") == [
        "Queue(repair,ct,,,60)",
        "VoiceMail(200@default,u)",
    ]
    assert ctx.result == "voicemail"


def test_overflow_to_mobile_and_backup_queue():
    nodes = {
        "q": {"type": "transfer", "target": "main", "timeout": 30, "on_fail": "backup"},
        "backup": {
            "type": "transfer",
            "target": "backup",
            "timeout": 30,
            "on_fail": "mobile",
        },
        "mobile": {
            "type": "transfer",
            "target_type": "mobile",
            "target": "13900000000",
            "on_fail": "vm",
        },
        "vm": {"type": "voicemail", "mailbox": "1@default"},
    }
    session = FakeSession(
        variables={"QUEUESTATUS": ["TIMEOUT", "JOINEMPTY"], "DIALSTATUS": "NOANSWER"}
    )
    IvrEngine(flow(nodes, "q")).run(session)
    assert session.commands("exec") == [
        "Queue(main,ct,,,30)",
        "Queue(backup,ct,,,30)",
        "Dial(PJSIP/13900000000@trunk,30,g)",
        "VoiceMail(1@default,u)",
    ]


def test_collect_digits_with_terminator_and_lookup_typed_number():
    nodes = {
        "ask": {
            "type": "collect",
            "prompt": prompt("account"),
            "min_digits": 6,
            "max_digits": 10,
            "terminator": "#",
            "variable": "account",
            "retries_invalid": 1,
            "next": "lookup",
        },
        "lookup": {
            "type": "lookup",
            "source": "variable",
            "variable": "account",
            "branches": {"found": "known", "not_found": "unknown"},
        },
        "known": {"type": "hangup", "prompt": prompt("known")},
        "unknown": {"type": "hangup", "prompt": prompt("unknown")},
    }
    backend = FakeBackend(customers={"1234567": {"partner_id": 7, "is_vip": False}})
    session = FakeSession(inputs=["12#", "1234567#"])
    ctx = IvrEngine(flow(nodes, "ask"), backend).run(session)
    assert ctx.variables["account"] == "1234567"
    assert ctx.caller_info["partner_id"] == 7
    assert session.commands("play")[-1] == "zh/known"


def test_collect_star_is_a_decimal_point_only_when_the_node_says_so():
    """A meter reading 1234*5: ``*`` is refused among plain digits (invalid,
    retry) and kept when the node's ``decimal_star`` is set; how many ``*``
    is the service's check."""

    def nodes(decimal_star):
        return {
            "ask": {
                "type": "collect",
                "prompt": prompt("reading"),
                "invalid_prompt": prompt("invalid"),
                "max_digits": 12,
                "terminator": "#",
                "decimal_star": decimal_star,
                "variable": "reading",
                "retries_invalid": 1,
                "on_fail": "bye",
                "next": "done",
            },
            "done": {"type": "hangup", "prompt": prompt("done")},
            "bye": {"type": "hangup", "prompt": prompt("bye")},
        }

    session = FakeSession(inputs=["1234*5#", "12*3*4#"])
    ctx = IvrEngine(flow(nodes(True), "ask"), FakeBackend()).run(session)
    assert ctx.variables["reading"] == "1234*5"
    assert session.commands("play")[-1] == "zh/done"
    session = FakeSession(inputs=["12*3*4", "7*"])
    ctx = IvrEngine(flow(nodes(True), "ask"), FakeBackend()).run(session)
    assert ctx.variables["reading"] == "12*3*4"
    session = FakeSession(inputs=["1234*5#", "1234*5#"])
    ctx = IvrEngine(flow(nodes(False), "ask"), FakeBackend()).run(session)
    assert "reading" not in ctx.variables
    assert session.commands("play") == ["zh/invalid", "zh/bye"]
    session = FakeSession(inputs=["12a4#", "1234#"])
    ctx = IvrEngine(flow(nodes(True), "ask"), FakeBackend()).run(session)
    assert ctx.variables["reading"] == "1234"


def test_collect_invalid_exhausted_on_fail():
    nodes = {
        "ask": {
            "type": "collect",
            "min_digits": 4,
            "max_digits": 4,
            "retries_invalid": 0,
            "on_fail": "bye",
            "next": "bye",
        },
        "bye": {"type": "hangup", "prompt": "bye"},
    }
    backend = FakeBackend()
    IvrEngine(flow(nodes, "ask"), backend).run(FakeSession(inputs=["12"]))
    assert backend.steps[0] == ("ask", "invalid")


def conditional_flow(condition, value=None, branches=None):
    nodes = {
        "cond": {
            "type": "condition",
            "condition": condition,
            "value": value,
            "branches": branches or {"true": "yes", "open": "yes"},
            "next": "no",
        },
        "yes": {"type": "hangup", "prompt": "yes"},
        "no": {"type": "hangup", "prompt": "no"},
        "vm": {"type": "voicemail", "mailbox": "9@default"},
    }
    return flow(nodes, "cond")


@pytest.mark.parametrize(
    "condition,value,backend_kw,session_kw,expected",
    [
        ("business_hours", 1, {"open": True}, {}, "yes"),
        ("business_hours", 1, {"open": False}, {}, "no"),
        ("vip", None, {"customers": {"13800000001": {"is_vip": True}}}, {}, "yes"),
        ("vip", None, {"customers": {"13800000001": {"is_vip": False}}}, {}, "no"),
        ("known_caller", None, {}, {}, "no"),
        (
            "category",
            "gov",
            {"customers": {"13800000001": {"category": "gov"}}},
            {},
            "yes",
        ),
        ("did", "4008001234, 95158", {}, {}, "yes"),
        ("did", "95158", {}, {}, "no"),
        ("language", "zh_CN", {}, {}, "yes"),
        (
            "first_contact",
            7,
            {"last_agents": {"13800000001": acd.Agent(5, "1005")}},
            {},
            "yes",
        ),
        ("first_contact", 7, {}, {}, "no"),
        (
            "vip",
            None,
            {"customers": {"": {"is_vip": True}}},
            {"caller": "anonymous"},
            "no",
        ),
    ],
)
def test_conditions(condition, value, backend_kw, session_kw, expected):
    session = FakeSession(**session_kw)
    IvrEngine(conditional_flow(condition, value), FakeBackend(**backend_kw)).run(
        session
    )
    assert session.commands("play") == [expected]


def test_after_hours_goes_to_voicemail_branch():
    backend = FakeBackend(open=False)
    session = FakeSession()
    f = conditional_flow("business_hours", 3, {"open": "yes", "closed": "vm"})
    ctx = IvrEngine(f, backend).run(session)
    assert session.commands("exec") == ["VoiceMail(9@default,u)"]
    assert ctx.result == "voicemail"


def test_blacklist_condition_branches():
    f = conditional_flow(
        "blacklist", None, {"warn": "yes", "refuse": "vm", "none": "no"}
    )
    for entry, expected in (
        ({"action": "warn_continue"}, ["yes"]),
        ({"action": "refuse"}, []),
        (None, ["no"]),
    ):
        backend = FakeBackend(blacklist={"13800000001": entry} if entry else {})
        session = FakeSession()
        IvrEngine(f, backend).run(session)
        assert session.commands("play") == expected


def transfer_flow(**extra):
    node = {"type": "transfer", "target": "complaints", "next": "rate", "on_fail": "vm"}
    node.update(extra)
    return flow(
        {
            "t": node,
            "rate": {
                "type": "survey",
                "prompt": prompt("rate"),
                "retries_no_input": 0,
                "next": "bye",
            },
            "vm": {"type": "voicemail", "mailbox": "1@default"},
            "bye": {"type": "hangup"},
        },
        "t",
    )


def test_vip_goes_to_vip_queue_with_priority():
    backend = FakeBackend(customers={"13800000001": {"is_vip": True}})
    session = FakeSession(inputs=["1"], variables={"QUEUESTATUS": "CONTINUE"})
    ctx = IvrEngine(transfer_flow(vip_queue="vip"), backend).run(session)
    assert session.commands("exec") == ["Queue(vip,ct)"]
    assert "QUEUE_PRIO=10" in session.commands("set")
    assert ctx.rating == "satisfied"
    assert backend.ratings == [("13800000001", "1", "satisfied")]


def test_first_contact_agent_free_gets_the_call():
    agent = acd.Agent(5, "1005")
    backend = FakeBackend(last_agents={"13800000001": agent})
    session = FakeSession(inputs=["0"], variables={"DIALSTATUS": "ANSWER"})
    ctx = IvrEngine(transfer_flow(first_contact_days=7), backend).run(session)
    assert session.commands("exec") == ["Dial(PJSIP/1005,30,g)"]
    assert ctx.agent is agent
    assert backend.ratings[0][2] == "complaint"


def test_first_contact_agent_busy_queue_with_priority():
    agent = acd.Agent(5, "1005", in_call=True)
    backend = FakeBackend(last_agents={"13800000001": agent})
    session = FakeSession(inputs=[None], variables={"QUEUESTATUS": "CONTINUE"})
    ctx = IvrEngine(transfer_flow(first_contact_days=7), backend).run(session)
    assert session.commands("exec") == ["Queue(complaints,ct)"]
    assert "QUEUE_PRIO=5" in session.commands("set")
    assert ctx.rating is None
    assert backend.ratings == []


def test_first_contact_agent_no_answer_falls_back_to_queue():
    backend = FakeBackend(last_agents={"13800000001": acd.Agent(5, "1005")})
    session = FakeSession(
        inputs=["2"], variables={"DIALSTATUS": "NOANSWER", "QUEUESTATUS": "CONTINUE"}
    )
    IvrEngine(transfer_flow(first_contact_days=7), backend).run(session)
    assert session.commands("exec") == ["Dial(PJSIP/1005,30,g)", "Queue(complaints,ct)"]


def test_blacklist_warn_then_continue_and_refuse():
    warn = FakeBackend(
        blacklist={"13800000001": {"action": "warn_continue", "prompt": "hl/warning"}}
    )
    session = FakeSession(inputs=["3"], variables={"QUEUESTATUS": "CONTINUE"})
    IvrEngine(transfer_flow(check_blacklist=True), warn).run(session)
    assert session.commands("play")[0] == "hl/warning"
    assert session.commands("exec") == ["Queue(complaints,ct)"]

    refuse = FakeBackend(blacklist={"13800000001": {"action": "refuse"}})
    session = FakeSession()
    ctx = IvrEngine(
        transfer_flow(check_blacklist=True, refuse_prompt="hl/refused"), refuse
    ).run(session)
    assert session.commands("exec") == []
    assert session.commands("play") == ["hl/refused"]
    assert ctx.result == "refused" and session.hung_up


def test_transfer_agent_and_external():
    nodes = {
        "a": {
            "type": "transfer",
            "target_type": "agent",
            "target": "1001",
            "on_fail": "x",
        },
        "x": {
            "type": "transfer",
            "target_type": "external",
            "target": "01088886666",
            "dial_pattern": "PJSIP/{number}@gov",
        },
    }
    session = FakeSession(variables={"DIALSTATUS": ["BUSY", "ANSWER"]})
    ctx = IvrEngine(flow(nodes, "a")).run(session)
    assert session.commands("exec") == [
        "Dial(PJSIP/1001,30,g)",
        "Dial(PJSIP/01088886666@gov,30,g)",
    ]
    assert ctx.result == "answered"


LOCAL_PBX = {"agent": "Local/{extension}@agents", "trunk": "Local/{number}@pstn-out"}


def test_transfers_dial_the_pbx_channels():
    """Agent, first-contact and outside-number transfers dial the PBX's
    channel templates, not a hard-coded PJSIP/."""
    nodes = {
        "a": {
            "type": "transfer",
            "target_type": "agent",
            "target": "1001",
            "on_fail": "x",
        },
        "x": {"type": "transfer", "target_type": "mobile", "target": "13900000000"},
    }
    session = FakeSession(variables={"DIALSTATUS": ["BUSY", "ANSWER"]})
    IvrEngine(flow(nodes, "a"), channels=LOCAL_PBX).run(session)
    assert session.commands("exec") == [
        "Dial(Local/1001@agents,30,g)",
        "Dial(Local/13900000000@pstn-out,30,g)",
    ]
    backend = FakeBackend(last_agents={"13800000001": acd.Agent(5, "1005")})
    session = FakeSession(
        inputs=["2"], variables={"DIALSTATUS": "NOANSWER", "QUEUESTATUS": "CONTINUE"}
    )
    engine = IvrEngine(transfer_flow(first_contact_days=7), backend, channels=LOCAL_PBX)
    engine.run(session)
    assert session.commands("exec") == [
        "Dial(Local/1005@agents,30,g)",
        "Queue(complaints,ct)",
    ]


def test_subflow_returns_to_parent():
    sub = flow(
        {
            "s1": {"type": "play", "prompt": "sub/balance", "next": "back"},
            "back": {"type": "return"},
        },
        "s1",
    )
    sub["id"] = 2
    nodes = {
        "go": {"type": "subflow", "flow_id": 2, "next": "bye"},
        "bye": {"type": "hangup", "prompt": "main/bye"},
    }
    backend = FakeBackend(flows={2: sub})
    session = FakeSession()
    ctx = IvrEngine(flow(nodes, "go"), backend).run(session)
    assert session.commands("play") == ["sub/balance", "main/bye"]
    assert (2, "back", "return") in ctx.trace


def test_no_menu_flow_reaches_agent_directly():
    """GB/T 33358: a government intake line with no menu at all."""
    f = flow({"q": {"type": "transfer", "target": "intake"}}, "q")
    session = FakeSession(variables={"QUEUESTATUS": "CONTINUE"})
    IvrEngine(f).run(session)
    assert session.commands("get_data") == []
    assert session.commands("exec") == ["Queue(intake,ct)"]


def test_caller_hangup_stops_quietly():
    session = FakeSession(inputs=[])
    ctx = IvrEngine(menu_flow()).run(session)
    assert ctx.result == "caller_hangup"
    assert session.commands("exec") == []


class BrokenBackend(FakeBackend):
    def is_business_hours(self, calendar_id, ctx):
        raise RuntimeError("database is down")


@pytest.mark.parametrize(
    "fallback,expected",
    [
        ({"type": "queue", "queue": "safety"}, "Queue(safety,ct)"),
        ({"type": "voicemail", "mailbox": "77@default"}, "VoiceMail(77@default,u)"),
    ],
)
def test_error_in_flow_goes_to_fallback_and_logs(caplog, fallback, expected):
    f = conditional_flow("business_hours", 1)
    f["fallback"] = fallback
    session = FakeSession()
    with caplog.at_level(logging.ERROR, logger="pbx.ivr_engine"):
        ctx = IvrEngine(f, BrokenBackend()).run(session)
    assert session.commands("exec") == [expected]
    assert "database is down" in caplog.text
    assert ctx.result.startswith("fallback_")


def test_broken_snapshot_and_loop_go_to_fallback(caplog):
    missing = flow({"a": {"type": "play", "next": "ghost"}}, "a")
    loop = flow(
        {"a": {"type": "play", "next": "b"}, "b": {"type": "play", "next": "a"}}, "a"
    )
    for f in (missing, loop):
        session = FakeSession()
        with caplog.at_level(logging.ERROR, logger="pbx.ivr_engine"):
            IvrEngine(f).run(session)
        assert session.commands("exec") == ["Queue(fallback_q,ct)"]


def test_survey_invalid_digit_is_not_stored():
    backend = FakeBackend()
    f = transfer_flow()
    f["nodes"]["rate"]["retries_invalid"] = 0
    session = FakeSession(inputs=["5"], variables={"QUEUESTATUS": "CONTINUE"})
    IvrEngine(f, backend).run(session)
    assert backend.ratings == []
    assert ("rate", "survey_invalid") in backend.steps


# -- first contact and wrap-up time ---------------------------------------------
NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    "ended_ago,wrapup,expected",
    [
        (5, 30, ["Queue(complaints,ct)"]),  # still in the queue's wrap-up time
        (45, 30, ["Dial(PJSIP/1005,30,g)"]),  # wrap-up over
        (5, 0, ["Dial(PJSIP/1005,30,g)"]),  # the queue has no wrap-up time
    ],
)
def test_first_contact_waits_for_the_agents_wrapup(ended_ago, wrapup, expected):
    agent = acd.Agent(5, "1005", last_call_end=NOW - ended_ago)
    backend = FakeBackend(
        last_agents={"13800000001": agent}, wrapups={"complaints": wrapup}
    )
    session = FakeSession(
        inputs=[None], variables={"DIALSTATUS": "ANSWER", "QUEUESTATUS": "CONTINUE"}
    )
    engine = IvrEngine(transfer_flow(first_contact_days=7), backend, clock=lambda: NOW)
    engine.run(session)
    assert session.commands("exec") == expected
    if expected[0].startswith("Queue"):
        assert "QUEUE_PRIO=5" in session.commands("set")


# -- business queries (service nodes) ---------------------------------------------
def service_flow(**service_extra):
    service = {
        "type": "service",
        "service": "case_query",
        "prompt": prompt("wait"),
        "branches": {"found_replied": "replied", "locked": "locked"},
        "next": "not_found",
    }
    service.update(service_extra)
    return flow(
        {
            "number": {
                "type": "collect",
                "prompt": prompt("number"),
                "terminator": "#",
                "max_digits": 20,
                "variable": "case_number",
                "next": "code",
            },
            "code": {
                "type": "collect",
                "prompt": prompt("code"),
                "min_digits": 6,
                "max_digits": 6,
                "variable": "query_code",
                "next": "query",
            },
            "query": service,
            "replied": {"type": "play", "prompt": prompt("replied"), "next": "back"},
            "locked": {"type": "play", "prompt": prompt("locked"), "next": "back"},
            "not_found": {"type": "play", "prompt": prompt("nf"), "next": "back"},
            "back": {"type": "return"},
        },
        "number",
    )


def test_service_gets_collected_variables_and_branches():
    def case_query(ctx):
        assert ctx.variables == {"case_number": "12", "query_code": "123456"}
        return ServiceResult(
            "found_replied",
            variables={"case_state": "replied"},
            play=[{"prompt": prompt("case_is")}, {"digits": "HT00012"}, {"number": 3}],
        )

    backend = FakeBackend(services={"case_query": case_query})
    session = FakeSession(inputs=["12#", "123456"])
    ctx = IvrEngine(service_flow(), backend).run(session)
    assert backend.service_calls[0][0] == "case_query"
    assert ctx.variables["case_state"] == "replied"
    # no digit prompts in the flow: Asterisk's digits, in the caller's language
    assert [entry for entry in session.log if entry[0] != "answer"][2:] == [
        ("play", "zh/wait"),
        ("play", "zh/case_is"),
        ("set", "CHANNEL(language)=zh"),
        ("say_digits", "00012"),
        ("say_number", "3"),
        ("play", "zh/replied"),
        ("set", "HOTLINE_IVR_END=ended_by_ivr"),
        ("hangup", ""),
    ]
    assert ("query", "found_replied") in backend.steps


@pytest.mark.parametrize(
    "answer,played",
    [
        ({"outcome": "locked"}, "zh/locked"),  # a dict
        ("locked", "zh/locked"),  # an outcome string
        ("something_else", "zh/nf"),  # no branch: ``next``
        ({"outcome": ""}, "zh/nf"),
    ],
)
def test_service_outcome_picks_branch_or_next(answer, played):
    backend = FakeBackend(services={"case_query": lambda ctx: answer})
    session = FakeSession(inputs=["7#", "000000"])
    IvrEngine(service_flow(), backend).run(session)
    assert session.commands("play")[-1] == played
    assert session.commands("exec") == []


def test_service_outcome_named_return_does_not_leave_the_subflow():
    backend = FakeBackend(services={"case_query": lambda ctx: "return"})
    session = FakeSession(inputs=["7#", "000000"])
    ctx = IvrEngine(service_flow(), backend).run(session)
    assert session.commands("play")[-1] == "zh/nf"  # ``next``, then the return node
    assert ctx.result == "hangup"


def test_service_in_subflow_returns_to_parent():
    sub = service_flow()
    sub["id"] = 2
    main = flow(
        {
            "q": {"type": "subflow", "flow_id": 2, "next": "agent"},
            "agent": {"type": "transfer", "target": "complaints"},
        },
        "q",
    )
    backend = FakeBackend(
        flows={2: sub}, services={"case_query": lambda ctx: "found_replied"}
    )
    session = FakeSession(inputs=["5#", "654321"], variables={"QUEUESTATUS": ""})
    IvrEngine(main, backend).run(session)
    assert session.commands("play")[-1] == "zh/replied"
    assert session.commands("exec") == ["Queue(complaints,ct)"]


def test_service_error_goes_to_fallback_and_logs(caplog):
    def broken(ctx):
        raise RuntimeError("case database unreachable")

    backend = FakeBackend(services={"case_query": broken})
    session = FakeSession(inputs=["5#", "654321"])
    with caplog.at_level(logging.ERROR, logger="pbx.ivr_engine"):
        ctx = IvrEngine(service_flow(), backend).run(session)
    assert "case database unreachable" in caplog.text
    assert session.commands("exec") == ["Queue(fallback_q,ct)"]
    assert ctx.result == "fallback_queue"
    assert not session.hung_up


@pytest.mark.parametrize("service", ["", "unknown_service"])
def test_service_missing_or_unknown_goes_to_fallback(caplog, service):
    backend = FakeBackend()
    session = FakeSession(inputs=["5#", "654321"])
    with caplog.at_level(logging.ERROR, logger="pbx.ivr_engine"):
        IvrEngine(service_flow(service=service), backend).run(session)
    assert session.commands("exec") == ["Queue(fallback_q,ct)"]
    assert "service" in caplog.text


def test_service_bad_answer_goes_to_fallback(caplog):
    backend = FakeBackend(services={"case_query": lambda ctx: 42})
    session = FakeSession(inputs=["5#", "654321"])
    with caplog.at_level(logging.ERROR, logger="pbx.ivr_engine"):
        IvrEngine(service_flow(), backend).run(session)
    assert session.commands("exec") == ["Queue(fallback_q,ct)"]


def test_validate_service_nodes():
    assert validate_snapshot(service_flow()) == []
    problems = validate_snapshot(service_flow(service=None))
    assert ("no_service", "query", "") in problems
    # a branch to a node that does not exist
    problems = validate_snapshot(service_flow(branches={"locked": "ghost"}))
    assert ("missing_target", "query", "locked") in problems
    # no default: an unknown outcome ends the flow, so this is no endless loop
    looping = service_flow(next=None, branches={"retry": "number"})
    assert validate_snapshot(looping) == [
        ("unreachable", key, "") for key in ("replied", "locked", "not_found", "back")
    ]


# -- digits in the caller's language ------------------------------------------------
DIGIT_SOUNDS = {
    lang: {str(d): f"hotline/{lang}/digit_{d}" for d in range(10)}
    for lang in ("zh_CN", "en_US")
}


def case_number_flow(with_digits=True):
    f = service_flow()
    if with_digits:
        f["digits"] = DIGIT_SOUNDS
    f["nodes"]["en"] = {"type": "language", "language": "en_US", "next": "number"}
    return f


def said(session):
    return [e for e in session.log if e[0] in ("exec", "say_digits", "set")]


def test_case_number_digits_use_the_flows_digit_prompts():
    backend = FakeBackend(
        services={"case_query": lambda ctx: {"play": [{"digits": "HT2026-07"}]}}
    )
    session = FakeSession(inputs=["12#", "123456"])
    session.env["agi_language"] = "en"  # Asterisk's default for the channel
    IvrEngine(case_number_flow(), backend).run(session)
    assert session.commands("exec") == [
        "Playback(" + "&".join(f"hotline/zh_CN/digit_{d}" for d in "202607") + ")"
    ]
    assert session.commands("say_digits") == []
    # an English caller hears the English digits
    f = case_number_flow()
    f["start"] = "en"
    session = FakeSession(inputs=["12#", "123456"])
    IvrEngine(f, backend).run(session)
    assert session.commands("exec") == [
        "Playback(" + "&".join(f"hotline/en_US/digit_{d}" for d in "202607") + ")"
    ]


def test_case_number_without_digit_prompts_sets_the_channel_language():
    backend = FakeBackend(
        services={"case_query": lambda ctx: {"play": [{"digits": "12"}]}}
    )
    session = FakeSession(inputs=["12#", "123456"])
    session.env["agi_language"] = "en"
    IvrEngine(case_number_flow(with_digits=False), backend).run(session)
    # Asterisk plays digits/N of the channel's language: Chinese first
    assert said(session)[:2] == [
        ("set", "CHANNEL(language)=zh"),
        ("say_digits", "12"),
    ]
    # already the channel's language: no extra command
    session = FakeSession(inputs=["12#", "123456"])
    session.env["agi_language"] = "zh"
    IvrEngine(case_number_flow(with_digits=False), backend).run(session)
    assert said(session)[0] == ("say_digits", "12")
    # a digit without a prompt in the caller's language: Asterisk's digits
    f = case_number_flow()
    del f["digits"]["zh_CN"]["2"]
    session = FakeSession(inputs=["12#", "123456"])
    IvrEngine(f, backend).run(session)
    assert said(session)[:2] == [
        ("set", "CHANNEL(language)=zh"),
        ("say_digits", "12"),
    ]


# -- blacklist prompts and how the IVR ended the call ---------------------------------
def test_transfer_blacklist_plays_the_nodes_prompts_and_says_refused():
    warned = FakeBackend(blacklist={"13800000001": {"action": "warn_continue"}})
    blacklist = {
        "check_blacklist": True,
        "warn_prompt": prompt("bl_warn"),
        "refuse_prompt": prompt("bl_refused"),
    }
    session = FakeSession(inputs=["3"], variables={"QUEUESTATUS": "CONTINUE"})
    ctx = IvrEngine(transfer_flow(**blacklist), warned).run(session)
    assert session.commands("play")[0] == "zh/bl_warn"
    assert session.commands("exec") == ["Queue(complaints,ct)"]
    assert ctx.end_reason == "ended_by_ivr"  # the goodbye node after the survey
    refused = FakeBackend(blacklist={"13800000001": {"action": "refuse"}})
    session = FakeSession()
    ctx = IvrEngine(transfer_flow(**blacklist), refused).run(session)
    assert session.log[1:] == [
        ("set", "HOTLINE_IVR_END=refused_blacklist"),
        ("play", "zh/bl_refused"),
        ("hangup", ""),
    ]
    assert ctx.result == "refused" and ctx.end_reason == "refused_blacklist"
    # not listed: no prompt, no variable until the end
    session = FakeSession(inputs=["3"], variables={"QUEUESTATUS": "CONTINUE"})
    IvrEngine(transfer_flow(**blacklist), FakeBackend()).run(session)
    assert "zh/bl_warn" not in session.commands("play")


def blacklist_condition_flow(**branches):
    return flow(
        {
            "bl": {
                "type": "condition",
                "condition": "blacklist",
                "warn_prompt": prompt("bl_warn"),
                "refuse_prompt": prompt("bl_refused"),
                "branches": branches,
                "next": "q",
            },
            "q": {"type": "transfer", "target": "complaints"},
            "vm": {"type": "voicemail", "mailbox": "1@default"},
        },
        "bl",
    )


def test_blacklist_condition_plays_its_prompts():
    warn = FakeBackend(blacklist={"13800000001": {"action": "warn_continue"}})
    session = FakeSession(variables={"QUEUESTATUS": "CONTINUE"})
    IvrEngine(blacklist_condition_flow(), warn).run(session)
    assert session.commands("play") == ["zh/bl_warn"]
    assert session.commands("exec") == ["Queue(complaints,ct)"]
    refuse = FakeBackend(blacklist={"13800000001": {"action": "refuse"}})
    # no refuse branch: refused and hung up, never queued
    session = FakeSession(variables={"QUEUESTATUS": "CONTINUE"})
    ctx = IvrEngine(blacklist_condition_flow(), refuse).run(session)
    assert session.log[1:] == [
        ("set", "HOTLINE_IVR_END=refused_blacklist"),
        ("play", "zh/bl_refused"),
        ("hangup", ""),
    ]
    assert ctx.result == "refused"
    # a refuse branch: the refusal, then the branch, still recorded as refused
    session = FakeSession()
    ctx = IvrEngine(blacklist_condition_flow(refuse="vm"), refuse).run(session)
    assert session.log[1:] == [
        ("set", "HOTLINE_IVR_END=refused_blacklist"),
        ("play", "zh/bl_refused"),
        ("exec", "VoiceMail(1@default,u)"),
    ]
    assert ctx.end_reason == "refused_blacklist"


def test_ivr_end_reason_set_before_the_goodbye():
    # hang-up node: the reason first, so a caller leaving during the goodbye
    # is not counted as abandoned
    f = flow({"bye": {"type": "hangup", "prompt": prompt("bye")}}, "bye")
    session = FakeSession()
    ctx = IvrEngine(f, FakeBackend()).run(session)
    assert session.log[1:] == [
        ("set", "HOTLINE_IVR_END=ended_by_ivr"),
        ("play", "zh/bye"),
        ("hangup", ""),
    ]
    assert ctx.end_reason == "ended_by_ivr"
    # a flow that runs out of nodes (a message, then the dialplan hangs up)
    f = flow({"msg": {"type": "play", "prompt": prompt("closed")}}, "msg")
    session = FakeSession()
    ctx = IvrEngine(f, FakeBackend()).run(session)
    assert session.log[-1] == ("set", "HOTLINE_IVR_END=ended_by_ivr")
    assert ctx.result == "ended"
    # the caller hangs up in a menu: abandoned, no reason set
    f = flow({"m": {"type": "menu", "prompt": prompt("m"), "options": {"1": "m"}}}, "m")
    session = FakeSession(inputs=[])
    ctx = IvrEngine(f, FakeBackend()).run(session)
    assert "HOTLINE_IVR_END" not in session.variables
    assert ctx.result == "caller_hangup"
    # voicemail and answered calls need no reason
    session = FakeSession(inputs=[None], variables={"QUEUESTATUS": "CONTINUE"})
    ctx = IvrEngine(
        flow({"q": {"type": "transfer", "target": "complaints"}}, "q"), FakeBackend()
    ).run(session)
    assert ctx.result == "answered" and "HOTLINE_IVR_END" not in session.variables


def test_validate_silent_blacklist_nodes():
    def problems(f):
        return [p for p in validate_snapshot(f) if p[0] != "unreachable"]

    f = transfer_flow(check_blacklist=True, refuse_prompt=prompt("bl_refused"))
    assert ("silent_blacklist", "t", "warn_prompt") in validate_snapshot(f)
    f = blacklist_condition_flow()
    del f["nodes"]["bl"]["refuse_prompt"]
    assert problems(f) == [("silent_blacklist", "bl", "refuse_prompt")]
    # a prompt without the audio of a flow language
    f = blacklist_condition_flow()
    f["nodes"]["bl"]["warn_prompt"] = {"zh_CN": "zh/bl_warn"}
    assert problems(f) == [("missing_prompt", "bl", "en_US")]
    assert problems(blacklist_condition_flow()) == []
    # no blacklist check: no prompt needed
    codes = [p[0] for p in validate_snapshot(transfer_flow())]
    assert "silent_blacklist" not in codes


# -- notices node ---------------------------------------------------------------
class NoticeBackend(FakeBackend):
    def __init__(self, play, **kw):
        super().__init__(**kw)
        self.play = play
        self.heard = []

    def notices(self, ctx):
        return {"play": list(self.play), "reference": {"caller": ctx.caller}}

    def notices_heard(self, ctx, outcome, reference, seconds):
        self.heard.append((outcome, reference))


class HangupAtSession(FakeSession):
    """The caller hangs up while ``hang_on`` is played."""

    def __init__(self, hang_on, **kw):
        super().__init__(**kw)
        self.hang_on = hang_on

    def stream_file(self, name, escape_digits=""):
        super().stream_file(name, escape_digits)
        if name == self.hang_on:
            raise AgiHangup()
        return ""


def notices_flow():
    return flow(
        {
            "notices": {
                "type": "notices",
                "prompt": prompt("notices_intro"),
                "next": "menu",
            },
            "menu": {
                "type": "menu",
                "prompt": prompt("menu"),
                "options": {"0": "agent"},
                "retries_no_input": 0,
                "on_fail": "bye",
            },
            "agent": {"type": "transfer", "target_type": "queue", "target": "q1"},
            "bye": {"type": "hangup"},
        },
        "notices",
    )


def test_notices_are_played_before_the_menu_and_recorded_served():
    backend = NoticeBackend(["hotline/zh_CN/outage_1", {"prompt": prompt("outage_2")}])
    session = FakeSession(inputs=["0"], variables={"QUEUESTATUS": "CONTINUE"})
    ctx = IvrEngine(notices_flow(), backend).run(session)
    assert session.commands("play")[:3] == [
        "zh/notices_intro",
        "hotline/zh_CN/outage_1",
        "zh/outage_2",
    ]
    assert session.commands("get_data") == ["zh/menu"]
    assert backend.heard == [("served", {"caller": "13800000001"})]
    assert ("notices", "notices_played") in backend.steps
    assert ctx.queue == "q1"


def test_no_notices_no_introduction_nothing_recorded():
    backend = NoticeBackend([])
    session = FakeSession(inputs=["0"], variables={"QUEUESTATUS": "CONTINUE"})
    IvrEngine(notices_flow(), backend).run(session)
    assert "zh/notices_intro" not in session.commands("play")
    assert ("notices", "no_notices") in backend.steps
    assert backend.heard == []


def test_hangup_during_the_notices_is_recorded_hung_up():
    backend = NoticeBackend(["hotline/zh_CN/outage_1", "hotline/zh_CN/outage_2"])
    session = HangupAtSession("hotline/zh_CN/outage_1")
    ctx = IvrEngine(notices_flow(), backend).run(session)
    assert ctx.result == "caller_hangup"
    assert "hotline/zh_CN/outage_2" not in session.commands("play")
    assert [outcome for outcome, _ref in backend.heard] == ["hung_up"]


def test_hangup_right_after_the_notices_is_recorded_hung_up():
    backend = NoticeBackend(["hotline/zh_CN/outage_1"])
    session = FakeSession(inputs=[])  # hangs up at the menu
    IvrEngine(notices_flow(), backend).run(session)
    assert [outcome for outcome, _ref in backend.heard] == ["served", "hung_up"]


def test_hangup_later_in_the_call_is_no_deflection():
    backend = NoticeBackend(["hotline/zh_CN/outage_1"])
    nodes = notices_flow()
    nodes["nodes"]["menu"]["options"] = {"0": "agent", "1": "menu2"}
    nodes["nodes"]["menu2"] = dict(nodes["nodes"]["menu"], on_fail=None)
    session = FakeSession(inputs=["1"])  # goes on, then hangs up at menu2
    IvrEngine(nodes, backend).run(session)
    assert [outcome for outcome, _ref in backend.heard] == ["served"]


def test_notices_record_failure_does_not_break_the_call(caplog):
    class Broken(NoticeBackend):
        def notices_heard(self, ctx, outcome, reference, seconds):
            raise RuntimeError("database down")

    session = FakeSession(inputs=["0"], variables={"QUEUESTATUS": "CONTINUE"})
    with caplog.at_level(logging.ERROR):
        ctx = IvrEngine(notices_flow(), Broken(["x"])).run(session)
    assert ctx.queue == "q1"
    assert "notices heard" in caplog.text


def test_notices_node_validates_like_a_play_node():
    assert validate_snapshot(notices_flow()) == []
    broken = notices_flow()
    broken["nodes"]["notices"]["next"] = "nowhere"
    assert ("missing_target", "notices", "next") in validate_snapshot(broken)


# -- a list of sounds (amounts said by the speller) ------------------------------------
def test_service_sounds_are_played_in_one_playback_in_order():
    amount = ["hotline/zh_CN/say_1", "hotline/zh_CN/say_1000", "hotline/zh_CN/say_yuan"]
    backend = FakeBackend(
        services={
            "case_query": lambda ctx: {
                "outcome": "found_replied",
                "play": [
                    {"prompt": prompt("you_owe")},
                    {"sounds": amount},
                    {"sounds": []},  # nothing to say: no command
                    {"sounds": "hotline/zh_CN/say_zheng"},
                ],
            }
        }
    )
    session = FakeSession(inputs=["12#", "123456"])
    IvrEngine(service_flow(), backend).run(session)
    assert [e for e in session.log if e[0] in ("play", "exec")][-4:] == [
        ("play", "zh/you_owe"),
        ("exec", "Playback(" + "&".join(amount) + ")"),
        ("exec", "Playback(hotline/zh_CN/say_zheng)"),
        ("play", "zh/replied"),
    ]


@pytest.mark.parametrize(
    "bad",
    ["hotline/zh_CN/a&b", "a,b", "../../etc/passwd", "hotline/../x", "/abs", "a b"],
)
def test_service_sounds_outside_the_sounds_folder_go_to_fallback(caplog, bad):
    backend = FakeBackend(
        services={"case_query": lambda ctx: {"play": [{"sounds": ["ok", bad]}]}}
    )
    session = FakeSession(inputs=["12#", "123456"])
    with caplog.at_level(logging.ERROR, logger="pbx.ivr_engine"):
        IvrEngine(service_flow(), backend).run(session)
    assert session.commands("exec") == ["Queue(fallback_q,ct)"]
    assert "asked to play" in caplog.text


# -- keypad survey (questionnaire node) -----------------------------------------
class SurveyBackend(FakeBackend):
    """Records the keypad survey's answers as the Odoo backend writes them."""

    def __init__(self, fail_answers=False, **kw):
        super().__init__(**kw)
        self.survey_calls = []
        self.fail_answers = fail_answers

    def questionnaire_start(self, ctx, node):
        self.survey_calls.append(("start", node["survey"]))
        return "tok-1"

    def questionnaire_answer(self, ctx, token, question_id, value):
        if self.fail_answers:
            raise RuntimeError("database down")
        self.survey_calls.append(("answer", token, question_id, value))

    def questionnaire_done(self, ctx, token):
        self.survey_calls.append(("done", token))


class KeySession(FakeSession):
    """A caller pressing ``keys[name]`` while prompt ``name`` plays (barge-in)."""

    def __init__(self, keys, **kw):
        super().__init__(**kw)
        self.keys = dict(keys)

    def stream_file(self, name, escape_digits=""):
        super().stream_file(name, escape_digits)
        key = self.keys.pop(name, "")
        assert not key or key in escape_digits
        return key


def survey_flow(**survey_extra):
    """Intro, a 3-answer single choice (answers 101-103), a 1-5 scale, thanks."""
    node = {
        "type": "questionnaire",
        "name": "Callback survey",
        "survey": 7,
        "prompt": prompt("s_intro"),
        "thanks_prompt": prompt("s_thanks"),
        "invalid_prompt": prompt("s_invalid"),
        "no_input_prompt": prompt("s_noinput"),
        "timeout_ms": 4000,
        "retries_no_input": 1,
        "retries_invalid": 1,
        "next": "bye",
        "questions": [
            {
                "id": 11,
                "type": "simple_choice",
                "prompt": prompt("q11"),
                "answer_prompts": [prompt("a101"), prompt("a102"), prompt("a103")],
                "keys": {"1": 101, "2": 102, "3": 103},
            },
            {
                "id": 12,
                "type": "scale",
                "prompt": prompt("q12"),
                "answer_prompts": [],
                "keys": {str(v): v for v in range(1, 6)},
            },
        ],
    }
    node.update(survey_extra)
    return flow(
        {"survey": node, "bye": {"type": "hangup", "prompt": prompt("bye")}}, "survey"
    )


def test_survey_good_keys_stored_at_once_then_done():
    session = FakeSession(inputs=["2", "4"])
    backend = SurveyBackend()
    ctx = IvrEngine(survey_flow(), backend).run(session)
    assert backend.survey_calls == [
        ("start", 7),
        ("answer", "tok-1", 11, 102),
        ("answer", "tok-1", 12, 4),
        ("done", "tok-1"),
    ]
    # question then answers, the key read after the last answer; the scale
    # question is read after its own prompt
    assert session.commands("play")[:4] == [
        "zh/s_intro",
        "zh/q11",
        "zh/a101",
        "zh/a102",
    ]
    assert session.commands("get_data") == ["zh/a103", "zh/q12"]
    assert "zh/s_thanks" in session.commands("play")
    assert backend.steps == [("survey", "survey_done"), ("bye", "hangup")]
    assert ctx.questionnaire["answers"] == {11: 102, 12: 4}
    assert ctx.variables == {"survey_q11": "2", "survey_q12": "4"}


def test_survey_key_during_a_prompt_answers_at_once():
    session = KeySession({"zh/a101": "1"}, inputs=["5"])
    backend = SurveyBackend()
    IvrEngine(survey_flow(), backend).run(session)
    # pressed during the first answer: the other answers are not played
    assert "zh/a102" not in session.commands("play")
    assert session.commands("get_data") == ["zh/q12"]
    assert ("answer", "tok-1", 11, 101) in backend.survey_calls
    assert ("answer", "tok-1", 12, 5) in backend.survey_calls


def test_survey_invalid_keys_then_a_good_one():
    session = FakeSession(inputs=["7", "3", "9", "1"])
    backend = SurveyBackend()
    ctx = IvrEngine(survey_flow(), backend).run(session)
    plays = session.commands("play")
    # 7 is no answer of question 1: the invalid prompt, then the question again
    assert plays.count("zh/s_invalid") == 2
    assert plays.count("zh/q11") == 2
    assert backend.survey_calls[1:] == [
        ("answer", "tok-1", 11, 103),
        ("answer", "tok-1", 12, 1),
        ("done", "tok-1"),
    ]
    assert backend.steps[0] == ("survey", "survey_done")
    assert ctx.questionnaire["skipped"] == []


def test_survey_invalid_after_the_retries_skips_the_question():
    session = FakeSession(inputs=["7", "8", "5"])
    backend = SurveyBackend()
    IvrEngine(survey_flow(), backend).run(session)
    assert backend.survey_calls[1:] == [
        ("answer", "tok-1", 11, None),
        ("answer", "tok-1", 12, 5),
        ("done", "tok-1"),
    ]
    assert backend.steps[0] == ("survey", "survey_partial")


def test_survey_no_input_skips_the_question_and_goes_on():
    session = FakeSession(inputs=[None, None, "3"])
    backend = SurveyBackend()
    ctx = IvrEngine(survey_flow(), backend).run(session)
    assert session.commands("play").count("zh/s_noinput") == 1
    assert backend.survey_calls[1:] == [
        ("answer", "tok-1", 11, None),
        ("answer", "tok-1", 12, 3),
        ("done", "tok-1"),
    ]
    assert backend.steps[0] == ("survey", "survey_partial")
    assert ctx.questionnaire["skipped"] == [11]
    assert ctx.variables == {"survey_q12": "3"}


def test_survey_hang_up_keeps_the_first_answers_not_done():
    # answers question 1, hangs up while question 2 waits for a key
    session = FakeSession(inputs=["1"])
    backend = SurveyBackend()
    ctx = IvrEngine(survey_flow(), backend).run(session)
    assert backend.survey_calls == [("start", 7), ("answer", "tok-1", 11, 101)]
    assert ctx.result == "caller_hangup"
    assert ctx.questionnaire["answers"] == {11: 101}
    assert backend.steps == []  # the node did not end
    assert "zh/s_thanks" not in session.commands("play")


def test_survey_nothing_answered_is_not_completed():
    session = FakeSession(inputs=[None, None, None, None])
    backend = SurveyBackend()
    IvrEngine(survey_flow(), backend).run(session)
    assert backend.survey_calls == [
        ("start", 7),
        ("answer", "tok-1", 11, None),
        ("answer", "tok-1", 12, None),
    ]
    assert backend.steps[0] == ("survey", "survey_unanswered")
    assert "zh/s_thanks" not in session.commands("play")
    assert session.commands("play")[-1] == "zh/bye"


def test_survey_conditional_question_follows_the_answer():
    extra = {
        "id": 13,
        "type": "simple_choice",
        "prompt": prompt("q13"),
        "answer_prompts": [prompt("a131"), prompt("a132")],
        "keys": {"1": 131, "2": 132},
        "only_if": [103],  # asked only to the dissatisfied
    }
    flow_ = survey_flow()
    flow_["nodes"]["survey"]["questions"].append(extra)
    session = FakeSession(inputs=["1", "5"])
    backend = SurveyBackend()
    IvrEngine(flow_, backend).run(session)
    assert "zh/q13" not in session.commands("play")
    assert backend.steps[0] == ("survey", "survey_done")
    session = FakeSession(inputs=["3", "1", "2"])
    backend = SurveyBackend()
    IvrEngine(flow_, backend).run(session)
    assert ("answer", "tok-1", 13, 132) in backend.survey_calls


def test_survey_in_english():
    flow_ = survey_flow()
    flow_["default_language"] = "en_US"
    session = FakeSession(inputs=["1", "1"])
    IvrEngine(flow_, SurveyBackend()).run(session)
    assert session.commands("get_data") == ["en/a103", "en/q12"]


def test_survey_answer_not_stored_is_logged_and_goes_on(caplog):
    session = FakeSession(inputs=["1", "2"])
    backend = SurveyBackend(fail_answers=True)
    with caplog.at_level(logging.ERROR):
        ctx = IvrEngine(survey_flow(), backend).run(session)
    assert "not stored" in caplog.text
    assert backend.survey_calls == [("start", 7), ("done", "tok-1")]
    assert ctx.result == "hangup"


@pytest.mark.parametrize("questions", [[], None])
def test_survey_without_questions_goes_to_the_fallback(caplog, questions):
    session = FakeSession(inputs=["1"])
    backend = SurveyBackend()
    with caplog.at_level(logging.ERROR):
        ctx = IvrEngine(survey_flow(questions=questions), backend).run(session)
    assert ctx.result == "fallback_queue"
    assert backend.survey_calls == []


def test_survey_start_failure_goes_to_the_fallback(caplog):
    session = FakeSession(inputs=["1"])
    with caplog.at_level(logging.ERROR):
        ctx = IvrEngine(survey_flow(), FakeBackend()).run(session)
    assert ctx.result == "fallback_queue"
    assert "no keypad survey 7" in caplog.text


def test_validate_survey_nodes():
    assert validate_snapshot(survey_flow()) == []
    # its only way on is "next": the call may end there
    broken = survey_flow(next="nowhere")
    assert ("missing_target", "survey", "next") in validate_snapshot(broken)
