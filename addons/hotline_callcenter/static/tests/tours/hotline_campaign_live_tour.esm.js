/** @odoo-module **/
import {registry} from "@web/core/registry";

// A running campaign's form, loaded with one attempt ringing; the dialer then
// writes its result (busy) in another transaction: the bus notification
// reloads the counters without the supervisor touching the page.
registry.category("web_tour.tours").add("hotline_campaign_live_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_field_widget[name='busy_count']:contains('1')",
            timeout: 20000,
        },
        {
            trigger: ".o_form_view .o_field_widget[name='in_progress_count']:contains('0')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='answered_count']:contains('0')",
        },
    ],
});
