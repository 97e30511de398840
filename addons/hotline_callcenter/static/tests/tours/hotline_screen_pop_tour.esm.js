/** @odoo-module **/
import {registry} from "@web/core/registry";

// The test rang agent 8001 with a call from Zhang Wei: the card pops in the
// systray, "Open customer" opens the customer's form, whose phone offers Dial.
registry.category("web_tour.tours").add("hotline_screen_pop_tour", {
    url: "/odoo",
    steps: () => [
        {
            trigger: ".o_menu_systray .o_hotline_screen_pop_toggle",
        },
        {
            trigger: ".o_hotline_screen_pop .o_hotline_card_number:contains('13800138000')",
        },
        {
            trigger: ".o_hotline_screen_pop .o_hotline_card_name:contains('Zhang Wei')",
        },
        {
            trigger: ".o_hotline_screen_pop .o_hotline_card_action:contains('Start case')",
        },
        {
            trigger: ".o_hotline_screen_pop .o_hotline_open_partner",
            run: "click",
        },
        {
            trigger: "body:has(.o_form_view) .o_breadcrumb .active:contains('Zhang Wei')",
        },
        {
            // the links next to a phone show while it has the focus
            trigger: ".o_form_view .o_field_widget[name='phone'] input",
            run: "click",
        },
        {
            // click-to-dial next to the customer's phone
            trigger: ".o_form_view .o_field_widget[name='phone'] .o_hotline_dial_button",
        },
    ],
});
