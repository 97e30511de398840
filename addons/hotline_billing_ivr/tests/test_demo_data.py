# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo keeps its books in yuan and has customers in arrears and dunning lines.

These tests read the demo data on purpose (issue 12).
"""

from odoo.tests import TransactionCase, tagged

from odoo.addons.hotline_callcenter.pbx.ivr_engine import validate_snapshot


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

    def test_selfservice_queries_subflow(self):
        """The self-service sub-flow the main flow runs after the login."""
        flow = self.env.ref("hotline_billing_ivr.demo_flow_selfservice_queries")
        self.assertEqual(flow.state, "published")
        self.assertTrue(flow.is_subflow)
        menu = flow._hotline_start()
        self.assertEqual(menu.node_type, "menu")
        targets = {o.digit: o.target_node_id for o in menu.option_ids}
        self.assertEqual(sorted(targets), ["0", "1", "2", "3", "4", "5"])
        self.assertEqual(targets["0"].node_type, "return")
        services = flow.node_ids.filtered(lambda n: n.node_type == "service")
        self.assertEqual(
            set(services.mapped("service_code")),
            {"arrears", "last_bill", "month_bill", "usage", "prepaid"},
        )
        for service in services:
            outcomes = set(service.option_ids.mapped("outcome"))
            self.assertIn("not_identified", outcomes, service.name)
        self.assertEqual(validate_snapshot(flow._hotline_snapshot()), [])
