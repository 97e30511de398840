# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The SMS and e-mail query service (短信/邮件查询): case status by case
number + query code on the inbound SMS gateway and the query e-mail alias,
the help, the rate limit shared with the portal and the IVR."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.hotline_attempt_limit import QUERY_LIMIT
from .common import CaseCommon

SMS_URL = "/hotline/inbound/sms"
SENDER = "+86 138 0013 8000"
QUERIER = "+8613800138000"
RAW_MAIL = """Return-Path: <{sender}>
To: {to}
From: Wang <{sender}>
Subject: {subject}
Message-ID: <{message_id}@mail.example.com>
Date: Thu, 3 Dec 2026 10:00:00 +0800
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestTextQuery(CaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.sms_user = new_test_user(cls.env, "sms_query_gw", groups="base.group_user")
        cls.sms_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.sms_user)
            ._generate("rpc", "sms", fields.Datetime.now() + timedelta(days=30))
        )
        cls.gateway = cls.env["hotline.inbound.gateway"].create(
            {
                "name": "SMS",
                "channel_code": "sms",
                "user_id": cls.sms_user.id,
                "case_type_id": cls.type_consultation.id,
            }
        )
        cls.case = cls.new_case(cls)
        cls.code = cls.case.sudo().query_code
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {"name": "hotline.example.com"}
        )
        cls.alias = cls.env.ref("hotline_complaints.mail_alias_case_query")
        cls.alias.alias_domain_id = cls.alias_domain

    # ------------------------------------------------------------------ helpers
    def receive(self, text, message_id="q-1", sender=SENDER):
        return self.gateway.sudo().hotline_receive_sms(
            message_id, sender, text, "10690000", False
        )

    def answers(self, number=SENDER):
        return self.env["sms.sms"].sudo().search([("number", "=", number)], order="id")

    def counts(self):
        return (
            self.env["helpdesk.ticket"].search_count([]),
            self.env["sms.sms"].sudo().search_count([]),
        )

    # ------------------------------------------------------------------ SMS
    def test_case_status_right_code(self):
        self.case.sudo().reply_summary = "已派员处理，燃气表已更换"
        tickets = self.env["helpdesk.ticket"].search_count([])
        status, message = self.receive(f"cx {self.case.number.lower()} {self.code}")
        self.assertEqual(status, "query")
        self.assertEqual(message.result, "query")
        self.assertEqual(message.query_command, "case_status")
        self.assertFalse(message.ticket_id, "a query is linked to no case")
        self.assertFalse(message.sender, "nor to who asked")
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets)
        answer = self.answers()
        self.assertEqual(len(answer), 1)
        self.assertIn(self.case.number, answer.body)
        self.assertIn("New", answer.body)
        self.assertIn("燃气表已更换", answer.body)
        self.assertNotIn(self.code, answer.body)

    def test_case_status_full_width_and_digits_only(self):
        digits = "".join(c for c in self.case.number if c.isdigit()).lstrip("0")
        wide = "\u3000".join(
            "".join(chr(ord(c) + 0xFEE0) for c in word) for word in (digits, self.code)
        )
        status, _message = self.receive(f"查询　{wide}")
        self.assertEqual(status, "query")
        self.assertIn(self.case.number, self.answers().body)

    def test_case_status_wrong_code(self):
        wrong = f"{(int(self.code) + 1) % 10**6:06d}"
        status, _message = self.receive(f"CX {self.case.number} {wrong}")
        self.assertEqual(status, "query")
        body = self.answers().body
        self.assertIn("wrong", body)
        self.assertNotIn(self.case.name, body)
        self.assertNotIn("New", body)
        row = (
            self.env["hotline.attempt.limit"]
            .sudo()
            .search([("key", "=", f"case_query:caller:{QUERIER}")])
        )
        self.assertEqual(row.failures, 1, "counted per sending number, normalised")

    def test_rate_limit_locks_like_portal_and_ivr(self):
        wrong = f"{(int(self.code) + 1) % 10**6:06d}"
        for n in range(QUERY_LIMIT):
            self.receive(f"CX {self.case.number} {wrong}", message_id=f"w-{n}")
        # the limit is reached: even the right code waits, from any channel
        self.receive(f"CX {self.case.number} {self.code}", message_id="right")
        last = self.answers()[-1]
        self.assertIn("Too many wrong codes", last.body)
        self.assertNotIn("New", last.body)
        portal = self.env["helpdesk.ticket"].hotline_query_result(
            self.case.number, self.code, ip="192.0.2.1"
        )
        self.assertEqual(portal["status"], "locked")
        # a wrong code by the portal counts against SMS queries as well
        self.env["hotline.attempt.limit"].sudo().search(
            [("key", "like", "case_query:%")]
        ).unlink()
        for n in range(QUERY_LIMIT):
            self.env["helpdesk.ticket"].hotline_query_result(
                self.case.number, wrong, ip=f"192.0.2.{n}"
            )
        self.receive(f"CX {self.case.number} {self.code}", message_id="right-2")
        self.assertIn("Too many wrong codes", self.answers()[-1].body)

    def test_confidential_case_shows_no_more_than_portal(self):
        report = self.new_case(
            case_type_id=self.type_report.id,
            name="举报某站点偷气",
            caller_number=SENDER,
        )
        self.assertTrue(report.is_confidential)
        report.sudo().reply_summary = "已查处"
        status, message = self.receive(f"CX {report.number} {report.sudo().query_code}")
        self.assertEqual(status, "query")
        body = self.answers().body
        self.assertIn(report.number, body)
        self.assertIn("已查处", body)
        self.assertNotIn("偷气", body)
        self.assertFalse(message.ticket_id)
        self.assertNotIn(report.number, message.display_name)

    def test_incomplete_case_query_explains_usage(self):
        before = self.env["helpdesk.ticket"].search_count([])
        status, _message = self.receive("CX")
        self.assertEqual(status, "query")
        self.assertIn("CX <case number> <query code>", self.answers().body)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), before)

    def test_help_lists_commands(self):
        for n, text in enumerate(("BZ", "帮助", "？")):
            status, message = self.receive(text, message_id=f"h-{n}")
            self.assertEqual(status, "query")
            self.assertEqual(message.query_command, "help")
        answers = self.answers()
        self.assertEqual(len(answers), 3)
        for answer in answers:
            self.assertIn("CX <case number> <query code>", answer.body)
            self.assertIn("BZ", answer.body)

    def test_unknown_text_still_opens_a_case(self):
        status, message = self.receive("查询一下，燃气味很大")
        self.assertEqual(status, "created")
        self.assertEqual(message.result, "created")
        self.assertFalse(message.query_command)
        self.assertIn(message.ticket_id.number, self.answers().body)
        # a case-status keyword with Chinese words is text for the case
        status, _message = self.receive("CX 还没有人来", message_id="q-2")
        self.assertEqual(status, "appended")

    def test_unregistered_command_is_no_answer(self):
        answer = self.env["hotline.text.query"]._hotline_text_answer(
            "unknown",
            {
                "channel": "sms",
                "sender": SENDER,
                "company": self.env.company,
                "args": (),
                "complete": True,
            },
        )
        self.assertIsNone(answer)

    def test_query_resend_is_a_duplicate(self):
        self.receive("BZ")
        before = self.counts()
        status, message = self.receive("BZ")
        self.assertEqual(status, "duplicate")
        self.assertEqual(message.query_command, "help")
        self.assertEqual(self.counts(), before)

    def test_http_gateway_public_with_its_token(self):
        payload = {
            "message_id": "http-1",
            "from": SENDER,
            "to": "10690000",
            "text": f"CX {self.case.number} {self.code}",
        }
        before = self.counts()
        with mute_logger("odoo.http"):
            response = self.url_open(
                SMS_URL,
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        self.assertEqual(response.status_code, 401)
        self.assertNotIn(self.case.number, response.text)
        self.assertEqual(self.counts(), before)
        response = self.url_open(
            SMS_URL,
            data=json.dumps(payload),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.sms_key}",
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(body["status"], "query")
        self.assertIsNone(body["case"], "the answer goes by SMS, not to the gateway")
        self.assertIn(self.case.number, self.answers().body)

    def test_query_logs_rights(self):
        self.receive("BZ")
        for role in ("agent", "handler", "leader", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["hotline.inbound.message"].with_user(
                    self.role_users[role]
                ).search([])
        logs = (
            self.env["hotline.inbound.message"]
            .with_user(self.role_users["supervisor"])
            .search([("query_command", "=", "help")])
        )
        self.assertEqual(len(logs), 1)

    # ------------------------------------------------------------------ e-mail
    def mail(self, subject, body="", sender="wang@example.com", message_id="m1"):
        raw = RAW_MAIL.format(
            sender=sender,
            to=self.alias.alias_full_name,
            subject=subject,
            body=body,
            message_id=message_id,
        )
        self.env["mail.thread"].message_process(None, raw.encode())
        return self.env["hotline.query.mail"].search([], limit=1)

    def mails_to(self, address):
        return self.env["mail.mail"].sudo().search([("email_to", "=", address)])

    def test_email_case_status(self):
        self.case.sudo().reply_summary = "已派员处理"
        record = self.mail(f"CX {self.case.number} {self.code}")
        self.assertFalse(record.email_from, "who asked about a case is not kept")
        self.assertEqual(record.query_command, "case_status")
        self.assertTrue(record.answered)
        self.assertEqual(record.company_id, self.env.company)
        answer = self.mails_to("wang@example.com")
        self.assertEqual(len(answer), 1)
        self.assertIn(self.case.number, answer.body_html)
        self.assertIn("已派员处理", answer.body_html)
        # the query code is not kept with the e-mail
        texts = " ".join((m.body or "") + (m.subject or "") for m in record.message_ids)
        self.assertNotIn(self.code, texts)
        self.assertNotIn(self.case.number, texts)
        self.assertNotIn("wang@", str(record.message_ids.mapped("email_from")))
        self.assertNotIn(self.customer, record.message_ids.author_id)

    def test_email_command_in_body_and_wrong_code(self):
        wrong = f"{(int(self.code) + 1) % 10**6:06d}"
        record = self.mail("查询", body=f"查询 {self.case.number} {wrong}\n\n王")
        self.assertEqual(record.query_command, "case_status")
        answer = self.mails_to("wang@example.com")
        self.assertIn("wrong", answer.body_html)
        row = (
            self.env["hotline.attempt.limit"]
            .sudo()
            .search([("key", "=", "case_query:caller:mail:wang@example.com")])
        )
        self.assertEqual(row.failures, 1)

    def test_email_not_a_command_gets_help(self):
        tickets = self.env["helpdesk.ticket"].search_count([])
        record = self.mail("你好", body="请问怎么查询我的投诉？")
        self.assertEqual(record.query_command, "help")
        answer = self.mails_to("wang@example.com")
        self.assertIn("CX &lt;case number&gt; &lt;query code&gt;", answer.body_html)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), tickets)

    def test_email_rights(self):
        record = self.mail("BZ")
        self.assertEqual(record.email_from, "wang@example.com")
        for role in ("agent", "handler", "leader", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.env["hotline.query.mail"].with_user(self.role_users[role]).search(
                    []
                )
        supervisor = self.env["hotline.query.mail"].with_user(
            self.role_users["supervisor"]
        )
        record = supervisor.search([])
        self.assertEqual(len(record), 1)
        with self.assertRaises(AccessError):
            record.write({"email_from": "x@example.com"})
        with self.assertRaises(AccessError):
            supervisor.create({"email_from": "x@example.com"})
