# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models, tools

from ..tools import phone


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    @tools.ormcache("company_id")
    def _hotline_phone_country_code(self, company_id):
        """Country used to read numbers without country code (cached: the caller
        lookup must stay one query)."""
        company = self.sudo().browse(company_id)
        return company.partner_id.country_id.code or phone.DEFAULT_COUNTRY

    def write(self, vals):
        res = super().write(vals)
        if "country_id" in vals or "partner_id" in vals:
            self.env.registry.clear_cache()
        return res
