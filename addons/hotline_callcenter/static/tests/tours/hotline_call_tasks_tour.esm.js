/** @odoo-module **/
import {registry} from "@web/core/registry";

// A preview campaign's agent: the systray counts their call tasks, lists
// them, and a task opens its contact card with the Dial button.
registry.category("web_tour.tours").add("hotline_call_tasks_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_menu_systray .o_hotline_call_tasks_count:contains('1')",
        },
        {
            trigger: ".o_menu_systray .o_hotline_call_tasks_toggle",
            run: "click",
        },
        {
            trigger: ".o_hotline_call_task:contains('Tour callee'):contains('13800000077')",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='partner_id']:contains('Tour callee')",
        },
        {
            trigger: ".o_form_view button[name='action_preview_dial']",
        },
    ],
});
