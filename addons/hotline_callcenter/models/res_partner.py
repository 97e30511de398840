# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    hotline_do_not_call = fields.Boolean(
        string="No campaign calls",
        help="The customer asked not to be called by outbound campaigns "
        "(automated, progressive or preview calls).",
    )
