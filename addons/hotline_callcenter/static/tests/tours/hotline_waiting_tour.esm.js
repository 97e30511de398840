/** @odoo-module **/
import {registry} from "@web/core/registry";

// Two callers join the agent's queue after the page loaded the (empty) list:
// the bus brings them. The one who already hung up cannot be picked up (a
// clear notification); the other one is picked up, leaves the list and the
// caller card pops for the agent.
registry.category("web_tour.tours").add("hotline_waiting_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_menu_systray .o_hotline_waiting_toggle",
            run: "click",
        },
        {
            trigger:
                ".o_hotline_waiting .o_hotline_waiting_row:contains('13800138000') .o_hotline_waiting_vip",
        },
        {
            trigger:
                ".o_hotline_waiting .o_hotline_waiting_row:contains('13800138000') .o_hotline_waiting_name:contains('Zhang Wei')",
        },
        {
            trigger: ".o_hotline_waiting .o_hotline_waiting_row:contains('13911112222')",
        },
        {
            trigger: ".o_hotline_waiting .o_hotline_waiting_queue_name:contains('Gas leaks')",
        },
        {
            trigger: ".o_menu_systray .o_hotline_waiting_count:contains('2')",
        },
        {
            // the wait clock ticks every second
            trigger:
                ".o_hotline_waiting .o_hotline_waiting_row:contains('13800138000') .o_hotline_waiting_wait",
            async run() {
                const before = this.anchor.textContent;
                await new Promise((resolve) => setTimeout(resolve, 2100));
                const after = document.querySelector(
                    ".o_hotline_waiting_row .o_hotline_waiting_wait"
                ).textContent;
                if (before === after || !/^\d+:\d\d$/.test(after)) {
                    throw new Error(`wait clock stuck: ${before} then ${after}`);
                }
            },
        },
        {
            trigger:
                ".o_hotline_waiting .o_hotline_waiting_row:contains('13911112222') .o_hotline_waiting_pickup",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('This caller is no longer waiting.')",
        },
        {
            trigger:
                ".o_hotline_waiting .o_hotline_waiting_row:contains('13800138000') .o_hotline_waiting_pickup:enabled",
            run: "click",
        },
        {
            trigger: ".o_notification:contains('You picked up 13800138000.')",
        },
        {
            // the card follows the call to the agent who took it
            trigger: ".o_hotline_screen_pop .o_hotline_card_name:contains('Zhang Wei')",
        },
        {
            // and the caller left the waiting list
            trigger: ".o_menu_systray .o_hotline_waiting_count:contains('1')",
        },
    ],
});
