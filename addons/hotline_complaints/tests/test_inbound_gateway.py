# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import json
from datetime import UTC, datetime, timedelta, timezone

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CaseCommon

SMS_URL = "/hotline/inbound/sms"
FAX_URL = "/hotline/inbound/fax"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32
SHANGHAI = timezone(timedelta(hours=8))
# Messages arrive an hour ago, built from the clock: the gateway appends an SMS only
# to cases of the last days counted from now, so a fixed date would expire.
RECEIVED = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
RECEIVED_UTC = RECEIVED.replace(tzinfo=None)


@tagged("post_install", "-at_install")
class TestInboundGateway(CaseCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        Gateway = cls.env["hotline.inbound.gateway"]
        expiry = fields.Datetime.now() + timedelta(days=30)
        cls.sms_user = new_test_user(cls.env, "sms_gateway", groups="base.group_user")
        cls.fax_user = new_test_user(cls.env, "fax_gateway", groups="base.group_user")
        cls.sms_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.sms_user)
            ._generate("rpc", "sms", expiry)
        )
        cls.fax_key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.fax_user)
            ._generate("rpc", "fax", expiry)
        )
        cls.sms_gateway = Gateway.create(
            {
                "name": "SMS",
                "channel_code": "sms",
                "user_id": cls.sms_user.id,
                "case_type_id": cls.type_consultation.id,
            }
        )
        cls.fax_gateway = Gateway.create(
            {"name": "Fax", "channel_code": "fax", "user_id": cls.fax_user.id}
        )
        cls.customer.mobile = "139 1000 2000"

    # ------------------------------------------------------------------ helpers
    def post_sms(self, payload, key=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if key is not False:
            headers["Authorization"] = f"Bearer {key or self.sms_key}"
        data = raw if raw is not None else json.dumps(payload)
        response = self.url_open(SMS_URL, data=data, headers=headers)
        return response.status_code, response.json()

    def post_fax(self, payload=None, key=None, files=None, data=None):
        headers = {"Authorization": f"Bearer {key or self.fax_key}"}
        if files is None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(payload)
        response = self.url_open(FAX_URL, data=data, files=files, headers=headers)
        return response.status_code, response.json()

    def sms(self, message_id="sms-1", sender="+86 138 0013 8000", text="燃气味很大"):
        return {
            "message_id": message_id,
            "from": sender,
            "to": "12345",
            "text": text,
            "received_at": RECEIVED.astimezone(SHANGHAI).isoformat(),
        }

    def counts(self):
        return (
            self.env["helpdesk.ticket"].search_count([]),
            self.env["hotline.inbound.message"].search_count([]),
            self.env["sms.sms"].sudo().search_count([]),
        )

    def outgoing(self, number):
        return self.env["sms.sms"].sudo().search([("number", "=", number)])

    # ------------------------------------------------------------------ SMS
    def test_sms_opens_case_identifies_caller_and_acknowledges(self):
        status, body = self.post_sms(self.sms())
        self.assertEqual(status, 201, body)
        self.assertEqual(body["status"], "created")
        case = self.env["helpdesk.ticket"].search([("number", "=", body["case"])])
        self.assertEqual(case.channel_code, "sms")
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.case_type_id, self.type_consultation)
        self.assertEqual(case.hotline_state, "new")
        self.assertFalse(case.owner_id, "the agent who accepts it becomes the owner")
        self.assertIn("燃气味很大", case.description)
        self.assertEqual(
            fields.Datetime.to_string(case.intake_date),
            fields.Datetime.to_string(RECEIVED_UTC),
        )
        ack = self.outgoing("+86 138 0013 8000")
        self.assertEqual(len(ack), 1)
        self.assertIn(case.number, ack.body)
        self.assertIn(case.sudo().query_code, ack.body)
        message = self.env["hotline.inbound.message"].search(
            [("message_id", "=", "sms-1")]
        )
        self.assertEqual(message.ticket_id, case)
        self.assertEqual(message.result, "created")

    def test_sms_resend_creates_nothing(self):
        status, first = self.post_sms(self.sms())
        self.assertEqual(status, 201, first)
        before = self.counts()
        status, again = self.post_sms(self.sms(text="重发"))
        self.assertEqual(status, 200, again)
        self.assertEqual(again["status"], "duplicate")
        self.assertEqual(again["case"], first["case"])
        self.assertEqual(self.counts(), before)

    def test_sms_of_open_case_is_appended(self):
        status, first = self.post_sms(self.sms())
        self.assertEqual(status, 201, first)
        case = self.env["helpdesk.ticket"].search([("number", "=", first["case"])])
        # the same number written another way
        status, second = self.post_sms(
            self.sms("sms-2", sender="0086 13800138000", text="还没有人来")
        )
        self.assertEqual(status, 200, second)
        self.assertEqual(second["status"], "appended")
        self.assertEqual(second["case"], case.number)
        self.assertIn("还没有人来", case.message_ids[0].body)
        self.assertTrue(
            any(case.number in sms.body for sms in self.outgoing("0086 13800138000"))
        )
        # closed cases, or a gateway that never appends, open a new case
        self.sms_gateway.append_days = 0
        status, third = self.post_sms(self.sms("sms-3", text="另一件事"))
        self.assertEqual(status, 201, third)
        self.assertNotEqual(third["case"], case.number)

    def test_sms_joins_the_open_phone_case_not_a_closed_one(self):
        # the connector stores the caller ID as Asterisk presents it
        phone_case = self.new_case(caller_number="13800138000")
        status, body = self.post_sms(self.sms())
        self.assertEqual((status, body["status"]), (200, "appended"), body)
        self.assertEqual(body["case"], phone_case.number)
        phone_case.sudo().stage_id = phone_case._hotline_stage("closed")
        status, body = self.post_sms(self.sms("sms-2"))
        self.assertEqual((status, body["status"]), (201, "created"), body)
        self.assertNotEqual(body["case"], phone_case.number)

    def test_sms_unknown_number_opens_case_without_customer(self):
        status, body = self.post_sms(self.sms(sender="13700000000"))
        self.assertEqual(status, 201, body)
        case = self.env["helpdesk.ticket"].search([("number", "=", body["case"])])
        self.assertFalse(case.partner_id)
        self.assertEqual(case.caller_number, "+8613700000000")

    def test_sms_no_acknowledgement_when_gateway_forbids(self):
        self.sms_gateway.send_acknowledgement = False
        status, body = self.post_sms(self.sms())
        self.assertEqual(status, 201, body)
        self.assertFalse(self.outgoing("+86 138 0013 8000"))

    def test_sms_bad_input_writes_nothing(self):
        before = self.counts()
        cases = [
            (None, "not json"),
            ({k: v for k, v in self.sms().items() if k != "text"}, None),
            ({k: v for k, v in self.sms().items() if k != "message_id"}, None),
            (dict(self.sms(), received_at="yesterday"), None),
            (dict(self.sms(), **{"from": ["138"]}), None),
            ([self.sms()], None),
        ]
        for payload, raw in cases:
            status, body = self.post_sms(payload, raw=raw)
            self.assertEqual(status, 400, body)
            self.assertIn("error", body)
            self.assertTrue(body["message"])
        self.assertEqual(self.counts(), before)

    def test_hostile_input_answers_400_and_writes_nothing(self):
        """Issue 11 item 9: deep JSON, NUL bytes, years 1 and 9999 and
        ``pages: 1e400`` answered 500."""
        before = self.counts()
        sms = [
            ("[" * 30000 + "]" * 30000, "nested deeper"),
            (json.dumps(dict(self.sms(), text="燃气\x00味")), "NUL"),
            (json.dumps(dict(self.sms(), **{"from": "138\x00"})), "NUL"),
            (
                json.dumps(dict(self.sms(), received_at="0001-01-01T00:00:00+08:00")),
                "received_at",
            ),
            (
                json.dumps(dict(self.sms(), received_at="9999-12-31T23:59:59-08:00")),
                "received_at",
            ),
            (
                json.dumps(dict(self.sms(), received_at="0001-01-01T00:00:00")),
                "received_at",
            ),
        ]
        for raw, message in sms:
            with self.subTest(raw=raw[:60]):
                status, body = self.post_sms(None, raw=raw)
                self.assertEqual(status, 400, body)
                self.assertIn(message, body["message"])
        fax = dict(self.fax_fields(), document=base64.b64encode(PDF).decode())
        for payload, message in (
            (dict(fax, pages=1e400), "finite"),
            (dict(fax, pages=True), "pages"),
            (dict(fax, received_at="9999-12-31T23:59:59-08:00"), "received_at"),
        ):
            with self.subTest(message=message):
                status, body = self.post_fax(payload)
                self.assertEqual(status, 400, body)
                self.assertIn(message, body["message"])
        status, body = self.post_fax(
            files={"document": ("fax.pdf", PDF, "application/pdf")},
            data=dict(self.fax_fields(), to="400\x00"),
        )
        self.assertEqual(status, 400, body)
        self.assertIn("NUL", body["message"])
        self.assertEqual(self.counts(), before)

    def test_sms_too_large(self):
        before = self.counts()
        status, body = self.post_sms(self.sms(text="长" * 2001))
        self.assertEqual(status, 413, body)
        self.assertEqual(body["error"], "too_large")
        status, body = self.post_sms(None, raw="x" * (65 * 1024))
        self.assertEqual(status, 413, body)
        self.assertEqual(self.counts(), before)

    def test_keys(self):
        before = self.counts()
        status, body = self.post_sms(self.sms(), key=False)
        self.assertEqual(status, 401, body)
        self.assertEqual(body["error"], "unauthorized")
        status, body = self.post_sms(self.sms(), key="not-a-key")
        self.assertEqual(status, 401, body)
        self.assertEqual(body["error"], "unauthorized")
        # the fax server's key does not open the SMS webhook
        status, body = self.post_sms(self.sms(), key=self.fax_key)
        self.assertEqual(status, 403, body)
        self.sms_gateway.active = False
        status, body = self.post_sms(self.sms())
        self.assertEqual(status, 403, body)
        self.assertEqual(self.counts(), before)

    # ------------------------------------------------------------------ fax
    def fax_fields(self, message_id="fax-1"):
        return {
            "message_id": message_id,
            "from": "+86 138 0013 8000",
            "to": "010-12345",
            "pages": "2",
            "received_at": RECEIVED.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def test_fax_multipart_pdf_attached_to_case(self):
        status, body = self.post_fax(
            files={"document": ("scan.pdf", PDF, "application/pdf")},
            data=self.fax_fields(),
        )
        self.assertEqual(status, 201, body)
        case = self.env["helpdesk.ticket"].search([("number", "=", body["case"])])
        self.assertEqual(case.channel_code, "fax")
        self.assertEqual(case.partner_id, self.customer)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        self.assertEqual(attachment.name, "scan.pdf")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(attachment.raw, PDF)
        self.assertEqual(self.fax_gateway.message_ids.pages, 2)
        # the known customer's mobile gets the acknowledgement
        ack = self.outgoing(self.customer.mobile)
        self.assertIn(case.number, ack.body)
        before = self.counts()
        status, again = self.post_fax(
            files={"document": ("scan.pdf", PDF, "application/pdf")},
            data=self.fax_fields(),
        )
        self.assertEqual((status, again["status"]), (200, "duplicate"), again)
        self.assertEqual(again["case"], case.number)
        self.assertEqual(self.counts(), before)

    def test_fax_json_tiff(self):
        payload = dict(
            self.fax_fields("fax-2"),
            **{"from": "010-66668888", "document": base64.b64encode(TIFF).decode()},
        )
        status, body = self.post_fax(payload)
        self.assertEqual(status, 201, body)
        case = self.env["helpdesk.ticket"].search([("number", "=", body["case"])])
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        self.assertEqual(attachment.mimetype, "image/tiff")
        self.assertEqual(attachment.name, "fax-fax-2.tif")
        self.assertFalse(case.partner_id)

    def test_fax_bad_input_and_size(self):
        before = self.counts()
        bad = [
            dict(self.fax_fields(), document="%%%not base64"),
            dict(self.fax_fields(), document=base64.b64encode(b"GIF89a").decode()),
            self.fax_fields(),
            dict(
                self.fax_fields(),
                pages="many",
                document=base64.b64encode(PDF).decode(),
            ),
        ]
        for payload in bad:
            status, body = self.post_fax(payload)
            self.assertEqual(status, 400, body)
            self.assertIn("error", body)
        status, body = self.post_fax(
            files={"document": ("x.pdf", PDF, "application/pdf")},
            data={"from": "123"},
        )
        self.assertEqual(status, 400, body)
        self.fax_gateway.max_kb = 1
        status, body = self.post_fax(
            files={"document": ("big.pdf", PDF + b"0" * 2048, "application/pdf")},
            data=self.fax_fields(),
        )
        self.assertEqual(status, 413, body)
        status, body = self.post_fax(self.fax_fields(), key=self.sms_key)
        self.assertEqual(status, 403, body)
        self.assertEqual(self.counts(), before)

    # ------------------------------------------------------------------ rights
    def test_gateway_configuration_rights(self):
        users = self.role_users
        Gateway = self.env["hotline.inbound.gateway"]
        self.assertTrue(Gateway.with_user(users["supervisor"]).search([]))
        with self.assertRaises(AccessError):
            Gateway.with_user(users["supervisor"]).browse(self.sms_gateway.id).write(
                {"append_days": 1}
            )
        with self.assertRaises(AccessError):
            Gateway.with_user(users["agent"]).search([])
        Gateway.with_user(users["hotline_admin"]).browse(self.sms_gateway.id).write(
            {"append_days": 7}
        )
        self.assertEqual(self.sms_gateway.append_days, 7)
