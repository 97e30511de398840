# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import HotlineCommon

T0 = datetime(2026, 3, 1, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestBlacklist(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.Blacklist = cls.env["hotline.blacklist"].with_user(
            cls.role_users["supervisor"]
        )

    def _block(self, number, **vals):
        return self.Blacklist.create(
            dict({"number": number, "reason": "Harassing calls"}, **vals)
        )

    def test_expiry_with_frozen_clock(self):
        with freeze_time(T0):
            entry = self._block("+86 138 1234 5678", duration="30min", action="refuse")
            self.assertEqual(entry.state, "active")
            self.assertEqual(entry.end_datetime, T0 + timedelta(minutes=30))
            hit = self.env["hotline.blacklist"].hotline_check_number("13812345678")
            self.assertEqual(
                hit,
                {
                    "id": entry.id,
                    "action": "refuse",
                    "reason": "Harassing calls",
                    "until": T0 + timedelta(minutes=30),
                    "match_type": "exact",
                },
            )
        Blacklist = self.env["hotline.blacklist"]
        with freeze_time(T0 + timedelta(minutes=29)):
            self.assertTrue(Blacklist.hotline_check_number("0086 138-1234-5678"))
            self.assertFalse(Blacklist._cron_expire())
        with freeze_time(T0 + timedelta(minutes=30, seconds=1)):
            self.assertIsNone(Blacklist.hotline_check_number("13812345678"))
            self.assertEqual(Blacklist._cron_expire(), entry)
            self.assertEqual(entry.state, "expired")
            self.assertFalse(entry.is_blocking)
        self.assertTrue(entry.exists(), "history is kept")

    def test_blank_reason_refused(self):
        with (
            self.assertRaisesRegex(ValidationError, "A block needs a reason"),
            self.env.cr.savepoint(),
        ):
            self._block("13900000009", reason="   ")
        self.assertFalse(
            self.env["hotline.blacklist"].search([("number", "=", "13900000009")])
        )

    def test_durations(self):
        with freeze_time(T0):
            five = self._block("13900000005", duration="5min")
            day = self._block("13900000001", duration="1day")
            forever = self._block("13900000009", duration="permanent")
            custom = self._block(
                "13900000007", duration="custom", end_datetime=T0 + timedelta(hours=3)
            )
            with self.assertRaisesRegex(ValidationError, "end date"):
                self._block("13900000008", duration="custom")
        self.assertEqual(five.end_datetime, T0 + timedelta(minutes=5))
        self.assertEqual(day.end_datetime, T0 + timedelta(days=1))
        self.assertFalse(forever.end_datetime)
        with freeze_time(T0 + timedelta(days=3650)):
            hit = self.env["hotline.blacklist"].hotline_check_number("13900000009")
            self.assertEqual(hit["id"], forever.id)
            self.assertIsNone(hit["until"])
        with freeze_time(T0 + timedelta(hours=2, minutes=59)):
            self.assertTrue(
                self.env["hotline.blacklist"].hotline_check_number("13900000007")
            )
        with freeze_time(T0 + timedelta(hours=3)):
            self.assertFalse(
                self.env["hotline.blacklist"].hotline_check_number("13900000007")
            )
        self.assertEqual(custom.state, "active")

    def test_prefix_and_priority(self):
        with freeze_time(T0):
            prefix = self._block("170", match_type="prefix", duration="permanent")
            self._block("0086 1701", match_type="prefix", action="refuse")
            exact = self._block("17000000000", duration="permanent")
            self.assertEqual(prefix.number_key, "+86170")
            check = self.env["hotline.blacklist"].hotline_check_number
            self.assertEqual(check("+86 170 2222 3333")["id"], prefix.id)
            self.assertEqual(check("17011112222")["action"], "refuse")
            self.assertEqual(check("170 0000 0000")["id"], exact.id)
            self.assertIsNone(check("13811112222"))
            self.assertIsNone(check(""))
            self.assertIsNone(check("anonymous"))
        with self.assertRaisesRegex(ValidationError, "not a phone number"):
            self._block("abc")

    def test_one_query(self):
        with freeze_time(T0):
            self._block("13812345678")
            Blacklist = self.env["hotline.blacklist"]
            Blacklist.hotline_check_number("13812345678")
            with self.assertQueryCount(1):
                self.assertTrue(Blacklist.hotline_check_number("+8613812345678"))

    def test_agents_propose_supervisors_decide(self):
        agent = self.role_users["agent"]
        as_agent = self.env["hotline.blacklist"].with_user(agent)
        with freeze_time(T0):
            proposal = as_agent.create(
                {"number": "13811110000", "reason": "Abusive caller"}
            )
            self.assertEqual(proposal.state, "proposed")
            self.assertEqual(proposal.added_by_id, agent)
            check = self.env["hotline.blacklist"].hotline_check_number
            self.assertIsNone(check("13811110000"), "a proposal does not block")
            proposal.write({"reason": "Abusive caller, third time today"})
            with self.assertRaises(AccessError):
                as_agent.create(
                    {"number": "13811110001", "reason": "x", "state": "active"}
                )
            with self.assertRaises(AccessError):
                proposal.action_activate()
            with self.assertRaises(AccessError):
                proposal.write({"state": "active"})
            proposal.with_user(self.role_users["supervisor"]).action_activate()
            self.assertEqual(proposal.state, "active")
            self.assertTrue(check("13811110000"))
            with self.assertRaises(AccessError):
                proposal.with_user(agent).action_lift()
            with self.assertRaises(AccessError):
                proposal.with_user(agent).write({"reason": "changed"})
            proposal.with_user(self.role_users["supervisor"]).action_lift()
            self.assertEqual(proposal.state, "lifted")
            self.assertEqual(proposal.lifted_by_id, self.role_users["supervisor"])
            self.assertIsNone(check("13811110000"))
        for role in ("supervisor", "hotline_admin"):
            with (
                self.assertRaisesRegex(UserError, "not allowed to delete"),
                self.env.cr.savepoint(),
            ):
                proposal.with_user(self.role_users[role]).unlink()
        for role in ("handler", "leader", "finance"):
            with self.assertRaises(AccessError):
                self.env["hotline.blacklist"].with_user(self.role_users[role]).search(
                    []
                )
