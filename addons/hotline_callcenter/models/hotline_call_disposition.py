# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCallDisposition(models.Model):
    """A wrap-up code (话后小结) the agent gives a call after it ends:
    enquiry, complaint, repair... Supervisors keep the list."""

    _name = "hotline.call.disposition"
    _description = "Wrap-up Code"
    _inherit = ["hotline.company.guard"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True, help="Short code, stable across languages, for reports."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the code is offered in every company.",
    )
    description = fields.Text(help="When agents should choose this code.")

    _sql_constraints = [
        (
            "code_company_uniq",
            "UNIQUE(code, company_id)",
            "A wrap-up code is used once per company.",
        ),
    ]
