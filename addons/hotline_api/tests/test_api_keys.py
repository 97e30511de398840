# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ApiCommon


@tagged("post_install", "-at_install")
class TestApiKeys(ApiCommon):
    def test_generate_key_shown_once_and_hashed(self):
        admin = self.role_users["hotline_admin"]
        key = self.api_keys["read"].with_user(admin)
        action = key.action_generate_key()
        message = action["params"]["message"]
        new_key = message.rsplit(" ", 1)[-1]
        self.assertTrue(new_key.startswith("hlk_"))
        self.assertNotIn(new_key, str(key.sudo().read()))
        self.assertEqual(self.api("GET", "/outage-notices", new_key)[0], 200)
        # the old key stops working
        self.assertEqual(self.api("GET", "/outage-notices", "read")[0], 401)
        with self.assertRaises(AccessError):
            key.read(["key_hash"])

    def test_access_per_role(self):
        for role, user in self.role_users.items():
            Key = self.env["hotline.api.key"].with_user(user)
            with self.subTest(role=role):
                if role == "hotline_admin":
                    self.assertEqual(
                        Key.search([("id", "in", self.api_keys["read"].ids)]),
                        self.api_keys["read"],
                    )
                    created = Key.create(
                        {"name": "OA", "user_id": self.api_users["cases"].id}
                    )
                    self.assertIn("API: cases", created.role_names)
                else:
                    with self.assertRaises(AccessError):
                        Key.search([])
                    with self.assertRaises(AccessError):
                        Key.create({"name": "x", "user_id": user.id})
        for user in (self.role_users["supervisor"], self.user_internal):
            with self.assertRaises(AccessError):
                self.env["hotline.api.request"].with_user(user).search([])
        # a key record in sudo does not let a non-admin show a secret
        with self.assertRaises(UserError):
            self.api_keys["read"].with_user(
                self.role_users["supervisor"]
            ).sudo().action_generate_key()

    def test_rate_limit_must_be_positive(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.api_keys["read"].rate_limit = 0
            self.env.flush_all()

    def test_outage_notices(self):
        area = self.env["hotline.area"].create({"name": "朝阳", "code": "API-CY"})
        sub = self.env["hotline.area"].create(
            {"name": "望京", "code": "API-CY-WJ", "parent_id": area.id}
        )
        now = fields.Datetime.now()
        Notice = self.env["hotline.outage.notice"]
        current = Notice.create(
            {
                "name": "望京停气",
                "body": "管道检修",
                "area_ids": [fields.Command.set(area.ids)],
                "date_start": now - timedelta(hours=1),
                "date_end": now + timedelta(hours=5),
            }
        )
        current.action_publish()
        Notice.create(
            {
                "name": "草稿",
                "body": "未发布",
                "date_start": now - timedelta(hours=1),
                "date_end": now + timedelta(hours=5),
            }
        )
        for role in ("read", "business", "cases"):
            status, payload, _r = self.api("GET", "/outage-notices", role)
            self.assertEqual(status, 200)
            titles = [n["title"] for n in payload]
            self.assertIn("望京停气", titles)
            self.assertNotIn("草稿", titles)
        status, payload, _r = self.api("GET", "/outage-notices?area=API-CY-WJ")
        self.assertEqual([n["areas"] for n in payload], [["API-CY"]])
        self.assertTrue(payload[0]["current"])
        status, payload, _r = self.api("GET", "/outage-notices?area=API-CY")
        self.assertEqual([n["title"] for n in payload], ["望京停气"])
        status, payload, _r = self.api("GET", "/outage-notices?area=NOPE")
        self.assertEqual(status, 404)
        self.assertEqual(self.api("GET", "/outage-notices?limit=-1")[0], 422)
        self.assertEqual(sub.parent_id, area)
