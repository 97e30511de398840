# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The simulated callee of an outbound campaign's Originate.

No capture dials a trunk from an Originate: the events follow the
click-to-dial captures (``originate_click2dial_*``: ``Newchannel`` first, a
failed ``OriginateResponse`` before the dialled channel's ``Hangup``) and
Asterisk's source for the rest (``main/manager.c`` ``fast_originate``: the
fields and their order, ``Channel`` = the requested dial string and
``Uniqueid`` = the requested ``ChannelId`` when the Originate failed;
``main/channel.c`` ``__ast_request_and_dial``: ``Reason``; cause texts of
``ast_cause2str``).  See :mod:`..dialer` for the citations.

Outcomes: answer, busy, no_answer, invalid (空号), rejected, congestion,
failure (no channel could be requested: no Newchannel, no Hangup).
"""

import random
import re

# outcome -> (ring before the end, OriginateResponse Reason, Hangup cause)
OUTCOMES = {
    "answer": (True, "4", ("16", "Normal Clearing")),
    "busy": (False, "5", ("17", "User busy")),
    "no_answer": (True, "3", ("19", "User alerting, no answer")),
    "invalid": (False, "1", ("1", "Unallocated (unassigned) number")),
    "rejected": (True, "1", ("21", "Call Rejected")),
    "congestion": (False, "8", ("34", "Circuit/channel congestion")),
    "failure": (False, "0", None),
}
DEFAULT_MIX = {"answer": 6, "busy": 1, "no_answer": 2, "invalid": 1}
DEFAULT_DELAYS = {"ring": 2.0, "talk": 5.0}
# the variable that marks an Originate as campaign traffic
CAMPAIGN_VARIABLE = "HOTLINE_CAMPAIGN"


def is_campaign_originate(msg):
    return any(
        (value or "").split("=", 1)[0].strip() == CAMPAIGN_VARIABLE
        for key, value in msg.pairs
        if key.lower() == "variable"
        for value in (value or "").split(",")
    )


def originate_variables(msg):
    variables = {}
    for key, value in msg.pairs:
        if key.lower() != "variable":
            continue
        for item in (value or "").split(","):
            name, _eq, val = item.partition("=")
            if name.strip():
                variables[name.strip()] = val
    return variables


def number_of(channel):
    """The dialled number in a dial string (``PJSIP/138...@trunk``)."""
    match = re.match(r"^[^/]+/(?:[^/]*/)?([+\d]+)", channel or "")
    return match.group(1) if match else ""


def channel_name(channel, suffix):
    """The name Asterisk gives the channel of a dial string."""
    if channel.startswith("Local/"):
        return f"{channel}-{suffix};1"
    tech, _slash, rest = channel.partition("/")
    endpoint = rest.split("@", 1)[1] if "@" in rest else rest
    return f"{tech}/{endpoint}-{suffix}"


class CampaignCallee:
    """Chooses the outcome of each campaign Originate: a scripted outcome per
    number first (``script``), else a random draw from ``mix``."""

    def __init__(self, mix=None, delays=None, script=None, seed=None):
        self.mix = dict(mix or DEFAULT_MIX)
        self.delays = dict(DEFAULT_DELAYS, **(delays or {}))
        self.script = dict(script or {})
        self.rng = random.Random(seed)
        self.outcomes = []  # (number, outcome) in order

    def outcome_for(self, number):
        outcome = self.script.get(number)
        if outcome is None:
            names = list(self.mix)
            outcome = self.rng.choices(names, [self.mix[n] for n in names])[0]
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown campaign outcome {outcome!r}")
        self.outcomes.append((number, outcome))
        return outcome

    def events(self, msg, action_id, uniqueid, suffix, make_event):
        """``[(seconds, pairs)]`` of one async campaign Originate.

        :param make_event: ``(name, privilege, fields, action_id) -> pairs``
        """
        requested = msg.get("Channel") or ""
        number = number_of(requested)
        outcome = self.outcome_for(number)
        ring, reason, cause = OUTCOMES[outcome]
        context = msg.get("Context") or ""
        exten = msg.get("Exten") or ""
        cid = (msg.get("CallerID") or "").strip()
        cid_num = re.sub(r"[^\d+]", "", cid.split("<")[-1]) if cid else ""
        variables = originate_variables(msg)
        name = channel_name(requested, suffix)
        ring_s = self.delays["ring"]
        timeout = int(msg.get("Timeout") or 30000) / 1000.0

        def channel(state, desc, ctx=context, ext=number):
            return [
                ("Channel", name),
                ("ChannelState", state),
                ("ChannelStateDesc", desc),
                ("CallerIDNum", number),
                ("CallerIDName", "<unknown>"),
                ("ConnectedLineNum", cid_num or "<unknown>"),
                ("ConnectedLineName", "<unknown>"),
                ("Language", "en"),
                ("AccountCode", ""),
                ("Context", ctx),
                ("Exten", ext),
                ("Priority", "1"),
                ("Uniqueid", uniqueid),
                ("Linkedid", uniqueid),
                ("ChanVariable", "DID="),
                ("ChanVariable", f"CRM_CALL_ID={variables.get('CRM_CALL_ID', '')}"),
            ]

        def response(success):
            fields = [
                ("Response", "Success" if success else "Failure"),
                ("Channel", name if success else requested),
                ("Context", context),
                ("Exten", exten),
                ("Reason", reason),
                ("Uniqueid", uniqueid),
                ("CallerIDNum", cid_num or "<unknown>"),
                ("CallerIDName", "<unknown>"),
            ]
            return make_event("OriginateResponse", "call", fields, action_id)

        events = []
        if outcome == "failure":
            # ast_request() failed: no channel, Reason 0 (handle_cause)
            return [(0.0, response(False))]
        events.append((0.0, make_event("Newchannel", "call", channel("0", "Down"))))
        at = 0.01
        if ring:
            events.append((at, make_event("Newstate", "call", channel("5", "Ringing"))))
        if outcome == "answer":
            at = ring_s
            events.append((at, make_event("Newstate", "call", channel("6", "Up"))))
            events.append((at, response(True)))
            up = channel("6", "Up", context, exten)
            events.append(
                (
                    at,
                    make_event(
                        "Newexten",
                        "dialplan",
                        up
                        + [
                            ("Extension", exten),
                            ("Application", "NoOp"),
                            ("AppData", "campaign"),
                        ],
                    ),
                )
            )
            at += self.delays["talk"]
            events.append(
                (
                    at,
                    make_event(
                        "Hangup",
                        "call",
                        up + [("Cause", cause[0]), ("Cause-txt", cause[1])],
                    ),
                )
            )
            return events
        if outcome == "no_answer":
            # rings until the Originate's timeout (shortened by ``ring``)
            at = min(timeout, max(ring_s, 0.01))
        elif outcome == "rejected":
            at = ring_s
        else:
            at = 0.02
            if outcome == "busy":
                events.append(
                    (at, make_event("Newstate", "call", channel("7", "Busy")))
                )
        state = channel("5", "Ringing") if ring else channel("0", "Down")
        events.append((at, response(False)))
        events.append(
            (
                at,
                make_event(
                    "Hangup",
                    "call",
                    state + [("Cause", cause[0]), ("Cause-txt", cause[1])],
                ),
            )
        )
        return events
