# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import os
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.hotline_base.tools import webhook

from ..pbx.voicemail_spool import scan_spool
from .hotline_recording import (
    AUDIO_TYPES,
    allowed_root,
    audio_missing_html,
    audio_player_html,
    is_relative_inside,
    resolve_under,
)

_logger = logging.getLogger(__name__)


class HotlineVoicemail(models.Model):
    """A message left on the 24-hour voicemail (after hours or queue overflow)."""

    _name = "hotline.voicemail"
    _description = "Voicemail"
    _inherit = ["mail.thread", "mail.activity.mixin", "hotline.company.guard"]
    _order = "received_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    # the PBX holding the file, not a business link: a Hotline admin may hand
    # the message over to another company (hotline.company.guard)
    pbx_id = fields.Many2one("hotline.pbx", string="PBX", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    call_id = fields.Many2one("hotline.call", ondelete="set null", check_company=True)
    caller_number = fields.Char(required=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index=True
    )
    queue = fields.Char(string="Queue / mailbox", help="Where the message was left.")
    team_user_id = fields.Many2one(
        "res.users",
        string="Handled by",
        tracking=True,
        help="Who gets the activity to call the customer back.",
    )
    file_path = fields.Char(
        required=True,
        help="Audio file relative to the PBX's voicemail folder.",
    )
    received_at = fields.Datetime(required=True, default=fields.Datetime.now)
    duration_seconds = fields.Integer(string="Duration (s)")
    state = fields.Selection(
        [("new", "New"), ("handled", "Handled")],
        default="new",
        required=True,
        tracking=True,
        index=True,
    )
    msg_id = fields.Char(
        string="Message ID", readonly=True, copy=False, help="Asterisk's msg_id."
    )
    handled_by_id = fields.Many2one("res.users", readonly=True)
    handled_at = fields.Datetime(readonly=True)
    reminded_at = fields.Datetime(string="Reminder sent on", readonly=True)
    mimetype = fields.Char(compute="_compute_mimetype")
    player_html = fields.Html(
        compute="_compute_player_html", sanitize=False, string="Player"
    )

    _sql_constraints = [
        (
            "msg_id_pbx_uniq",
            "UNIQUE(pbx_id, msg_id)",
            "This voicemail message is already recorded.",
        ),
    ]

    @api.depends("caller_number", "received_at")
    def _compute_name(self):
        for vm in self:
            # the connector has no language: the name (stored) is in the
            # language of whom the PBX hands its voicemails
            lang = self.env.lang or vm.pbx_id.sudo().voicemail_user_id.lang
            env = self.with_context(lang=lang).env
            vm.name = env._("Voicemail from %s", vm.caller_number or "?")

    @api.depends("file_path")
    def _compute_mimetype(self):
        for vm in self:
            ext = os.path.splitext(vm.file_path or "")[1].lower()
            vm.mimetype = AUDIO_TYPES.get(ext, "application/octet-stream")

    @api.depends("file_path")
    def _compute_player_html(self):
        for vm in self:
            path = vm._hotline_full_path() if vm.id else None
            if not vm.id:
                vm.player_html = False
            elif not (path and os.path.isfile(path)):
                # not a silent 0:00 player in front of a 404
                vm.player_html = audio_missing_html(
                    self.env._("Voicemail not found: its audio file is missing.")
                )
            else:
                vm.player_html = audio_player_html(f"/hotline/voicemail/{vm.id}")

    @api.constrains("file_path")
    def _check_file_path(self):
        for vm in self:
            path = vm.file_path or ""
            if not is_relative_inside(path):
                raise ValidationError(
                    self.env._(
                        "The voicemail path %s must stay inside the PBX voicemail "
                        "folder.",
                        path,
                    )
                )

    def _hotline_full_path(self):
        self.ensure_one()
        return resolve_under(self.sudo().pbx_id.voicemail_path, self.file_path)

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        for vals in vals_list:
            if not vals.get("partner_id") and vals.get("caller_number"):
                partners = Partner.hotline_identify_caller(vals["caller_number"])
                if len(partners) == 1:
                    vals["partner_id"] = partners.id
        # no "Voicemail created" line: the connector creates voicemails in no
        # user's language, so it would stay English in every chatter
        voicemails = super(
            HotlineVoicemail, self.with_context(mail_create_nolog=True)
        ).create(vals_list)
        voicemails = voicemails.with_env(self.env)
        for vm in voicemails:
            if not vm.team_user_id:
                vm.team_user_id = vm.pbx_id.sudo().voicemail_user_id
            user = vm.team_user_id or self.env.user
            # the call-back activity in the language of whom it is for
            env = self.with_context(lang=user.lang).env
            vm.activity_schedule(
                "mail.mail_activity_data_call",
                summary=env._("Call back %s", vm.caller_number),
                note=env._("New voicemail from %s.", vm.caller_number),
                user_id=user.id,
            )
        self.env["hotline.webhook.delivery"]._hotline_emit_records(
            "voicemail.received", voicemails, lambda vm: vm._hotline_webhook_data()
        )
        return voicemails

    def _hotline_webhook_data(self):
        """The voicemail in webhook payloads (readme/USAGE.md): no caller
        (number, contact) when the caller is hidden."""
        self.ensure_one()
        vm = self.sudo()
        hidden = (vm.call_id and vm.call_id._hotline_caller_hidden()) or self.env[
            "hotline.webhook.delivery"
        ]._hotline_identity_hidden(vm.partner_id, vm.call_id or vm, vm.caller_number)
        caller = None
        if not hidden:
            caller = {
                "number": vm.caller_number,
                "partner_id": vm.partner_id.id or None,
                "name": vm.partner_id.name or None,
                "customer_number": vm.partner_id.hotline_customer_number or None,
            }
        return {
            "voicemail": {
                "id": vm.id,
                "call_id": vm.call_id.id or None,
                "queue": vm.queue or None,
                "received_at": webhook.iso(vm.received_at),
                "duration_seconds": vm.duration_seconds,
                "state": vm.state,
                "caller_hidden": bool(hidden),
                "caller": caller,
            }
        }

    def action_call_back(self):
        """Click-to-dial the caller (agent's phone first)."""
        self.ensure_one()
        if self.state == "handled":
            raise UserError(self.env._("This voicemail is already handled."))
        return self.env["hotline.pbx"].hotline_click_to_dial(
            self.caller_number, partner_id=self.partner_id.id, call_id=self.call_id.id
        )

    def action_mark_handled(self):
        for vm in self.filtered(lambda v: v.state != "handled"):
            vm.write(
                {
                    "state": "handled",
                    "handled_by_id": self.env.user.id,
                    "handled_at": fields.Datetime.now(),
                }
            )
            vm.activity_feedback(
                ["mail.mail_activity_data_call", "mail.mail_activity_data_todo"],
                feedback=self.env._("Handled by %s", self.env.user.name),
            )
        return True

    @api.model
    def _cron_hotline_collect(self):
        """Turn the messages Asterisk left in each PBX's voicemail spool into
        records linked to the call that left them (AMI events do not name the
        file; the file names the call's channel)."""
        created = self.browse()
        for pbx in self.env["hotline.pbx"].search([("voicemail_path", "!=", False)]):
            known = set(
                self.search([("pbx_id", "=", pbx.id), ("msg_id", "!=", False)]).mapped(
                    "msg_id"
                )
            )
            found = []
            spool = allowed_root(pbx.voicemail_path)
            if not spool:
                _logger.info(
                    "PBX %s: voicemail folder %s is not among the server's "
                    "hotline_media_roots, not read",
                    pbx.name,
                    pbx.voicemail_path,
                )
                continue
            for info, audio in scan_spool(spool):
                if info["msg_id"] in known or not info["caller_number"]:
                    continue
                known.add(info["msg_id"])
                found.append((info, audio))
            # oldest first: each message takes the call it came from, a later
            # one of the same caller cannot take it any more
            found.sort(key=lambda item: (item[0]["received_at"], item[0]["msg_id"]))
            taken = self.env["hotline.call"]
            vals_list = []
            for info, audio in found:
                call = self._hotline_voicemail_call(pbx, info, taken)
                taken |= call
                vals_list.append(
                    {
                        "pbx_id": pbx.id,
                        "company_id": pbx.company_id.id,
                        "msg_id": info["msg_id"],
                        "caller_number": info["caller_number"],
                        "queue": info["mailbox"],
                        "file_path": audio,
                        "received_at": info["received_at"],
                        "duration_seconds": info["duration"],
                        "call_id": call.id,
                    }
                )
            created |= self.create(vals_list)
        if created:
            _logger.info("Voicemail: %d new message(s) collected", len(created))
        return created

    @api.model
    def _hotline_voicemail_call(self, pbx, info, taken=None):
        """The call that left the message ``info`` (of ``scan_spool``).

        The message file names the channel that recorded it (``callerchan``),
        which the call's events named too: that call, the latest one started
        before the message (channel names repeat after an Asterisk restart).
        Only when the file names no channel, or no call has it (calls recorded
        before channels were), the caller's last call that ended in voicemail
        in the hour before, among the calls no message is linked to yet.
        """
        Call = self.env["hotline.call"]
        received = info["received_at"]
        window = [
            ("pbx_id", "=", pbx.id),
            ("started_at", ">=", received - timedelta(hours=1)),
            # the same clock (Asterisk's) dates both: the call began first
            ("started_at", "<=", received),
        ]
        if info.get("channel"):
            call = Call.search(
                window + [("voicemail_channel", "=", info["channel"])],
                order="started_at desc, id desc",
                limit=1,
            )
            if call:
                return call
        domain = window + [
            ("caller_number", "=", info["caller_number"]),
            ("disposition", "=", "voicemail"),
        ]
        if info.get("channel"):
            # a call whose channel is known left another message
            domain.append(("voicemail_channel", "=", False))
        candidates = Call.search(domain, order="started_at desc, id desc")
        linked = self.search([("call_id", "in", candidates.ids)]).call_id
        return (candidates - linked - (taken or Call))[:1]

    @api.model
    def _cron_hotline_remind(self):
        """Remind the team of messages unhandled after the company's delay."""
        now = fields.Datetime.now()
        for company in self.env["res.company"].search(
            [("hotline_voicemail_reminder_hours", ">", 0)]
        ):
            limit = now - timedelta(hours=company.hotline_voicemail_reminder_hours)
            late = self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "new"),
                    ("received_at", "<", limit),
                    ("reminded_at", "=", False),
                ]
            )
            for vm in late:
                vm.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Reminder: voicemail not handled"),
                    note=self.env._(
                        "The voicemail from %(number)s waits since %(hours)s hours.",
                        number=vm.caller_number,
                        hours=company.hotline_voicemail_reminder_hours,
                    ),
                    user_id=(vm.team_user_id or vm.create_uid).id,
                )
            late.reminded_at = now
        return True
