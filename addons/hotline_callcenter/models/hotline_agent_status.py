# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The agent's status bar: queue status, call phase, wrap-up (话后小结).

One status per agent (``res.users.hotline_agent_state``): the queue status
(logged out, ready, paused with its reason) set by the CTI controls, or the
phase of the agent's call (ringing, on a call, wrap-up) set by what the
connector reports (the ring pops the card, the ingest records the answer and
the hang-up). Every change reaches the agent's web client as one
``hotline/agent_status`` notification with the whole status.
"""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .res_users import AGENT_CALL_PHASES, AGENT_STATES

_logger = logging.getLogger(__name__)

STATUS_NOTIFICATION = "hotline/agent_status"
CALL_PHASES = frozenset(dict(AGENT_CALL_PHASES))


class HotlineAgentStatus(models.AbstractModel):
    _name = "hotline.agent.status"
    _description = "Agent Status"

    # ------------------------------------------------------------------
    # What the web client shows
    # ------------------------------------------------------------------
    @api.model
    def _hotline_payload(self, user):
        """The whole status of ``user`` as the status bar shows it, in the
        user's language."""
        user = user.sudo()
        labels = dict(
            user._fields["hotline_agent_state"]._description_selection(
                self.with_context(lang=user.lang).env
            )
        )
        state = user.hotline_agent_state or "logged_out"
        call = user.hotline_current_call_id
        wrapup = user.hotline_wrapup_call_id
        payload = {
            "state": state,
            "label": labels.get(state, state),
            "presence": user.hotline_agent_presence or "logged_out",
            "since": fields.Datetime.to_string(user.hotline_agent_state_since)
            if user.hotline_agent_state_since
            else False,
            "server_time": time.time(),
            "reason": (user.hotline_pause_reason or "")
            if user.hotline_agent_presence == "paused"
            else "",
            "call": False,
            "wrapup": False,
        }
        if call and state in ("ringing", "on_call"):
            payload["call"] = self._hotline_call_info(call)
        if wrapup and state == "wrapup":
            payload["wrapup"] = dict(
                self._hotline_call_info(wrapup),
                until=fields.Datetime.to_string(user.hotline_wrapup_until)
                if user.hotline_wrapup_until
                else False,
                paused=user.hotline_wrapup_paused,
                disposition_id=wrapup.disposition_id.id or False,
                note=wrapup.wrapup_note or "",
            )
        return payload

    @api.model
    def _hotline_call_info(self, call):
        number = (
            call.called_number if call.direction == "outbound" else call.caller_number
        )
        return {
            "call_id": call.id,
            "number": number or "",
            "partner": call.partner_id.display_name or "",
        }

    @api.model
    def _hotline_notify_status(self, user):
        user = user.sudo()
        user._bus_send(STATUS_NOTIFICATION, self._hotline_payload(user))

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    @api.model
    def _hotline_write_state(self, user, state, **extra):
        if state not in dict(AGENT_STATES):
            raise ValueError(state)
        values = {"hotline_agent_state": state, **extra}
        if state != user.hotline_agent_state:
            values["hotline_agent_state_since"] = fields.Datetime.now()
        if state not in CALL_PHASES:
            values["hotline_agent_presence"] = state
        user.sudo().write(values)
        self._hotline_notify_status(user)

    @api.model
    def _hotline_set_presence(self, user, presence, reason=False):
        """The CTI changed the agent's queue status (login, logout, pause,
        unpause): shown at once, or after the call and its wrap-up."""
        user = user.sudo()
        values = {
            "hotline_agent_presence": presence,
            "hotline_pause_reason": reason if presence == "paused" else False,
        }
        if presence != "paused":
            # logged out, or unpaused in every queue: nothing left to unpause
            values["hotline_wrapup_paused"] = False
        if user.hotline_agent_state in CALL_PHASES:
            user.write(values)
            self._hotline_notify_status(user)
            return
        values.pop("hotline_agent_presence")
        self._hotline_write_state(user, presence, **values)

    @api.model
    def _hotline_back_to_presence(self, user):
        """The call phase is over: back to the queue status, or to the
        wrap-up that still pauses the agent in their queues."""
        user = user.sudo()
        if user.hotline_wrapup_paused and user.hotline_wrapup_call_id:
            self._hotline_write_state(user, "wrapup", hotline_wrapup_until=False)
            return
        self._hotline_write_state(
            user,
            user.hotline_agent_presence or "logged_out",
            hotline_wrapup_call_id=False,
            hotline_wrapup_until=False,
        )

    @api.model
    def _hotline_enter_call_phase(self, user, phase, call):
        user = user.sudo()
        if user.hotline_agent_state not in CALL_PHASES:
            # the queue status may have been written directly (supervisor)
            user.hotline_agent_presence = user.hotline_agent_state or "logged_out"
        elif user.hotline_agent_state == "wrapup":
            # a new call ends the wrap-up of the last one (a pause the wrap-up
            # made stays until Ready)
            self._hotline_close_wrapup(user)
        self._hotline_write_state(
            user, phase, hotline_current_call_id=call.id, hotline_wrapup_until=False
        )

    @api.model
    def _hotline_close_wrapup(self, user):
        call = user.hotline_wrapup_call_id.sudo()
        if call and call.wrapup_started_at and not call.wrapup_ended_at:
            call.wrapup_ended_at = fields.Datetime.now()

    @api.model
    def _hotline_wrapup_plan(self, call):
        """``(seconds, until_ready)`` of the wrap-up after ``call``: the
        queue's wrap-up time, else the company's; ``until_ready`` when the
        company keeps agents in wrap-up until they click Ready."""
        company = call.company_id
        seconds = (
            call.queue_id.wrapup_time
            if call.queue_id
            else company.hotline_wrapup_seconds
        )
        return max(seconds or 0, 0), company.hotline_wrapup_until_ready

    @api.model
    def _hotline_start_wrapup(self, user, call):
        """The agent's answered ``call`` ended: after-call work begins."""
        user = user.sudo()
        call = call.sudo()
        seconds, until_ready = self._hotline_wrapup_plan(call)
        if not until_ready and not seconds:
            self._hotline_close_wrapup(user)
            self._hotline_back_to_presence(user)
            return
        self._hotline_close_wrapup(user)
        now = fields.Datetime.now()
        call.write({"wrapup_started_at": now, "wrapup_ended_at": False})
        paused = user.hotline_wrapup_paused
        if until_ready and not paused and user.hotline_agent_presence == "available":
            paused = self._hotline_pbx_pause(user, call, pause=True)
        self._hotline_write_state(
            user,
            "wrapup",
            hotline_wrapup_call_id=call.id,
            hotline_wrapup_until=False
            if until_ready
            else now + timedelta(seconds=seconds),
            hotline_wrapup_paused=paused,
        )

    @api.model
    def _hotline_pbx_pause(self, user, call, pause):
        """QueuePause the agent in their queues (the CTI's helper) for the
        wrap-up, or unpause them. Pausing happens in the connector's
        transaction: a refusal is logged, the wrap-up goes on unpaused.
        Unpausing is the agent's click: a refusal is theirs to see."""
        pbx = self.env["hotline.pbx"].sudo()._hotline_pbx_for(call or None)
        event = "pause" if pause else "unpause"
        reason = self.env._("Wrap-up") if pause else ""
        try:
            actions = pbx._hotline_queue_actions(user, event, reason)
            if actions:
                pbx._hotline_send(actions)
        except UserError as error:
            if not pause:
                raise
            _logger.info("Wrap-up pause of %s not sent: %s", user.login, error)
            return False
        return bool(actions)

    @api.model
    def _hotline_expire_wrapup(self, user):
        """A timed wrap-up whose time is over ends (Asterisk rings the agent
        again after the queue's wrap-up time anyway)."""
        user = user.sudo()
        if (
            user.hotline_agent_state == "wrapup"
            and user.hotline_wrapup_until
            and user.hotline_wrapup_until <= fields.Datetime.now()
            and not user.hotline_wrapup_paused
        ):
            self._hotline_close_wrapup(user)
            self._hotline_back_to_presence(user)

    @api.model
    def _hotline_ringing(self, user, call):
        if user.hotline_agent_state == "on_call":
            return  # a second call offered to a busy agent does not hide the first
        self._hotline_enter_call_phase(user, "ringing", call)

    @api.model
    def _hotline_follow_calls(self, calls, before):
        """The agents' statuses after the connector recorded ``calls``
        (answered, ended, transferred).

        :param before: ``{call id: agent}`` before the write (transfers)
        """
        calls = calls.sudo().filtered(lambda c: c.answered_at or c.ended_at)
        if not calls:
            return
        Users = self.env["res.users"].sudo()
        ringing = Users.search(
            [
                ("hotline_current_call_id", "in", calls.ids),
                ("hotline_agent_state", "=", "ringing"),
            ]
        )
        for call in calls:
            agent = call.user_id
            previous = before.get(call.id) or Users
            if (
                previous
                and previous != agent
                and call.answered_at
                and previous.hotline_agent_state == "on_call"
                and previous.hotline_current_call_id == call
            ):
                # transferred: the first agent's part of the call is over
                self._hotline_start_wrapup(previous, call)
            for user in ringing.filtered(
                lambda u, c=call: u.hotline_current_call_id == c and u != c.user_id
            ):
                # rang but someone else answered, or the caller hung up
                self._hotline_back_to_presence(user)
            if not agent or not agent.hotline_extension:
                continue
            mine = agent.hotline_current_call_id == call
            if call.ended_at:
                if mine and agent.hotline_agent_state in ("ringing", "on_call"):
                    if call.answered_at:
                        self._hotline_start_wrapup(agent, call)
                    else:
                        self._hotline_back_to_presence(agent)
            elif agent.hotline_agent_state != "on_call":
                self._hotline_enter_call_phase(agent, "on_call", call)

    # ------------------------------------------------------------------
    # The status bar's buttons (the current user)
    # ------------------------------------------------------------------
    @api.model
    def _hotline_check_agent(self):
        if not self.env.user.has_group("hotline_base.group_agent"):
            raise AccessError(self.env._("Only hotline agents have a status."))

    @api.model
    def hotline_status(self):
        """The status bar at start: my status, the wrap-up codes and the pause
        reasons it offers."""
        self._hotline_check_agent()
        user = self.env.user
        self._hotline_expire_wrapup(user)
        company_domain = [("company_id", "in", [*self.env.companies.ids, False])]
        return {
            "status": self._hotline_payload(user),
            "dispositions": [
                {"id": d.id, "name": d.name, "code": d.code}
                for d in self.env["hotline.call.disposition"].search(company_domain)
            ],
            "pause_reasons": [
                {"id": r.id, "name": r.name, "code": r.code}
                for r in self.env["hotline.pause.reason"].search(company_domain)
            ],
        }

    @api.model
    def hotline_ready(self):
        """End my wrap-up: Ready again (unpaused in my queues if the wrap-up
        paused me), or back to the pause or logout I chose before."""
        self._hotline_check_agent()
        user = self.env.user.sudo()
        if user.hotline_agent_state != "wrapup":
            raise UserError(
                self.env._(
                    "You are not in wrap-up: Ready ends the after-call work of "
                    "a call (use Resume to end a pause, Log in to join your "
                    "queues)."
                )
            )
        if user.hotline_wrapup_paused:
            self._hotline_pbx_pause(user, user.hotline_wrapup_call_id, pause=False)
            user.hotline_wrapup_paused = False
        self._hotline_close_wrapup(user)
        self._hotline_back_to_presence(user)
        return self._hotline_payload(user)

    @api.model
    def hotline_pause(self, reason_id):
        """Pause in my queues with one of the configured reasons."""
        self._hotline_check_agent()
        reason = self.env["hotline.pause.reason"].browse(int(reason_id or 0)).exists()
        if not reason or not reason.active:
            raise UserError(self.env._("Choose a pause reason from the list."))
        self.env["res.users"].browse(self.env.uid).action_hotline_pause(reason.name)
        return self._hotline_payload(self.env.user)

    @api.model
    def _hotline_wrapup_call(self, call_id):
        """The call (sudo) whose wrap-up code and note I may give: my own
        calls (those I answered or was transferred), any call for a
        supervisor; ``AccessError`` otherwise."""
        self._hotline_check_agent()
        user = self.env.user
        # the record rules say which calls I see at all
        call = self.env["hotline.call"].browse(int(call_id or 0)).exists()
        if not call:
            raise UserError(self.env._("This call does not exist."))
        call.check_access("read")
        call = call.sudo()
        own = user in (call.user_id | call.agent_line_ids.user_id)
        if not own and not user.has_group("hotline_base.group_supervisor"):
            raise AccessError(
                self.env._("Only the agent of a call gives it its wrap-up code.")
            )
        return call

    @api.model
    def hotline_wrapup_dialog(self, call_id):
        """The wrap-up dialog for one of my calls, opened from the call's
        form (a wrap-up put off with *Later*, or a code to correct)."""
        call = self._hotline_wrapup_call(call_id)
        return {
            "type": "ir.actions.client",
            "tag": "hotline_callcenter.wrapup",
            "params": {
                "wrapup": dict(
                    self._hotline_call_info(call),
                    disposition_id=call.disposition_id.id or False,
                    note=call.wrapup_note or "",
                ),
            },
        }

    @api.model
    def hotline_wrapup_save(self, call_id, disposition_id, note="", ready=False):
        """Give one of my calls its wrap-up code and note (话后小结).

        Agents only on their own calls (the calls they answered or were
        transferred); supervisors and admins on any call of their companies.
        With ``ready``, my wrap-up of that call ends too.
        """
        user = self.env.user
        call = self._hotline_wrapup_call(call_id)
        # the company check below says which codes fit the call
        disposition = (
            self.env["hotline.call.disposition"]
            .sudo()
            .browse(int(disposition_id or 0))
            .exists()
        )
        if not disposition or not disposition.active:
            raise UserError(self.env._("Choose a wrap-up code from the list."))
        if disposition.company_id and disposition.company_id != call.company_id:
            raise UserError(
                self.env._(
                    "The wrap-up code %(code)s belongs to another company than "
                    "the call.",
                    code=disposition.name,
                )
            )
        call.write({"disposition_id": disposition.id, "wrapup_note": note or False})
        mine = user.sudo().hotline_wrapup_call_id == call
        if ready and mine and user.hotline_agent_state == "wrapup":
            return self.hotline_ready()
        if mine:
            self._hotline_notify_status(user)
        return self._hotline_payload(user)
