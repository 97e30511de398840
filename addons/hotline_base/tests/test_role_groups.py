# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user

# demo login -> its one role (README "Role matrix")
DEMO_ROLES = {
    "agent": "group_agent",
    "agent2": "group_agent",
    "supervisor": "group_supervisor",
    "handler": "group_case_handler",
    "leader": "group_leader",
    "finance": "group_finance",
    "hladmin": "group_admin",
}


@tagged("post_install", "-at_install")
class TestRoleGroups(TransactionCase):
    """Effective groups of every role once all add-ons and demo data are in
    (issue 11 item 7: every demo user was an Accounting administrator)."""

    def _demo_user(self, login):
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertTrue(user, f"demo user {login} (tests run with demo data)")
        return user

    def test_demo_users_have_exactly_their_role(self):
        for login, role in DEMO_ROLES.items():
            user = self._demo_user(login)
            group = self.env.ref(f"hotline_base.{role}")
            expected = group | group.trans_implied_ids
            self.assertEqual(
                set(user.groups_id.mapped("full_name")),
                set(expected.mapped("full_name")),
                login,
            )
            self.assertNotIn(self.env.ref("base.group_no_one"), user.groups_id)
            manager = self.env.ref("account.group_account_manager", False)
            if manager:
                self.assertNotIn(manager, user.groups_id, login)
                self.assertFalse(user.has_group("account.group_account_manager"))

    def test_technical_features_stay_with_system_admins(self):
        self.assertNotIn(
            self.env.ref("base.group_no_one"),
            self.env.ref("base.group_user").trans_implied_ids,
        )
        self.assertIn(
            self.env.ref("base.group_no_one"), self.env.ref("base.user_admin").groups_id
        )
        user = new_test_user(
            self.env, login="hl_new_agent", groups="hotline_base.group_agent"
        )
        self.assertNotIn(self.env.ref("base.group_no_one"), user.groups_id)

    def test_default_template_is_not_pushed_onto_roles(self):
        """A module that extends the default user template (as account does
        with Accounting administrator) reaches users without a hotline role
        only."""
        agent = self._demo_user("agent")
        plain = new_test_user(
            self.env, login="hl_plain_employee", groups="base.group_user"
        )
        extra = self.env["res.groups"].create({"name": "Installed later"})
        self.env.ref("base.default_user").write({"groups_id": [Command.link(extra.id)]})
        self.assertIn(extra, plain.groups_id)
        self.assertNotIn(extra, agent.groups_id)
