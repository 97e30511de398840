/** @odoo-module **/
import {registry} from "@web/core/registry";

// The agent (zh_CN) opens the form of a call they wrapped up as a repair
// request: "Wrap-up code" opens the wrap-up dialog with that code chosen; they
// change it to an enquiry (the note stays) and the form shows it. Then they log
// out of their queues and in again from the status menu.
registry.category("web_tour.tours").add("hotline_call_wrapup_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name='disposition_id']:contains('报修')",
        },
        {
            trigger: ".o_form_view .o_hotline_call_wrapup:contains('话后小结')",
            run: "click",
        },
        {
            trigger: ".o_hotline_wrapup_dialog .o_hotline_wrapup_code.active[data-code='repair']",
        },
        {
            trigger: ".o_hotline_wrapup_dialog .o_hotline_wrapup_code[data-code='enquiry']:contains('咨询')",
            run: "click",
        },
        {
            trigger: ".o_hotline_wrapup_dialog .o_hotline_wrapup_save:enabled",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='disposition_id']:contains('咨询')",
        },
        // the status menu's queue logout and login (res.users action_hotline_*)
        {
            trigger: ".o_menu_systray .o_hotline_agent_status_toggle",
            run: "click",
        },
        {
            trigger: ".o_hotline_agent_status_panel .o_hotline_agent_logout:enabled",
            run: "click",
        },
        {
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='logged_out']",
        },
        {
            trigger: ".o_menu_systray .o_hotline_agent_status_toggle",
            run() {
                if (!document.querySelector(".o_hotline_agent_status_panel")) {
                    this.anchor.click();
                }
            },
        },
        {
            trigger: ".o_hotline_agent_status_panel .o_hotline_agent_login:enabled",
            run: "click",
        },
        {
            trigger: ".o_menu_systray .o_hotline_agent_state[data-state='available']",
        },
    ],
});
