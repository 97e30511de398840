# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo keeps its books in yuan and has customers in arrears and dunning lines.

These tests read the demo data on purpose (issue 12).
"""

import itertools

from dateutil.relativedelta import relativedelta

from odoo import fields
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
            | self.env.ref("hotline_base.customer_restaurant_demo")
            | self.env.ref("hotline_base.customer_05_demo"),
        )
        currencies = lines.currency_id | lines.company_id.currency_id
        self.assertEqual(currencies, self.company.currency_id)

    # -- a year of gas (issue 15) ---------------------------------------------------
    def _months(self):
        this_month = fields.Date.context_today(self.company).replace(day=1)
        return [this_month - relativedelta(months=k) for k in range(12, 0, -1)]

    def test_every_household_has_a_metered_site_with_a_year_of_readings(self):
        months = self._months()
        sites = self.env["hotline.service.site"].search(
            [
                ("partner_id.hotline_is_customer", "=", True),
                ("meter_number", "!=", False),
            ]
        )
        self.assertIn(self.env.ref("hotline_billing_ivr.site_home_01_demo"), sites)
        self.assertGreaterEqual(len(sites), 15)
        for site in sites:
            readings = self.env["hotline.meter.reading"].search(
                [("site_id", "=", site.id)], order="month"
            )
            self.assertEqual(readings.mapped("month"), months, site.meter_number)
            self.assertEqual(set(readings.mapped("state")), {"accepted"})
            self.assertEqual(readings.partner_id, site.partner_id)
            for before, after in itertools.pairwise(readings):
                self.assertEqual(after.previous_value, before.value)
                self.assertGreater(after.consumption, 0)
            self.assertEqual(
                set(readings.mapped("source")) - {"phone", "system"}, set()
            )

    def test_a_year_of_posted_monthly_bills_with_payments(self):
        wang = self.env.ref("hotline_base.customer_01_demo")
        bills = self._invoices("hotline_base.customer_01_demo")
        self.assertEqual(len(bills), 12)
        self.assertEqual(set(bills.mapped("state")), {"posted"})
        self.assertEqual(
            sorted(bills.mapped("invoice_date")),
            [month + relativedelta(months=1) for month in self._months()],
        )
        # the bill of a month is its reading's consumption at the household
        # tariff, split at the tiers of the meter's usage in the year so far
        tariff = self.env.ref(
            "hotline_billing_ivr.hotline_meter_tariff_residential_demo"
        )
        tiers = set()
        for month in self._months():
            reading = self.env["hotline.meter.reading"].search(
                [("partner_id", "=", wang.id), ("month", "=", month)]
            )
            bill = bills.filtered(
                lambda b, m=month: b.invoice_date == m + relativedelta(months=1)
            )
            pieces = tariff._hotline_split(
                month.year, reading._hotline_year_usage_before(), reading.consumption
            )
            self.assertAlmostEqual(
                bill.amount_total, sum(q * p for q, p in pieces), places=2
            )
            self.assertEqual(
                sorted(bill.invoice_line_ids.mapped("price_unit")),
                sorted(p for _q, p in pieces),
            )
            self.assertEqual(bill.invoice_line_ids.product_id, tariff.product_id)
            tiers.update(p for _q, p in pieces)
        self.assertLessEqual(tiers, {2.61, 3.13, 3.91})
        self.assertIn(2.61, tiers)
        first = bills.sorted("invoice_date")[0]
        self.assertIn(first.payment_state, ("paid", "in_payment"))
        self.assertFalse(wang.with_company(self.company).hotline_is_overdue)

    def test_arrears_of_several_months_and_a_prepaid_credit(self):
        today = fields.Date.context_today(self.company)
        chen = self.env.ref("hotline_base.customer_05_demo").with_company(self.company)
        bills = self._invoices("hotline_base.customer_05_demo").sorted("invoice_date")
        unpaid = bills.filtered(lambda b: b.payment_state == "not_paid")
        self.assertEqual(unpaid, bills[-3:], "the last three bills are unpaid")
        overdue = unpaid.filtered(lambda b: b.invoice_date_due < today)
        self.assertGreaterEqual(len(overdue), 2)
        self.assertTrue(chen.hotline_is_overdue)
        self.assertAlmostEqual(
            chen.hotline_amount_overdue,
            sum(overdue.mapped("amount_residual")),
            places=2,
        )
        zhao = self.env.ref("hotline_base.customer_07_demo").with_company(self.company)
        open_bills = self._invoices("hotline_base.customer_07_demo").filtered(
            lambda b: b.payment_state == "not_paid"
        )
        self.assertAlmostEqual(
            zhao.hotline_amount_due,
            sum(open_bills.mapped("amount_residual")) - 300.0,
            places=2,
        )
        self.assertFalse(zhao.hotline_is_overdue)

    def test_current_outage_notice_for_one_area(self):
        notice = self.env.ref("hotline_billing_ivr.outage_notice_xiyuan_demo")
        self.assertTrue(notice.is_current)
        Notice = self.env["hotline.outage.notice"]
        for xmlid, concerned in (
            ("customer_04_demo", True),  # lives in 望京西园三区
            ("customer_restaurant_demo", True),  # a site there
            ("customer_01_demo", False),  # 望京花园
        ):
            partner = self.env.ref(f"hotline_base.{xmlid}")
            self.assertEqual(
                notice in Notice._hotline_current_for(partner, self.company),
                concerned,
                xmlid,
            )
        self.assertEqual(notice.prompt_id._hotline_languages(), ["zh_CN", "en_US"])

    def test_gas_main_flow_on_its_number(self):
        flow = self.env.ref("hotline_billing_ivr.demo_flow_gas_main")
        self.assertEqual(flow.state, "published")
        self.assertEqual(flow.did_ids.mapped("number"), ["4008100200"])
        snapshot = flow._hotline_snapshot()
        self.assertEqual(validate_snapshot(snapshot), [])
        nodes = snapshot["nodes"]
        welcome = nodes[snapshot["start"]]
        notices = nodes[welcome["next"]]
        menu = nodes[notices["next"]]
        self.assertEqual(
            [welcome["type"], notices["type"], menu["type"]],
            ["play", "notices", "menu"],
        )
        self.assertEqual(nodes[menu["options"]["0"]]["target"], "support")

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

    def test_demo_self_service_login_sub_flow_and_pins(self):
        flow = self.env.ref("hotline_billing_ivr.demo_flow_selfservice_login")
        self.assertTrue(flow.is_subflow)
        self.assertEqual(flow.state, "published")
        self.assertEqual(
            set(flow.node_ids.filtered("service_code").mapped("service_code")),
            {"selfservice_login", "selfservice_login_caller"},
        )
        # readme/USAGE.md: the demo customers' PIN is 135790
        customer = self.env.ref("hotline_base.customer_01_demo")
        self.assertTrue(customer._hotline_check_pin("135790"))
        self.assertFalse(customer._hotline_check_pin("135791"))

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
        self.assertEqual(landlord.meter_reading_count, 12)
