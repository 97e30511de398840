# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SimulatorCommon


@tagged("post_install", "-at_install")
class TestPbxConnection(SimulatorCommon):
    def _test(self, pbx=None):
        pbx = pbx or self.pbx
        action = pbx.with_user(
            self.role_users["hotline_admin"]
        ).action_test_connection()
        self.assertEqual(action["tag"], "display_notification")
        return action["params"]

    def test_success(self):
        params = self._test()
        self.assertEqual(params["type"], "success")
        self.assertIn("Connected to Test PBX", params["message"])
        self.assertIn("as odoo", params["message"])
        self.assertEqual([m.get("Action") for m in self._sent("Ping")], ["Ping"])

    def test_bad_secret(self):
        self.pbx.ami_secret = "wrong"
        params = self._test()
        self.assertEqual(params["type"], "danger")
        self.assertIn("refused the AMI user odoo: bad credentials", params["message"])

    def test_closed_port(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.pbx.ami_port = port
        params = self._test()
        self.assertEqual(params["type"], "danger")
        self.assertEqual(
            params["message"],
            f"Connection refused by 127.0.0.1:{port}: is Asterisk running?",
        )

    def test_timeout(self):
        """A port that accepts but never sends the AMI banner."""
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(1)
            self.pbx.write({"ami_port": silent.getsockname()[1], "ami_timeout": 0.3})
            params = self._test()
        self.assertEqual(params["type"], "danger")
        self.assertIn("No answer from 127.0.0.1", params["message"])
        self.assertIn("within 0.3 s", params["message"])

    def test_admin_only(self):
        for role in ("agent", "supervisor"):
            with self.assertRaises(AccessError, msg=role):
                self.pbx.with_user(self.role_users[role]).action_test_connection()
        self.assertFalse(self._sent("Login"))
