/** @odoo-module **/
import {registry} from "@web/core/registry";

// A user outside the Agent group: the systray is drawn (the user menu is in
// it) without the caller card's toggle, as the dial button hides for them.
registry.category("web_tour.tours").add("hotline_screen_pop_non_agent_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_menu_systray .o_user_menu",
        },
        {
            trigger: ".o_menu_systray:not(:has(.o_hotline_screen_pop_toggle))",
        },
    ],
});
