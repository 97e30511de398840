# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase


@tagged("post_install", "-at_install")
class TestScreenPopTour(WebsocketCase):
    """The browser's real websocket receives the card (``WebsocketCase`` lets
    the bus accept websockets during tests)."""

    def test_screen_pop_tour(self):
        self.env.company.country_id = self.env.ref("base.cn")
        agent = new_test_user(
            self.env,
            login="hl_tour_agent",
            groups="base.group_user,hotline_base.group_agent",
        )
        agent.hotline_extension = "8001"
        customer = self.env["res.partner"].create(
            {"name": "Zhang Wei", "ref": "C-0001", "phone": "+86 138 0013 8000"}
        )
        pbx = self.env["hotline.pbx"].create({"name": "Tour PBX"})
        call = self.env["hotline.call"].create(
            {
                "pbx_id": pbx.id,
                "linkedid": "tour.1",
                "caller_number": "13800138000",
                "called_number": "4008123459",
            }
        )
        ScreenPop = type(self.env["hotline.screen.pop"])
        original = ScreenPop._hotline_card_extra

        def extra(model, partner, ringing_call):
            # what an add-on extending the hook (complaints) adds to the card
            res = original(model, partner, ringing_call)
            res["actions"].append(
                {
                    "label": "Start case",
                    "action": {
                        "type": "ir.actions.act_window",
                        "res_model": "res.partner",
                        "res_id": partner.id,
                        "views": [[False, "form"]],
                    },
                }
            )
            return res

        with patch.object(ScreenPop, "_hotline_card_extra", extra):
            self.env["hotline.screen.pop"].sudo().hotline_ringing(call, "8001")
        # deliver it as a commit would: the browser's first poll returns the
        # notifications of the last 50 s of its channels
        self.env.cr.precommit.run()
        self.env.cr.execute(
            "UPDATE bus_bus SET create_date = clock_timestamp() AT TIME ZONE 'UTC' "
            "WHERE create_date >= now() AT TIME ZONE 'UTC' - interval '1 day'"
        )
        self.assertEqual(customer.display_name, "Zhang Wei")
        self.start_tour("/odoo", "hotline_screen_pop_tour", login="hl_tour_agent")

    def test_no_screen_pop_toggle_for_non_agents(self):
        """Issue 13: the caller card's systray toggle is for agents only."""
        new_test_user(
            self.env,
            login="hl_tour_clerk",
            groups="base.group_user,hotline_base.group_case_handler",
        )
        self.start_tour(
            "/odoo", "hotline_screen_pop_non_agent_tour", login="hl_tour_clerk"
        )
