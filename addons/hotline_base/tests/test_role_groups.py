# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.fields import Command
from odoo.tests import TransactionCase, tagged
from odoo.tests.common import new_test_user

from odoo.addons.base.models.res_users import (
    get_selection_groups,
    is_selection_groups,
    name_boolean_group,
)

from .common import ROLE_GROUPS

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

    def _expected(self, role_xmlid):
        group = self.env.ref(role_xmlid)
        return group | group.trans_implied_ids

    def _new_user_from_form(self, login, role):
        """A user created as an administrator does in Settings > Users: the
        web client sends the form's defaults (Odoo's default user template,
        as the group check boxes and selections) with the role ticked."""
        Users = self.env["res.users"]
        fields = Users.fields_get()
        vals = Users.default_get(list(fields))
        # the form shows groups_id as those check boxes and selections only
        del vals["groups_id"]
        vals.update(name=login, login=login)
        boolean = name_boolean_group(role.id)
        if boolean in fields:
            vals[boolean] = True
        else:
            fname = next(
                name
                for name in fields
                if is_selection_groups(name) and role.id in get_selection_groups(name)
            )
            vals[fname] = role.id
        return Users.create(vals)

    def test_users_created_later_have_exactly_their_role(self):
        """Issue 11 item 7: a user created after install started from the
        default user template, where account put Accounting administrator
        (and base Export, survey Survey user): a new agent was an accounting
        administrator. A new user of every role, from the user form or from
        ``create()`` without groups, has exactly the role's groups."""
        for role, xmlid in ROLE_GROUPS.items():
            expected = self._expected(xmlid)
            with self.subTest(role=role, path="form"):
                user = self._new_user_from_form(f"hl_form_{role}", self.env.ref(xmlid))
                self.assertEqual(
                    sorted(user.groups_id.mapped("full_name")),
                    sorted(expected.mapped("full_name")),
                )
            with self.subTest(role=role, path="create"):
                user = self.env["res.users"].create(
                    {"name": f"hl_new_{role}", "login": f"hl_new_{role}"}
                )
                user.write({"groups_id": [Command.link(self.env.ref(xmlid).id)]})
                self.assertEqual(
                    sorted(user.groups_id.mapped("full_name")),
                    sorted(expected.mapped("full_name")),
                )
                self.assertFalse(user.has_group("base.group_no_one"))
                manager = self.env.ref("account.group_account_manager", False)
                if manager:
                    self.assertFalse(user.has_group("account.group_account_manager"))

    def test_template_keeps_internal_user_and_unlisted_groups(self):
        """Only the groups named are taken off the template: Internal User and
        what it implies, and a group an administrator put there, stay."""
        template = self.env.ref("base.default_user")
        extra = self.env["res.groups"].create({"name": "Chosen by the admin"})
        dropped = self.env["res.groups"].create({"name": "Put there by a module"})
        template.write(
            {"groups_id": [Command.link(extra.id), Command.link(dropped.id)]}
        )
        self.env["ir.model.data"].create(
            {
                "module": "__hotline_test__",
                "name": "dropped_group",
                "model": "res.groups",
                "res_id": dropped.id,
            }
        )
        self.env["res.users"]._hotline_drop_from_default_user_template(
            ["base.group_user", "__hotline_test__.dropped_group"]
        )
        self.assertNotIn(dropped, template.groups_id)
        self.assertIn(self.env.ref("base.group_user"), template.groups_id)
        self.assertIn(extra, template.groups_id)
