/** @odoo-module **/
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

const TILE = ".o_hotline_wallboard_tile[data-queue-code='tour_wb']";

// The TV's read-only user opens the wallboard: the queue is calm (green, no
// caller). A caller joins the queue (the connector records the
// QueueCallerJoin), the bus brings the company's new payload: the tile shows
// the caller, turns red (waited over a minute) and the longest wait ticks.
registry.category("web_tour.tours").add("hotline_wallboard_tour", {
    steps: () => [
        {
            trigger: `${TILE}.o_hotline_wallboard_tile_ok .o_hotline_wallboard_waiting:contains('0')`,
        },
        {
            trigger: `${TILE} .o_hotline_wallboard_queue_name:contains('Gas leaks')`,
        },
        {
            trigger:
                ".o_hotline_wallboard_agent:contains('Tour Agent') .o_hotline_wallboard_agent_state:contains('Ready')",
            async run() {
                // tell the test the calm board is on screen (it asks the
                // payload once more, as a reconnected bus would): then the
                // caller joins
                await rpc("/web/dataset/call_kw/hotline.wallboard/hotline_wallboard_payload", {
                    model: "hotline.wallboard",
                    method: "hotline_wallboard_payload",
                    args: [],
                    kwargs: {},
                });
            },
        },
        {
            // the caller joined: no reload, the bus brought it
            trigger: `${TILE}.o_hotline_wallboard_tile_alert .o_hotline_wallboard_waiting:contains('1')`,
        },
        {
            trigger: ".o_hotline_wallboard_total_waiting:contains('1')",
        },
        {
            // the longest wait ticks every second, in the browser
            trigger: `${TILE} .o_hotline_wallboard_longest`,
            async run() {
                const before = this.anchor.textContent;
                await new Promise((resolve) => setTimeout(resolve, 2100));
                const after = document.querySelector(
                    `${TILE} .o_hotline_wallboard_longest`
                ).textContent;
                if (before === after || !/^1:\d\d$/.test(after)) {
                    throw new Error(`longest wait stuck: ${before} then ${after}`);
                }
            },
        },
    ],
});
