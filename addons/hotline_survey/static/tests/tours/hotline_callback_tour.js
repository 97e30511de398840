/** @odoo-module **/
import {registry} from "@web/core/registry";

// An agent working in Chinese does a satisfaction callback (回访): 我的回访
// lists the task of 李建国, its form has 拨号 (click-to-dial through the
// preview campaign: the test checks the Originate the PBX received) and
// 打开问卷 (Odoo's survey page, prefilled for the task, in a new window).
registry.category("web_tour.tours").add("hotline_callback_zh_tour", {
    steps: () => [
        {
            content: "the agent's callbacks",
            trigger: ".o_breadcrumb:contains('我的回访')",
        },
        {
            content: "the callback of 李建国",
            trigger: ".o_data_row td[name='customer_label']:contains('李建国')",
            run: "click",
        },
        {
            content: "the task's form: the case and the customer",
            trigger:
                ".o_form_view .o_hotline_callback_customer:contains('李建国')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='case_summary']:contains('燃气表漏气')",
        },
        {
            content: "dial the customer through the PBX",
            trigger: ".o_form_view button.o_hotline_callback_dial:contains('拨号')",
            run: "click",
        },
        {
            content: "the call is being placed",
            trigger: ".o_notification .o_notification_content:contains('13800138001')",
        },
        {
            content: "the task is being called",
            trigger:
                ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('呼叫中')",
        },
        {
            content: "the survey, while on the phone",
            trigger: ".o_form_view button.o_hotline_callback_survey:contains('打开问卷')",
            run: "click",
        },
        {
            content: "the survey's answer is ready (the form is still there)",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current",
        },
    ],
});

// The survey page the agent opened: the customer is satisfied; back in
// 我的回访 the task is 已答复 (answered).
registry.category("web_tour.tours").add("hotline_callback_survey_zh_tour", {
    steps: () => [
        {
            content: "start the survey",
            trigger: "button[value='start']",
            run: "click",
        },
        {
            content: "the customer is satisfied (the first choice)",
            trigger: "div.js_question-wrapper:contains('满意吗') label:first",
            run: "click",
        },
        {
            content: "the customer's suggestion",
            trigger: "div.js_question-wrapper:contains('建议') textarea",
            run: "edit 师傅很专业",
        },
        {
            content: "submit",
            trigger: "button[value='finish']",
            run: "click",
        },
        {
            content: "submitted",
            trigger: ".o_survey_finished",
            run: () => {
                window.location.href =
                    "/odoo/action-hotline_survey.hotline_callback_task_action_mine";
            },
        },
        {
            content: "the agent's callbacks, all of them",
            trigger: ".o_searchview_facet .o_facet_remove",
            run: "click",
        },
        {
            content: "the callback is done",
            trigger:
                ".o_data_row:contains('李建国') td[name='state']:contains('已答复')",
        },
    ],
});
