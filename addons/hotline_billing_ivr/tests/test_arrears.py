# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestArrears(AccountTestInvoicingCommon, HotlineCommon):
    @classmethod
    def get_default_groups(cls):
        # Odoo's test accountant starts from the default user template, which
        # gives no Contact creation here (hotline roles do)
        return super().get_default_groups() | cls.env.ref("base.group_partner_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the role users work in the company that has the chart of accounts
        for user in cls.role_users.values():
            user.write(
                {
                    "company_ids": [fields.Command.link(cls.env.company.id)],
                    "company_id": cls.env.company.id,
                }
            )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Gas customer", "phone": "+86 10 5555 0101"}
        )
        cls.invoice = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=fields.Date.from_string("2026-03-01"),
            amounts=[300.0],
            taxes=[],
        )
        cls.invoice.invoice_date_due = fields.Date.from_string("2026-03-31")
        cls.invoice.action_post()
        cls.agent = cls.role_users["agent"]

    def _partner_as(self, user, partner=None):
        # the figures are not stored: compute them afresh at the frozen date
        self.env.invalidate_all()
        return (partner or self.customer).with_user(user).with_company(self.env.company)

    def test_amounts_for_agent_equal_residual(self):
        self.assertEqual(self.invoice.amount_residual, 300.0)
        with freeze_time("2026-03-15"):
            partner = self._partner_as(self.agent)
            self.assertEqual(partner.hotline_amount_due, self.invoice.amount_residual)
            self.assertEqual(partner.hotline_amount_overdue, 0.0)
            self.assertFalse(partner.hotline_is_overdue)
            self.assertEqual(
                partner.hotline_arrears_currency_id, self.env.company.currency_id
            )
            self.assertFalse(partner.hotline_last_payment_date)

    def test_overdue_only_after_due_date(self):
        with freeze_time("2026-03-31"):
            partner = self._partner_as(self.role_users["supervisor"])
            self.assertEqual(partner.hotline_amount_overdue, 0.0)
            self.assertFalse(partner.hotline_is_overdue)
        with freeze_time("2026-04-01"):
            partner = self._partner_as(self.agent)
            self.assertEqual(partner.hotline_amount_overdue, 300.0)
            self.assertTrue(partner.hotline_is_overdue)

    def test_partial_payment_lowers_due_and_sets_last_payment(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create(
            {"amount": 120.0, "payment_date": fields.Date.from_string("2026-04-05")}
        )._create_payments()
        self.assertEqual(self.invoice.amount_residual, 180.0)
        with freeze_time("2026-04-10"):
            partner = self._partner_as(self.agent)
            self.assertEqual(partner.hotline_amount_due, 180.0)
            self.assertEqual(partner.hotline_amount_overdue, 180.0)
            self.assertEqual(
                partner.hotline_last_payment_date,
                fields.Date.from_string("2026-04-05"),
            )

    def test_card_extra_contains_arrears(self):
        call = (
            self.env["hotline.call"]
            .sudo()
            .create({"caller_number": "+861055550101", "partner_id": self.customer.id})
        )
        with freeze_time("2026-04-02"):
            pop = self.env["hotline.screen.pop"].with_user(self.agent)
            pop = pop.with_company(self.env.company)
            extra = pop._hotline_card_extra(self.customer.with_user(self.agent), call)
        self.assertEqual(
            extra["arrears"],
            {
                "amount_due": 300.0,
                "amount_overdue": 300.0,
                "currency": self.env.company.currency_id.name,
                "overdue": True,
            },
        )
        # hotline_complaints, when installed, adds its own "Open cases" section
        (section,) = [s for s in extra["sections"] if s["title"] == "Arrears (overdue)"]
        self.assertEqual(len(section["lines"]), 2)
        # the card without a known customer has no arrears
        self.assertNotIn(
            "arrears", pop._hotline_card_extra(self.customer.browse(), call)
        )

    def test_agent_cannot_read_invoices(self):
        self.assertEqual(self._partner_as(self.agent).hotline_amount_due, 300.0)
        with self.assertRaises(AccessError):
            self.invoice.with_user(self.agent).read(["amount_residual"])
        with self.assertRaises(AccessError):
            self.env["account.move"].with_user(self.agent).search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.agent).action_hotline_open_invoices()

    def test_finance_opens_open_invoices(self):
        action = self._partner_as(
            self.role_users["finance"]
        ).action_hotline_open_invoices()
        moves = self.env["account.move"].with_user(self.role_users["finance"])
        self.assertEqual(moves.search(action["domain"]), self.invoice)

    def test_customer_without_invoices(self):
        other = self.env["res.partner"].create({"name": "New customer"})
        with freeze_time("2026-04-02"):
            partner = self._partner_as(self.agent, other)
            self.assertEqual(partner.hotline_amount_due, 0.0)
            self.assertEqual(partner.hotline_amount_overdue, 0.0)
            self.assertFalse(partner.hotline_is_overdue)
            info = partner._hotline_arrears_info()
        self.assertEqual(info["amount_due"], 0.0)
        self.assertFalse(info["overdue"])

    def test_handler_has_no_payment_fields(self):
        with self.assertRaises(AccessError):
            self._partner_as(self.role_users["handler"]).read(["hotline_amount_due"])

    def test_payment_group_on_customer_form(self):
        view = self.env.ref("hotline_base.res_partner_view_form")
        for role, shown in (
            ("agent", True),
            ("supervisor", True),
            ("finance", True),
            ("handler", False),
        ):
            arch = (
                self.env["res.partner"]
                .with_user(self.role_users[role])
                .get_view(view.id, "form")["arch"]
            )
            self.assertEqual('name="hotline_payment"' in arch, shown, role)
            self.assertEqual("hotline_amount_due" in arch, shown, role)
            self.assertEqual(
                "action_hotline_open_invoices" in arch, role == "finance", role
            )
