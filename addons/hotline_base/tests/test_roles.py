# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import HotlineCommon


@tagged("post_install", "-at_install")
class TestRoles(HotlineCommon):
    def test_implied_groups(self):
        users = self.role_users
        self.assertTrue(users["supervisor"].has_group("hotline_base.group_agent"))
        self.assertTrue(
            users["supervisor"].has_group("hotline_base.group_case_handler")
        )
        self.assertTrue(users["leader"].has_group("hotline_base.group_case_handler"))
        self.assertFalse(users["leader"].has_group("hotline_base.group_agent"))
        self.assertFalse(users["agent"].has_group("hotline_base.group_supervisor"))
        self.assertFalse(users["finance"].has_group("hotline_base.group_agent"))
        admin = users["hotline_admin"]
        for role in ("agent", "supervisor", "case_handler", "leader", "finance"):
            self.assertTrue(admin.has_group(f"hotline_base.group_{role}"), role)

    def test_menu_per_role(self):
        root = self.env.ref("hotline_base.hotline_root_menu")
        for role, user in self.role_users.items():
            menus = self.visible_menus(user)
            self.assertIn(root, menus, role)
        self.assertNotIn(root, self.visible_menus(self.user_internal))
