/** @odoo-module **/
import {registry} from "@web/core/registry";
import {rpc} from "@web/core/network/rpc";

// An agent working in Chinese (zh_CN), logged in to their queue. The test's
// connector thread rings, answers and hangs up one call, each time after the
// browser has loaded the status once more (the status bar loads it at start
// and when its menu opens; nextEvent() loads it as the bar does): ringing →
// on a call → wrap-up, a code and a note, Ready.
function openStatusMenu() {
    return [
        {
            trigger: ".o_menu_systray .o_hotline_agent_status_toggle",
            run: "click",
        },
        {
            trigger: ".o_hotline_agent_status_panel",
        },
    ];
}

function nextEvent() {
    return {
        trigger: ".o_menu_systray .o_hotline_agent_status_toggle",
        run: () =>
            rpc("/web/dataset/call_kw/hotline.agent.status/hotline_status", {
                model: "hotline.agent.status",
                method: "hotline_status",
                args: [],
                kwargs: {},
            }),
    };
}

function closeStatusMenu() {
    return [
        {
            trigger: ".o_menu_systray .o_hotline_agent_status_toggle",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_hotline_agent_status_panel))",
        },
    ];
}

registry.category("web_tour.tours").add("hotline_agent_status_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='available']:contains('就绪')",
        },
        ...openStatusMenu(),
        {
            // logged in: the menu offers the pause reasons and the logout
            trigger: ".o_hotline_agent_status_panel .o_hotline_agent_pause[data-code='meal']:contains('用餐')",
        },
        {
            trigger: ".o_hotline_agent_status_panel .o_hotline_agent_logout:contains('签出')",
        },
        ...closeStatusMenu(),
        nextEvent(),
        {
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='ringing']:contains('振铃')",
        },
        nextEvent(),
        {
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='on_call']:contains('通话中')",
        },
        {
            // the time in the status ticks every second
            trigger: ".o_menu_systray .o_hotline_agent_timer",
            async run() {
                const before = this.anchor.textContent;
                await new Promise((resolve) => setTimeout(resolve, 2100));
                const after = document.querySelector(
                    ".o_menu_systray .o_hotline_agent_timer"
                ).textContent;
                if (before === after || !/^\d+:\d\d$/.test(after)) {
                    throw new Error(`status clock stuck: ${before} then ${after}`);
                }
            },
        },
        nextEvent(),
        {
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='wrapup']:contains('话后处理')",
        },
        {
            // the wrap-up dialog opens by itself
            trigger: ".o_hotline_wrapup_dialog .modal-title:contains('话后处理')",
        },
        {
            trigger: ".o_hotline_wrapup_dialog .o_hotline_wrapup_code[data-code='repair']:contains('报修')",
            run: "click",
        },
        {
            trigger: ".o_hotline_wrapup_dialog .o_hotline_wrapup_note",
            run: "edit 燃气表漏气，已派工",
        },
        {
            trigger: ".o_hotline_wrapup_dialog .o_hotline_wrapup_save:enabled:contains('保存')",
            run: "click",
        },
        {
            trigger: "body:not(:has(.o_hotline_wrapup_dialog))",
        },
        {
            // still in wrap-up (paused in the queues) until Ready
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='wrapup']",
        },
        {
            trigger: ".o_menu_systray .o_hotline_agent_ready:contains('就绪')",
            run: "click",
        },
        {
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='available']:contains('就绪')",
        },
        {
            trigger: ".o_menu_systray:not(:has(.o_hotline_agent_ready))",
        },
    ],
});
