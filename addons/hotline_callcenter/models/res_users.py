# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    hotline_extension = fields.Char(
        string="Phone extension",
        index=True,
        copy=False,
        help="The agent's extension on the PBX: screen pops and click-to-dial use it.",
    )

    _sql_constraints = [
        (
            "hotline_extension_uniq",
            "UNIQUE(hotline_extension, company_id)",
            "This extension is already given to another user of the company.",
        ),
    ]
