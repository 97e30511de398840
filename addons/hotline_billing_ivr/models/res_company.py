# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.fields import Command

# demo: m³ a household burns per calendar month (heating in winter)
DEMO_MONTHLY_USE = {
    1: 118,
    2: 104,
    3: 78,
    4: 46,
    5: 31,
    6: 25,
    7: 22,
    8: 22,
    9: 27,
    10: 41,
    11: 93,
    12: 112,
}
DEMO_COMMERCIAL_FACTOR = 9
DEMO_DUE_DAYS = 20
DEMO_PAID_AFTER_DAYS = 9


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

    def _hotline_demo_gas_year(self, plan):
        """Demo data: a year of the gas company's meter readings and of the
        posted monthly bills made from them, with their payments.

        ``plan``: ``sites`` (ids of the metered service sites), ``commercial``
        (those billed at the commercial price), ``skip_recent`` ({partner id:
        number of most recent months not billed here}: the bills the demo
        already has for them), ``unpaid`` ({partner id: number of most recent
        bills left unpaid}: arrears), ``prepaid`` ({partner id: amount paid in
        advance, not matched to any bill}). The readings of the months
        M-12..M-1 are read at each month's end and billed on the 1st of the
        next month, due 20 days later, paid 9 days after the bill (bills whose
        payment day is still to come stay open). A bill's lines are priced with
        the tariff of the site's category, split at the tiers of the meter's
        usage in the year (``hotline.meter.tariff._hotline_split``), as the
        invoices made from readings are."""
        self.ensure_one()
        # no chatter messages or followers on demo records: a third of the time
        env = self.env(
            context=dict(
                self.env.context,
                allowed_company_ids=[self.id],
                tracking_disable=True,
                mail_create_nolog=True,
                mail_notrack=True,
            )
        )
        company = env["res.company"].browse(self.id)
        today = fields.Date.context_today(company)
        this_month = today.replace(day=1)
        months = [this_month - relativedelta(months=k) for k in range(12, 0, -1)]
        commercial = set(plan.get("commercial") or [])
        skip_recent = {int(k): v for k, v in (plan.get("skip_recent") or {}).items()}
        unpaid = {int(k): v for k, v in (plan.get("unpaid") or {}).items()}
        readings = []
        billed = defaultdict(list)  # (partner, month) -> [(site, m³, pieces)]
        Tariff = env["hotline.meter.tariff"]
        sites = env["hotline.service.site"].browse(plan["sites"]).sorted("id")
        for site in sites:
            is_commercial = site.id in commercial
            value = float(800 + (site.id * 137) % 900)
            tariff = Tariff._hotline_for(company, site.site_category)
            year_use = defaultdict(float)  # year -> m³ used before the month
            for index, month in enumerate(months):
                spread = 0.85 + ((site.id * 7 + index * 13) % 30) / 100
                use = round(
                    DEMO_MONTHLY_USE[month.month]
                    * spread
                    * (DEMO_COMMERCIAL_FACTOR if is_commercial else 1)
                )
                readings.append(
                    {
                        "company_id": company.id,
                        "site_id": site.id,
                        "month": month,
                        "previous_value": value,
                        "value": value + use,
                        "source": "phone" if (site.id + index) % 4 == 0 else "system",
                        "state": "accepted",
                    }
                )
                value += use
                pieces = tariff._hotline_split(month.year, year_use[month.year], use)
                year_use[month.year] += use
                billed[(site.partner_id, month)].append((site, tariff, pieces))
        env["hotline.meter.reading"].create(readings)

        invoice_vals = []
        for (partner, month), uses in sorted(
            billed.items(), key=lambda item: (item[0][0].id, item[0][1])
        ):
            last_months = skip_recent.get(partner.id, 0)
            if last_months and month >= this_month - relativedelta(months=last_months):
                continue
            invoice_date = month + relativedelta(months=1)
            invoice_vals.append(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": invoice_date
                    + relativedelta(days=DEMO_DUE_DAYS),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": tariff.product_id.id,
                                "name": f"管道天然气费 {month.year}年{month.month}月"
                                f"（{site.name}，{site.meter_number}）"
                                + (f" 第{tier}阶梯" if len(pieces) > 1 else ""),
                                "quantity": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for site, tariff, pieces in uses
                        for tier, (quantity, price) in enumerate(pieces, 1)
                    ],
                }
            )
        invoices = env["account.move"].create(invoice_vals)
        invoices.action_post()

        to_pay = env["account.move"]
        for partner in invoices.partner_id:
            bills = invoices.filtered(lambda m, p=partner: m.partner_id == p).sorted(
                "invoice_date"
            )
            left_open = unpaid.get(partner.id, 0)
            if left_open:
                bills = bills[:-left_open]
            to_pay |= bills.filtered(
                lambda m: (
                    m.invoice_date + relativedelta(days=DEMO_PAID_AFTER_DAYS) <= today
                )
            )
        journal = env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
        )
        payment_vals = [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": bill.partner_id.id,
                "amount": bill.amount_total,
                "date": bill.invoice_date + relativedelta(days=DEMO_PAID_AFTER_DAYS),
                "journal_id": journal.id,
                "memo": bill.name,
            }
            for bill in to_pay
        ]
        prepaid = [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": int(partner_id),
                "amount": amount,
                "date": today - relativedelta(days=3),
                "journal_id": journal.id,
                "memo": "预存气费",
            }
            for partner_id, amount in (plan.get("prepaid") or {}).items()
        ]
        payments = env["account.payment"].create(payment_vals + prepaid)
        payments.action_post()
        # each customer's bills with the payments of exactly their amounts: one
        # reconciliation per customer (oldest first), not one per bill
        bill_payments = payments[: len(to_pay)]
        for partner in to_pay.partner_id:
            lines = (
                to_pay.filtered(lambda m, p=partner: m.partner_id == p)
                | bill_payments.filtered(
                    lambda pay, p=partner: pay.partner_id == p
                ).move_id
            ).line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable"
            )
            lines.reconcile()
        return invoices

    hotline_dunning_flow_id = fields.Many2one(
        "hotline.ivr.flow",
        string="Dunning flow",
        help="The IVR flow a customer called by a dunning campaign hears.",
    )

    hotline_dunning_pbx_id = fields.Many2one("hotline.pbx", string="Dunning PBX")

    hotline_dunning_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Dunning calling hours",
        help="Calling windows of dunning campaigns; empty: the company's "
        "working hours.",
    )

    hotline_dunning_promise_days = fields.Integer(
        string="Promised payment within (days)",
        default=15,
        help="A payment date a customer promises on the phone is at most this "
        "many days ahead.",
    )

    hotline_dunning_paid_days = fields.Integer(
        string="Paid after a call within (days)",
        default=7,
        help="Dunning statistics: payments within this many days after a "
        "reached call count as paid after the call.",
    )

    hotline_dunning_sms = fields.Boolean(
        string="SMS when unreachable",
        help="A customer the dunning campaign could not reach after every "
        "attempt gets an SMS with the overdue amount.",
    )
