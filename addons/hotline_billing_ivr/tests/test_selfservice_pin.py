# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""PIN set by an agent (sent by SMS, never seen), unlock by a supervisor or
finance, who reads what (hash, statistics, export)."""

import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.hotline_base.tests.common import HotlineCommon

from ..models.res_partner import pin_is_weak


@tagged("post_install", "-at_install")
class TestSelfservicePin(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "短信客户",
                "hotline_is_customer": True,
                "hotline_customer_number": "BJ00009201",
                "mobile": "13900009201",
            }
        )

    def test_agent_sends_a_new_pin_by_sms_without_seeing_it(self):
        agent = self.role_users["agent"]
        customer = self.customer.with_user(agent)
        self.assertFalse(customer.hotline_pin_set)
        customer.action_hotline_send_pin()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(sms), 1)
        self.assertTrue(sms.to_delete, "the SMS with the PIN is not kept once sent")
        pin = re.search(r"\b(\d{6})\b", sms.body).group(1)
        self.assertTrue(self.customer._hotline_check_pin(pin))
        self.assertFalse(pin_is_weak(pin))
        customer.invalidate_recordset()
        self.assertTrue(customer.hotline_pin_set)
        # the agent reads neither the hash nor the SMS, and the chatter says
        # that a PIN went out, never which
        with self.assertRaises(AccessError):
            customer.read(["hotline_pin_hash"])
        with self.assertRaises(AccessError):
            customer.hotline_pin_hash  # noqa: B018
        with self.assertRaises(AccessError):
            customer.write({"hotline_pin_hash": "plaintext$123456"})
        with self.assertRaises(AccessError):
            self.env["sms.sms"].with_user(agent).search([])
        for message in self.customer.message_ids:
            self.assertNotIn(pin, message.body or "")
        self.assertIn("sent by SMS", self.customer.message_ids[0].body)
        self.assertNotIn(
            self.customer.mobile, self.customer.message_ids[0].body, "masked number"
        )
        # another one replaces it
        customer.action_hotline_send_pin()
        second = self.env["sms.sms"].search(
            [("partner_id", "=", self.customer.id), ("id", "!=", sms.id)]
        )
        new_pin = re.search(r"\b(\d{6})\b", second.body).group(1)
        self.assertTrue(self.customer._hotline_check_pin(new_pin))
        if new_pin != pin:
            self.assertFalse(self.customer._hotline_check_pin(pin))

    def test_sms_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.customer.lang = "zh_CN"
        self.customer.action_hotline_send_pin()
        sms = self.env["sms.sms"].search([("partner_id", "=", self.customer.id)])
        self.assertIn("密码", sms.body)

    def test_no_mobile_is_a_clear_error(self):
        self.customer.mobile = False
        with self.assertRaisesRegex(UserError, "has no mobile number"):
            self.customer.with_user(self.role_users["agent"]).action_hotline_send_pin()
        self.assertFalse(self.customer._hotline_has_pin())

    def test_pin_rules(self):
        for pin, message in (
            ("12345", "exactly 6 digits"),
            ("12345a", "exactly 6 digits"),
            ("000000", "too easy"),
            ("123456", "too easy"),
            ("654321", "too easy"),
            ("121212", "too easy"),
        ):
            with self.subTest(pin=pin), self.assertRaisesRegex(UserError, message):
                self.customer._hotline_set_pin(pin)
        self.customer._hotline_set_pin("135790")
        stored = self.customer.sudo().hotline_pin_hash
        self.assertTrue(stored.startswith("$pbkdf2-sha512$"), "res.users' scheme")
        self.assertNotIn("135790", stored)

    @mute_logger("odoo.addons.hotline_billing_ivr.models.res_partner")
    def _lock(self, now):
        Flow = self.env["hotline.ivr.flow"]
        self.customer._hotline_set_pin("135790")
        with freeze_time(now):
            for n in range(5):
                result = Flow._hotline_ivr_selfservice_login(
                    {
                        "caller": f"1360002000{n}",
                        "linkedid": f"lock.{n}",
                        "variables": {"customer_number": "9201", "pin": "246810"},
                    }
                )
            self.assertEqual(result["outcome"], "locked")
            self.customer.invalidate_recordset()
            self.assertTrue(self.customer.hotline_pin_locked_until)

    def test_supervisor_or_finance_unlocks_early(self):
        now = datetime(2026, 11, 3, 8, 0, 0)
        for role in ("supervisor", "finance"):
            with self.subTest(role=role):
                self._lock(now)
                with freeze_time(now + timedelta(minutes=1)):
                    customer = self.customer.with_user(self.role_users[role])
                    customer.action_hotline_unlock_pin()
                    customer.invalidate_recordset()
                    self.assertFalse(customer.hotline_pin_locked_until)
                    self.assertIn("unlocked by", self.customer.message_ids[0].body)
                    result = self.env[
                        "hotline.ivr.flow"
                    ]._hotline_ivr_selfservice_login(
                        {
                            "caller": "13600029999",
                            "linkedid": f"unlock.{role}",
                            "variables": {"customer_number": "9201", "pin": "135790"},
                        }
                    )
                    self.assertEqual(result["outcome"], "served")
        self._lock(now + timedelta(hours=1))
        with self.assertRaisesRegex(UserError, "Only supervisors and finance"):
            self.customer.with_user(
                self.role_users["agent"]
            ).action_hotline_unlock_pin()


@tagged("post_install", "-at_install")
class TestSelfserviceStatisticsAccess(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Transaction = cls.env["hotline.selfservice.transaction"]
        cls.Transaction._hotline_log({"caller": "13600030000"}, "login", "served")
        cls.Transaction._hotline_log({"caller": "13600030000"}, "arrears", "not_found")

    def test_finance_and_supervisors_read_the_statistics_agents_do_not(self):
        menu = self.env.ref("hotline_billing_ivr.hotline_selfservice_transaction_menu")
        meters = self.env.ref(
            "hotline_billing_ivr.hotline_meter_reading_statistics_menu"
        )
        for role in ("supervisor", "finance", "hotline_admin"):
            with self.subTest(role=role):
                user = self.role_users[role]
                self.assertIn(menu, self.visible_menus(user))
                self.assertIn(meters, self.visible_menus(user))
                Transaction = self.Transaction.with_user(user)
                groups = Transaction.read_group(
                    [],
                    ["duration:sum"],
                    ["service", "outcome", "started_at:day"],
                    lazy=False,
                )
                self.assertGreaterEqual(len(groups), 2)
                self.env["hotline.meter.reading"].with_user(user).read_group(
                    [], [], ["source", "state"], lazy=False
                )
        for role in ("agent", "handler", "leader"):
            with self.subTest(role=role):
                user = self.role_users[role]
                self.assertNotIn(menu, self.visible_menus(user))
                with self.assertRaises(AccessError):
                    self.Transaction.with_user(user).search([])
                if role != "agent":  # agents enter readings for callers
                    with self.assertRaises(AccessError):
                        self.env["hotline.meter.reading"].with_user(user).search([])
        # nobody but the system writes the statistics
        for role in ("supervisor", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                self.Transaction.with_user(self.role_users[role]).create(
                    {"service": "login", "outcome": "served"}
                )

    def test_nobody_in_the_hotline_roles_reads_the_pin_hash(self):
        customer = self.env["res.partner"].create(
            {"name": "哈希", "hotline_is_customer": True}
        )
        customer._hotline_set_pin("135790")
        for role, user in self.role_users.items():
            if user.has_group("base.group_system"):
                continue
            with self.subTest(role=role), self.assertRaises(AccessError):
                customer.with_user(user).read(["hotline_pin_hash"])
