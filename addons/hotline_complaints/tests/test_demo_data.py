# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The hotline demo shows the gas company's cases, not helpdesk_mgmt's demo.

These tests read the demo data on purpose (issue 12).
"""

from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def _oca_demo(self, model):
        ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "helpdesk_mgmt"), ("model", "=", model)])
            .mapped("res_id")
        )
        return self.env[model].with_context(active_test=False).browse(ids)

    def test_case_list_does_not_list_oca_demo_tickets(self):
        oca_tickets = self._oca_demo("helpdesk.ticket")
        self.assertTrue(oca_tickets, "helpdesk_mgmt's demo is loaded")
        action = self.env.ref("hotline_complaints.helpdesk_ticket_action_hotline")
        domain = safe_eval(action.domain or "[]")
        context = safe_eval(action.context or "{}")
        cases = self.env["helpdesk.ticket"].with_context(**context).search(domain)
        self.assertFalse(cases & oca_tickets)
        self.assertIn(self.env.ref("hotline_complaints.case_leak_demo"), cases)
        self.assertNotIn("Problem with the delivery of goods", cases.mapped("name"))
        teams = self.env["helpdesk.ticket.team"].search([])
        self.assertFalse(teams & self._oca_demo("helpdesk.ticket.team"))
        self.assertNotIn("Localization team", teams.mapped("name"))

    def test_field_staff_out_on_the_leak(self):
        field1 = self.env.ref("hotline_complaints.user_field1_demo")
        repair = self.env.ref("hotline_complaints.team_gas_repair_demo")
        self.assertIn(field1, repair.user_ids)
        self.assertIn(self.env.ref("hotline_base.user_handler_demo"), repair.user_ids)
        order = self.env.ref("hotline_complaints.work_order_leak_demo")
        self.assertEqual(order.user_id, field1)
        self.assertEqual(order.state, "departed")
        self.assertTrue(order.is_out)
