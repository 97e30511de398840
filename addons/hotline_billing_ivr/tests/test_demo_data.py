# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo keeps its books in yuan and has customers in arrears and dunning lines.

These tests read the demo data on purpose (issue 12).
"""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )

    def test_company_books_in_yuan_with_the_chinese_chart(self):
        self.assertEqual(self.company.country_id.code, "CN")
        self.assertEqual(self.company.currency_id.name, "CNY")
        self.assertEqual(self.company.chart_template, "cn")
        # l10n_cn's demo company is archived: the demo has one company
        self.assertEqual(self.env["res.company"].search([]), self.company)
        self.assertEqual(self.env.ref("base.user_admin").company_ids, self.company)

    def _invoices(self, partner_xmlid):
        partner = self.env.ref(partner_xmlid)
        return self.env["account.move"].search(
            [("partner_id", "=", partner.id), ("move_type", "=", "out_invoice")]
        )

    def test_customers_in_arrears_have_posted_yuan_bills(self):
        for xmlid in (
            "hotline_base.customer_04_demo",
            "hotline_base.customer_restaurant_demo",
        ):
            invoices = self._invoices(xmlid)
            self.assertTrue(invoices, xmlid)
            self.assertEqual(set(invoices.mapped("state")), {"posted"})
            self.assertEqual(invoices.currency_id.name, "CNY")
            partner = self.env.ref(xmlid).with_company(self.company)
            self.assertTrue(partner.hotline_is_overdue, xmlid)
            self.assertEqual(
                partner.hotline_amount_overdue, sum(invoices.mapped("amount_residual"))
            )
        # a bill not yet due: an amount due, no arrears
        yang = self.env.ref("hotline_base.customer_06_demo")
        open_bill = yang.with_company(self.company)
        self.assertGreater(open_bill.hotline_amount_due, 0)
        self.assertFalse(open_bill.hotline_is_overdue)
        # the VIP and the blacklisted customer owe nothing
        for xmlid in ("customer_vip_demo", "customer_blacklisted_demo"):
            partner = self.env.ref(f"hotline_base.{xmlid}").with_company(self.company)
            self.assertFalse(partner.hotline_is_overdue)

    def test_dunning_lines_for_the_customers_in_arrears(self):
        run = self.env.ref("hotline_billing_ivr.credit_control_run_demo")
        self.assertEqual(run.state, "done")
        lines = self.env["credit.control.line"].search([])
        self.assertEqual(
            lines.partner_id,
            self.env.ref("hotline_base.customer_04_demo")
            | self.env.ref("hotline_base.customer_restaurant_demo"),
        )
        currencies = lines.currency_id | lines.company_id.currency_id
        self.assertEqual(currencies, self.company.currency_id)

    def test_meter_reading_demo(self):
        """Tariffs with three residential tiers, categorised sites with
        readings, the published sub-flow of the meter reading by phone."""
        flow = self.env.ref("hotline_billing_ivr.demo_flow_meter_reading")
        self.assertEqual(flow.state, "published")
        self.assertTrue(flow.is_subflow)
        services = flow.node_ids.filtered(lambda n: n.node_type == "service")
        self.assertEqual(
            set(services.mapped("service_code")),
            {"meter_list", "meter_reading_check", "meter_reading_confirm"},
        )
        self.assertTrue(flow.node_ids.filtered("decimal_star"))
        tariff = self.env.ref(
            "hotline_billing_ivr.hotline_meter_tariff_residential_demo"
        )
        year = self.env["hotline.meter.reading"]._hotline_today().year
        self.assertEqual(
            tariff._hotline_split(year, 300, 250),
            [(50, 2.61), (150, 3.13), (50, 3.91)],
        )
        site = self.env.ref("hotline_base.site_restaurant_wangjing_demo")
        self.assertEqual(site.site_category, "commercial")
        landlord = self.env.ref("hotline_base.site_landlord_1_demo")
        self.assertEqual(landlord.meter_reading_count, 3)
