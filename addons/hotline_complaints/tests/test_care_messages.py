# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import CaseCommon

# 10:00 and 22:30 in Shanghai, the next morning at 08:05 (naive UTC)
DAY = datetime(2026, 6, 15, 2, 0)
NIGHT = datetime(2026, 6, 15, 14, 30)
MORNING = datetime(2026, 6, 16, 0, 5)
MOBILE = "+8613800138000"


@tagged("post_install", "-at_install")
class TestCareMessages(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.country_id = cls.env.ref("base.cn")
        cls.company.partner_id.tz = "Asia/Shanghai"
        cls.company.write(
            {
                "hotline_care_quiet_hours": True,
                "hotline_care_quiet_start": 21.0,
                "hotline_care_quiet_end": 8.0,
                "hotline_care_case_ack": True,
                "hotline_care_callback": True,
                "hotline_care_work_order": True,
            }
        )
        cls.Care = cls.env["hotline.care.message"]
        # demo cases taken by phone have their own care messages and SMS
        cls.old_care = cls.Care.search([]).ids
        cls.old_sms = cls.env["sms.sms"].sudo().search([]).ids
        cls.fitter = new_test_user(
            cls.env,
            login="hl_care_fitter",
            name="抢修工 李师傅",
            groups="hotline_base.group_case_handler",
        )

    def care(self, kind):
        return self.Care.search([("kind", "=", kind), ("id", "not in", self.old_care)])

    def sms_to(self, number=MOBILE):
        return (
            self.env["sms.sms"]
            .sudo()
            .search([("number", "=", number), ("id", "not in", self.old_sms)])
        )

    def phone_case(self, **vals):
        values = {"partner_id": self.customer.id, "caller_number": "13800138000"}
        values.update(vals)
        return self.new_case(**values)

    def replied(self, case):
        users = self.role_users
        case.with_user(users["agent"]).action_hotline_accept()
        case.with_user(users["agent"]).hotline_dispatch(
            self.team_gas, user=users["handler"], note="请处理"
        )
        case.with_user(users["handler"]).action_hotline_start()
        case.with_user(users["handler"]).hotline_reply("letter", "已上门处理")
        self.assertEqual(case.hotline_state, "replied")

    # ------------------------------------------------------------ acknowledgement
    @freeze_time(DAY)
    def test_phone_case_acknowledged(self):
        case = self.phone_case()
        care = self.care("case_ack")
        self.assertEqual(care.state, "sent")
        self.assertEqual((care.res_model, care.res_id), ("helpdesk.ticket", case.id))
        sms = self.sms_to()
        self.assertEqual(len(sms), 1)
        self.assertIn(case.number, sms.body)
        self.assertIn(case.sudo().query_code, sms.body)
        # same wording as the SMS intake's acknowledgement
        self.assertEqual(
            sms.body,
            f"Case {case.number} received. Query the result with the code "
            f"{case.sudo().query_code}.",
        )

    @freeze_time(DAY)
    def test_landline_caller_gets_it_on_the_customer_mobile(self):
        self.customer.mobile = "139 1000 2000"
        self.phone_case(caller_number="010 6512 3456")
        self.assertEqual(self.care("case_ack").number, "+8613910002000")

    @freeze_time(DAY)
    def test_other_channels_are_not_acknowledged_here(self):
        self.phone_case(channel_id=self.channel("email").id)
        self.assertFalse(self.care("case_ack"))

    @freeze_time(DAY)
    def test_confidential_reporter_never_texted(self):
        case = self.phone_case(is_confidential=True)
        care = self.care("case_ack")
        self.assertEqual((care.state, care.skip_reason), ("skipped", "confidential"))
        # nothing in the log points at the reporter
        self.assertFalse(care.partner_id or care.number or care.body)
        self.assertFalse(self.sms_to())
        # nor any other care message to that person afterwards
        birthday = self.Care._hotline_send_care(
            "arrears", self.customer, self.customer, body="欠费提醒"
        )
        self.assertEqual(birthday.skip_reason, "confidential")
        by_number = self.Care._hotline_send_care(
            "outage", self.env["res.partner"], case, body="停气", number=MOBILE
        )
        self.assertEqual(by_number.skip_reason, "confidential")
        self.assertFalse(self.sms_to())

    @freeze_time(DAY)
    def test_acknowledgement_switched_off(self):
        self.company.hotline_care_case_ack = False
        self.phone_case()
        care = self.care("case_ack")
        self.assertEqual((care.state, care.skip_reason), ("skipped", "disabled"))
        self.assertFalse(self.sms_to())

    def test_acknowledgement_at_night_sent_in_the_morning(self):
        with freeze_time(NIGHT):
            case = self.phone_case()
            care = self.care("case_ack")
            self.assertEqual(care.state, "queued")
            self.assertFalse(self.sms_to())
        with freeze_time(MORNING):
            self.Care._cron_send_queued()
        self.assertEqual(care.state, "sent")
        self.assertIn(case.number, self.sms_to().body)

    def test_case_made_confidential_in_the_night_is_not_sent(self):
        with freeze_time(NIGHT):
            case = self.phone_case()
        case.sudo().is_confidential = True
        with freeze_time(MORNING):
            self.Care._cron_send_queued()
        care = self.care("case_ack")
        self.assertEqual((care.state, care.skip_reason), ("skipped", "confidential"))
        self.assertFalse(care.number or care.body)
        self.assertFalse(self.sms_to())

    # ------------------------------------------------------------ callback notice
    @freeze_time(DAY)
    def test_callback_notice_on_reply(self):
        case = self.phone_case()
        self.replied(case)
        care = self.care("callback")
        self.assertEqual(care.state, "sent")
        self.assertIn("call you back", care.body)
        self.assertEqual(len(self.sms_to()), 2)

    @freeze_time(DAY)
    def test_callback_notice_switched_off_or_confidential(self):
        self.company.hotline_care_callback = False
        self.replied(self.phone_case())
        self.assertEqual(self.care("callback").skip_reason, "disabled")
        self.company.hotline_care_callback = True
        self.replied(self.phone_case(is_confidential=True))
        self.assertEqual(
            self.care("callback").mapped("skip_reason"), ["confidential", "disabled"]
        )

    def test_callback_notice_at_night(self):
        with freeze_time(NIGHT):
            self.replied(self.phone_case())
            self.assertEqual(self.care("callback").state, "queued")
        with freeze_time(MORNING):
            self.Care._cron_send_queued()
        self.assertEqual(self.care("callback").state, "sent")

    # ------------------------------------------------------------ work orders
    def work_order(self, case):
        return self.env["hotline.work.order"].create(
            {"ticket_id": case.id, "user_id": self.fitter.id}
        )

    @freeze_time(DAY)
    def test_work_order_departed(self):
        case = self.phone_case(case_type_id=self.type_repair.id)
        order = self.work_order(case)
        self.assertFalse(self.care("work_order"))
        order.with_user(self.fitter).hotline_set_state("departed")
        care = self.care("work_order")
        self.assertEqual(care.state, "sent")
        self.assertEqual((care.res_model, care.res_id), (order._name, order.id))
        self.assertIn("李师傅", care.body)
        self.assertIn(case.number, care.body)
        order.with_user(self.fitter).hotline_set_state("on_site")
        self.assertEqual(len(self.care("work_order")), 1)

    @freeze_time(DAY)
    def test_work_order_switched_off_or_confidential(self):
        self.company.hotline_care_work_order = False
        self.work_order(self.phone_case()).hotline_set_state("departed")
        self.assertEqual(self.care("work_order").skip_reason, "disabled")
        self.company.hotline_care_work_order = True
        order = self.work_order(self.phone_case(is_confidential=True))
        order.hotline_set_state("departed")
        care = self.care("work_order")[0]
        self.assertEqual(care.skip_reason, "confidential")
        self.assertFalse(care.number)

    def test_work_order_at_night(self):
        with freeze_time(NIGHT):
            self.work_order(self.phone_case()).hotline_set_state("departed")
            self.assertEqual(self.care("work_order").state, "queued")
        with freeze_time(MORNING):
            self.Care._cron_send_queued()
        self.assertEqual(self.care("work_order").state, "sent")

    # ------------------------------------------------------------ opt-out (退订)
    @freeze_time(DAY)
    def test_opt_out_reply_blacklists_the_number(self):
        gateway = self.env["hotline.inbound.gateway"].create(
            {
                "name": "SMS",
                "channel_code": "sms",
                "user_id": self.role_users["agent"].id,
            }
        )
        cases = self.env["helpdesk.ticket"].search_count([])
        status, message = gateway.hotline_receive_sms(
            "td-1", "13800138000", " 退订 ", "10690000", DAY
        )
        self.assertEqual(status, "opted_out")
        self.assertEqual(message.result, "opted_out")
        self.assertFalse(message.ticket_id)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), cases)
        self.assertTrue(
            self.env["phone.blacklist"].sudo().search([("number", "=", MOBILE)])
        )
        # the same message again is a duplicate; "td" works as well
        self.assertEqual(
            gateway.hotline_receive_sms("td-1", "13800138000", "退订", "", DAY)[0],
            "duplicate",
        )
        status, _message = gateway.hotline_receive_sms(
            "td-2", "13900139000", "td", "", DAY
        )
        self.assertEqual(status, "opted_out")
        # an ordinary text still opens a case
        status, _message = gateway.hotline_receive_sms(
            "td-3", "13700137000", "退订了还收到短信", "", DAY
        )
        self.assertEqual(status, "created")
        # the opted-out number gets no care SMS any more: the acknowledgement
        # goes by e-mail when the customer has an address, else not at all
        case = self.phone_case()
        care = self.care("case_ack")
        self.assertEqual((care.state, care.channel), ("sent", "email"))
        self.assertEqual(care.mail_id.email_to, "wang@example.com")
        self.assertIn(case.number, care.mail_id.body_html)
        self.customer.email = False
        self.phone_case()
        self.assertEqual(self.care("case_ack")[0].skip_reason, "blacklisted")
        self.assertFalse(self.sms_to())
