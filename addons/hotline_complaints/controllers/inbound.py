# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhooks of the SMS gateway and the fax server.

``POST /hotline/inbound/sms`` with ``Authorization: Bearer <API key>`` and JSON
``{"message_id", "from", "to", "text", "received_at"}``.

``POST /hotline/inbound/fax``, multipart (fields ``message_id``, ``from``, ``to``,
``pages``, ``received_at`` and the file ``document``) or JSON with the same keys
and ``document`` in base64 (and an optional ``filename``); PDF or TIFF.

The key is an Odoo API key (scope rpc) of the gateway's user, checked by Odoo's
``auth="bearer"`` as for hotline_base's customer sync API. Answers 201
``{"status": "created", "case": number, ...}``, 200 ``appended`` or
``duplicate`` (a resent message id changes nothing), or 4xx
``{"error": code, "message": ...}`` with nothing written.
"""

import base64
import binascii

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.hotline_base.tools import payload as payload_tools
from odoo.addons.hotline_base.tools.api import (
    PayloadError,
    error_response,
    json_response,
)

SMS_MAX_BYTES = 64 * 1024
SMS_MAX_CHARS = 2000
MESSAGE_ID_MAX = 128
NUMBER_MAX = 64


class HotlineInboundGateway(http.Controller):
    def _gateway(self, channel_code):
        """The gateway of this channel the API key belongs to (403); a missing
        or unknown key was refused by ``auth="bearer"`` (401)."""
        uid = request.env.uid
        gateway = (
            request.env["hotline.inbound.gateway"]
            .sudo()
            .search(
                [("channel_code", "=", channel_code), ("user_id", "=", uid)], limit=1
            )
        )
        if not gateway:
            raise PayloadError(
                403,
                "forbidden",
                f"This API key is not the key of an active {channel_code} gateway.",
            )
        return gateway

    @staticmethod
    def _check_size(limit):
        length = request.httprequest.content_length
        if length and length > limit:
            raise PayloadError(413, "too_large", f"Request over {limit} bytes.")

    @staticmethod
    def _json_body(limit):
        raw = request.httprequest.get_data(cache=True)
        if len(raw) > limit:
            raise PayloadError(413, "too_large", f"Request over {limit} bytes.")
        try:
            payload = payload_tools.load_json(raw)
        except ValueError as error:
            raise PayloadError(400, "invalid_json", str(error)) from None
        if not isinstance(payload, dict):
            raise PayloadError(400, "invalid_payload", "Expected a JSON object.")
        return payload

    @staticmethod
    def _text(payload, key, required=True, limit=NUMBER_MAX):
        value = payload.get(key)
        if value is None or value == "":
            if required:
                raise PayloadError(400, "invalid_payload", f"{key} is required.")
            return False
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise PayloadError(400, "invalid_payload", f"{key} must be a string.")
        try:
            return payload_tools.check_text(value.strip(), key, limit)
        except ValueError as error:
            raise PayloadError(400, "invalid_payload", str(error)) from None

    @staticmethod
    def _received_at(payload):
        value = payload.get("received_at")
        if not value:
            return False
        try:
            return payload_tools.parse_datetime(value)
        except ValueError as error:
            raise PayloadError(400, "invalid_payload", str(error)) from None

    @staticmethod
    def _pages(payload):
        value = payload.get("pages")
        if value in (None, ""):
            return 0
        try:
            return payload_tools.parse_count(value, "pages", 10000)
        except ValueError as error:
            raise PayloadError(400, "invalid_payload", str(error)) from None

    def _answer(self, status, message):
        case = message.ticket_id
        body = {
            "status": status,
            "message_id": message.message_id,
            "case": case.number or None,
        }
        return json_response(201 if status == "created" else 200, body)

    def _run(self, channel_code, receive):
        try:
            gateway = self._gateway(channel_code)
            env = request.env
            with env.cr.savepoint():
                status, message = receive(gateway)
                env.flush_all()
            return self._answer(status, message)
        except PayloadError as error:
            return error_response(error)
        except (UserError, ValidationError) as error:
            return json_response(
                400, {"error": "invalid_payload", "message": str(error)}
            )

    @http.route(
        "/hotline/inbound/sms",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def inbound_sms(self):
        def receive(gateway):
            self._check_size(SMS_MAX_BYTES)
            payload = self._json_body(SMS_MAX_BYTES)
            text = self._text(payload, "text", limit=10**6)
            if len(text) > SMS_MAX_CHARS:
                raise PayloadError(
                    413, "too_large", f"text over {SMS_MAX_CHARS} characters."
                )
            return gateway.hotline_receive_sms(
                self._text(payload, "message_id", limit=MESSAGE_ID_MAX),
                self._text(payload, "from"),
                text,
                self._text(payload, "to", required=False),
                self._received_at(payload),
            )

        return self._run("sms", receive)

    @http.route(
        "/hotline/inbound/fax",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def inbound_fax(self, **params):
        def receive(gateway):
            limit = gateway.max_kb * 1024
            self._check_size(limit * 4 // 3 + 4096)
            upload = request.httprequest.files.get("document")
            if upload is not None:
                payload = {k: v for k, v in params.items() if isinstance(v, str)}
                try:
                    payload_tools.check_values(payload)
                except ValueError as error:
                    raise PayloadError(400, "invalid_payload", str(error)) from None
                document = upload.read(limit + 1)
                filename = (upload.filename or "").replace("\x00", "")
            else:
                payload = self._json_body(limit * 4 // 3 + 4096)
                encoded = payload.get("document")
                if not isinstance(encoded, str) or not encoded:
                    raise PayloadError(
                        400, "invalid_payload", "document is required (base64)."
                    )
                try:
                    document = base64.b64decode(encoded, validate=True)
                except (binascii.Error, ValueError):
                    raise PayloadError(
                        400, "invalid_payload", "document is not valid base64."
                    ) from None
                filename = payload.get("filename")
                filename = filename if isinstance(filename, str) else ""
            if len(document) > limit:
                raise PayloadError(413, "too_large", f"Document over {limit} bytes.")
            if not document:
                raise PayloadError(400, "invalid_payload", "document is empty.")
            message_id = self._text(payload, "message_id", limit=MESSAGE_ID_MAX)
            number = self._text(payload, "from")
            return gateway.hotline_receive_fax(
                message_id,
                number,
                self._text(payload, "to", required=False),
                self._received_at(payload),
                self._pages(payload),
                document,
                filename.strip()[:200] or f"fax-{message_id}",
            )

        return self._run("fax", receive)
