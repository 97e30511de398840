# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # searchable, so that a mailing's domain can select the customers in arrears
    hotline_is_overdue = fields.Boolean(search="_search_hotline_is_overdue")

    def _search_hotline_is_overdue(self, operator, value):
        if operator not in ("=", "!="):
            return NotImplemented
        today = fields.Date.context_today(self)
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search_fetch(
                [
                    ("company_id", "=", self.env.company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", today),
                ],
                ["partner_id"],
            )
        )
        # the exact figure (credits and unmatched payments lower it) of the few
        # customers with an overdue line
        candidates = lines.partner_id.commercial_partner_id.sudo()
        overdue = candidates.filtered("hotline_is_overdue")
        positive = (operator == "=") == bool(value)
        return [("commercial_partner_id", "in" if positive else "not in", overdue.ids)]
