# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import HotlineCommon

# born 1990-06-15 and 1992-02-29 (valid check digits)
ID_JUNE = "110105199006151234"
ID_LEAP = "110105199202291234"
# 10:00, 22:30 and 06:00 in Shanghai, as naive UTC
DAY = datetime(2026, 6, 15, 2, 0)
NIGHT = datetime(2026, 6, 15, 14, 30)
EARLY = datetime(2026, 6, 15, 22, 0)


class CareCommon(HotlineCommon):
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
                "hotline_care_birthday": True,
            }
        )
        cls.Care = cls.env["hotline.care.message"]
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "王芳",
                "hotline_is_customer": True,
                "mobile": "13800138000",
                "hotline_id_type": "resident_id",
                "hotline_id_number": ID_JUNE,
            }
        )
        cls.birthday = cls.env.ref("hotline_base.sms_template_care_birthday")

    def sms_of(self, partner):
        return self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)])


@tagged("post_install", "-at_install")
class TestCareMessage(CareCommon):
    @freeze_time(DAY)
    def test_sent_in_the_day(self):
        message = self.Care._hotline_send_care(
            "birthday", self.customer, self.customer, template=self.birthday
        )
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.channel, "sms")
        self.assertEqual(message.number, "+8613800138000")
        sms = self.sms_of(self.customer)
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.uuid, message.sms_uuid)
        self.assertEqual(sms.state, "outgoing")
        self.assertIn("王芳", sms.body)

    @freeze_time(DAY)
    def test_ready_body_and_company_template(self):
        message = self.Care._hotline_send_care(
            "arrears", self.customer, self.customer, body="Pay 12.00"
        )
        self.assertEqual(message.body, "Pay 12.00")
        own = self.env["sms.template"].create(
            {
                "name": "Own greeting",
                "model_id": self.env.ref("base.model_res_partner").id,
                "body": "Dear {{ object.name }}, all the best!",
            }
        )
        self.company.hotline_care_birthday_template_id = own
        message = self.Care._hotline_send_care(
            "birthday", self.customer, self.customer, template=self.birthday
        )
        self.assertEqual(message.body, "Dear 王芳, all the best!")

    def test_night_is_queued_until_morning(self):
        with freeze_time(NIGHT):
            message = self.Care._hotline_send_care(
                "birthday", self.customer, self.customer, template=self.birthday
            )
            self.assertEqual(message.state, "queued")
            # 08:00 in Shanghai the next day
            self.assertEqual(message.scheduled_at, datetime(2026, 6, 16, 0, 0))
            self.assertFalse(self.sms_of(self.customer))
            self.Care._cron_send_queued()
            self.assertEqual(message.state, "queued")
        with freeze_time(datetime(2026, 6, 15, 23, 59)):
            self.Care._cron_send_queued()
            self.assertEqual(message.state, "queued")
        with freeze_time(datetime(2026, 6, 16, 0, 5)):
            self.Care._cron_send_queued()
            self.assertEqual(message.state, "sent")
            self.assertEqual(message.sent_at, datetime(2026, 6, 16, 0, 5))
        self.assertEqual(len(self.sms_of(self.customer)), 1)

    @freeze_time(EARLY)
    def test_early_morning_waits_the_same_day(self):
        message = self.Care._hotline_send_care(
            "birthday", self.customer, self.customer, template=self.birthday
        )
        self.assertEqual(message.scheduled_at, datetime(2026, 6, 16, 0, 0))

    @freeze_time(NIGHT)
    def test_no_quiet_hours(self):
        self.company.hotline_care_quiet_hours = False
        message = self.Care._hotline_send_care(
            "birthday", self.customer, self.customer, template=self.birthday
        )
        self.assertEqual(message.state, "sent")

    @freeze_time(DAY)
    def test_daytime_quiet_hours(self):
        """Quiet hours that do not cross midnight (09:00-12:00)."""
        self.company.write(
            {"hotline_care_quiet_start": 9.0, "hotline_care_quiet_end": 12.5}
        )
        message = self.Care._hotline_send_care(
            "birthday", self.customer, self.customer, template=self.birthday
        )
        self.assertEqual(message.scheduled_at, datetime(2026, 6, 15, 4, 30))

    @freeze_time(DAY)
    def test_switched_off(self):
        self.company.hotline_care_birthday = False
        message = self.Care._hotline_send_care(
            "birthday", self.customer, self.customer, template=self.birthday
        )
        self.assertEqual((message.state, message.skip_reason), ("skipped", "disabled"))
        self.assertFalse(self.sms_of(self.customer))

    def test_switched_off_in_the_night(self):
        with freeze_time(NIGHT):
            message = self.Care._hotline_send_care(
                "birthday", self.customer, self.customer, template=self.birthday
            )
        self.company.hotline_care_birthday = False
        with freeze_time(datetime(2026, 6, 16, 0, 5)):
            self.Care._cron_send_queued()
        self.assertEqual((message.state, message.skip_reason), ("skipped", "disabled"))
        self.assertFalse(self.sms_of(self.customer))

    @freeze_time(DAY)
    def test_opted_out_or_no_number(self):
        self.env["phone.blacklist"].sudo()._add(["+8613800138000"])
        message = self.Care._hotline_send_care(
            "birthday", self.customer, self.customer, template=self.birthday
        )
        self.assertEqual(message.skip_reason, "blacklisted")
        nobody = self.env["res.partner"].create({"name": "No phone"})
        message = self.Care._hotline_send_care(
            "birthday", nobody, nobody, template=self.birthday
        )
        self.assertEqual(message.skip_reason, "no_contact")
        message = self.Care._hotline_send_care("birthday", self.customer, None)
        self.assertEqual(message.state, "skipped")
        self.assertFalse(self.sms_of(self.customer))

    def test_bad_input(self):
        with self.assertRaisesRegex(UserError, "Unknown kind"):
            self.Care._hotline_send_care("spam", self.customer, self.customer)
        self.assertFalse(self.Care.search([("partner_id", "=", self.customer.id)]))
        with self.assertRaises(ValidationError):
            self.company.hotline_care_quiet_start = 24.5
        with self.assertRaises(ValidationError):
            self.company.hotline_care_quiet_end = -1

    def test_rights(self):
        message = self.Care._hotline_send_care("birthday", self.customer, None)
        for role in ("supervisor", "finance", "hotline_admin"):
            self.assertTrue(message.with_user(self.role_users[role]).kind)
        for role in ("agent", "handler", "leader"):
            with self.assertRaises(AccessError):
                message.with_user(self.role_users[role]).read(["kind"])
        with self.assertRaises(AccessError):
            message.with_user(self.role_users["supervisor"]).write({"state": "sent"})
        menu = self.env.ref("hotline_base.hotline_care_message_menu")
        self.assertIn(menu, self.visible_menus(self.role_users["supervisor"]))
        self.assertIn(menu, self.visible_menus(self.role_users["finance"]))
        self.assertNotIn(menu, self.visible_menus(self.role_users["agent"]))


@tagged("post_install", "-at_install")
class TestBirthday(CareCommon):
    def test_birth_date_from_the_resident_id(self):
        self.assertEqual(self.customer.hotline_birth_date, date(1990, 6, 15))
        self.assertEqual(self.customer.hotline_birth_month, 6)
        self.customer.write({"hotline_id_type": "passport", "hotline_id_number": "E1"})
        self.assertFalse(self.customer.hotline_birth_date)
        self.assertEqual(self.customer.hotline_birth_month, 0)

    def test_greeting_on_the_birthday_once(self):
        with freeze_time(datetime(2026, 6, 14, 2, 0)):
            self.Care._cron_birthday()
        self.assertFalse(self.sms_of(self.customer))
        with freeze_time(DAY):
            self.Care._cron_birthday()
            self.Care._cron_birthday()
        sms = self.sms_of(self.customer)
        self.assertEqual(len(sms), 1)
        self.assertIn("Happy birthday", sms.body)
        care = self.Care.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((care.kind, care.state), ("birthday", "sent"))

    def test_birthday_cron_at_night_queues(self):
        # 23:30 on 14 June UTC is 07:30 on the 15th in Shanghai
        with freeze_time(datetime(2026, 6, 14, 23, 30)):
            self.Care._cron_birthday()
        care = self.Care.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(care.state, "queued")
        with freeze_time(datetime(2026, 6, 15, 0, 1)):
            self.Care._cron_send_queued()
        self.assertEqual(care.state, "sent")

    def test_leap_day_birthday_on_28_february(self):
        leap = self.env["res.partner"].create(
            {
                "name": "闰日",
                "hotline_is_customer": True,
                "mobile": "13900139000",
                "hotline_id_type": "resident_id",
                "hotline_id_number": ID_LEAP,
            }
        )
        with freeze_time(datetime(2027, 2, 28, 2, 0)):
            self.Care._cron_birthday()
        self.assertEqual(len(self.sms_of(leap)), 1)

    @freeze_time(DAY)
    def test_birthday_switched_off(self):
        self.company.hotline_care_birthday = False
        self.Care._cron_birthday()
        self.assertFalse(self.sms_of(self.customer))
