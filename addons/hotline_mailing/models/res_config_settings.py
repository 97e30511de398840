# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hotline_sms_rate_per_minute = fields.Integer(
        related="company_id.hotline_sms_rate_per_minute", readonly=False
    )
