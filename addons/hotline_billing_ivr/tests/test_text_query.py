# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Arrears and last bill by SMS (短信查询) for the customer whose registered
mobile sends it, and the self-service statistics of every SMS/e-mail query.

hotline_complaints' inbound SMS gateway and query e-mail alias parse the text
and call ``hotline.text.query._hotline_text_answer`` as done here."""

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon

MOBILE = "139 1001 0001"
SENDER = "+86 139 1001 0001"


@tagged("post_install", "-at_install")
class TestTextQueryBilling(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.cn")
        cls.customer = cls.env["res.partner"].create(
            {"name": "燃气用户王芳", "mobile": MOBILE, "company_id": cls.company.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "王芳（家）", "parent_id": cls.customer.id, "type": "invoice"}
        )
        cls.site = cls.env["hotline.service.site"].create(
            {
                "name": "朝阳区1号楼",
                "partner_id": cls.customer.id,
                "meter_number": "T-M1",
            }
        )
        Flow = cls.env["hotline.ivr.flow"]
        cls.today = Flow._hotline_selfservice_today(cls.company)
        cls.this_month = cls.today.replace(day=1)
        cls.Query = cls.env["hotline.text.query"]
        cls.Transaction = cls.env["hotline.selfservice.transaction"]

    # -- helpers --------------------------------------------------------------------
    def month(self, months_ago):
        return self.this_month - relativedelta(months=months_ago)

    def bill(self, month, amount, due=None, partner=None):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.contact).id,
                "invoice_date": month.replace(day=5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "管道天然气费",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.invoice_date_due = due or month.replace(day=25)
        move.action_post()
        return move

    def ask(self, command, sender=SENDER, channel="sms"):
        return self.Query._hotline_text_answer(
            command,
            {
                "channel": channel,
                "sender": sender,
                "company": self.company,
                "args": (),
                "complete": True,
            },
        )

    def logged(self, service):
        return self.Transaction.search([("service", "=", service)], order="id desc")

    # -- arrears --------------------------------------------------------------------
    def test_arrears_to_the_registered_mobile(self):
        m3, m2 = self.month(3), self.month(2)
        self.bill(m3, 100.0)
        self.bill(m2, 23.4)
        self.bill(self.this_month, 50.0, due=self.today + relativedelta(days=20))
        answer = self.ask("arrears")
        self.assertIn("123.40", answer)
        self.assertIn(m3.strftime("%Y-%m"), answer)
        self.assertIn(m2.strftime("%Y-%m"), answer)
        self.assertNotIn("50.00", answer, "not yet due")
        if self.company.currency_id.name == "CNY":
            self.assertIn("123.40元", answer)
        # the same figure as the phone self-service and the customer's form
        self.assertEqual(
            self.customer.with_company(self.company).sudo().hotline_amount_overdue,
            123.4,
        )
        tx = self.logged("arrears")
        self.assertEqual(len(tx), 1)
        self.assertEqual(
            (tx.channel, tx.outcome, tx.partner_id, tx.detail, tx.company_id),
            ("sms", "served", self.customer, "123.40", self.company),
        )
        self.assertEqual(tx.caller, SENDER)
        self.assertFalse(tx.call_id)

    def test_no_arrears(self):
        self.bill(self.this_month, 50.0, due=self.today + relativedelta(days=20))
        self.assertIn("no arrears", self.ask("arrears"))
        self.assertEqual(self.logged("arrears").outcome, "served")

    # -- last bill ------------------------------------------------------------------
    def test_last_bill_with_usage_due_date_and_payment(self):
        due = self.today + relativedelta(days=15)
        self.bill(self.month(1), 70.0)
        bill = self.bill(self.this_month, 52.6, due=due)
        self.env["hotline.meter.reading"].create(
            {
                "site_id": self.site.id,
                "month": self.this_month,
                "previous_value": 1000.0,
                "value": 1020.0,
                "invoice_id": bill.id,
                "state": "invoiced",
            }
        )
        answer = self.ask("last_bill")
        self.assertIn(self.this_month.strftime("%Y-%m"), answer)
        self.assertIn("52.60", answer)
        self.assertIn("20 m³", answer)
        self.assertIn(due.strftime("%Y-%m-%d"), answer)
        self.assertIn("not paid", answer)
        (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=bill.ids)
            .create({"amount": 20.0, "payment_date": self.today})
            ._create_payments()
        )
        self.assertIn("32.60", self.ask("last_bill"))
        tx = self.logged("last_bill")
        self.assertEqual(len(tx), 2)
        self.assertEqual(set(tx.mapped("outcome")), {"served"})
        self.assertEqual(tx[0].detail, self.this_month.strftime("%Y%m"))

    def test_no_bill(self):
        self.assertIn("no bill", self.ask("last_bill"))
        self.assertEqual(self.logged("last_bill").outcome, "not_found")

    # -- who may get figures --------------------------------------------------------
    def test_unknown_number_gets_no_figures(self):
        self.bill(self.month(2), 88.8)
        for command in ("arrears", "last_bill"):
            answer = self.ask(command, sender="+86 139 9999 0000")
            self.assertIn("not the registered mobile", answer)
            self.assertNotIn("88.80", answer)
        tx = self.logged("arrears") | self.logged("last_bill")
        self.assertEqual(set(tx.mapped("outcome")), {"not_identified"})
        self.assertFalse(tx.partner_id)

    def test_landline_of_the_customer_is_no_registered_mobile(self):
        self.customer.phone = "010 6512 3456"
        self.bill(self.month(2), 88.8)
        answer = self.ask("arrears", sender="010 6512 3456")
        self.assertNotIn("88.80", answer)
        self.assertEqual(self.logged("arrears").outcome, "not_identified")

    def test_shared_number_gets_no_figures(self):
        self.env["res.partner"].create({"name": "王芳的邻居", "mobile": MOBILE})
        self.bill(self.month(2), 88.8)
        answer = self.ask("arrears")
        self.assertIn("several customers", answer)
        self.assertNotIn("88.80", answer)
        tx = self.logged("arrears")
        self.assertEqual((tx.outcome, tx.partner_id.id), ("several", False))

    def test_customer_of_another_company_is_not_answered(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        self.customer.company_id = other
        self.assertIn("not the registered mobile", self.ask("arrears"))

    def test_no_figures_by_email(self):
        self.bill(self.month(2), 88.8)
        answer = self.ask("arrears", sender="wang@example.com", channel="email")
        self.assertIn("only by SMS", answer)
        self.assertNotIn("88.80", answer)
        tx = self.logged("arrears")
        self.assertEqual((tx.channel, tx.outcome), ("email", "not_identified"))

    # -- the hook and the statistics ------------------------------------------------
    def test_commands_registered_for_help(self):
        lines = "\n".join(self.Query._hotline_text_help_lines())
        self.assertIn("QF", lines)
        self.assertIn("ZD", lines)

    def test_case_queries_counted_without_the_case(self):
        query = {
            "channel": "email",
            "sender": "wang@example.com",
            "company": self.company,
            "args": ("HT00012", "123456"),
            "complete": True,
        }
        self.Query._hotline_text_count(query, "case_query", "locked")
        self.Query._hotline_text_count(dict(query, channel="sms"), "help", "served")
        case_tx = self.logged("case_query")
        self.assertEqual((case_tx.channel, case_tx.outcome), ("email", "locked"))
        self.assertFalse(case_tx.caller, "a case query keeps no sender")
        self.assertFalse(case_tx.detail)
        self.assertEqual(self.logged("help").channel, "sms")

    def test_statistics_by_channel_and_rights(self):
        self.ask("arrears")
        self.ask("arrears", sender="wang@example.com", channel="email")
        self.Transaction._hotline_log({"caller": "13800138000"}, "arrears", "served")
        for role in ("supervisor", "finance"):
            groups = self.Transaction.with_user(self.role_users[role])._read_group(
                [("service", "=", "arrears")], ["channel"], ["__count"]
            )
            self.assertEqual(dict(groups), {"phone": 1, "sms": 1, "email": 1}, role)
        for role in ("agent", "handler", "leader"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Transaction.with_user(self.role_users[role]).search([])
