# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.fields import Command

HOTLINE_ROLES = (
    "hotline_base.group_agent",
    "hotline_base.group_case_handler",
    "hotline_base.group_supervisor",
    "hotline_base.group_leader",
    "hotline_base.group_finance",
    "hotline_base.group_admin",
)


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _hotline_role_groups(self):
        return self.env["res.groups"].browse(
            gid
            for gid in (
                self.env["ir.model.data"]._xmlid_to_res_id(xmlid, False)
                for xmlid in HOTLINE_ROLES
            )
            if gid
        )

    def _apply_groups_to_existing_employees(self):
        # Odoo links every group a module adds to the default user template
        # (account: Accounting administrator) to every existing internal user;
        # write() below does it for users without a hotline role only, whose
        # rights are the README's role matrix and nothing more.
        return False

    def write(self, vals):
        # (looked up for a change of groups only: the connector writes agents'
        # statuses on every ring)
        default_user = "groups_id" in vals and self.env.ref(
            "base.default_user", raise_if_not_found=False
        )
        propagate = default_user and default_user in self
        old_groups = propagate and self._default_groups()
        res = super().write(vals)
        if propagate:
            added = self._default_groups() - old_groups
            if added:
                internal = self.env.ref("base.group_user").users - self
                roles = self._hotline_role_groups()
                others = internal.filtered(lambda user: not (user.groups_id & roles))
                others.write({"groups_id": [Command.link(gid) for gid in added.ids]})
        return res

    @api.model
    def _hotline_drop_from_default_user_template(self, xmlids):
        """Take ``xmlids`` (groups a dependency puts on Odoo's default user
        template, e.g. account's Accounting administrator) off the template,
        with the groups only they imply there.

        Every user created later starts from the template (the user form's
        defaults, ``create()`` without groups), so a new agent was an
        accounting administrator; in this product a user's rights come from
        their hotline role (README's role matrix). Called from each add-on's
        data, on install and on every update (the template's XML id is
        ``noupdate``: a ``<record>`` would be skipped on update).
        """
        template = self.env.ref("base.default_user", raise_if_not_found=False)
        if not template:
            return False
        template = template.sudo().with_context(active_test=False)
        drop = self.env["res.groups"].browse(
            gid
            for gid in (
                self.env["ir.model.data"]._xmlid_to_res_id(xmlid, False)
                for xmlid in xmlids
            )
            if gid
        )
        # what the template's other groups (and Internal User) imply stays
        roots = template.groups_id - drop - drop.trans_implied_ids
        roots |= self.env.ref("base.group_user")
        drop = (drop | drop.trans_implied_ids) & template.groups_id
        drop -= roots | roots.trans_implied_ids
        if drop:
            template.write({"groups_id": [Command.unlink(gid) for gid in drop.ids]})
        return True

    @api.model
    def _hotline_technical_features_for_admins_only(self):
        """Technical features (debug-mode views and menus) for administrators
        only: Odoo gives them to every internal user through base.group_user."""
        no_one = self.env.ref("base.group_no_one")
        self.env.ref("base.group_system")._apply_group(no_one)
        self.env.ref("base.group_user")._remove_group(no_one)

    def _hotline_set_demo_password(self):
        """Demo data: the password equals the login, written as a hash so that
        no password policy (auth_password_policy, password_security) refuses
        the short demo passwords."""
        crypt = self._crypt_context()
        for user in self:
            self._set_encrypted_password(user.id, crypt.hash(user.login))
