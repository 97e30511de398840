# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Turn the real Asterisk 22 captures into the simulator's scenario files.

``python3 -m pbx.simulator.extract /work/shared/asterisk`` reads each
``<capture>/timeline.jsonl`` and writes ``captures/<capture>.jsonl``: one line per
*unsolicited* event Asterisk sent (``{"t": seconds, "pairs": [[k, v], ...]}``),
order, duplicates and field positions kept.  Left out: the banner, responses,
FullyBooted/SuccessfulAuth of the login, and events answering the capture's own
actions (list items), except ``OriginateResponse`` which the simulator re-addresses
to the Originate that triggers the scenario.
"""

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent / "captures"
CAPTURES = (
    "queue_answered",
    "queue_abandoned",
    "queue_ringnoanswer_voicemail",
    "originate_click2dial_answered",
    "originate_click2dial_customer_busy",
    "originate_click2dial_customer_noanswer",
    "originate_click2dial_agent_busy",
    "originate_click2dial_agent_noanswer",
    "blind_transfer_action",
    "blind_transfer_redirect",
    "attended_transfer",
    "fastagi_ivr",
    "chanspy",
    "confbridge",
)
SKIP_EVENTS = {"FullyBooted", "SuccessfulAuth", "Shutdown"}


def extract(timeline):
    out = []
    first_origin = None
    for line in timeline.open(encoding="utf-8"):
        rec = json.loads(line)
        if rec.get("dir") != "in" or rec.get("kind") != "message":
            continue
        pairs = rec["pairs"]
        if not pairs or pairs[0][0] != "Event":
            continue
        name = pairs[0][1]
        if name in SKIP_EVENTS:
            continue
        keys = {k for k, _v in pairs}
        if "ActionID" in keys and name != "OriginateResponse":
            continue
        if name == "OriginateResponse":
            action_id = dict(pairs)["ActionID"]
            if first_origin is None:
                first_origin = action_id
            elif action_id != first_origin:
                continue  # a second Originate of the capture (synchronous one)
        out.append({"t": round(rec["t"], 6), "pairs": pairs})
    return out


# Composite captures: (first part, cut after, second part, start at) -> file.
# "queue_overflow": ``Queue(sales,t,,,10)`` then ``Queue(support,tT,,,60)``.
# The sales part is queue_ringnoanswer_voicemail up to QUEUESTATUS=TIMEOUT:
# app_queue.c queue_exec() on timeout calls record_abandoned() (VarSet
# ABANDONED, QueueCallerAbandon), logs EXITWITHTIMEOUT and leaves the queue
# (QueueCallerLeave), then the dialplan goes on.  The support part is
# queue_answered from its Newexten Queue(support...) on, carried by the same
# caller channels (names, Uniqueids, Linkedid, DID of the first part), its
# times shifted to follow the first part.  Left out of the second part: what
# its MixMonitor hangup handler did (the sales dialplan has none).
COMPOSITES = {
    "queue_overflow": (
        "queue_ringnoanswer_voicemail",
        ("VarSet", "Variable", "QUEUESTATUS"),
        "queue_answered",
        ("Newexten", "Application", "Queue"),
    ),
}
_CALLER_RE = re.compile(r"Local/(\d+)@from-pstn-([0-9a-f]{8});1")
_HANDLER_EVENTS = {"HangupHandlerRun", "HangupHandlerPop", "MixMonitorStop"}
_CDR_TIME = "%Y-%m-%d %H:%M:%S"


def _index(events, match, after=False):
    name, key, value = match
    for n, event in enumerate(events):
        pairs = dict(event["pairs"])
        if pairs.get("Event") == name and pairs.get(key) == value:
            return n + 1 if after else n
    raise ValueError(f"{match} not found")


def _caller(events):
    """(channel base, ;1 Uniqueid, ;2 Uniqueid, DID, start ts, answer ts)."""
    text = json.dumps(events)
    did, suffix = _CALLER_RE.search(text).groups()
    base = f"Local/{did}@from-pstn-{suffix}"
    uids, start, answer = {}, None, None
    for event in events:
        pairs = dict(event["pairs"])
        channel = pairs.get("Channel", "")
        if channel.startswith(base) and pairs.get("Uniqueid"):
            uids.setdefault(channel[-1], pairs["Uniqueid"])
            stamp = float(pairs["Timestamp"])
            start = stamp if start is None else min(start, stamp)
            if (
                pairs.get("Event") == "Newstate"
                and pairs.get("ChannelStateDesc") == "Up"
            ):
                answer = stamp if answer is None else min(answer, stamp)
    return base, uids["1"], uids["2"], did, start, answer


def compose(first, cut, second, start):
    """Events of ``first`` up to ``cut``, then ``second`` from ``start`` on,
    as one call (see COMPOSITES)."""
    head = first[: _index(first, cut, after=True)]
    tail = second[_index(second, start) :]
    a_base, a_uid1, a_uid2, a_did, a_start, a_answer = _caller(first)
    b_base, b_uid1, b_uid2, b_did, _s, _a = _caller(second)
    b_t0 = tail[0]["t"]
    b_ts0 = float(dict(tail[0]["pairs"])["Timestamp"])
    t_cut = head[-1]["t"] + 0.001
    ts_cut = float(dict(head[-1]["pairs"])["Timestamp"]) + 0.001
    shift = timedelta(seconds=ts_cut - b_ts0)
    swaps = [
        (b_base, a_base),
        (b_uid1, a_uid1),
        (b_uid2, a_uid2),
        (b_did, a_did),
    ]
    out = list(head)
    for event in tail:
        pairs = dict(event["pairs"])
        if pairs["Event"] in _HANDLER_EVENTS or pairs.get("Context") == (
            "hangup-handlers"
        ):
            continue
        if pairs["Event"] == "Newexten" and pairs.get("Application") == "Return":
            continue
        if pairs["Event"] == "Cdr" and pairs.get("LastApplication") == "Return":
            continue
        text = json.dumps(event["pairs"])
        for old, new in swaps:
            text = re.sub(r"(?<![\d.])" + re.escape(old) + r"(?![\d])", new, text)
        new_pairs = []
        for key, value in json.loads(text):
            if key == "Timestamp":
                value = f"{float(value) - b_ts0 + ts_cut:.6f}"
            elif key in ("StartTime", "AnswerTime", "EndTime") and value:
                value = (datetime.strptime(value, _CDR_TIME) + shift).strftime(
                    _CDR_TIME
                )
            new_pairs.append([key, value])
        if pairs["Event"] == "Cdr" and dict(new_pairs)["Channel"].startswith(a_base):
            new_pairs = _caller_cdr(new_pairs, a_start, a_answer)
        out.append({"t": round(event["t"] - b_t0 + t_cut, 6), "pairs": new_pairs})
    return out


def _caller_cdr(pairs, start, answer):
    """The caller's CDR covers the whole call: from the first part's start."""
    values = dict(pairs)
    end = datetime.strptime(values["EndTime"], _CDR_TIME).replace(tzinfo=UTC)
    begin = datetime.fromtimestamp(int(start), UTC)
    answered = datetime.fromtimestamp(int(answer), UTC)
    fixed = {
        "StartTime": begin.strftime(_CDR_TIME),
        "AnswerTime": answered.strftime(_CDR_TIME),
        "Duration": str(int((end - begin).total_seconds())),
        "BillableSeconds": str(int((end - answered).total_seconds())),
    }
    return [[key, fixed.get(key, value)] for key, value in pairs]


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else "/work/shared/asterisk")
    HERE.mkdir(exist_ok=True)
    for name, (first, cut, second, start) in COMPOSITES.items():
        events = compose(
            extract(root / first / "timeline.jsonl"),
            cut,
            extract(root / second / "timeline.jsonl"),
            start,
        )
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for event in events:
                fh.write(json.dumps(event, ensure_ascii=False) + "\n")
        sys.stdout.write(f"{name}: {len(events)} events\n")
    for name in CAPTURES:
        events = extract(root / name / "timeline.jsonl")
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for event in events:
                fh.write(json.dumps(event, ensure_ascii=False) + "\n")
        sys.stdout.write(f"{name}: {len(events)} events\n")


if __name__ == "__main__":
    main(sys.argv)
