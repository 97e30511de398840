# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    hotline_sms_rate_per_minute = fields.Integer(
        string="SMS per minute",
        help="Most text messages Odoo's SMS queue hands to the provider in a "
        "minute (the provider's limit); 0: no limit.",
    )

    @api.constrains("hotline_sms_rate_per_minute")
    def _check_hotline_sms_rate_per_minute(self):
        if any(company.hotline_sms_rate_per_minute < 0 for company in self):
            raise ValidationError(
                self.env._("The SMS rate per minute cannot be negative.")
            )
