# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestPasswordPolicy(HotlineCommon):
    def _policy(self, on=True):
        self.env["res.config.settings"].create(
            {"hotline_password_policy": on}
        ).execute()

    def test_off_by_default_accepts_any_password(self):
        user = self.role_users["agent"]
        self.assertFalse(self.env["res.users"]._hotline_password_policy_enforced())
        user.password = "abc"
        self.assertEqual(user.get_password_policy()["minlength"], 0)
        self.assertFalse(user._password_has_expired())

    def test_on_refuses_weak_and_reused_passwords(self):
        self._policy()
        user = self.role_users["agent"]
        policy = user.get_password_policy()
        self.assertEqual(
            (policy["minlength"], policy["password_upper"], policy["password_numeric"]),
            (10, 1, 1),
        )
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [user.id])
        hashed = self.env.cr.fetchone()[0]
        for weak in ("Short1a", "alllowercase12", "NoDigitsHereAtAll"):
            with self.assertRaisesRegex(UserError, "10 characters or more"):
                user.password = weak
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [user.id])
        self.assertEqual(self.env.cr.fetchone()[0], hashed, "nothing written")
        user.password = "Gas-Line-2026"
        with self.assertRaisesRegex(UserError, "Cannot use the most recent 5"):
            user.password = "Gas-Line-2026"

    def test_on_expires_old_passwords(self):
        self._policy()
        user = self.role_users["finance"]
        self.assertFalse(user._password_has_expired())
        user.sudo().password_write_date = fields.Datetime.now() - timedelta(days=91)
        self.assertTrue(user._password_has_expired())

    def test_only_system_changes_settings(self):
        for role in ("hotline_admin", "supervisor", "agent"):
            with self.assertRaises(AccessError):
                self.env["res.config.settings"].with_user(self.role_users[role]).create(
                    {"hotline_password_policy": True}
                )
            with self.assertRaises(AccessError):
                self.env.user.company_id.with_user(self.role_users[role]).write(
                    {"hotline_totp_group_ids": [(5,)]}
                )
        self.assertFalse(self.env["res.users"]._hotline_password_policy_enforced())
