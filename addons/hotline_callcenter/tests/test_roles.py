# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.hotline_base.tests.common import HotlineCommon


@tagged("post_install", "-at_install")
class TestPbxAccess(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Test PBX", "host": "127.0.0.1", "ami_secret": "s3cret"}
        )

    def test_secret_only_for_admin(self):
        admin = self.role_users["hotline_admin"]
        self.assertEqual(self.pbx.with_user(admin).ami_secret, "s3cret")
        agent_pbx = self.pbx.with_user(self.role_users["agent"])
        self.assertEqual(agent_pbx.host, "127.0.0.1")
        with self.assertRaises(AccessError):
            agent_pbx.read(["ami_secret"])

    def test_only_admin_writes(self):
        for role in ("agent", "supervisor", "finance"):
            with self.assertRaises(AccessError, msg=role):
                self.pbx.with_user(self.role_users[role]).write({"host": "10.0.0.1"})
        self.pbx.with_user(self.role_users["hotline_admin"]).write({"ami_port": 5039})
        self.assertEqual(self.pbx.ami_port, 5039)

    def test_port_range(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.pbx.write({"ami_port": 70000})
        self.assertEqual(self.pbx.display_name, "Test PBX (127.0.0.1:5038)")
