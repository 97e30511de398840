# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestHotlineUi(HttpCase):
    def test_agent_opens_hotline_app(self):
        new_test_user(
            self.env, login="hl_tour_agent", groups="hotline_base.group_agent"
        )
        self.start_tour("/odoo", "hotline_base_app_tour", login="hl_tour_agent")
