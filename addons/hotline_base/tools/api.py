# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the hotline's JSON APIs share (customer sync, inbound gateways): the
error they answer with and its JSON body. Their routes use Odoo's
``auth="bearer"`` (an API key of scope rpc); ``ir.http`` answers a refused key
with the same JSON body."""

from odoo.http import request

# routes whose refused API key gets a JSON answer instead of Odoo's HTML page
API_PATH_PREFIX = "/hotline/"


class PayloadError(Exception):
    """A request the API refuses: HTTP ``status``, a machine ``code``, a message
    and extra keys for the JSON body (``index``, ``customer_number``...)."""

    def __init__(self, status, code, message, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.extra = extra


def json_response(status, body):
    return request.make_json_response(body, status=status)


def error_response(error):
    """The JSON answer to a PayloadError."""
    body = {"error": error.code, "message": str(error), **error.extra}
    return json_response(error.status, body)
