# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The AMI actions behind the CTI buttons, as plain data (no ORM).

``hotline.pbx`` reads its settings (channel template, dialplan contexts) and
the users' extensions, then asks these builders for the ``(action, fields)``
to send through one AMI session (``hotline.pbx._hotline_ami_session``).
Everything here is testable without Asterisk or Odoo (tests/test_cti_actions.py).
"""

import re

import phonenumbers

from .ami_client import AmiActionError, AmiError

# ChanSpy options per listening mode: q quiet, w whisper, B barge
SPY_OPTIONS = {"listen": "q", "whisper": "qw", "barge": "qB"}
INTERNAL_NUMBER = re.compile(r"^\d{3,6}$")
# Asterisk context names as the shipped dialplan uses them
CONTEXT_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
LOCAL_TEMPLATE = re.compile(r"^Local/\{extension\}@([A-Za-z0-9_-]+)")
# app_queue's answers (capture queue_member_refusals)
NO_SUCH_QUEUE = "Unable to add interface to queue: No such queue"
ALREADY_DONE = {
    "QueueAdd": "Unable to add interface: Already there",
    "QueueRemove": "Unable to remove interface: Not there",
}
QUEUE_EVENTS = ("login", "logout", "pause", "unpause")


class NotDialable(ValueError):
    """The text given is no phone number Asterisk can dial."""


# -- settings ------------------------------------------------------------
def split_contexts(value):
    """``"from-pstn, from-sip"`` -> ``["from-pstn", "from-sip"]``."""
    return [name.strip() for name in (value or "").split(",") if name.strip()]


def bad_context_names(names):
    """The names of ``names`` that are no dialplan context name."""
    return [name or "" for name in names if not CONTEXT_NAME.match(name or "")]


def correlator_contexts(
    inbound, outbound, internal, agent_channel_template, campaign=None
):
    """The contexts :class:`~.correlator.CallCorrelator` classifies calls with.

    Agent phones reached through a Local channel (``Local/{extension}@ctx``)
    run in that context too; outbound campaigns' calls (``campaign``) are
    outbound calls."""
    agents = {internal}
    local = LOCAL_TEMPLATE.match(agent_channel_template or "")
    if local:
        agents.add(local.group(1))
    return {
        "inbound_contexts": frozenset(split_contexts(inbound)),
        "outbound_contexts": frozenset({outbound, campaign} - {None, ""}),
        "agent_contexts": frozenset(agents),
    }


def interface(template, extension):
    """The agent's phone as Asterisk names it, e.g. ``PJSIP/8001``."""
    return template.format(extension=extension)


# -- numbers -------------------------------------------------------------
def dialable(number, region="CN"):
    """The digits Asterisk dials for ``number``: national form for numbers of
    ``region``, 00 + country code otherwise; short internal extensions pass
    as they are.  :class:`NotDialable` when it is not a number."""
    raw = (number or "").strip()
    compact = re.sub(r"[\s\-().]", "", raw)
    if INTERNAL_NUMBER.match(compact):
        return compact
    try:
        parsed = phonenumbers.parse(compact, region)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        raise NotDialable(raw)
    if phonenumbers.region_code_for_number(parsed) == region or (
        parsed.country_code == phonenumbers.country_code_for_region(region)
    ):
        national = phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.NATIONAL
        )
        return re.sub(r"\D", "", national)
    return f"00{parsed.country_code}{parsed.national_number}"


def is_internal_number(exten):
    return bool(INTERNAL_NUMBER.match(exten or ""))


# -- channels of a live call ---------------------------------------------
def live_channels(ami):
    """Every channel of the PBX (CoreShowChannels) as plain dicts."""
    _response, items = ami.action_list("CoreShowChannels")
    return [dict(item.pairs) for item in items]


def agent_channel(channels, interface_):
    """The channel of the phone ``interface_`` (the first half of a Local
    channel when there are two), else ``None``."""
    mine = [
        c for c in channels if (c.get("Channel") or "").startswith(interface_ + "-")
    ]
    if not mine:
        return None
    first_half = [c for c in mine if c["Channel"].endswith(";1")]
    return (first_half or mine)[0]


def peer_channel(channels, agent_channel_):
    """The other party of the agent's call: same Linkedid, not the agent
    (the call's first channel when there are several)."""
    linkedid = agent_channel_.get("Linkedid")
    base = agent_channel_["Channel"].rsplit(";", 1)[0]
    others = [
        c
        for c in channels
        if c.get("Linkedid") == linkedid and not c["Channel"].startswith(base)
    ]
    first = [c for c in others if c.get("Uniqueid") == linkedid]
    return (first or others or [None])[0]


def channel_of_uniqueid(channels, uniqueid):
    """The channel name whose Uniqueid is ``uniqueid``, else ``None``."""
    if not uniqueid:
        return None
    return next(
        (c.get("Channel") for c in channels if c.get("Uniqueid") == uniqueid), None
    )


def allows_atxfer(queue_options):
    """Whether the Queue() options gave the agent the transfer right (t).
    Empty options: nothing known, allowed."""
    return not queue_options or "t" in queue_options


# -- actions -------------------------------------------------------------
def transfer(channel, context, exten, attended=False):
    """Blind (BlindTransfer) or attended (Atxfer) transfer of ``channel``."""
    return (
        "Atxfer" if attended else "BlindTransfer",
        {"Channel": channel, "Context": context, "Exten": exten},
    )


def redirect(channel, context, exten, priority=1):
    """Send ``channel`` to ``context``/``exten`` (hold, resume, pick-up)."""
    return (
        "Redirect",
        {"Channel": channel, "Context": context, "Exten": exten, "Priority": priority},
    )


def hold(peer_channel_, hold_context):
    """Park the other party with music: extension s of the hold context."""
    return redirect(peer_channel_, hold_context, "s")


def hangup(channel, cause=16):
    return ("Hangup", {"Channel": channel, "Cause": cause})


def conference_room(extension, fallback):
    """The ConfBridge room of an agent's call: 7 + extension."""
    return f"7{extension or fallback}"


def conference_redirect(agent_channel_, peer_channel_, context, room):
    """Both parties of the agent's call into ``room`` (Redirect with
    ExtraChannel; the agent alone when there is no peer)."""
    action, fields_ = redirect(agent_channel_, context, room)
    if peer_channel_:
        fields_.update(
            ExtraChannel=peer_channel_,
            ExtraContext=context,
            ExtraExten=room,
            ExtraPriority=1,
        )
    return action, fields_


def spy(supervisor_interface, agent_interface, mode, caller_id):
    """Originate fields: the supervisor's phone runs ChanSpy on the agent's.
    ``KeyError`` for an unknown ``mode``."""
    return {
        "Channel": supervisor_interface,
        "Application": "ChanSpy",
        "Data": f"{agent_interface},{SPY_OPTIONS[mode]}",
        "CallerID": caller_id,
    }


def conference_join(supervisor_interface, room):
    """Originate fields: the supervisor's phone into ConfBridge ``room``."""
    return {
        "Channel": supervisor_interface,
        "Application": "ConfBridge",
        "Data": room,
    }


def async_originate(fields_, ring_seconds):
    """Originate that Asterisk answers at once (the outcome comes later as
    an OriginateResponse event, followed by the connector)."""
    return dict(fields_, Timeout=max(ring_seconds or 30, 1) * 1000, Async="true")


def queue_actions(interface_, queues, event, member_name="", reason=""):
    """(action, fields) for an agent's ``event`` in ``queues``:
    ``queues`` is a list of ``(queue code, penalty)``."""
    if event not in QUEUE_EVENTS:
        raise ValueError(event)
    actions = []
    for queue, penalty in queues:
        if event == "login":
            fields_ = {
                "Queue": queue,
                "Interface": interface_,
                "Penalty": str(penalty),
                "MemberName": member_name,
                "StateInterface": interface_,
            }
            actions.append(("QueueAdd", fields_))
        elif event == "logout":
            actions.append(("QueueRemove", {"Queue": queue, "Interface": interface_}))
        else:
            fields_ = {
                "Queue": queue,
                "Interface": interface_,
                "Paused": "true" if event == "pause" else "false",
            }
            if reason:
                fields_["Reason"] = reason
            actions.append(("QueuePause", fields_))
    return actions


def apply_membership(ami, actions):
    """Send the QueueAdd / QueueRemove ``actions`` on ``ami``.

    Membership is a state, not a toggle: "Already there" answers a QueueAdd
    of a member (persistent members survive an Asterisk restart) and "Not
    there" a QueueRemove of a non-member; both mean the agent already is
    where they asked to be.  On any other refusal the QueueAdds made are
    taken back (a failed login leaves no half-membership) and the first
    error is raised, as :class:`AmiActionError` with ``action`` and
    ``fields`` (the action refused) set."""
    added = []
    current = current_fields = None
    try:
        for action, fields_ in actions:
            current, current_fields = action, fields_
            response = ami.action(action, raise_on_error=False, **fields_)
            message = response.get("Message") or ""
            if response.get("Response") == "Success":
                if action == "QueueAdd":
                    added.append(fields_)
            elif message != ALREADY_DONE.get(action):
                raise AmiActionError(message or "Error", response, action)
    except AmiError as error:
        for fields_ in added:
            try:
                ami.action(
                    "QueueRemove",
                    raise_on_error=False,
                    Queue=fields_["Queue"],
                    Interface=fields_["Interface"],
                )
            except AmiError:
                break  # the first error is the one to report
        error.action = getattr(error, "action", None) or current
        error.fields = current_fields
        raise


# -- emergency call, agent's three-way call, forced login (issue 20) ------
def third_party_channel(exten, context):
    """The Local channel that dials ``exten`` through ``context`` (the
    internal context for an agent's extension, the outbound one otherwise):
    Originate rings it and, once answered, its ``;1`` half runs ConfBridge."""
    return f"Local/{exten}@{context}"


def party_join(channel, room, caller_id):
    """Originate fields: ``channel`` (a third party, or the on-duty
    supervisor) into the ConfBridge ``room`` once it answers."""
    return {
        "Channel": channel,
        "Application": "ConfBridge",
        "Data": room,
        "CallerID": caller_id,
    }


def emergency_caller_id(agent_extension, label="EMERGENCY"):
    """The caller ID the supervisor's phone shows for an emergency call."""
    return f'"{label} {agent_extension}" <{agent_extension}>'


def emergency_call(agent_interface, supervisor_extension, context, caller_id):
    """Originate fields when the agent is not on a call: the agent's phone
    rings first (they just pressed the button), then ``context`` dials the
    supervisor's extension with auto-answer (the shipped dialplan's
    [hotline-emergency]: Dial() with a pre-dial handler adding the
    Call-Info answer-after=0 / Alert-Info headers, func_pjsip_header)."""
    return {
        "Channel": agent_interface,
        "Context": context,
        "Exten": supervisor_extension,
        "Priority": 1,
        "CallerID": caller_id,
    }


def pick_duty_supervisor(candidates, designated_id=None, exclude_id=None):
    """Who answers an emergency call, as a plain decision.

    ``candidates``: dicts ``{"id", "extension", "logged_in_at"}`` of the
    company's supervisors (``logged_in_at``: start of their open queue login
    session, ``None`` when not logged in).  The designated on-duty supervisor
    of the PBX record wins when they have an extension; else the supervisor
    logged in to their queues for the longest time; never the agent who
    pressed the button (``exclude_id``).  ``None`` when nobody is on duty."""
    usable = [c for c in candidates if c.get("extension") and c["id"] != exclude_id]
    designated = [c for c in usable if designated_id and c["id"] == designated_id]
    if designated:
        return designated[0]
    on_shift = [c for c in usable if c.get("logged_in_at")]
    if not on_shift:
        return None
    return min(on_shift, key=lambda c: (c["logged_in_at"], c["id"]))
