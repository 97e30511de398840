# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models

KEEP_DAYS = 7


class HotlineApiRequest(models.Model):
    """The answer to a write request sent with an ``Idempotency-Key`` header:
    the same key and body sent again gets the same answer without a second
    write; the same key with another body is refused (409). Kept 7 days."""

    _name = "hotline.api.request"
    _description = "Hotline API idempotent request"
    _order = "id desc"

    api_key_id = fields.Many2one(
        "hotline.api.key", required=True, ondelete="cascade", index=True
    )
    idempotency_key = fields.Char(required=True)
    request_hash = fields.Char(
        required=True, help="SHA-256 of the method, the path and the body."
    )
    status_code = fields.Integer(required=True)
    response_body = fields.Json()

    _sql_constraints = [
        (
            "key_uniq",
            "unique(api_key_id, idempotency_key)",
            "An idempotency key is used once per API key.",
        )
    ]

    @api.autovacuum
    def _gc_old_requests(self):
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        self.search([("create_date", "<", limit)]).unlink()
