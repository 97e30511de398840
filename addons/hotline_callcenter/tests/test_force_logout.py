# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import SimulatorCommon


@tagged("post_install", "-at_install")
class TestForceLogoutWebSession(SimulatorCommon, HttpCase):
    """A supervisor's forced logout (强制登出) ends the agent's web sessions
    too, and tells the agent's browser over the bus."""

    def setUp(self):
        super().setUp()
        self.simulator.queues["support"].pop("Local/8001@agents", None)
        self._join_queues(self.agent, "support")

    def _web_client_open(self):
        self.env.flush_all()
        return "/web/login" not in self.url_open("/odoo").url

    def test_force_logout_ends_the_web_session(self):
        self.authenticate(self.agent.login, self.agent.login)
        self.assertTrue(self._web_client_open())
        self.agent.with_user(self.agent).action_hotline_login()
        devices = self.env["res.device"].search([("user_id", "=", self.agent.id)])
        self.assertTrue(devices, "the agent's browser is a known device")

        self.agent.with_user(self.supervisor).action_hotline_force_logout()

        self.assertEqual(self.agent.hotline_agent_state, "logged_out")
        (payload,) = self._bus_messages(self.agent, "hotline/force_logout")
        self.assertIn(self.supervisor.name, payload["message"])
        self.assertFalse(self._bus_messages(self.supervisor, "hotline/force_logout"))
        self.assertFalse(self._web_client_open())
        self.assertTrue(
            all(
                self.env["res.device.log"]
                .search([("user_id", "=", self.agent.id)])
                .mapped("revoked")
            )
        )
        # logging in again works: only the sessions of that moment ended
        self.authenticate(self.agent.login, self.agent.login)
        self.assertTrue(self._web_client_open())

    def test_other_users_keep_their_sessions(self):
        self.authenticate(self.supervisor.login, self.supervisor.login)
        self.agent.with_user(self.agent).action_hotline_login()
        self.agent.with_user(self.supervisor).action_hotline_force_logout()
        self.assertTrue(self._web_client_open())

    def test_agent_cannot_end_another_agents_session(self):
        self.authenticate(self.agent.login, self.agent.login)
        with self.assertRaises(AccessError):
            self.supervisor.with_user(self.agent).action_hotline_force_logout()
        self.assertTrue(self._web_client_open())
        self.assertFalse(self._bus_messages(self.supervisor, "hotline/force_logout"))
