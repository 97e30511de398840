# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged

from odoo.addons.hotline_base.tests.ui_language import load_chinese

# menus the tour (static/tests/tours/hotline_finance_tour.js) checks finance
# does not see: the call centre's (README's role matrix)
CALL_CENTRE_MENUS = (
    "hotline_callcenter.hotline_call_menu",
    "hotline_callcenter.hotline_call_centre_menu",
    "hotline_base.hotline_blacklist_menu",
    "hotline_base.hotline_config_menu",
)


@tagged("post_install", "-at_install")
class TestFinanceTour(HttpCase):
    """Issue 12: the demo finance user, in Chinese, works the demo customer in
    arrears (刘洋, two posted gas bills overdue, dunning lines from the demo's
    credit control run): amounts in yuan, the Credit Control tab, the
    customer's credit control lines and Billing > Dunning lines, every label
    in Chinese; no call-centre menu and no click-to-dial.

    The demo data is what the tour works on."""

    def test_finance_arrears_tour(self):
        env = self.env
        invoice = env.ref(
            "hotline_billing_ivr.invoice_arrears_liu_1_demo", raise_if_not_found=False
        )
        if not invoice:
            # installed without demo data: no customer in arrears to work on
            module = env["ir.module.module"]._get("hotline_billing_ivr")
            self.assertFalse(module.demo)
            return
        company = env.ref("base.main_company")
        customer = env.ref("hotline_base.customer_04_demo").with_company(company)
        # what the tour reads: 96 + 112 m³ at 2.63 yuan, both overdue
        self.assertEqual(customer.name, "刘洋")
        self.assertEqual(company.currency_id.name, "CNY")
        self.assertTrue(customer.hotline_is_overdue)
        self.assertAlmostEqual(customer.hotline_amount_overdue, 547.04)
        self.assertAlmostEqual(customer.hotline_amount_due, 547.04)
        self.assertTrue(
            env["credit.control.line"].search_count([("partner_id", "=", customer.id)])
        )

        load_chinese(env)
        finance = env.ref("hotline_base.user_finance_demo")
        finance.lang = "zh_CN"
        visible = env["ir.ui.menu"].with_user(finance)._visible_menu_ids()
        for xmlid in CALL_CENTRE_MENUS:
            # the tour's absence check is only worth something if the menu exists
            self.assertNotIn(env.ref(xmlid).id, visible, xmlid)
        self.start_tour("/odoo", "hotline_finance_tour", login=finance.login)
