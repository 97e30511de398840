# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hotline_meter_plausibility_factor = fields.Float(
        string="Plausible usage factor",
        default=3.0,
        help="A meter reading whose usage exceeds this many times the meter's "
        "monthly average of the last 12 months waits for a check by the billing "
        "team. 0: no check.",
    )
    hotline_meter_check_user_id = fields.Many2one(
        "res.users",
        string="Readings checked by",
        help="Who gets the activity for a meter reading to check; empty: every "
        "Finance user of the company.",
    )

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
