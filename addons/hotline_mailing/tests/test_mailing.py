# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from ast import literal_eval
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.hotline_base.tests.common import HotlineCommon
from odoo.addons.sms.tests.common import SMSCase

# 10:00 and 22:30 in Shanghai, 08:05 the next morning (naive UTC)
DAY = datetime(2026, 6, 15, 2, 0)
NIGHT = datetime(2026, 6, 15, 14, 30)
MORNING = datetime(2026, 6, 16, 0, 5)
ID_JUNE = "110105199006151234"


class MailingCommon(HotlineCommon, SMSCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        company.country_id = cls.env.ref("base.cn")
        company.partner_id.tz = "Asia/Shanghai"
        company.write(
            {
                "hotline_care_quiet_hours": True,
                "hotline_care_quiet_start": 21.0,
                "hotline_care_quiet_end": 8.0,
                "hotline_sms_rate_per_minute": 0,
            }
        )
        Area = cls.env["hotline.area"]
        cls.district = Area.create({"name": "朝阳区", "area_type": "district"})
        cls.estate = Area.create(
            {"name": "望京小区", "area_type": "estate", "parent_id": cls.district.id}
        )
        cls.elsewhere = Area.create({"name": "海淀区", "area_type": "district"})
        Category = cls.env["hotline.customer.category"]
        cls.residents = Category.create({"name": "居民"})
        cls.vips = Category.create({"name": "重点客户", "is_vip": True})
        Partner = cls.env["res.partner"]
        cls.vip = Partner.create(
            {
                "name": "VIP 客户",
                "hotline_is_customer": True,
                "hotline_category_id": cls.vips.id,
                "mobile": "138 0000 0001",
                "hotline_area_id": cls.estate.id,
                "hotline_id_type": "resident_id",
                "hotline_id_number": ID_JUNE,
            }
        )
        cls.resident = Partner.create(
            {
                "name": "居民客户",
                "hotline_is_customer": True,
                "mobile": "138 0000 0002",
                "hotline_area_id": cls.district.id,
                "hotline_category_id": cls.residents.id,
            }
        )
        cls.shop = Partner.create(
            {
                "name": "商户",
                "hotline_is_customer": True,
                "mobile": "138 0000 0003",
                "hotline_area_id": cls.elsewhere.id,
            }
        )
        cls.env["hotline.service.site"].create(
            {
                "name": "门店",
                "partner_id": cls.shop.id,
                "area_id": cls.elsewhere.id,
                "site_category": "commercial",
            }
        )
        # in the area, but not a customer
        Partner.create(
            {
                "name": "联系人",
                "mobile": "138 0000 0004",
                "hotline_area_id": cls.estate.id,
            }
        )
        cls.supervisor = cls.role_users["supervisor"]

    def audience(self, user="supervisor", **vals):
        form = Form(
            self.env["hotline.mailing.audience.wizard"].with_user(self.role_users[user])
        )
        form.subject = vals.pop("subject", "停气通知")
        for key, value in vals.items():
            if key in ("area_ids", "category_ids"):
                for record in value:
                    getattr(form, key).add(record)
            else:
                setattr(form, key, value)
        return form.save()

    def matching(self, **vals):
        wizard = self.audience(**vals)
        # (demo customers stay out)
        ours = self.vip | self.resident | self.shop
        domain = wizard._hotline_domain() + [("id", "in", ours.ids)]
        return self.env["res.partner"].search(domain)

    def new_mailing(self, user="supervisor", **vals):
        action = self.audience(user=user, **vals).action_create_mailing()
        mailing = (
            self.env["mailing.mailing"]
            .with_user(self.role_users[user])
            .browse(action["res_id"])
        )
        mailing.body_plaintext = "6月20日停气检修，请提前储水。"
        return mailing

    def traces(self, mailing):
        return {
            trace.res_id: trace.trace_status
            for trace in self.env["mailing.trace"].search(
                [("mass_mailing_id", "=", mailing.id)]
            )
        }

    def outgoing(self, mailing):
        return (
            self.env["sms.sms"]
            .sudo()
            .search([("mailing_id", "=", mailing.id), ("state", "=", "outgoing")])
        )


@tagged("post_install", "-at_install")
class TestAudience(MailingCommon):
    def test_selection_filters(self):
        self.assertEqual(
            self.matching(area_ids=self.district), self.vip | self.resident
        )
        self.assertEqual(self.matching(area_ids=self.elsewhere), self.shop)
        self.assertEqual(self.matching(area_ids=self.district, vip="vip"), self.vip)
        self.assertEqual(
            self.matching(area_ids=self.district, vip="not_vip"), self.resident
        )
        self.assertEqual(self.matching(category_ids=self.residents), self.resident)
        self.assertEqual(self.matching(site_category="commercial"), self.shop)
        self.assertEqual(
            self.matching(area_ids=self.district | self.elsewhere, birth_month="6"),
            self.vip,
        )
        wizard = self.audience(area_ids=self.district)
        self.assertEqual(wizard.recipient_count, 2)

    def test_mailing_gets_the_domain(self):
        mailing = self.new_mailing(area_ids=self.district, mailing_type="sms")
        self.assertEqual(mailing.mailing_type, "sms")
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        self.assertEqual(mailing.subject, "停气通知")
        self.assertEqual(
            self.env["res.partner"].search(literal_eval(mailing.mailing_domain)),
            self.vip | self.resident,
        )
        email = self.new_mailing(area_ids=self.elsewhere, mailing_type="mail")
        self.assertEqual(email.mailing_type, "mail")

    def test_nobody_selected(self):
        wizard = self.audience(category_ids=self.residents, vip="vip")
        with self.assertRaisesRegex(UserError, "No customer matches"):
            wizard.action_create_mailing()
        self.assertFalse(
            self.env["mailing.mailing"].search([("subject", "=", "停气通知")])
        )

    def test_rights(self):
        Mailing = self.env["mailing.mailing"]
        for role in ("supervisor", "finance", "hotline_admin"):
            mailing = self.new_mailing(user=role, area_ids=self.district)
            self.assertEqual(mailing.create_uid, self.role_users[role])
        for role in ("agent", "handler", "leader"):
            user = self.role_users[role]
            with self.assertRaises(AccessError):
                Mailing.with_user(user).create({"subject": "x", "mailing_type": "sms"})
            with self.assertRaises(AccessError):
                self.env["hotline.mailing.audience.wizard"].with_user(user).create(
                    {"subject": "x"}
                )
            menu = self.env.ref("hotline_mailing.hotline_mailing_menu")
            self.assertNotIn(menu, self.visible_menus(user))
        for role in ("supervisor", "finance"):
            self.assertIn(
                self.env.ref("hotline_mailing.hotline_mailing_audience_menu"),
                self.visible_menus(self.role_users[role]),
            )
        # a plain user made later does not get Email Marketing from the template
        group = self.env.ref("mass_mailing.group_mass_mailing_user")
        self.assertNotIn(group, self.env.ref("base.default_user").groups_id)
        self.assertNotIn(group, self.user_internal.groups_id)

    def test_rate_cannot_be_negative(self):
        with self.assertRaises(ValidationError):
            self.env.company.hotline_sms_rate_per_minute = -1


@tagged("post_install", "-at_install")
class TestMassSms(MailingCommon):
    @freeze_time(DAY)
    def test_opt_out_then_not_sent_next_time(self):
        mailing = self.new_mailing(area_ids=self.district)
        mailing.action_send_sms()
        with self.mockSMSGateway():
            self.env["sms.sms"]._process_queue()
        self.assertSMSIapSent(["+8613800000001", "+8613800000002"])
        traces = self.traces(mailing)
        self.assertEqual(set(traces), {self.vip.id, self.resident.id})
        self.assertEqual(set(traces.values()), {"pending"})
        # the VIP replies 退订 to the inbound gateway
        gateway = self.env["hotline.inbound.gateway"].create(
            {
                "name": "SMS",
                "channel_code": "sms",
                "user_id": self.role_users["agent"].id,
            }
        )
        status, _message = gateway.hotline_receive_sms(
            "mo-1", "13800000001", "退订", "106900001", DAY
        )
        self.assertEqual(status, "opted_out")
        self.assertTrue(self.vip.phone_sanitized_blacklisted)
        # the next mailing to the same customers skips the number
        second = self.new_mailing(area_ids=self.district)
        second.action_send_sms()
        with self.mockSMSGateway():
            self.env["sms.sms"]._process_queue()
        self.assertSMSIapSent(["+8613800000002"])
        traces = self.traces(second)
        self.assertEqual(traces[self.vip.id], "cancel")
        self.assertEqual(traces[self.resident.id], "pending")

    def test_quiet_hours_hold_mass_sms_until_morning(self):
        with freeze_time(NIGHT):
            mailing = self.new_mailing(area_ids=self.district)
            mailing.action_send_sms()
            with self.mockSMSGateway():
                self.env["sms.sms"]._process_queue()
            self.assertFalse(self._sms)
            self.assertEqual(len(self.outgoing(mailing)), 2)
            # a care-free single SMS (a case reply) is not held
            single = (
                self.env["sms.sms"]
                .sudo()
                .create(
                    {"number": "+8613800000009", "body": "答复", "state": "outgoing"}
                )
            )
            with self.mockSMSGateway():
                self.env["sms.sms"]._process_queue()
            self.assertSMSIapSent(["+8613800000009"])
            self.assertNotEqual(single.state, "outgoing")
        with freeze_time(MORNING):
            with self.mockSMSGateway():
                self.env["sms.sms"]._process_queue()
            self.assertSMSIapSent(["+8613800000001", "+8613800000002"])
        self.assertFalse(self.outgoing(mailing))
        self.assertEqual(set(self.traces(mailing).values()), {"pending"})

    def test_rate_per_minute(self):
        self.env.company.hotline_sms_rate_per_minute = 2
        with freeze_time(DAY):
            mailing = self.new_mailing(area_ids=self.district | self.elsewhere)
            mailing.action_send_sms()
            self.assertEqual(len(self.outgoing(mailing)), 3)
            with self.mockSMSGateway():
                self.env["sms.sms"]._process_queue()
            self.assertEqual(len(self._sms), 2)
            self.assertEqual(len(self.outgoing(mailing)), 1)
        with freeze_time(DAY + timedelta(seconds=30)):
            with self.mockSMSGateway():
                self.env["sms.sms"]._process_queue()
            self.assertFalse(self._sms)
        with freeze_time(DAY + timedelta(seconds=61)):
            with self.mockSMSGateway():
                self.env["sms.sms"]._process_queue()
            self.assertEqual(len(self._sms), 1)
        self.assertFalse(self.outgoing(mailing))
        self.assertEqual(len(self.traces(mailing)), 3)


@tagged("post_install", "-at_install")
class TestArrearsAudience(AccountTestInvoicingCommon, HotlineCommon):
    @classmethod
    def get_default_groups(cls):
        return super().get_default_groups() | cls.env.ref("base.group_partner_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for user in cls.role_users.values():
            user.write(
                {
                    "company_ids": [fields.Command.link(cls.env.company.id)],
                    "company_id": cls.env.company.id,
                }
            )
        Partner = cls.env["res.partner"]
        cls.late = Partner.create({"name": "欠费", "hotline_is_customer": True})
        cls.paid = Partner.create({"name": "未到期", "hotline_is_customer": True})
        for partner, due in ((cls.late, "2026-03-31"), (cls.paid, "2026-12-31")):
            invoice = cls.init_invoice(
                "out_invoice",
                partner=partner,
                invoice_date=fields.Date.from_string("2026-03-01"),
                amounts=[300.0],
                taxes=[],
            )
            invoice.invoice_date_due = fields.Date.from_string(due)
            invoice.action_post()

    @freeze_time("2026-06-15 02:00:00")
    def test_in_arrears(self):
        Partner = self.env["res.partner"]
        customers = Partner.search(
            [
                ("hotline_is_customer", "=", True),
                ("id", "in", (self.late | self.paid).ids),
            ]
        )
        self.assertEqual(
            customers.filtered_domain([("hotline_is_overdue", "=", True)]), self.late
        )
        self.assertEqual(
            Partner.search(
                [("id", "in", customers.ids), ("hotline_is_overdue", "=", True)]
            ),
            self.late,
        )
        self.assertEqual(
            Partner.search(
                [("id", "in", customers.ids), ("hotline_is_overdue", "=", False)]
            ),
            self.paid,
        )
        wizard = (
            self.env["hotline.mailing.audience.wizard"]
            .with_user(self.role_users["finance"])
            .create({"subject": "欠费提醒", "in_arrears": True})
        )
        self.assertIn(self.late, Partner.search(wizard._hotline_domain()))
        self.assertNotIn(self.paid, Partner.search(wizard._hotline_domain()))
