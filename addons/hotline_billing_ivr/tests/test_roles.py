# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import ROLE_GROUPS, HotlineCommon

DEMO_LOGINS = ("agent", "agent2", "supervisor", "handler", "leader", "finance")


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

    def _accounting_groups(self, user):
        category = self.env.ref("base.module_category_accounting_accounting")
        return user.groups_id.filtered(lambda group: group.category_id == category)

    def test_only_finance_gets_accounting(self):
        """Issue 11 item 7: account puts Accounting administrator on Odoo's
        default user template, so every user created after install (from the
        user form or ``create()``) was one, whatever their role. Only Finance
        (and the Hotline admin above it) reads invoices, as Invoicing, never
        as administrator; demo users and users created now alike."""
        invoicing = self.env.ref("account.group_account_invoice")
        users = {
            f"demo {login}": self.env["res.users"].search([("login", "=", login)])
            for login in DEMO_LOGINS
        }
        for role, xmlid in ROLE_GROUPS.items():
            user = self.env["res.users"].create(
                {"name": f"New {role}", "login": f"hl_later_{role}"}
            )
            user.write({"groups_id": [Command.link(self.env.ref(xmlid).id)]})
            users[f"new {role}"] = user
        for label, user in users.items():
            with self.subTest(user=label):
                self.assertTrue(user, "demo data is installed")
                self.assertFalse(user.has_group("account.group_account_manager"))
                if label.endswith(("finance", "hotline_admin")):
                    self.assertEqual(self._accounting_groups(user), invoicing)
                else:
                    self.assertFalse(self._accounting_groups(user))

    def test_readme_matrix_rows_of_this_add_on(self):
        """The README's role matrix: meter readings, tariffs, self-service
        transactions (statistics), as the ACLs give them."""
        rows = {
            "hotline.meter.reading": {
                "agent": "rwc",
                "supervisor": "rwc",
                "handler": "",
                "leader": "",
                "finance": "rwcd",
                "hotline_admin": "rwcd",
            },
            "hotline.meter.tariff": {
                "agent": "",
                "supervisor": "",
                "handler": "",
                "leader": "",
                "finance": "rwcd",
                "hotline_admin": "rwcd",
            },
            "hotline.selfservice.transaction": {
                "agent": "",
                "supervisor": "r",
                "handler": "",
                "leader": "",
                "finance": "r",
                "hotline_admin": "rwcd",
            },
        }
        modes = {"r": "read", "w": "write", "c": "create", "d": "unlink"}
        for model, roles in rows.items():
            for role, rights in roles.items():
                Model = self.env[model].with_user(self.role_users[role])
                for letter, mode in modes.items():
                    with self.subTest(model=model, role=role, mode=mode):
                        self.assertEqual(
                            Model.has_access(mode), letter in rights, rights
                        )
