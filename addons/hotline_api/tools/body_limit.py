# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ASGI middlewares: a 413 answer to a request body over a limit, the client
errors answered from inside the application.

A declared ``Content-Length`` over the limit is refused before anything is read;
a body without one (chunked) is counted while the application reads it."""

import json
import logging

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from odoo.exceptions import AccessDenied, AccessError, MissingError, UserError

from odoo.addons.fastapi.error_handlers import convert_exception_to_status_body

_logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
CLIENT_ERRORS = (
    HTTPException,
    RequestValidationError,
    UserError,
    AccessDenied,
    AccessError,
    MissingError,
)


class BodyTooLarge(Exception):
    pass


def _too_large_body(limit):
    return json.dumps(
        {
            "detail": {
                "error": "too_large",
                "message": f"The request body is over {limit} bytes.",
            }
        }
    ).encode()


class BodyLimitMiddleware:
    def __init__(self, app, max_bytes=MAX_BODY_BYTES):
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send):
        body = _too_large_body(self.max_bytes)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = self.max_bytes + 1
            if declared > self.max_bytes:
                await self._refuse(send)
                return
        received = 0

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, send)
        except BodyTooLarge:
            await self._refuse(send)


class ClientErrorResponses:
    """Answers a client's error (4xx: a refused key, a bad body, a rule of the
    hotline) from inside the application, after rolling the request's
    transaction back, instead of letting the exception leave it: a2wsgi
    1.10.10 (asgi.py, ASGIResponder.__call__) may see the application done
    before its ``a2wsgi.error`` message arrives and end the response without
    a status, which OCA fastapi's dispatcher then fails on (an intermittent
    500 instead of the 422 of a malformed JSON body). The body is OCA
    fastapi's own (``convert_exception_to_status_body``); server errors still
    reach Odoo's dispatcher."""

    def __init__(self, app, rollback=None):
        self.app = app
        # the request's transaction (a callable: the add-on gives Odoo's)
        self.rollback = rollback

    async def __call__(self, scope, receive, send):
        started = False

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except CLIENT_ERRORS as error:
            status, body = convert_exception_to_status_body(error)
            if started or status >= 500:
                raise
            if self.rollback:
                self.rollback()
            _logger.info(
                "%s %s: %s %s", scope.get("method"), scope.get("path"), status, body
            )
            payload = json.dumps(body).encode()
            headers = [
                (name.lower().encode("latin1"), value.encode("latin1"))
                for name, value in (getattr(error, "headers", None) or {}).items()
            ]
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": headers
                    + [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(payload)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": payload})
