/** @odoo-module **/
import {registry} from "@web/core/registry";

// The demo agent, in Chinese, on the demo customer 王建华's form: "拨号" beside
// the mobile 138 1001 0001 rings the agent's phone, then 13810010001 (the test
// checks the Originate the PBX received). The agent reads in Chinese that the
// call is being placed, then the connector's result: the customer answered.
registry.category("web_tour.tours").add("hotline_click_to_dial_zh_tour", {
    steps: () => [
        {
            content: "the demo customer's form",
            trigger: ".o_breadcrumb:contains('王建华')",
        },
        {
            // the links next to a phone show while the pointer is on it (or it has the focus)
            content: "the customer's mobile",
            trigger: ".o_form_view .o_field_widget[name='mobile'] input",
            run: "click",
        },
        {
            content: "dial the mobile, through the PBX",
            trigger:
                ".o_field_widget[name='mobile'] .o_hotline_dial_button[title='通过 PBX 拨号']:contains('拨号')",
            run: "click",
        },
        {
            content: "the call is being placed",
            trigger:
                ".o_notification .o_notification_content:contains('正在拨打 13810010001：请在话机振铃时接听，随后系统将呼叫该号码。')",
        },
        {
            content: "the connector's result, in Chinese",
            trigger:
                ".o_notification:has(.o_notification_title:contains('点击拨号')) .o_notification_content:contains('13810010001 已接听。')",
        },
    ],
});
