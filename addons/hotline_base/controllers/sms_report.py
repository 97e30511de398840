# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Delivery reports (状态报告) of the SMS providers.

``POST /hotline/sms/report/<provider id>/<token>``, the URL shown on the
provider's form, configured in the provider's console:

- Aliyun: "HTTP批量推送" of SmsReport, a JSON array of
  ``{phone_number, success, err_code, err_msg, biz_id, out_id, ...}``; answered
  ``{"code": 0, "msg": "接收成功"}``.
- Tencent: the status callback (短信下发状态回调), a JSON array of
  ``{sid, report_status, errmsg, description, mobile, ...}``; answered
  ``{"result": 0, "errmsg": "OK"}``.
- HTTP gateways: ``{"reports": [{message_id or out_id, status, error_code,
  error_text}]}``.

Neither Aliyun nor Tencent signs these pushes: the provider's secret token in
the URL (compared in constant time) is what authenticates them, as for the
generic gateways (header ``X-Hotline-Token`` also accepted). A wrong provider or
token answers 404, a malformed body 400, and nothing is written.
"""

import hmac
import json
import logging

from odoo import http
from odoo.http import request

from ..tools import sms_gateways
from ..tools.api import PayloadError, error_response, json_response

_logger = logging.getLogger(__name__)

MAX_BYTES = 1024 * 1024


class SmsReportController(http.Controller):
    @http.route(
        [
            "/hotline/sms/report/<int:provider_id>",
            "/hotline/sms/report/<int:provider_id>/<string:token>",
        ],
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def sms_report(self, provider_id, token=None, **kwargs):
        try:
            provider = self._check_provider(provider_id, token)
            reports = self._read_reports(provider)
        except PayloadError as error:
            return error_response(error)
        self._apply(provider, reports)
        return json_response(200, sms_gateways.REPORT_ANSWERS[provider.kind])

    def _check_provider(self, provider_id, token):
        token = token or request.httprequest.headers.get("X-Hotline-Token") or ""
        provider = (
            request.env["hotline.sms.provider"].sudo().browse(provider_id).exists()
        )
        expected = provider.callback_token if provider else ""
        if (
            not provider
            or not provider.active
            or provider.kind == "iap"
            or not expected
            or not hmac.compare_digest(token.encode(), expected.encode())
        ):
            _logger.info("SMS report refused for provider %s", provider_id)
            raise PayloadError(404, "not_found", "Unknown provider or token.")
        return provider

    def _read_reports(self, provider):
        length = request.httprequest.content_length
        if length and length > MAX_BYTES:
            raise PayloadError(413, "too_large", "Report over 1 MB.")
        raw = request.httprequest.get_data()
        if len(raw) > MAX_BYTES:
            raise PayloadError(413, "too_large", "Report over 1 MB.")
        try:
            payload = json.loads(raw)
        except ValueError:
            raise PayloadError(400, "invalid_json", "The body is not JSON.") from None
        try:
            return sms_gateways.parse_delivery_reports(provider.kind, payload)
        except ValueError as error:
            raise PayloadError(400, "invalid_report", str(error)) from None

    def _apply(self, provider, reports):
        Sms = request.env["sms.sms"].sudo().with_context(sms_skip_msg_notification=True)
        message_ids = [r.message_id for r in reports if r.message_id]
        references = [r.reference for r in reports if r.reference]
        domain = [("hotline_provider_id", "=", provider.id)]
        found = Sms.search(
            domain
            + [
                "|",
                ("hotline_provider_message_id", "in", message_ids),
                ("uuid", "in", references),
            ]
        )
        by_message = {sms.hotline_provider_message_id: sms for sms in found}
        by_uuid = {sms.uuid: sms for sms in found}
        touched = Sms.browse()
        for report in reports:
            sms = by_uuid.get(report.reference) or by_message.get(report.message_id)
            if not sms or sms.state not in ("pending", "sent", "error"):
                continue
            sms._hotline_apply_report(report)
            touched |= sms
        touched.mail_message_id._notify_message_notification_update()
