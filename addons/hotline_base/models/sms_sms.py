# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import threading
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TRACKER_FAILURE_TYPES = {"sms_blacklist": "sms_rejected"}


class SmsSms(models.Model):
    """Odoo's outgoing SMS, sent through the company's SMS provider when it has one.

    Everything that writes ``sms.sms`` (the composer, SMS templates, mass SMS,
    automated actions, the hotline add-ons) goes through ``_send``: the SMS of a
    company with an active provider other than IAP are sent by that provider,
    one approved template per message, the others by Odoo's IAP as before.

    Never twice: a message is locked and set to *Processing* (committed when the
    queue commits) before the provider is called, only *outgoing* messages are
    sent, and its uuid goes to the provider as the idempotency key (OutId /
    SessionContext). Transient errors put it back in the queue with a growing
    delay until the provider's attempt cap, other errors end it in *Error* with
    the provider's text.
    """

    _inherit = "sms.sms"

    hotline_company_id = fields.Many2one("res.company", "Company", readonly=True)
    hotline_provider_id = fields.Many2one(
        "hotline.sms.provider", "Provider", readonly=True, index="btree_not_null"
    )
    hotline_provider_message_id = fields.Char(
        "Provider message ID", readonly=True, index="btree_not_null", copy=False
    )
    hotline_template_code = fields.Char(
        "Template code", help="Code of the provider template an add-on asked for."
    )
    hotline_template_params = fields.Json("Template parameters")
    hotline_failure_reason = fields.Text("Provider error", readonly=True, copy=False)
    hotline_attempts = fields.Integer("Attempts", readonly=True, copy=False)
    hotline_retry_at = fields.Datetime("Retry at", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        message_ids = [
            v["mail_message_id"] for v in vals_list if v.get("mail_message_id")
        ]
        companies = {
            message.id: message.record_company_id.id
            for message in self.env["mail.message"].sudo().browse(message_ids)
        }
        for vals in vals_list:
            if not vals.get("hotline_company_id"):
                vals["hotline_company_id"] = (
                    companies.get(vals.get("mail_message_id")) or self.env.company.id
                )
        return super().create(vals_list)

    def send(
        self,
        unlink_failed=False,
        unlink_sent=True,
        auto_commit=False,
        raise_exception=False,
    ):
        now = fields.Datetime.now()
        ready = self.filtered(
            lambda sms: not sms.hotline_retry_at or sms.hotline_retry_at <= now
        )
        return super(
            SmsSms, ready.with_context(hotline_sms_auto_commit=auto_commit)
        ).send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        by_provider = defaultdict(lambda: self.browse())
        iap = self.browse()
        providers = {}
        for sms in self:
            company = sms.hotline_company_id or self.env.company
            if company not in providers:
                providers[company] = self.env[
                    "hotline.sms.provider"
                ]._hotline_for_company(company)
            provider = providers[company]
            if provider and provider.kind != "iap":
                by_provider[provider] |= sms
            else:
                iap |= sms
        res = None
        if iap:
            res = super(SmsSms, iap)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        for provider, sms_records in by_provider.items():
            sms_records._hotline_send_with(provider, unlink_failed=unlink_failed)
        return res

    def _hotline_commit(self):
        if self.env.context.get("hotline_sms_auto_commit") and not getattr(
            threading.current_thread(), "testing", False
        ):
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _hotline_send_with(self, provider, unlink_failed=False):
        """Send these SMS through ``provider``: refuse the unmapped ones first."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sms_sms WHERE id IN %s AND state = 'outgoing' "
                "ORDER BY id FOR UPDATE SKIP LOCKED",
                tuple(self.ids),
            )
        )
        locked = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        locked = locked.with_context(sms_skip_msg_notification=True)
        to_send = []
        for sms in locked:
            if not sms.number:
                sms._hotline_fail(
                    provider,
                    "sms_number_missing",
                    self.env._("The message has no number."),
                    unlink_failed,
                )
                continue
            template_map, params = provider._hotline_resolve(sms)
            if not template_map:
                sms._hotline_fail(
                    provider,
                    "unknown",
                    self.env._(
                        "Not sent: no approved template of the SMS provider %s "
                        "matches this message. Chinese providers only send approved "
                        "templates: add the template under Hotline > Configuration "
                        "> SMS providers, or send a message written from one.",
                        provider.name,
                    ),
                    unlink_failed,
                )
                continue
            to_send.append((sms, template_map, params))
        for sms, _template_map, _params in to_send:
            sms.write(
                {
                    "state": "process",
                    "hotline_provider_id": provider.id,
                    "hotline_attempts": sms.hotline_attempts + 1,
                    "hotline_retry_at": False,
                }
            )
        self._hotline_commit()
        for sms, template_map, params in to_send:
            result = provider._hotline_send_one(
                sms.number, template_map, params, sms.uuid
            )
            _logger.info(
                "SMS %s through %s (%s): %s %s",
                sms.id,
                provider.name,
                template_map.provider_template_code,
                "accepted" if result.ok else "refused",
                result.message_id if result.ok else result.error_code,
            )
            if result.ok:
                sms.write(
                    {
                        "state": "pending",
                        "failure_type": False,
                        "hotline_provider_message_id": result.message_id,
                        "hotline_failure_reason": False,
                    }
                )
                sms.sms_tracker_id._action_update_from_sms_state("pending")
            else:
                reason = f"[{result.error_code}] {result.error_text}".strip()
                if result.transient and sms.hotline_attempts < provider.max_attempts:
                    delay = provider.retry_delay * 2 ** (sms.hotline_attempts - 1)
                    retry_at = fields.Datetime.now() + timedelta(seconds=delay)
                    sms.write(
                        {
                            "state": "outgoing",
                            "hotline_retry_at": retry_at,
                            "hotline_failure_reason": reason,
                        }
                    )
                    self.env.ref("sms.ir_cron_sms_scheduler_action")._trigger(retry_at)
                else:
                    sms._hotline_fail(
                        provider, result.failure_type, reason, unlink_failed
                    )
            self._hotline_commit()
        locked.mail_message_id._notify_message_notification_update()

    def _hotline_fail(self, provider, failure_type, reason, unlink_failed=False):
        values = {
            "state": "error",
            "failure_type": failure_type or "unknown",
            "hotline_provider_id": provider.id,
            "hotline_failure_reason": reason,
            "hotline_retry_at": False,
        }
        if unlink_failed:
            values["to_delete"] = True
        self.write(values)
        # notifications and traces know no "blacklisted": the provider rejected it
        tracker_failure = TRACKER_FAILURE_TYPES.get(failure_type, failure_type)
        self.sms_tracker_id._action_update_from_sms_state(
            "error", failure_type=tracker_failure or "unknown", failure_reason=reason
        )

    def resend_failed(self):
        self.filtered(lambda sms: sms.state == "error").write(
            {"hotline_retry_at": False, "hotline_attempts": 0}
        )
        return super().resend_failed()

    def _hotline_apply_report(self, report):
        """A delivery report of the provider for these SMS (sudo)."""
        if report.delivered:
            self.write({"state": "sent", "failure_type": False})
            self.sms_tracker_id._action_update_from_sms_state("sent")
            return
        reason = f"[{report.code}] {report.text}".strip()
        self.write(
            {
                "state": "error",
                "failure_type": "unknown",
                "hotline_failure_reason": reason,
            }
        )
        self.sms_tracker_id._action_update_from_sms_state(
            "error", failure_type="sms_not_delivered", failure_reason=reason
        )
