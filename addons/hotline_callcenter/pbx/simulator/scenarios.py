# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Call scenarios replayed from real Asterisk 22.10.1 captures.

Every scenario is the unsolicited event stream of one capture in
``/work/shared/asterisk/<capture>/timeline.jsonl`` (extracted to ``captures/`` by
``extract.py``), replayed with fresh Uniqueids/Linkedids, channel suffixes,
bridge ids and timestamps, and with the caller number, DID, agent extension and
customer number substituted by the run's parameters.
"""

import itertools
import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

CAPTURE_DIR = Path(__file__).resolve().parent / "captures"

# name -> (capture, what it shows).  The capture README.md is the source.
SCENARIOS = {
    "inbound_answered": (
        "queue_answered",
        "Inbound call, MixMonitor, queue 'support', agent 8001 answers after 2 s",
    ),
    "queue_abandoned": (
        "queue_abandoned",
        "Caller waits in queue 'support' (member paused) and hangs up after 5 s",
    ),
    "missed_voicemail": (
        "queue_ringnoanswer_voicemail",
        "Queue 'sales' rings 8002 without answer, timeout, VoiceMail 8000@default",
    ),
    "voicemail": (
        "queue_ringnoanswer_voicemail",
        "Same capture: the caller leaves a 24 h voicemail message",
    ),
    "click2dial": (
        "originate_click2dial_answered",
        "Originate agent 8001, on answer dial the customer, customer answers",
    ),
    "click2dial_customer_busy": (
        "originate_click2dial_customer_busy",
        "Click-to-dial, customer 13900139000 is busy",
    ),
    "click2dial_customer_noanswer": (
        "originate_click2dial_customer_noanswer",
        "Click-to-dial, customer 13700137000 does not answer (Dial timeout 8 s)",
    ),
    "click2dial_agent_busy": (
        "originate_click2dial_agent_busy",
        "Click-to-dial, the agent phone is busy: OriginateResponse Failure Reason 5",
    ),
    "click2dial_agent_noanswer": (
        "originate_click2dial_agent_noanswer",
        "Click-to-dial, the agent never answers: OriginateResponse Failure Reason 3",
    ),
    "blind_transfer": (
        "blind_transfer_action",
        "Bridged queue call 8001, AMI BlindTransfer to 8002",
    ),
    "blind_transfer_redirect": (
        "blind_transfer_redirect",
        "Bridged queue call 8001, AMI Redirect of the customer leg to 8002",
    ),
    "attended_transfer": (
        "attended_transfer",
        "Bridged call 8001, Atxfer to 8002, 8001 hangs up to complete",
    ),
    "ivr": (
        "fastagi_ivr",
        "Inbound call running AGI(agi://127.0.0.1:4573/ivr?flow=main) (AMI side)",
    ),
    "queue_overflow": (
        "queue_overflow",
        (
            "Queue 'sales' times out (EXITWITHTIMEOUT), the caller overflows to "
            "'support' where agent 8001 answers"
        ),
    ),
    "supervisor_spy": (
        "chanspy",
        (
            "Agent 8001 on a call; supervisor 9000 listens (q), whispers (qw), "
            "barges (qB) with ChanSpy; the caller hangs up"
        ),
    ),
    "conference": (
        "confbridge",
        "Three callers (13800138000, 13900139000, 13700137000) in ConfBridge 4000",
    ),
}
# captures made of two real ones (see extract.COMPOSITES): their sources
COMPOSITE_SOURCES = {
    "queue_overflow": ("queue_ringnoanswer_voicemail", "queue_answered"),
}
# the agent the ``agent`` parameter replaces, when not the first one rung
CAPTURE_AGENTS = {"queue_overflow": "8001"}

# defaults of the captures, replaced by run parameters
CAPTURE_CALLER = "13800138000"
CAPTURE_AGENT = "8001"
SYSTEMNAME = "odoo-test-pbx"

_UID_RE = re.compile(re.escape(SYSTEMNAME) + r"-\d+\.\d+")
_CHAN_RE = re.compile(r"(?<=-)[0-9a-f]{8}(?=;[12]\b)")
_BRIDGE_RE = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
)
_DID_RE = re.compile(r"(?<![\d.])40081234(5\d|6\d)(?!\d)")
_TIME_KEYS = {"StartTime", "AnswerTime", "EndTime"}

_id_counter = itertools.count(1)
_chan_counter = itertools.count(0x100)
_lock = threading.Lock()


def _next_ids(n):
    with _lock:
        return [next(_id_counter) for _ in range(n)]


def new_uniqueids(n, now=None):
    """``n`` fresh Uniqueids, as Asterisk numbers them (systemname-epoch.seq)."""
    base = int(time.time() if now is None else now)
    return [f"{SYSTEMNAME}-{base}.{i}" for i in _next_ids(n)]


def new_channel_suffix():
    """A fresh channel suffix (the 8 hex digits after the channel name)."""
    with _lock:
        return f"{next(_chan_counter) & 0xFFFFFFFF:08x}"


class Template:
    """One capture, parsed once: event times and pairs, plus what to rewrite.

    Every token to rewrite (Uniqueids, channel suffixes, bridge ids, caller,
    DID, agent) is found once here with one combined regex, so a render only
    substitutes the values that hold one.
    """

    def __init__(self, capture):
        self.capture = capture
        events = []
        with (CAPTURE_DIR / f"{capture}.jsonl").open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                events.append((rec["t"], [tuple(p) for p in rec["pairs"]]))
        self.t0 = events[0][0]
        text = json.dumps([p for _t, p in events])
        self.uids = sorted(set(_UID_RE.findall(text)))
        self.chans = sorted(set(_CHAN_RE.findall(text)))
        self.bridges = sorted(set(_BRIDGE_RE.findall(text)))
        dids = _DID_RE.findall(text)
        self.did = "40081234" + dids[0] if dids else None
        self.ts0 = next(
            (float(v) for _t, p in events for k, v in p if k == "Timestamp"), None
        )
        alternatives = [re.escape(u) for u in self.uids]
        alternatives += [re.escape(b) for b in self.bridges]
        alternatives += [r"(?<=-)" + re.escape(c) + r"(?=;[12]\b)" for c in self.chans]
        agent = re.search(r"Local/(\d{4})@agents", text)
        self.agent = CAPTURE_AGENTS.get(capture) or (
            agent.group(1) if agent else CAPTURE_AGENT
        )
        for literal in (CAPTURE_CALLER, self.agent, self.did):
            if literal:
                alternatives.append(r"(?<![\d.])" + literal + r"(?!\d)")
        self.token_re = re.compile("|".join(alternatives))
        # (rel_time, event_name, [(key, value, kind)]) with kind: 0 keep,
        # 1 substitute tokens, 2 Timestamp, 3 CDR time, 4 ActionID of OriginateResponse
        self.events = []
        for t, pairs in events:
            name = pairs[0][1]
            fields = []
            for key, value in pairs:
                if key == "Timestamp":
                    kind = 2
                elif key in _TIME_KEYS and value:
                    kind = 3
                    then = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(
                        tzinfo=UTC
                    )
                    value = then.timestamp() - self.ts0
                elif key == "ActionID" and name == "OriginateResponse":
                    kind = 4
                elif value and self.token_re.search(value):
                    kind = 1
                else:
                    kind = 0
                if self.token_re.search(key):
                    key = (key,)  # a key holding a channel name: substitute too
                fields.append((key, value, kind))
            self.events.append((t - self.t0, name, fields))

    @property
    def duration(self):
        return self.events[-1][0]


_templates = {}


def template(name):
    capture = SCENARIOS[name][0] if name in SCENARIOS else name
    if capture not in _templates:
        _templates[capture] = Template(capture)
    return _templates[capture]


def render(
    name, caller=None, did=None, agent=None, customer=None, action_id=None, now=None
):
    """Events of one run of scenario ``name``: ``[(delay_s, [(k, v), ...]), ...]``.

    ``caller``: the customer's number (inbound caller, or the customer dialled
    by click-to-dial, ``customer`` is an alias); ``did``: the number dialled;
    ``agent``: the extension that answers.  ``action_id`` addresses the
    OriginateResponse (dropped when None: the captures' callers were
    themselves originated; ``""``: an Originate sent without ActionID, whose
    OriginateResponse Asterisk still broadcasts, without the ActionID line:
    manager.c ``fast_originate`` prints ``in->idtext``, empty then).
    """
    tpl = template(name)
    caller = customer or caller
    now = time.time() if now is None else now
    ids = _next_ids(len(tpl.uids))
    base = int(now)
    mapping = {
        old: f"{SYSTEMNAME}-{base}.{n}" for old, n in zip(tpl.uids, ids, strict=True)
    }
    with _lock:
        for old in tpl.chans:
            mapping[old] = f"{next(_chan_counter) & 0xFFFFFFFF:08x}"
    for old in tpl.bridges:
        mapping[old] = str(uuid.uuid4())
    mapping[CAPTURE_CALLER] = caller or CAPTURE_CALLER
    mapping[tpl.agent] = agent or tpl.agent
    if tpl.did:
        mapping[tpl.did] = did or tpl.did

    def repl(match):
        token = match.group(0)
        return mapping.get(token, token)

    sub = tpl.token_re.sub
    out = []
    for rel, name_, fields in tpl.events:
        if name_ == "OriginateResponse" and action_id is None:
            continue
        new = []
        for key, value, kind in fields:
            if key.__class__ is tuple:
                key = sub(repl, key[0])
            if kind == 1:
                value = sub(repl, value)
            elif kind == 2:
                value = f"{now + rel:.6f}"
            elif kind == 3:
                value = datetime.fromtimestamp(now + value, UTC).strftime(
                    "%Y-%m-%d %H:%M:%S"
                )
            elif kind == 4:
                if not action_id:
                    continue
                value = action_id
            new.append((key, value))
        out.append((rel, new))
    return out


def originate_scenario(channel, exten):
    """Which capture an Originate replays, as Asterisk behaved in the captures.

    Agent 8008 is busy, 8009 never answers; customers 13900139000 busy,
    13700137000 no answer, 13600136000 fails (cause 19, Originate timeout).
    """
    agent = re.match(r"^(?:Local|PJSIP|SIP)/(\d+)", channel or "")
    agent = agent.group(1) if agent else CAPTURE_AGENT
    if agent == "8008":
        return "click2dial_agent_busy", agent
    if agent in ("8009",) or exten == "13600136000":
        return "click2dial_agent_noanswer", agent
    if exten == "13900139000":
        return "click2dial_customer_busy", agent
    if exten == "13700137000":
        return "click2dial_customer_noanswer", agent
    return "click2dial", agent
