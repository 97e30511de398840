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
import sys
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


def main(argv):
    root = Path(argv[1] if len(argv) > 1 else "/work/shared/asterisk")
    HERE.mkdir(exist_ok=True)
    for name in CAPTURES:
        events = extract(root / name / "timeline.jsonl")
        with (HERE / f"{name}.jsonl").open("w", encoding="utf-8") as fh:
            for event in events:
                fh.write(json.dumps(event, ensure_ascii=False) + "\n")
        sys.stdout.write(f"{name}: {len(events)} events\n")


if __name__ == "__main__":
    main(sys.argv)
