# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCaseQueryAttempt(models.Model):
    """A failed result query, to rate-limit guessing of query codes."""

    _name = "hotline.case.query.attempt"
    _description = "Failed Case Result Query"
    _order = "attempted_at desc"

    key = fields.Char(
        required=True,
        index=True,
        help="number:<case>, ip:<address> (web queries) or caller:<number> "
        "(phone queries)",
    )
    attempted_at = fields.Datetime(required=True, default=fields.Datetime.now)
