# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon

ROLE_GROUPS = {
    "agent": "hotline_base.group_agent",
    "supervisor": "hotline_base.group_supervisor",
    "handler": "hotline_base.group_case_handler",
    "leader": "hotline_base.group_leader",
    "finance": "hotline_base.group_finance",
    "hotline_admin": "hotline_base.group_admin",
}


class HotlineCommon(BaseCommon):
    """One user per hotline role, logins equal to the role name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.role_users = {
            role: new_test_user(
                cls.env,
                login=f"hl_{role}",
                name=f"Hotline {role}",
                groups=group,
                tz="Asia/Shanghai",
            )
            for role, group in ROLE_GROUPS.items()
        }
        cls.user_internal = new_test_user(
            cls.env, login="hl_plain", groups="base.group_user"
        )

    @classmethod
    def visible_menus(cls, user):
        menus = cls.env["ir.ui.menu"].with_user(user)
        return menus.browse(menus._visible_menu_ids())
