# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time
from datetime import datetime

from odoo import api, models
from odoo.exceptions import AccessError

LAST_CALLS_LIMIT = 5
NOTIFICATION_TYPE = "hotline/call_ringing"
# the answer and the end of the call on the card: timer and hang-up cause
UPDATE_NOTIFICATION_TYPE = "hotline/call_update"
PENDING_UPDATE_KEY = "hotline.screen.pop.updated_call_ids"
# context key: ``((company id, extension), user id or False)`` pairs looked up
# for a batch of rings (``_hotline_with_users``)
USERS_KEY = "hotline_pop_users"
# context key: ``(number, partner ids)`` pairs the ingest of the same batch
# identified (``_hotline_with_identified``)
IDENTIFIED_KEY = "hotline_pop_identified"
_EPOCH = datetime(1970, 1, 1)


def _epoch(value):
    """Seconds since the epoch of a naive UTC datetime (``False`` if empty)."""
    if not value:
        return False
    return (value - _EPOCH).total_seconds()


class HotlineScreenPop(models.AbstractModel):
    """Caller card sent to the agent whose phone rings (the screen pop).

    The connector calls :meth:`hotline_ringing` when a call rings an agent and
    again when it is transferred or picked up by another agent: the card (and
    any case already started, given by :meth:`_hotline_card_extra`) follows the
    call.  One bus notification per ring, in the caller's transaction.
    """

    _name = "hotline.screen.pop"
    _description = "Hotline Screen Pop"

    @api.model
    def _hotline_with_users(self, company, extensions):
        """This model with the users of ``extensions`` in ``company`` looked
        up in one query, for :meth:`_hotline_user_for_extension` (a batch of
        rings costs one search, not one a ring)."""
        extensions = {str(ext).strip() for ext in extensions if ext}
        if not extensions:
            return self
        found = {}
        users = (
            self.env["res.users"]
            .sudo()
            .search_fetch(
                [
                    ("hotline_extension", "in", sorted(extensions)),
                    ("company_ids", "in", company.ids),
                ],
                self._hotline_card_user_fields(),
            )
        )
        # the card's language and the status bar's name: the narrow columns
        # of the agents' partners, not their whole rows
        users.partner_id.fetch(["lang", "name"])
        for user in users:
            found.setdefault(user.hotline_extension, user.id)
        known = dict(self.env.context.get(USERS_KEY) or ())
        known.update(((company.id, ext), found.get(ext, False)) for ext in extensions)
        # a context holds hashable values only
        return self.with_context(**{USERS_KEY: tuple(sorted(known.items()))})

    @api.model
    def _hotline_card_user_fields(self):
        """What a ring reads of the agent rung (their card and status), fetched
        with the lookup in one narrow query."""
        return [
            "hotline_extension",
            "partner_id",
            "hotline_current_call_id",
            "hotline_agent_state",
            "hotline_agent_presence",
            "hotline_agent_state_since",
            "hotline_pause_reason",
            "hotline_wrapup_call_id",
            "hotline_wrapup_until",
            "hotline_wrapup_paused",
        ]

    @api.model
    def _hotline_card_call_fields(self):
        """What the card reads of the call ringing (fetched with its lookup);
        other add-ons add theirs."""
        return [
            "pbx_id",
            "linkedid",
            "company_id",
            "direction",
            "caller_number",
            "called_number",
            "partner_id",
            "started_at",
            "queued_at",
            "answered_at",
            "ended_at",
            "hangup_cause_code",
        ]

    @api.model
    def _hotline_with_identified(self, identified):
        """This model knowing the callers the ingest of the same batch
        identified (``{number: partner ids}``): the card does not look them
        up again."""
        if not identified:
            return self
        return self.with_context(
            **{IDENTIFIED_KEY: tuple((n, tuple(ids)) for n, ids in identified.items())}
        )

    @api.model
    def _hotline_identify(self, number):
        """The customers ``number`` matches (already identified in this
        batch, or looked up)."""
        known = dict(self.env.context.get(IDENTIFIED_KEY) or ())
        if number in known:
            # identified as superuser: the agent's record rules still apply
            return (
                self.env["res.partner"].browse(known[number])._filtered_access("read")
            )
        return self.env["res.partner"].hotline_identify_caller(number)

    @api.model
    def _hotline_user_for_extension(self, extension, company=None):
        if not extension:
            return self.env["res.users"]
        known = dict(self.env.context.get(USERS_KEY) or ())
        key = (company.id if company else False, str(extension).strip())
        if company and key in known:
            return self.env["res.users"].sudo().browse(known[key] or ())
        domain = [("hotline_extension", "=", str(extension).strip())]
        if company:
            domain.append(("company_ids", "in", company.ids))
        return self.env["res.users"].sudo().search(domain, limit=1)

    @api.model
    def hotline_ringing(self, call, extension, transferred_from=None):
        """Pop the caller card on the web client of the agent at ``extension``.

        :param call: ``hotline.call`` record ringing (or transferred to) the agent
        :param extension: the agent's extension as Asterisk reported it
        :param transferred_from: extension of the agent who transferred the
            call to this one (the card says so), ``None`` for a plain ring
        :return: the notified ``res.users`` (empty when no user has it)
        """
        if not self.env.su and not self.env.user.has_group("hotline_base.group_admin"):
            # the connector (superuser) rings agents; nobody pops cards at others
            raise AccessError(self.env._("Only the PBX connector can ring agents."))
        call = call.sudo()
        user = self._hotline_user_for_extension(extension, call.company_id)
        if not user:
            return user
        user.hotline_current_call_id = call
        # the card is built in the agent's language: the connector's own
        # environment has none (its labels would come out in English)
        pop = self.with_user(user).with_context(lang=user.lang)
        payload = pop.with_company(call.company_id)._hotline_card_payload(
            call, extension
        )
        payload["transfer"] = pop._hotline_transfer_info(call, transferred_from)
        user._bus_send(NOTIFICATION_TYPE, payload)
        return user

    @api.model
    def _hotline_card_payload(self, call, extension):
        """Everything the card shows, as JSON-serialisable data."""
        number = (
            call.caller_number if call.direction != "outbound" else call.called_number
        )
        partners = self.env["res.partner"]
        if call.partner_id:
            partners = call.partner_id
        elif number:
            partners = self._hotline_identify(number)
        blacklist = self._hotline_blacklist_info(number)
        partner = partners if len(partners) == 1 else partners.browse()
        # the card's columns only (a partner row is wide)
        partners[:10].fetch(self._hotline_partner_card_fields())
        payload = {
            "call_id": call.id,
            "number": number or "",
            "direction": call.direction,
            "extension": str(extension),
            "blacklisted": blacklist["blacklisted"],
            "blacklist_action": blacklist["action"],
            "blacklist_reason": blacklist["reason"],
            "blacklist_until": blacklist["until"],
            "partner_id": partner.id or False,
            "partners": [self._hotline_partner_card(p) for p in partners[:10]],
            "unknown": not partners,
            "last_calls": self._hotline_last_calls(number, partners, call),
            "sections": [],
            "actions": [],
            "case_id": False,
            # the card's timer: rang (this ring), answered, ended; the browser
            # corrects its clock by server_time
            "timer": self._hotline_card_timer(call, rang_at=time.time()),
            "hangup_cause": self._hotline_hangup_words(call),
        }
        extra = self._hotline_card_extra(partner, call)
        for key, value in extra.items():
            if key in ("sections", "actions"):
                payload[key] += value
            else:
                payload[key] = value
        return payload

    @api.model
    def _hotline_card_timer(self, call, rang_at=None):
        """Times of the card's timer, in seconds since the epoch (UTC).

        :param rang_at: when the call rang this agent; by default (a card
            restored after a page reload) when it entered the queue or started
        """
        if rang_at is None:
            rang_at = _epoch(call.queued_at or call.started_at) or time.time()
        return {
            "rang_at": rang_at,
            "answered_at": _epoch(call.answered_at),
            "ended_at": _epoch(call.ended_at),
            "server_time": time.time(),
        }

    @api.model
    def _hotline_hangup_words(self, call):
        """The hang-up cause as the card shows it, in the user's language."""
        if not call.hangup_cause_code:
            return ""
        field = call._fields["hangup_cause_code"]
        return dict(field._description_selection(self.env)).get(
            call.hangup_cause_code, ""
        )

    @api.model
    def hotline_current_card(self):
        """The card of the user's live call, for a web client that (re)loads.

        Only for agents (and the groups implying it), only while the call is
        live, in a company of the user, and where :meth:`_hotline_card_restorable`
        allows it (confidentiality rules of other add-ons).
        :return: the card as :meth:`hotline_ringing` sends it, or ``False``
        """
        user = self.env.user
        if not user.has_group("hotline_base.group_agent"):
            return False
        call = user.sudo().hotline_current_call_id
        if (
            not call
            or call.ended_at
            or call.company_id not in user.company_ids
            or not self._hotline_card_restorable(call)
        ):
            return False
        payload = self.with_company(call.company_id)._hotline_card_payload(
            call, user.hotline_extension or ""
        )
        payload["timer"] = self._hotline_card_timer(call)
        payload["transfer"] = False
        payload["restored"] = True
        return payload

    @api.model
    def _hotline_card_restorable(self, call):
        """Hook: whether the current user's card of ``call`` (sudo) may be
        shown again after a reload. Other add-ons refuse calls their
        confidentiality rules hide from the user."""
        return True

    @api.model
    def _hotline_card_touch(self, calls):
        """Tell the agents whose card shows one of ``calls`` its new times and
        hang-up cause, once per transaction when it commits."""
        data = self.env.cr.precommit.data
        if PENDING_UPDATE_KEY not in data:
            data[PENDING_UPDATE_KEY] = set()
            env = self.sudo().env

            @self.env.cr.precommit.add
            def send_card_updates():
                call_ids = data.pop(PENDING_UPDATE_KEY, set())
                env["hotline.screen.pop"]._hotline_card_send_updates(
                    env["hotline.call"].browse(sorted(call_ids))
                )

        data[PENDING_UPDATE_KEY].update(calls.ids)

    @api.model
    def _hotline_card_send_updates(self, calls):
        """One ``hotline/call_update`` per agent whose current call is one of
        ``calls``: the call's id, timer and hang-up cause, nothing else."""
        calls = calls.sudo().exists()
        if not calls:
            return
        users = (
            self.env["res.users"]
            .sudo()
            .search([("hotline_current_call_id", "in", calls.ids)])
        )
        for user in users:
            call = user.hotline_current_call_id
            pop = self.with_context(lang=user.lang)
            user._bus_send(
                UPDATE_NOTIFICATION_TYPE,
                {
                    "call_id": call.id,
                    "timer": pop._hotline_card_timer(call, rang_at=False),
                    "hangup_cause": pop._hotline_hangup_words(call),
                },
            )

    @api.model
    def _hotline_transfer_info(self, call, transferred_from):
        """Who transferred the call (``False`` when it is not a transfer)."""
        if not transferred_from:
            return False
        user = self._hotline_user_for_extension(transferred_from, call.company_id)
        return {
            "extension": str(transferred_from),
            "name": user.name or "",
        }

    @api.model
    def _hotline_blacklist_info(self, number):
        """``hotline.blacklist.hotline_check_number`` as the card shows it."""
        empty = {"blacklisted": False, "action": False, "reason": "", "until": False}
        if not number:
            return empty
        entry = self.env["hotline.blacklist"].sudo().hotline_check_number(number)
        if not entry:
            return empty
        until = entry.get("until")
        return {
            "blacklisted": True,
            "action": entry.get("action") or False,
            "reason": entry.get("reason") or "",
            "until": until.isoformat() if until else False,
        }

    @api.model
    def _hotline_partner_card_fields(self):
        """What :meth:`_hotline_partner_card` reads (its name included)."""
        return [
            "name",
            "type",
            "is_company",
            "parent_id",
            "company_name",
            "commercial_company_name",
            "ref",
            "hotline_customer_number",
            "hotline_category_id",
            "hotline_is_vip",
            "phone",
            "mobile",
        ]

    @api.model
    def _hotline_partner_card(self, partner):
        return {
            "id": partner.id,
            "name": partner.display_name,
            "customer_number": partner.hotline_customer_number or partner.ref or "",
            "category": partner.hotline_category_id.display_name or "",
            "vip": partner.hotline_is_vip,
            "phone": partner.phone or partner.mobile or "",
        }

    @api.model
    def _hotline_last_calls(self, number, partners, call):
        Call = self.env["hotline.call"].sudo()
        domain = [("id", "!=", call.id)]
        if partners:
            domain.append(("partner_id", "in", partners.ids))
        elif number:
            domain.append(("caller_number", "=", number))
        else:
            return []
        disposition = dict(Call._fields["disposition"]._description_selection(self.env))
        # the card's columns only (a call row is wide), the agents' names in one go
        past_calls = Call.search_fetch(
            domain, ["started_at", "disposition", "user_id"], limit=LAST_CALLS_LIMIT
        )
        past_calls.user_id.fetch(["name"])
        return [
            {
                "id": past.id,
                "started_at": past.started_at and past.started_at.isoformat() or False,
                "disposition": disposition.get(past.disposition, ""),
                "agent": past.user_id.name or "",
            }
            for past in past_calls
        ]

    @api.model
    def _hotline_card_extra(self, partner, call):
        """Hook for other add-ons: extend with ``super()`` and add keys.

        :param partner: the identified customer (empty when none or ambiguous)
        :param call: the ``hotline.call`` ringing
        :return: dict merged into the card; ``sections`` (list of
            ``{"title", "lines": [str]}``) and ``actions`` (list of
            ``{"label", "action": <act_window dict>}``) are appended to, other
            keys (e.g. ``case_id`` of a case already started) replace.
        """
        return {"sections": [], "actions": []}
