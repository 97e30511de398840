/** @odoo-module **/
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// tests/test_card_tour.py rang agent 8001 (a Chinese user) with the answered
// call of 王小明 from 13800138000: the card is docked beside the content, every
// action it offers works, and "新建工单" starts a case linked to the call.
const NUMBER = "13800138000";
const CUSTOMER = "王小明";
const CASE_TITLE = "来电工单 燃气表漏气";

function dockDoesNotCover() {
    return {
        content: "the docked card does not cover the content",
        trigger: "body.o_hotline_docked_right .o_hotline_dock.o_hotline_dock_right",
        run() {
            const dock = document.querySelector(".o_hotline_dock").getBoundingClientRect();
            const content = document
                .querySelector(".o_action_manager")
                .getBoundingClientRect();
            if (content.right > dock.left + 1) {
                throw new Error(
                    `the card (from ${dock.left}px) covers the content (to ${content.right}px)`
                );
            }
        },
    };
}

const tours = registry.category("web_tour.tours");

tours.add("hotline_card_case_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "the card popped, docked on the right",
            trigger: `.o_hotline_dock .o_hotline_card_number:contains('${NUMBER}')`,
        },
        {
            content: "the caller is known",
            trigger: `.o_hotline_dock .o_hotline_card_name:contains('${CUSTOMER}')`,
        },
        {
            content: "the timer counts the call since it was answered, in Chinese",
            trigger:
                ".o_hotline_dock .o_hotline_card_timer[data-status='talking'] .o_hotline_card_timer_label:contains('通话中')",
        },
        {
            content: "the card's sections are in Chinese on a ring",
            trigger: ".o_hotline_dock .o_hotline_card strong:contains('未办结工单')",
        },
        dockDoesNotCover(),
        // 打开客户
        {
            content: "open the customer",
            trigger: ".o_hotline_dock .o_hotline_open_partner:contains('打开客户')",
            run: "click",
        },
        {
            content: "the customer's form",
            trigger: `.o_form_view .o_breadcrumb .active:contains('${CUSTOMER}')`,
        },
        dockDoesNotCover(),
        // minimise, show again, dock on the left and back
        {
            content: "minimise the card",
            trigger: ".o_hotline_dock .o_hotline_dock_minimise",
            run: "click",
        },
        {
            content: "minimised: a tab with the number and the timer, the content has the room",
            trigger: `body:not(.o_hotline_docked_right) .o_hotline_dock_tab:contains('${NUMBER}')`,
        },
        {
            content: "no card over the form",
            trigger: "body:not(:has(.o_hotline_dock))",
        },
        {
            content: "show the card again",
            trigger: ".o_hotline_dock_tab",
            run: "click",
        },
        {
            content: "dock it on the left",
            trigger: ".o_hotline_dock.o_hotline_dock_right .o_hotline_dock_side",
            run: "click",
        },
        {
            content: "the card is on the left, the content beside it",
            trigger: "body.o_hotline_docked_left .o_hotline_dock.o_hotline_dock_left",
            run() {
                const dock = document.querySelector(".o_hotline_dock").getBoundingClientRect();
                const content = document
                    .querySelector(".o_action_manager")
                    .getBoundingClientRect();
                if (content.left < dock.right - 1) {
                    throw new Error("the card docked on the left covers the content");
                }
            },
        },
        {
            content: "back to the right",
            trigger: ".o_hotline_dock.o_hotline_dock_left .o_hotline_dock_side",
            run: "click",
        },
        {
            content: "the systray button minimises it too",
            trigger: ".o_menu_systray .o_hotline_screen_pop_toggle.active",
            run: "click",
        },
        {
            content: "minimised",
            trigger: "body:not(:has(.o_hotline_dock)) .o_hotline_dock_tab",
        },
        {
            content: "and shows it again",
            trigger: ".o_menu_systray .o_hotline_screen_pop_toggle:not(.active)",
            run: "click",
        },
        // 回拨
        {
            content: "call the caller back",
            trigger: ".o_hotline_dock .o_hotline_cti button:contains('回拨')",
            run: "click",
        },
        {
            content: "the PBX dials",
            trigger: `.o_notification:contains('${NUMBER}')`,
        },
        // 新建工单
        {
            content: "start a case from the card",
            trigger:
                ".o_hotline_dock .o_hotline_card_action[data-action='start_case']:contains('新建工单')",
            run: "click",
        },
        {
            content: "a new case, the caller filled in",
            trigger: `.o_form_view .o_field_widget[name='partner_id'] input:value('${CUSTOMER}')`,
        },
        {
            content: "with the caller's number",
            trigger: `.o_form_view .o_field_widget[name='caller_number'] input:value('${NUMBER}')`,
        },
        dockDoesNotCover(),
        {
            content: "title",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: `edit ${CASE_TITLE}`,
        },
        {
            content: "type in the case type",
            trigger: ".o_form_view .o_field_widget[name='case_type_id'] input",
            run: "edit 投诉",
        },
        {
            content: "pick 投诉",
            trigger: ".o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item > a:contains('投诉')",
            run: "click",
        },
        {
            content: "the complaint type asks for the party concerned",
            trigger: ".o_form_view .o_field_widget[name='accused_party'] input",
            run: "edit 某燃气公司",
        },
        {
            content: "focus the description",
            trigger: ".o_form_view .o_field_widget[name='description'] .odoo-editor-editable",
            run: "click",
        },
        {
            content: "describe the matter",
            trigger: ".o_form_view .o_field_widget[name='description'] .odoo-editor-editable p",
            run: "editor 来电反映燃气表附近有气味。",
        },
        ...stepUtils.saveForm(),
        {
            content: "the case is saved",
            trigger: `.o_breadcrumb .active:contains('${CASE_TITLE}')`,
        },
    ],
});

// After a reload during the call: the card comes back from the server.
tours.add("hotline_card_restore_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "the live call's card is back",
            trigger: `.o_hotline_dock .o_hotline_card_number:contains('${NUMBER}')`,
        },
        {
            content: "its timer counts since the answer",
            trigger: ".o_hotline_dock .o_hotline_card_timer[data-status='talking']",
        },
    ],
});

// The call ended: the card says why, in words.
tours.add("hotline_card_hangup_tour", {
    url: "/odoo",
    steps: () => [
        {
            content: "the card of the ended call",
            trigger: `.o_hotline_dock .o_hotline_card_number:contains('${NUMBER}')`,
        },
        {
            content: "the timer stopped",
            trigger: ".o_hotline_dock .o_hotline_card_timer[data-status='ended']",
        },
        {
            content: "the hang-up cause in Chinese words",
            trigger: ".o_hotline_dock .o_hotline_card_hangup_cause:contains('对方挂机')",
        },
    ],
});
