/** @odoo-module **/
import {registry} from "@web/core/registry";

// The connector told agent 8001 how the click-to-dial ended (the test sent
// the "hotline/click_to_dial" notification): the web client shows it.
registry.category("web_tour.tours").add("hotline_click_to_dial_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_notification:has(.o_notification_title:contains('Click-to-dial'))",
        },
        {
            trigger: ".o_notification:has(.o_notification_bar.bg-warning) .o_notification_content:contains('13900139000 is busy.')",
        },
    ],
});
