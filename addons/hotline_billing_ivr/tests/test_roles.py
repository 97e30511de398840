# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestBillingAccess(HotlineCommon):
    def test_finance_reads_dunning(self):
        finance = self.role_users["finance"]
        self.assertTrue(finance.has_group("account.group_account_invoice"))
        menu = self.env.ref("hotline_billing_ivr.hotline_billing_menu")
        self.assertIn(menu, self.visible_menus(finance))
        self.assertIn(menu, self.visible_menus(self.role_users["hotline_admin"]))
        self.assertNotIn(menu, self.visible_menus(self.role_users["agent"]))
        lines = self.env["credit.control.line"].with_user(finance)
        self.assertEqual(lines.search_count([]), lines.sudo().search_count([]))

    def test_agent_cannot_read_dunning(self):
        with self.assertRaises(AccessError):
            self.env["credit.control.line"].with_user(self.role_users["agent"]).search(
                []
            )
