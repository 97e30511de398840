# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResCompany(models.Model):
    _inherit = "res.company"

    def _hotline_demo_chinese_chart(self):
        """Demo data: the Chinese chart of accounts (and with it the yuan) on the
        companies that do not have it yet.

        On a demo database Odoo's chart loader first removes the journal items of
        a chart loaded before (account's demo loads the generic one on a company
        without country), so the currency can change."""
        ChartTemplate = self.env["account.chart.template"]
        for company in self.filtered(lambda c: c.chart_template != "cn"):
            # _load, not try_loading: the latter warns when called while modules
            # are being installed (it expects to run from a loaded registry)
            ChartTemplate._load("cn", company, install_demo=False)
        # Installing account (or l10n_cn) on a company without a chart leaves a
        # chart to load on the current company once the registry is ready
        # (account's ir.module.module.write); the company has its chart now, and
        # loading one again would fail on the demo's posted invoices.
        if self.env.company.chart_template and hasattr(
            self.env.registry, "_auto_install_template"
        ):
            del self.env.registry._auto_install_template
