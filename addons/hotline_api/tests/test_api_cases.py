# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command
from odoo.tests import tagged

from .common import ApiCommon

NAME = "李举报"
NUMBER = "13912345678"


@tagged("post_install", "-at_install")
class TestApiCases(ApiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "张燃气",
                "hotline_customer_number": "API-C-1",
                "mobile": "+86 138 0000 2222",
            }
        )
        cls.reporter = cls.env["res.partner"].create(
            {"name": NAME, "phone": NUMBER, "hotline_customer_number": "API-C-2"}
        )
        cls.call = cls.env["hotline.call"].create(
            {"linkedid": "api-555.1", "caller_number": NUMBER}
        )
        cls.report = (
            cls.env["helpdesk.ticket"]
            .with_user(cls.role_users["agent"])
            .create(
                {
                    "name": "举报非法倒卖液化气",
                    "description": "<p>地下室非法充装</p>",
                    "case_type_id": cls.env.ref(
                        "hotline_complaints.case_type_report"
                    ).id,
                    "channel_id": cls.env.ref(
                        "helpdesk_mgmt.helpdesk_ticket_channel_phone"
                    ).id,
                    "partner_id": cls.reporter.id,
                    "caller_number": NUMBER,
                    "call_ids": [Command.set(cls.call.ids)],
                }
            )
        )

    def cases(self, title):
        return self.env["helpdesk.ticket"].search([("name", "=", title)])

    def test_create_case_and_query_status(self):
        body = {
            "title": "燃气表漏气",
            "description": "客户在营业厅反映燃气表漏气",
            "channel": "web",
            "customer_number": "API-C-1",
            "case_type": "complaint",
            "received_at": "2026-03-02T09:30:00+08:00",
        }
        status, payload, _r = self.api("POST", "/cases", "cases", body)
        self.assertEqual(status, 201, payload)
        case = self.cases("燃气表漏气")
        self.assertEqual(payload["number"], case.number)
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.channel_id.hotline_code, "web")
        self.assertEqual(case.case_type_id.code, "complaint")
        self.assertEqual(str(case.intake_date), "2026-03-02 01:30:00")
        self.assertEqual(case.create_uid, self.api_users["cases"])
        for role in ("cases", "read"):
            status, got, _r = self.api("GET", f"/cases/{case.number}", role)
            self.assertEqual(status, 200)
            self.assertEqual(got["customer_number"], "API-C-1")
            self.assertEqual(got["channel"], "web")
            self.assertFalse(got["closed"])
        self.assertEqual(self.api("GET", "/cases/NOPE-1", "cases")[0], 404)

    def test_bad_case_input(self):
        for body, expected in (
            ({"title": "x", "case_type": "nope"}, 400),
            ({"title": "x", "customer_number": "NOPE"}, 404),
            ({"title": "x", "channel": "pigeon"}, 422),
            ({"title": ""}, 422),
            ({"description": "no title"}, 422),
        ):
            with self.subTest(body=body):
                status, payload, _r = self.api("POST", "/cases", "cases", body)
                self.assertEqual(status, expected, payload)
        self.assertFalse(self.cases("x"))

    def test_idempotent_case_creation(self):
        headers = {"Idempotency-Key": "oa-4711"}
        body = {"title": "OA 转办件"}
        status, first, _r = self.api("POST", "/cases", "cases", body, headers=headers)
        self.assertEqual(status, 201)
        status, second, response = self.api(
            "POST", "/cases", "cases", body, headers=headers
        )
        self.assertEqual((status, second["number"]), (201, first["number"]))
        self.assertEqual(response.headers["Idempotent-Replayed"], "true")
        self.assertEqual(len(self.cases("OA 转办件")), 1)
        status = self.api(
            "POST", "/cases", "cases", {"title": "另一件"}, headers=headers
        )[0]
        self.assertEqual(status, 409)
        self.assertFalse(self.cases("另一件"))

    def test_confidential_report_never_names_its_reporter(self):
        self.assertTrue(self.report.is_confidential)
        status, payload, response = self.api("GET", f"/cases/{self.report.number}")
        self.assertEqual(status, 200)
        self.assertIsNone(payload["customer_number"])
        for secret in (NAME, NUMBER, "API-C-2"):
            self.assertNotIn(secret, response.text)
        # a report created through the API is confidential too
        body = {
            "title": "举报窃气",
            "case_type": "report",
            "customer_number": "API-C-1",
            "caller_number": "13800002222",
        }
        status, payload, response = self.api("POST", "/cases", "cases", body)
        self.assertEqual(status, 201, payload)
        self.assertTrue(self.cases("举报窃气").is_confidential)
        self.assertIsNone(payload["customer_number"])
        for secret in ("API-C-1", "13800002222", "张燃气"):
            self.assertNotIn(secret, response.text)

    def test_add_note(self):
        number = self.report.number
        headers = {"Idempotency-Key": "note-1"}
        body = {"body": "营业系统：已安排上门检查"}
        status, payload, _r = self.api(
            "POST", f"/cases/{number}/notes", "cases", body, headers=headers
        )
        self.assertEqual(status, 201, payload)
        message = self.env["mail.message"].browse(payload["id"])
        self.assertEqual(message.res_id, self.report.id)
        self.assertEqual(message.author_id, self.api_users["cases"].partner_id)
        self.assertTrue(message.is_internal or message.subtype_id.internal)
        self.api("POST", f"/cases/{number}/notes", "cases", body, headers=headers)
        notes = self.env["mail.message"].search(
            [("res_id", "=", self.report.id), ("body", "ilike", "已安排上门检查")]
        )
        self.assertEqual(len(notes), 1)
        self.assertEqual(self.api("POST", "/cases/NOPE/notes", "cases", body)[0], 404)
        self.assertEqual(
            self.api("POST", f"/cases/{number}/notes", "cases", {"body": ""})[0], 422
        )
