# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""SMS providers under Odoo's sms.sms, against a local fake of each provider's
API (tests/sms_fake.py): the SDKs and the gateway client really talk HTTP."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import HotlineCommon
from .sms_fake import FakeSmsServer

ACK = "您的案件${case}已受理,查询码${code}。"
ACK_BODY = "您的案件HL-0001已受理,查询码4321。"


class SmsProviderCase(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeSmsServer().start()
        cls.addClassCleanup(cls.fake.stop)
        cls.company = cls.env.company
        Provider = cls.env["hotline.sms.provider"].sudo()
        cls.aliyun = Provider.create(
            {
                "name": "Aliyun",
                "kind": "aliyun",
                "sign_name": "华燃燃气",
                "endpoint": cls.fake.url,
                "access_key": "AKID",
                "secret_key": "SECRET",
                "timeout": 2,
                "max_attempts": 3,
                "retry_delay": 60,
                "template_map_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Acknowledgement",
                            "provider_template_code": "SMS_1001",
                            "content": ACK,
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "name": "Callback",
                            "code": "callback_notice",
                            "provider_template_code": "SMS_1002",
                            "content": "我们将在${when}回电。",
                        },
                    ),
                ],
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "李明", "mobile": "+86 138 0000 0001"}
        )

    def setUp(self):
        super().setUp()
        self.fake.reset()

    def _make_sms(self, body=ACK_BODY, **values):
        return (
            self.env["sms.sms"]
            .sudo()
            .create({"number": "+8613800000001", "body": body, **values})
        )


@tagged("post_install", "-at_install")
class TestSmsProvider(SmsProviderCase, MockSMS):
    def test_aliyun_message_post_sends_template(self):
        """A message posted by SMS on a record goes through Aliyun's SendSms."""
        message = self.partner._message_sms(ACK_BODY, partner_ids=self.partner.ids)
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(sms.state, "pending")
        self.assertEqual(sms.hotline_provider_id, self.aliyun)
        self.assertTrue(sms.hotline_provider_message_id.endswith("^0"))
        (req,) = self.fake.requests
        self.assertEqual(req["kind"], "aliyun")
        self.assertTrue(req["headers"]["authorization"].startswith("ACS3-HMAC-SHA256"))
        self.assertEqual(req["query"]["SignName"], "华燃燃气")
        self.assertEqual(req["query"]["TemplateCode"], "SMS_1001")
        self.assertEqual(
            json.loads(req["query"]["TemplateParam"]),
            {"case": "HL-0001", "code": "4321"},
        )
        self.assertEqual(req["query"]["OutId"], sms.uuid)
        self.assertEqual(req["query"]["PhoneNumbers"], "13800000001")
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "pending")

    def test_composer_uses_provider(self):
        composer = (
            self.env["sms.composer"]
            .with_context(active_model="res.partner", active_id=self.partner.id)
            .create({"body": ACK_BODY})
        )
        composer._action_send_sms()
        self.assertEqual(len(self.fake.requests), 1)
        self.assertEqual(self.fake.requests[0]["query"]["TemplateCode"], "SMS_1001")

    def test_sms_template_rendering_the_approved_wording(self):
        """An Odoo SMS template (composer, automated actions) maps by its text."""
        template = self.env["sms.template"].create(
            {
                "name": "Ack",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "您的案件{{ object.ref }}已受理,查询码{{ object.zip }}。",
            }
        )
        self.aliyun.template_map_ids[0].sms_template_id = template
        self.partner.write({"ref": "HL-0042", "zip": "100020"})
        composer = (
            self.env["sms.composer"]
            .with_context(active_model="res.partner", active_id=self.partner.id)
            .create({"template_id": template.id})
        )
        composer._action_send_sms()
        (req,) = self.fake.requests
        self.assertEqual(
            json.loads(req["query"]["TemplateParam"]),
            {"case": "HL-0042", "code": "100020"},
        )

    def test_unmapped_message_refused_before_sending(self):
        message = self.partner._message_sms(
            "随便写的短信", partner_ids=self.partner.ids
        )
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "unknown")
        self.assertIn("no approved template", sms.hotline_failure_reason)
        self.assertFalse(self.fake.requests)
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "exception")
        self.assertIn("no approved template", notification.failure_reason)

    def test_template_code_from_addon(self):
        sms = self._make_sms(
            body="any text",
            hotline_template_code="callback_notice",
            hotline_template_params={"when": "今天下午"},
        )
        sms.send()
        self.assertEqual(sms.state, "pending")
        query = self.fake.requests[0]["query"]
        self.assertEqual(query["TemplateCode"], "SMS_1002")
        self.assertEqual(json.loads(query["TemplateParam"]), {"when": "今天下午"})

    def test_missing_number(self):
        sms = self._make_sms(number=False)
        sms.send()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_number_missing"))
        self.assertFalse(self.fake.requests)

    def test_provider_errors_mapped(self):
        cases = [
            ("isv.MOBILE_NUMBER_ILLEGAL", "sms_number_format"),
            ("isv.AMOUNT_NOT_ENOUGH", "sms_credit"),
            ("isv.SMS_TEMPLATE_ILLEGAL", "unknown"),
        ]
        for code, failure_type in cases:
            self.fake.push(200, FakeSmsServer.aliyun_error(code, "运营商说明"))
            sms = self._make_sms()
            sms.send()
            self.assertEqual((sms.state, sms.failure_type), ("error", failure_type))
            self.assertEqual(sms.hotline_failure_reason, f"[{code}] 运营商说明")
            self.assertEqual(sms.hotline_attempts, 1)
            self.assertFalse(sms.hotline_retry_at)
        self.assertEqual(len(self.fake.requests), 3)

    def test_transient_errors_retry_with_backoff_and_cap(self):
        sms = self._make_sms()
        self.fake.push(
            200, FakeSmsServer.aliyun_error("isv.BUSINESS_LIMIT_CONTROL", "流控")
        )
        before = fields.Datetime.now()
        sms.send()
        self.assertEqual((sms.state, sms.hotline_attempts), ("outgoing", 1))
        self.assertGreaterEqual(sms.hotline_retry_at, before + timedelta(seconds=59))
        # not due yet: the queue leaves it alone
        self.env["sms.sms"]._process_queue()
        self.assertEqual(len(self.fake.requests), 1)
        # due: second attempt, a 5xx, waits twice as long
        sms.hotline_retry_at = fields.Datetime.now() - timedelta(seconds=1)
        self.fake.push(503, {"Code": "ServiceUnavailable", "Message": "busy"})
        before = fields.Datetime.now()
        self.env["sms.sms"]._process_queue()
        self.assertEqual((sms.state, sms.hotline_attempts), ("outgoing", 2))
        self.assertGreaterEqual(sms.hotline_retry_at, before + timedelta(seconds=119))
        # third attempt (the cap) fails for good
        sms.hotline_retry_at = fields.Datetime.now() - timedelta(seconds=1)
        self.fake.push(200, None, delay=3)  # longer than the provider's timeout
        self.env["sms.sms"]._process_queue()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertEqual(sms.hotline_attempts, 3)
        self.assertEqual(len(self.fake.requests), 3)

    def test_retry_succeeds_and_never_sends_twice(self):
        sms = self._make_sms()
        self.fake.push(200, FakeSmsServer.aliyun_error("Throttling.User", "慢点"))
        sms.send()
        sms.hotline_retry_at = fields.Datetime.now() - timedelta(seconds=1)
        self.env["sms.sms"]._process_queue()
        self.assertEqual(sms.state, "pending")
        self.assertFalse(sms.hotline_retry_at)
        first_id = sms.hotline_provider_message_id
        # sent: neither send() nor the queue nor a resend sends it again
        sms.send()
        self.env["sms.sms"]._process_queue()
        sms.resend_failed()
        self.assertEqual(len(self.fake.requests), 2)
        self.assertEqual({r["query"]["OutId"] for r in self.fake.requests}, {sms.uuid})
        self.assertEqual(sms.hotline_provider_message_id, first_id)
        # a message caught in processing (a crash mid-send) is not resent either
        stuck = self._make_sms()
        stuck.state = "process"
        self.env["sms.sms"]._process_queue()
        stuck.send()
        self.assertEqual(len(self.fake.requests), 2)

    def test_tencent(self):
        tencent = (
            self.env["hotline.sms.provider"]
            .sudo()
            .create(
                {
                    "name": "Tencent",
                    "kind": "tencent",
                    "sign_name": "华燃",
                    "endpoint": self.fake.url,
                    "sdk_app_id": "1400000001",
                    "access_key": "SID",
                    "secret_key": "SKEY",
                    "sequence": 1,
                    "template_map_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Ack",
                                "provider_template_code": "449739",
                                "content": "您的案件${1}已受理,查询码${2}。",
                            },
                        )
                    ],
                }
            )
        )
        sms = self._make_sms()
        sms.send()
        self.assertEqual(sms.hotline_provider_id, tencent)
        self.assertEqual(sms.state, "pending")
        body = self.fake.requests[0]["body"]
        self.assertEqual(body["TemplateParamSet"], ["HL-0001", "4321"])
        self.assertEqual(body["SessionContext"], sms.uuid)
        self.assertEqual(body["SignName"], "华燃")
        self.assertTrue(
            self.fake.requests[0]["headers"]["authorization"].startswith("TC3-HMAC")
        )
        self.fake.push(
            200,
            FakeSmsServer.tencent_status_error(
                "InvalidParameterValue.IncorrectPhoneNumber", "手机号格式错误"
            ),
        )
        bad = self._make_sms()
        bad.send()
        self.assertEqual((bad.state, bad.failure_type), ("error", "sms_number_format"))
        self.assertIn("手机号格式错误", bad.hotline_failure_reason)
        with self.assertRaises(ValidationError):
            tencent.template_map_ids[0].content = "您好${name}"

    def test_http_gateway(self):
        gateway = (
            self.env["hotline.sms.provider"]
            .sudo()
            .create(
                {
                    "name": "Gateway",
                    "kind": "http",
                    "sign_name": "华燃",
                    "sequence": 1,
                    "endpoint": self.fake.url + "/gw/send",
                    "access_key": "acct",
                    "secret_key": "pw",
                    "http_body_template": json.dumps(
                        {
                            "user": "{{account}}",
                            "mobile": "{{number}}",
                            "tpl": "{{template_code}}",
                            "vars": "{{params}}",
                            "ref": "{{out_id}}",
                        }
                    ),
                    "http_headers_template": '{"X-Key": "{{secret}}"}',
                    "http_success_path": "code",
                    "http_success_value": "0",
                    "http_message_id_path": "data.msgid",
                    "http_error_text_path": "msg",
                    "template_map_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Ack",
                                "provider_template_code": "T1",
                                "content": ACK,
                            },
                        )
                    ],
                }
            )
        )
        sms = self._make_sms()
        sms.send()
        self.assertEqual((sms.state, sms.hotline_provider_id), ("pending", gateway))
        self.assertTrue(sms.hotline_provider_message_id.startswith("gw-"))
        req = self.fake.requests[0]
        self.assertEqual(req["headers"]["x-key"], "pw")
        self.assertEqual(
            req["body"],
            {
                "user": "acct",
                "mobile": "+8613800000001",
                "tpl": "T1",
                "vars": {"case": "HL-0001", "code": "4321"},
                "ref": sms.uuid,
            },
        )
        self.fake.push(200, {"code": 44, "msg": "模板不存在"})
        bad = self._make_sms()
        bad.send()
        self.assertEqual(bad.state, "error")
        self.assertEqual(bad.hotline_failure_reason, "[HTTP 200] 模板不存在")

    def test_iap_provider_or_none_keeps_odoo_iap(self):
        self.aliyun.kind = "iap"
        with self.mockSMSGateway():
            sms = self._make_sms(body="free text is fine with IAP")
            sms.send(unlink_sent=False)
        self.assertEqual(sms.state, "pending")
        self.assertFalse(sms.hotline_provider_id)
        self.assertEqual(len(self._sms), 1)
        self.assertFalse(self.fake.requests)
        self.aliyun.active = False
        with self.mockSMSGateway():
            sms = self._make_sms(body="no provider at all")
            sms.send(unlink_sent=False)
        self.assertEqual(sms.state, "pending")
        self.assertFalse(self.fake.requests)

    def test_other_company_without_provider_uses_iap(self):
        other = self.env["res.company"].create({"name": "Other gas co"})
        with self.mockSMSGateway():
            sms = self._make_sms(body="free text", hotline_company_id=other.id)
            sms.send(unlink_sent=False)
        self.assertEqual(len(self._sms), 1)
        self.assertFalse(self.fake.requests)

    def test_test_button(self):
        provider = self.aliyun.with_user(self.role_users["hotline_admin"])
        with self.assertRaises(UserError):
            provider.action_test()
        provider.write(
            {
                "test_number": "13800000009",
                "test_template_map_id": self.aliyun.template_map_ids[0].id,
            }
        )
        action = provider.action_test()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            json.loads(self.fake.requests[0]["query"]["TemplateParam"]),
            {"case": "1234", "code": "1234"},
        )
        self.fake.push(
            200, FakeSmsServer.aliyun_error("isv.SMS_TEMPLATE_ILLEGAL", "模板不合法")
        )
        action = provider.action_test()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("模板不合法", provider.last_test_result)

    def test_roles(self):
        for role in ("agent", "supervisor", "handler", "leader", "finance"):
            user = self.role_users[role]
            with self.assertRaises(AccessError):
                self.env["hotline.sms.provider"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.aliyun.with_user(user).read(["secret_key"])
            with self.assertRaises(AccessError):
                self.env["hotline.sms.template.map"].with_user(user).search([])
        admin = self.role_users["hotline_admin"]
        provider = self.aliyun.with_user(admin)
        self.assertEqual(provider.secret_key, "SECRET")
        self.assertTrue(provider.callback_url.endswith(provider.callback_token))
        provider.template_map_ids[0].name = "Ack"
        # credentials hidden from anyone outside Hotline admins
        plain = self.env["hotline.sms.provider"].with_user(self.user_internal)
        self.assertNotIn("secret_key", plain.fields_get())
        self.assertNotIn("access_key", plain.fields_get())
        # an agent's SMS still goes through the provider, without seeing it
        agent = self.role_users["agent"]
        self.partner.with_user(agent)._message_sms(
            ACK_BODY, partner_ids=self.partner.ids
        )
        self.assertEqual(len(self.fake.requests), 1)


@tagged("post_install", "-at_install")
class TestSmsReport(SmsProviderCase, HttpCase):
    def _sent(self):
        message = self.partner._message_sms(ACK_BODY, partner_ids=self.partner.ids)
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        self.assertEqual(sms.state, "pending")
        return sms, message.notification_ids

    def _post(self, provider, payload, token=None):
        url = f"/hotline/sms/report/{provider.id}/{token or provider.callback_token}"
        data = payload if isinstance(payload, bytes) else json.dumps(payload)
        return self.url_open(
            url, data=data, headers={"Content-Type": "application/json"}
        )

    def test_aliyun_delivered(self):
        sms, notification = self._sent()
        response = self._post(
            self.aliyun,
            [
                {
                    "phone_number": "13800000001",
                    "send_time": "2026-01-01 10:00:00",
                    "report_time": "2026-01-01 10:00:03",
                    "success": True,
                    "err_code": "DELIVERED",
                    "err_msg": "用户接收成功",
                    "sms_size": "1",
                    "biz_id": sms.hotline_provider_message_id,
                    "out_id": sms.uuid,
                }
            ],
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"code": 0, "msg": "接收成功"})
        self.assertEqual(sms.state, "sent")
        self.assertEqual(notification.notification_status, "sent")

    def test_tencent_failed(self):
        self.aliyun.active = False
        tencent = (
            self.env["hotline.sms.provider"]
            .sudo()
            .create(
                {
                    "name": "Tencent",
                    "kind": "tencent",
                    "sign_name": "华燃",
                    "endpoint": self.fake.url,
                    "sdk_app_id": "1400000001",
                    "access_key": "SID",
                    "secret_key": "SKEY",
                    "template_map_ids": [
                        (
                            0,
                            0,
                            {
                                "name": "Ack",
                                "provider_template_code": "449739",
                                "content": "您的案件${1}已受理,查询码${2}。",
                            },
                        )
                    ],
                }
            )
        )
        sms, notification = self._sent()
        response = self._post(
            tencent,
            [
                {
                    "user_receive_time": "2026-01-01 10:00:04",
                    "nationcode": "86",
                    "mobile": "13800000001",
                    "report_status": "FAIL",
                    "errmsg": "MK:0001",
                    "description": "空号",
                    "sid": sms.hotline_provider_message_id,
                }
            ],
        )
        self.assertEqual(response.json(), {"result": 0, "errmsg": "OK"})
        self.assertEqual((sms.state, sms.failure_type), ("error", "unknown"))
        self.assertEqual(sms.hotline_failure_reason, "[MK:0001] 空号")
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "sms_not_delivered")

    def test_refused_reports_write_nothing(self):
        sms, notification = self._sent()
        good = [{"success": True, "biz_id": sms.hotline_provider_message_id}]
        self.assertEqual(self._post(self.aliyun, good, token="wrong").status_code, 404)
        url = f"/hotline/sms/report/{self.aliyun.id}"
        response = self.url_open(url, data=json.dumps(good))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self._post(self.aliyun, b"not json").status_code, 400)
        self.assertEqual(
            self._post(self.aliyun, [{"success": "yes", "biz_id": "1"}]).status_code,
            400,
        )
        self.assertEqual(self._post(self.aliyun, {"a": 1}).status_code, 400)
        self.assertEqual(sms.state, "pending")
        self.assertEqual(notification.notification_status, "pending")
        # the token in a header works for gateways; a report of another
        # provider's message changes nothing
        response = self.url_open(
            url,
            data=json.dumps([{"success": False, "biz_id": "someone-else"}]),
            headers={"X-Hotline-Token": self.aliyun.callback_token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(sms.state, "pending")
        old_token = self.aliyun.callback_token
        self.aliyun.with_user(
            self.role_users["hotline_admin"]
        ).action_regenerate_token()
        self.assertNotEqual(self.aliyun.callback_token, old_token)
        self.assertEqual(
            self._post(self.aliyun, good, token=old_token).status_code, 404
        )
        self.aliyun.kind = "iap"
        self.assertEqual(self._post(self.aliyun, good).status_code, 404)
