# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlinePauseReason(models.Model):
    """A reason agents pick when they pause (break, meal, training...)."""

    _name = "hotline.pause.reason"
    _description = "Pause Reason"
    _inherit = ["hotline.company.guard"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Short code, the same in every language.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the reason is offered in every company.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "UNIQUE(code, company_id)",
            "A pause reason code is used once per company.",
        ),
    ]
