# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase


@tagged("post_install", "-at_install")
class TestClickToDialTour(WebsocketCase):
    """The agent's web client shows the click-to-dial result the connector
    sends over the bus (``static/src/dial_button/click_to_dial_service.esm.js``)."""

    def test_click_to_dial_result_tour(self):
        agent = new_test_user(
            self.env,
            login="hl_tour_dialler",
            groups="base.group_user,hotline_base.group_agent",
        )
        agent.hotline_extension = "8001"
        pbx = self.env["hotline.pbx"].create({"name": "Tour PBX"})
        Pbx = self.env["hotline.pbx"].sudo()
        notified = Pbx._hotline_click_to_dial_results(
            pbx,
            [
                {
                    "type": "click_to_dial",
                    "user_id": agent.id,
                    "action_id": f"hotline-c2d-{agent.id}-"
                    f"{Pbx._hotline_action_tag()}ab12",
                    "number": "13900139000",
                    "leg": "customer",
                    "outcome": "busy",
                }
            ],
        )
        self.assertEqual(notified, agent)
        # deliver it as a commit would: the browser's first poll returns the
        # notifications of the last 50 s of its channels
        self.env.cr.precommit.run()
        self.env.cr.execute(
            "UPDATE bus_bus SET create_date = clock_timestamp() AT TIME ZONE 'UTC' "
            "WHERE create_date >= now() AT TIME ZONE 'UTC' - interval '1 day'"
        )
        self.start_tour("/odoo", "hotline_click_to_dial_tour", login="hl_tour_dialler")
