# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

from .common import ApiCommon


@tagged("post_install", "-at_install")
class TestApiBills(AccountTestInvoicingCommon, ApiCommon):
    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("base.group_partner_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(su=True)
        company = cls.env.company
        for user in cls.api_users.values():
            user.write(
                {
                    "company_ids": [fields.Command.link(company.id)],
                    "company_id": company.id,
                }
            )
        cls.customer = cls.env["res.partner"].create(
            {"name": "欠费餐厅", "hotline_customer_number": "API-B-1"}
        )
        today = fields.Date.context_today(cls.customer)
        cls.old = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=today - relativedelta(months=2),
            amounts=[300.0],
            taxes=[],
        )
        cls.old.invoice_date_due = today - relativedelta(months=1)
        cls.old.action_post()
        cls.new = cls.init_invoice(
            "out_invoice",
            partner=cls.customer,
            invoice_date=today,
            amounts=[120.0],
            taxes=[],
        )
        cls.new.invoice_date_due = today + relativedelta(months=1)
        cls.new.action_post()
        cls.draft = cls.init_invoice(
            "out_invoice", partner=cls.customer, invoice_date=today, amounts=[50.0]
        )

    def test_arrears(self):
        status, payload, _r = self.api("GET", "/customers/API-B-1/arrears")
        self.assertEqual(status, 200, payload)
        self.assertEqual(payload["amount_due"], 420.0)
        self.assertEqual(payload["amount_overdue"], 300.0)
        self.assertTrue(payload["overdue"])
        self.assertEqual(payload["currency"], self.env.company.currency_id.name)
        self.assertEqual(self.api("GET", "/customers/NOPE/arrears")[0], 404)

    def test_bills(self):
        status, payload, _r = self.api("GET", "/customers/API-B-1/bills")
        self.assertEqual(status, 200, payload)
        self.assertEqual([b["number"] for b in payload], [self.new.name, self.old.name])
        self.assertEqual(payload[1]["amount_residual"], 300.0)
        self.assertEqual(payload[1]["payment_state"], "not_paid")
        self.register_payment(self.old)
        status, payload, _r = self.api("GET", "/customers/API-B-1/bills?unpaid=true")
        self.assertEqual([b["number"] for b in payload], [self.new.name])
        self.assertEqual(
            self.api("GET", "/customers/API-B-1/bills?unpaid=perhaps")[0], 422
        )

    def register_payment(self, invoice):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
