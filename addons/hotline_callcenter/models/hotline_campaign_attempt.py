# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, timedelta

from odoo import api, fields, models

from ..pbx import dialer
from ..pbx.hangup_causes import HANGUP_CAUSES, hangup_cause_code


class HotlineCampaignAttempt(models.Model):
    """One call of a campaign to one number of a contact.

    Written (and committed) by the connector's dialer before its Originate
    is sent; its result comes from Asterisk's OriginateResponse and the
    dialled channel's Hangup (``pbx/dialer.py`` cites where).
    """

    _name = "hotline.campaign.attempt"
    _description = "Call attempt of an outbound campaign"
    _order = "id desc"
    _rec_name = "number"
    _inherit = ["hotline.company.guard"]
    _check_company_auto = True

    contact_id = fields.Many2one(
        "hotline.campaign.contact",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    campaign_id = fields.Many2one(
        related="contact_id.campaign_id", store=True, index=True
    )
    pbx_id = fields.Many2one(related="campaign_id.pbx_id", store=True, index=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    partner_id = fields.Many2one(related="contact_id.partner_id", store=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    number = fields.Char(required=True, readonly=True)
    action_id = fields.Char(string="ActionID", readonly=True, index=True)
    channel_id = fields.Char(
        string="Channel Uniqueid",
        readonly=True,
        index=True,
        help="The Uniqueid asked for the dialled channel (Originate ChannelId), "
        "also the Linkedid of its call in the call log.",
    )
    started_at = fields.Datetime(readonly=True, required=True)
    answered_at = fields.Datetime(readonly=True)
    ended_at = fields.Datetime(readonly=True)
    state = fields.Selection(
        [("dialing", "Dialling"), ("answered", "On the call"), ("done", "Ended")],
        default="dialing",
        required=True,
        readonly=True,
        index=True,
    )
    result = fields.Selection(dialer.RESULTS, readonly=True, index=True)
    reason = fields.Char(
        string="Originate reason",
        readonly=True,
        help="Reason of Asterisk's OriginateResponse (4 answered, 5 busy, "
        "3 no answer, 8 congestion, 1 hung up, 0 failed).",
    )
    hangup_cause = fields.Char(readonly=True)
    hangup_cause_code = fields.Selection(
        # a static list (as on hotline.call), so that its labels are translated
        selection=HANGUP_CAUSES,
        compute="_compute_hangup_cause_code",
        string="Hang-up cause",
    )
    call_id = fields.Many2one(
        "hotline.call", readonly=True, check_company=True, index="btree_not_null"
    )
    flow_result = fields.Selection(
        [
            ("heard_all", "Heard it all"),
            ("pressed_key", "Pressed a key"),
            ("hung_up_early", "Hung up early"),
        ],
        string="In the flow",
        readonly=True,
        help="What the callee did in the automated flow.",
    )
    flow_digits = fields.Char(string="Keys pressed", readonly=True)

    @api.depends("hangup_cause")
    def _compute_hangup_cause_code(self):
        for attempt in self:
            attempt.hangup_cause_code = hangup_cause_code(attempt.hangup_cause) or False

    @api.model_create_multi
    def create(self, vals_list):
        attempts = super().create(vals_list)
        for attempt in attempts:
            attempt.write(
                {
                    "action_id": dialer.make_action_id(attempt.id),
                    "channel_id": dialer.make_channel_id(attempt.id),
                }
            )
        attempts.campaign_id._hotline_notify_counters()
        return attempts

    def _hotline_result_delay(self, margin):
        """How long the attempt may wait for its result: the ring time, or
        for a preview's click-to-dial the agent's phone and then the
        callee's (the outbound dialplan's Dial rings up to a minute)."""
        self.ensure_one()
        seconds = self.campaign_id.ring_timeout + margin
        if self.user_id:
            seconds += (self.pbx_id.originate_timeout or 30) + 60
        return timedelta(seconds=seconds)

    def _hotline_find_call(self):
        """The attempt's call in the call log (its Linkedid is the channel id)."""
        self.ensure_one()
        if self.call_id:
            return self.call_id
        if not self.channel_id:
            return self.env["hotline.call"]
        return (
            self.env["hotline.call"]
            .sudo()
            .search(
                [("pbx_id", "=", self.pbx_id.id), ("linkedid", "=", self.channel_id)],
                limit=1,
            )
        )

    def _hotline_set_result(self, result, now, reason=None, cause=None, call=None):
        """Record the result once (a second report of it changes nothing)."""
        self.ensure_one()
        if self.result:
            return False
        naive = now.astimezone(UTC).replace(tzinfo=None)
        values = {"result": result, "reason": reason or False}
        if cause:
            values["hangup_cause"] = str(cause)
        if result == "answered":
            values.update(state="answered", answered_at=naive)
        else:
            values.update(state="done", ended_at=naive)
        call = call or self._hotline_find_call()
        if call:
            values["call_id"] = call.id
        self.write(values)
        self.contact_id._hotline_after_result(self, now)
        self.campaign_id._hotline_notify_counters()
        self._hotline_on_result()
        return True

    def _hotline_set_ended(self, now, cause=None):
        self.ensure_one()
        if self.state == "done":
            return False
        values = {
            "state": "done",
            "ended_at": now.astimezone(UTC).replace(tzinfo=None),
        }
        if cause:
            values["hangup_cause"] = str(cause)
        call = self._hotline_find_call()
        if call:
            values["call_id"] = call.id
        self.write(values)
        self.campaign_id._hotline_notify_counters()
        return True

    def _hotline_on_result(self):
        """Hook: the attempt's result was just written (once per attempt);
        :meth:`_hotline_on_flow_result` follows when an automated flow ends."""
        return True

    @api.model
    def _hotline_preview_result(self, user, result):
        """The result of a preview attempt from its click-to-dial's
        (``pbx.originate_tracker``): the agent's open attempt on that number."""
        attempt = self.sudo().search(
            [
                ("user_id", "=", user.id),
                ("number", "=", result.get("number") or ""),
                ("state", "=", "dialing"),
                ("campaign_id.mode", "=", "preview"),
            ],
            order="id desc",
            limit=1,
        )
        if not attempt:
            return False
        cause = (result.get("cause") or [""])[0]
        outcome = result.get("outcome")
        if result.get("leg") == "agent" or outcome == "ended":
            value = "failed"  # the agent's own phone did not take the call
        elif outcome == "answered":
            value = "answered"
        elif outcome in ("busy", "no_answer"):
            value = outcome
        elif outcome == "cancelled":
            value = "no_answer"
        else:
            value = dialer.attempt_result("Failure", "", cause)
        now = self.env["hotline.campaign"]._hotline_now()
        # the click-to-dial's call in the call log (its Linkedid is Asterisk's)
        call = self.env["hotline.call"]
        if result.get("linkedid"):
            call = call.sudo().search(
                [
                    ("pbx_id", "=", attempt.pbx_id.id),
                    ("linkedid", "=", result["linkedid"]),
                ],
                limit=1,
            )
        attempt._hotline_set_result(value, now, cause=cause, call=call or None)
        if value == "answered":
            attempt._hotline_set_ended(now)
        return True

    @api.model
    def hotline_flow_result(self, attempt_id, flow_result, digits=""):
        """What the callee did in the automated flow (the IVR side reports it)."""
        self.env["hotline.campaign"]._hotline_check_connector()
        attempt = self.sudo().browse(int(attempt_id)).exists()
        if attempt:
            attempt.write({"flow_result": flow_result, "flow_digits": digits or False})
            attempt._hotline_on_flow_result()
        return bool(attempt)

    def _hotline_on_flow_result(self):
        """Hook: what the callee did in the automated flow was just written
        (``flow_result``, ``flow_digits``), once the flow ended."""
        return True
