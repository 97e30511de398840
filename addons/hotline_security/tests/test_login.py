# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import re
import time
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessDenied, AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.auth_totp.models.totp import TIMESTEP, hotp


@tagged("post_install", "-at_install")
class TestLogin(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.supervisor = new_test_user(
            cls.env, login="sec_supervisor", groups="hotline_base.group_supervisor"
        )
        cls.agent = new_test_user(
            cls.env, login="sec_agent", groups="hotline_base.group_agent"
        )
        cls.env.company.hotline_totp_group_ids = cls.env.ref(
            "hotline_base.group_supervisor"
        )

    def _auth(self, login, password):
        self.env.flush_all()
        return self.env["res.users"].authenticate(
            self.env.cr.dbname,
            {"type": "password", "login": login, "password": password},
            {"interactive": True},
        )

    def _refused(self, login, password):
        """Like assertRaises(AccessDenied), without its savepoint: the failure
        count is written by its own cursor and must stay."""
        try:
            self._auth(login, password)
        except AccessDenied:
            return
        self.fail("login accepted")

    # -- lockout -----------------------------------------------------------

    def test_lockout_after_failures(self):
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("hotline_security.lockout_after"), "5")
        params.set_param("hotline_security.lockout_after", 3)
        for _i in range(3):
            self._refused("sec_agent", "wrong")
        self.agent.invalidate_recordset()
        self.assertTrue(self.agent.hotline_locked_until)
        # locked: the right password is refused too
        self._refused("sec_agent", "sec_agent")
        # lifted by an administrator (or when the time has passed)
        with self.assertRaises(AccessError):
            self.agent.with_user(self.supervisor).action_hotline_unlock()
        self.agent.action_hotline_unlock()
        self.assertEqual(self._auth("sec_agent", "sec_agent")["uid"], self.agent.id)
        self.agent.invalidate_recordset()
        self.assertFalse(self.agent.hotline_login_failures)

    def test_lock_ends_after_its_duration(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "hotline_security.lockout_after", 2
        )
        for _i in range(2):
            self._refused("sec_agent", "wrong")
        self.agent.invalidate_recordset()
        self.agent.sudo().write(
            {"hotline_locked_until": fields.Datetime.now() - timedelta(seconds=1)}
        )
        self.assertEqual(self._auth("sec_agent", "sec_agent")["uid"], self.agent.id)

    def test_success_resets_the_count_and_zero_disables(self):
        self._refused("sec_agent", "wrong")
        self.agent.invalidate_recordset()
        self.assertEqual(self.agent.hotline_login_failures, 1)
        self._auth("sec_agent", "sec_agent")
        self.agent.invalidate_recordset()
        self.assertEqual(self.agent.hotline_login_failures, 0)
        self.env["ir.config_parameter"].sudo().set_param(
            "hotline_security.lockout_after", 0
        )
        for _i in range(6):
            self._refused("sec_agent", "wrong")
        self.agent.invalidate_recordset()
        self.assertFalse(self.agent.hotline_locked_until)

    # -- two-factor authentication required per role -------------------------

    def _csrf(self, url):
        page = self.url_open(url)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _web_login(self, login):
        self.opener.cookies.clear()
        csrf = self._csrf("/web/login")
        return self.url_open(
            "/web/login",
            data={"login": login, "password": login, "csrf_token": csrf},
        )

    def _code(self, secret):
        return str(hotp(base64.b32decode(secret), int(time.time() / TIMESTEP))).zfill(6)

    def test_required_group_without_totp_must_set_it_up(self):
        response = self._web_login("sec_supervisor")
        self.assertIn("/web/login/hotline_totp_setup", response.url)
        self.assertIn("Two-factor authentication is required", response.text)
        # no session yet: the web client sends back to the login page
        self.assertNotIn("/odoo", self.url_open("/odoo").url)
        session = http.root.session_store.get(self.opener.cookies["session_id"])
        self.assertFalse(session.uid)
        secret = session["hotline_totp_secret"]
        csrf = self._csrf("/web/login/hotline_totp_setup")
        bad = self.url_open(
            "/web/login/hotline_totp_setup",
            data={"totp_token": "12", "csrf_token": csrf},
        )
        self.assertIn("Verification failed", bad.text)
        self.assertFalse(self.supervisor.totp_enabled)
        ok = self.url_open(
            "/web/login/hotline_totp_setup",
            data={
                "totp_token": self._code(secret),
                "csrf_token": csrf,
            },
        )
        self.assertIn("/odoo", ok.url)
        self.supervisor.invalidate_recordset()
        self.assertTrue(self.supervisor.totp_enabled)
        # next login: the usual second step asks for the code
        self.url_open("/web/session/logout")
        again = self._web_login("sec_supervisor")
        self.assertIn("/web/login/totp", again.url)
        self.assertNotIn("hotline_totp_setup", again.url)

    def test_user_outside_the_groups_passes(self):
        response = self._web_login("sec_agent")
        self.assertIn("/odoo", response.url)
        self.assertEqual(self.agent._mfa_type(), None)
        self.env.company.hotline_totp_group_ids = False
        self.assertIn("/odoo", self._web_login("sec_supervisor").url)

    # -- session lifetime ----------------------------------------------------

    def test_idle_session_ends(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "hotline_security.session_idle_minutes", 30
        )
        self.authenticate("sec_agent", "sec_agent")
        self.assertIn("/odoo", self.url_open("/odoo").url)
        session = http.root.session_store.get(self.session.sid)
        self.assertTrue(session.get("hotline_last_seen"))
        session["hotline_last_seen"] = time.time() - 29 * 60
        http.root.session_store.save(session)
        self.assertIn("/odoo", self.url_open("/odoo").url)
        session = http.root.session_store.get(self.session.sid)
        session["hotline_last_seen"] = time.time() - 31 * 60
        http.root.session_store.save(session)
        self.assertIn("/web/login", self.url_open("/odoo").url)
