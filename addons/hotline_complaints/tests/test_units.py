# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import CaseCommon

UNIT_FORM = "hotline_complaints.helpdesk_ticket_team_view_form_hotline"


@tagged("post_install", "-at_install")
class TestUnits(CaseCommon):
    """Units (承办单位) and their members: membership gives access to the unit's
    cases at once, in the same process (ir.rule caches evaluated domains)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_handler = new_test_user(
            cls.env,
            login="hl_unit_handler",
            name="新承办人",
            groups="hotline_base.group_case_handler",
        )

    def accepted_case(self):
        case = self.new_case()
        case.with_user(self.role_users["agent"]).action_hotline_accept()
        return case

    def dispatch_form(self, case, user="supervisor"):
        return Form(
            self.env["hotline.case.dispatch.wizard"]
            .with_user(self.role_users[user])
            .with_context(active_model="helpdesk.ticket", active_ids=case.ids)
        )

    def assert_sees(self, user, case, sees=True):
        Ticket = self.env["helpdesk.ticket"].with_user(user)
        found = Ticket.search([("id", "=", case.id)])
        if sees:
            self.assertEqual(found, case)
            self.assertTrue(case.with_user(user).name)
        else:
            self.assertFalse(found)
            with self.assertRaises(AccessError):
                case.invalidate_recordset()
                case.with_user(user).read(["name"])

    def test_member_added_in_units_form_sees_dispatched_case_at_once(self):
        handler = self.new_handler
        case = self.accepted_case()
        # the handler looks first: ir.rule computes (and caches) their domain
        self.assert_sees(handler, case, sees=False)
        # the Hotline administrator adds them to the unit (Configuration > Units)
        unit = Form(
            self.team_gas.with_user(self.role_users["hotline_admin"]), view=UNIT_FORM
        )
        unit.user_ids.add(handler)
        unit.save()
        # the supervisor dispatches to the unit without naming a handler
        form = self.dispatch_form(case)
        form.team_id = self.team_gas
        form.save().action_dispatch()
        self.assertEqual(case.hotline_state, "dispatched")
        # no restart, no new process: the new member sees and starts the case
        self.assert_sees(handler, case)
        case.with_user(handler).action_hotline_start()
        self.assertEqual(case.hotline_state, "in_progress")
        self.assertEqual(case.user_id, handler)

    def test_member_removed_from_user_loses_access_at_once(self):
        handler = self.new_handler
        self.team_gas.user_ids = [Command.link(handler.id)]
        case = self.accepted_case()
        form = self.dispatch_form(case)
        form.team_id = self.team_gas
        form.save().action_dispatch()
        self.assert_sees(handler, case)
        # taken out of the unit from the user's side
        handler.sudo().helpdesk_team_ids = [Command.unlink(self.team_gas.id)]
        self.assert_sees(handler, case, sees=False)

    def test_dispatch_wizard_offers_the_units_handlers(self):
        users = self.role_users
        self.team_gas.user_ids = [Command.link(users["agent"].id)]
        form = self.dispatch_form(self.accepted_case())
        form.team_id = self.team_gas
        # members who handle cases, not the agent who is a member too
        self.assertEqual(
            set(form.handler_ids.ids), {users["handler"].id, users["leader"].id}
        )
        form.user_id = users["handler"]
        form.team_id = self.team_audit
        self.assertFalse(form.user_id)
        self.assertFalse(form.handler_ids)

    def test_units_menu_in_hotline_configuration(self):
        menu = self.env.ref("hotline_complaints.hotline_unit_menu")
        self.assertEqual(
            menu.parent_id, self.env.ref("hotline_base.hotline_config_menu")
        )
        self.assertIn(menu, self.visible_menus(self.role_users["hotline_admin"]))
        self.assertNotIn(menu, self.visible_menus(self.role_users["handler"]))

    def test_demo_units_have_members(self):
        unit = self.env.ref(
            "hotline_complaints.team_gas_repair_demo", raise_if_not_found=False
        )
        module = self.env["ir.module.module"]._get("hotline_complaints")
        if not unit:
            # installed without demo data: there are no demo units to check
            self.assertFalse(module.demo)
            return
        handler = self.env.ref("hotline_base.user_handler_demo")
        leader = self.env.ref("hotline_base.user_leader_demo")
        self.assertIn(handler, unit.user_ids)
        self.assertIn(leader, unit.user_ids)
        self.assertEqual(unit.hotline_leader_id, leader)
