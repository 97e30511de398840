# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""ASGI middlewares (plain Python): a 413 answer to a request body over a limit,
the client errors' log level.

A declared ``Content-Length`` over the limit is refused before anything is read;
a body without one (chunked) is counted while the application reads it."""

import json
import logging

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

MAX_BODY_BYTES = 1024 * 1024


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


class QuietClientErrors:
    """Marks the exceptions of a client's error (4xx: a refused key, a bad
    body) to be logged at INFO by Odoo, which logs other exceptions of a
    request as an ERROR with their traceback. They still reach Odoo's
    dispatcher, which rolls the request's transaction back."""

    def __init__(self, app, loglevel=logging.INFO):
        self.app = app
        self.loglevel = loglevel

    async def __call__(self, scope, receive, send):
        try:
            await self.app(scope, receive, send)
        except (HTTPException, RequestValidationError) as error:
            status = getattr(error, "status_code", 422)
            if status < 500 and not hasattr(error, "loglevel"):
                error.loglevel = self.loglevel
            raise
