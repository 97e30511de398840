# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestCaseAccess(HotlineCommon):
    def test_roles_carry_helpdesk_rights(self):
        users = self.role_users
        self.assertTrue(users["agent"].has_group("helpdesk_mgmt.group_helpdesk_user"))
        self.assertTrue(
            users["handler"].has_group("helpdesk_mgmt.group_helpdesk_user_team")
        )
        self.assertTrue(
            users["supervisor"].has_group("helpdesk_mgmt.group_helpdesk_manager")
        )
        self.assertFalse(
            users["finance"].has_group("helpdesk_mgmt.group_helpdesk_user_own")
        )

    def test_cases_menu_and_access(self):
        menu = self.env.ref("hotline_complaints.hotline_cases_menu")
        for role in ("agent", "handler", "supervisor", "leader"):
            self.assertIn(menu, self.visible_menus(self.role_users[role]), role)
        self.assertNotIn(menu, self.visible_menus(self.role_users["finance"]))
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(self.role_users["agent"])
            .create({"name": "燃气泄漏", "description": "<p>楼道有气味</p>"})
        )
        self.assertTrue(ticket.number)
        with self.assertRaises(AccessError):
            ticket.with_user(self.role_users["finance"]).read(["name"])
