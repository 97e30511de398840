# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    hotline_no_callback = fields.Boolean(
        string="No satisfaction callbacks",
        help="The customer asked not to be called back for surveys (回访).",
    )
