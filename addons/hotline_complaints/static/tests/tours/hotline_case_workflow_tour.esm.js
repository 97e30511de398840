/** @odoo-module **/
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";
import {user} from "@web/core/user";

// The case workflow 受理 → 分发 → 处理 → 批示 → 回复 → 回访 → 办结, one tour per
// role (tests/test_workflow_tour.py runs them in order, once in English and once
// in Chinese). Steps select buttons and fields by name, class or menu xmlid; the
// labels below are only asserted, in the user's language, to prove the
// translations reach the web client.
const LABELS = {
    en: {
        app: "Hotline",
        cases: "Cases",
        complaint: "Complaint",
        accept: "Accept",
        accepted: "Accepted",
        dispatch: "Dispatch",
        leadTeam: "Lead team",
        dispatched: "Dispatched",
        start: "Start handling",
        askInstruction: "Ask for instruction",
        awaitingInstruction: "Awaiting instruction",
        instruct: "Instruct",
        reply: "Reply",
        replied: "Replied",
        callback: "Callback",
        calledBack: "Called back",
        close: "Close case",
        timeline: "Timeline",
    },
    zh: {
        app: "热线",
        cases: "工单",
        complaint: "投诉",
        accept: "受理",
        accepted: "已受理",
        dispatch: "分发",
        leadTeam: "主办单位",
        dispatched: "已分发",
        start: "开始办理",
        askInstruction: "请求批示",
        awaitingInstruction: "待批示",
        instruct: "批示",
        reply: "回复",
        replied: "已回复",
        callback: "回访",
        calledBack: "已回访",
        close: "办结",
        timeline: "流转记录",
    },
};

// Data the test creates (the same in both languages).
const CASE_TITLE = "Tour case 燃气表漏气";
const CUSTOMER = "王小明";
const TEAM_LEAD = "燃气抢修队 Tour";
const TEAM_CO = "稽查科 Tour";
const HANDLER = "Tour handler";

function labels() {
    return (user.lang || "").startsWith("zh") ? LABELS.zh : LABELS.en;
}

function pickRecord(fieldName, search, label, root = "", tags = false) {
    const field = `${root} .o_field_widget[name='${fieldName}']`;
    return [
        {
            content: `type ${search} in ${fieldName}`,
            trigger: `${field} input`,
            run: `edit ${search}`,
        },
        {
            content: `pick ${label}`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item > a:contains('${label}')`,
            run: "click",
        },
        {
            content: `${fieldName} is ${label}`,
            trigger: tags
                ? `${field} .o_tag:contains('${label}')`
                : `${field} input:value('${label}')`,
        },
    ];
}

function openCaseList() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Hotline app",
            trigger: ".o_app[data-menu-xmlid='hotline_base.hotline_root_menu']",
            run: "click",
        },
        {
            content: "the app's name is translated",
            trigger: `.o_main_navbar .o_menu_brand:contains('${labels().app}')`,
        },
        {
            content: "open the Cases menu",
            trigger: `.o_menu_sections button[data-menu-xmlid='hotline_complaints.hotline_cases_menu']:contains('${labels().cases}')`,
            run: "click",
        },
        {
            content: "open All cases",
            trigger:
                ".dropdown-item[data-menu-xmlid='hotline_complaints.hotline_case_list_menu']",
            run: "click",
        },
        {
            content: "the case list",
            trigger: ".o_list_view .o_list_renderer",
        },
    ];
}

function openCase() {
    return [
        ...openCaseList(),
        {
            content: "open the case",
            trigger: `.o_list_view .o_data_row .o_data_cell[name='name']:contains('${CASE_TITLE}')`,
            run: "click",
        },
        {
            content: "the case's form",
            trigger: `.o_form_view .o_field_widget[name='name'] input:value('${CASE_TITLE}')`,
        },
    ];
}

function currentStage(key) {
    return {
        content: `the case is at the step ${key}`,
        trigger: `.o_form_view .o_statusbar_status .o_arrow_button_current:contains('${labels()[key]}')`,
    };
}

function headerButton(selector, key) {
    // the button by name or class, with its label in the user's language
    return {
        content: `click ${key}`,
        trigger: `.o_form_view .o_statusbar_buttons ${selector}:enabled:contains('${labels()[key]}')`,
        run: "click",
    };
}

function noButton(selector) {
    return {
        content: `no ${selector} for this role`,
        trigger: `.o_form_view:not(:has(.o_statusbar_buttons ${selector}))`,
    };
}

function confirmWizard() {
    return [
        {
            content: "confirm the step",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "the dialog closed",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

function checkTimeline(eventCount) {
    return [
        {
            content: "open the timeline",
            trigger: `.o_notebook a.nav-link[name='hotline_timeline']:contains('${labels().timeline}')`,
            run: "click",
        },
        {
            content: `the timeline has ${eventCount} events`,
            trigger: `.o_field_widget[name='event_ids'] .o_list_table tbody:has(tr.o_data_row:nth-child(${eventCount})):not(:has(tr.o_data_row:nth-child(${eventCount + 1})))`,
        },
    ];
}

const tours = registry.category("web_tour.tours");

// 受理 — the agent takes a complaint from the Hotline menu and accepts it.
tours.add("hotline_case_intake_tour", {
    url: "/odoo",
    steps: () => [
        ...openCaseList(),
        {
            content: "new case",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "title",
            trigger: ".o_form_view .o_field_widget[name='name'] input",
            run: `edit ${CASE_TITLE}`,
        },
        ...pickRecord("case_type_id", labels().complaint, labels().complaint),
        ...pickRecord("partner_id", CUSTOMER, CUSTOMER),
        {
            content: "caller's number",
            trigger: ".o_form_view .o_field_widget[name='caller_number'] input",
            run: "edit 13800138000",
        },
        {
            content: "the complaint type asks for the party concerned",
            trigger: ".o_form_view .o_field_widget[name='accused_party'] input",
            run: "edit 某燃气公司",
        },
        {
            content: "focus the description",
            trigger:
                ".o_form_view .o_field_widget[name='description'] .odoo-editor-editable",
            run: "click",
        },
        {
            content: "describe the matter",
            trigger:
                ".o_form_view .o_field_widget[name='description'] .odoo-editor-editable p",
            run: "editor 厨房燃气表附近有气味，要求上门检查。",
        },
        ...stepUtils.saveForm(),
        {
            content: "the case is saved",
            trigger: `.o_breadcrumb .active:contains('${CASE_TITLE}')`,
        },
        noButton("button[name='action_hotline_start']"),
        noButton(".o_hotline_instruct"),
        headerButton("button[name='action_hotline_accept']", "accept"),
        currentStage("accepted"),
        ...checkTimeline(2),
    ],
});

// 分发 — the supervisor dispatches to a lead team and a co-handling team.
tours.add("hotline_case_dispatch_tour", {
    url: "/odoo",
    steps: () => [
        ...openCase(),
        currentStage("accepted"),
        noButton("button[name='action_hotline_start']"),
        headerButton(".o_hotline_dispatch", "dispatch"),
        {
            content: "the dispatch dialog",
            trigger: `.modal label:contains('${labels().leadTeam}')`,
        },
        ...pickRecord("team_id", TEAM_LEAD, TEAM_LEAD, ".modal"),
        ...pickRecord("team_ids", TEAM_CO, TEAM_CO, ".modal", true),
        ...pickRecord("user_id", HANDLER, HANDLER, ".modal"),
        {
            content: "note to the teams",
            trigger: ".modal .o_field_widget[name='note'] textarea",
            run: "edit 请尽快上门核查",
        },
        {
            content: "dispatch",
            trigger: ".modal button[name='action_dispatch']",
            run: "click",
        },
        {
            content: "the dialog closed",
            trigger: "body:not(:has(.modal))",
        },
        currentStage("dispatched"),
        {
            content: "co-handling team shown",
            trigger: `.o_form_view .o_field_widget[name='team_ids'] .o_tag:contains('${TEAM_CO}')`,
        },
    ],
});

// 处理 — the handler starts handling and asks the leader for an instruction.
tours.add("hotline_case_handle_tour", {
    url: "/odoo",
    steps: () => [
        ...openCase(),
        currentStage("dispatched"),
        noButton(".o_hotline_dispatch"),
        noButton(".o_hotline_instruct"),
        noButton(".o_hotline_callback"),
        headerButton("button[name='action_hotline_start']", "start"),
        {
            content: "handling started",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_hotline_request_instruction']",
        },
        headerButton("button[name='action_hotline_request_instruction']", "askInstruction"),
        currentStage("awaitingInstruction"),
        noButton(".o_hotline_reply"),
    ],
});

// 批示 — the leader gives the instruction.
tours.add("hotline_case_instruct_tour", {
    url: "/odoo",
    steps: () => [
        ...openCase(),
        currentStage("awaitingInstruction"),
        noButton(".o_hotline_dispatch"),
        headerButton(".o_hotline_instruct", "instruct"),
        {
            content: "write the instruction",
            trigger: ".modal .o_field_widget[name='text'] textarea",
            run: "edit 请三日内上门核查并答复来电人",
        },
        ...confirmWizard(),
        {
            content: "back to the handler",
            trigger: ".o_form_view .o_statusbar_buttons .o_hotline_reply",
        },
        {
            content: "open the handling tab",
            trigger: ".o_notebook a.nav-link[name='hotline_handling']",
            run: "click",
        },
        {
            content: "the instruction is on the case",
            trigger:
                ".o_form_view .o_field_widget[name='instruction']:contains('请三日内上门核查并答复来电人')",
        },
    ],
});

function replyTour(method, text) {
    return {
        url: "/odoo",
        steps: () => [
            ...openCase(),
            noButton(".o_hotline_dispatch"),
            noButton(".o_hotline_instruct"),
            headerButton(".o_hotline_reply", "reply"),
            {
                content: `reply by ${method}`,
                trigger: ".modal .o_field_widget[name='method'] select",
                run: `select "${method}"`,
            },
            {
                content: "write the reply",
                trigger: ".modal .o_field_widget[name='text'] textarea",
                run: `edit ${text}`,
            },
            ...confirmWizard(),
            currentStage("replied"),
            noButton(".o_hotline_callback"),
        ],
    };
}

// 回复 — the handler replies to the caller, by e-mail or by SMS.
tours.add("hotline_case_reply_email_tour", replyTour("email", "已上门更换燃气表，隐患已排除。"));
tours.add("hotline_case_reply_sms_tour", replyTour("sms", "已上门更换燃气表，隐患已排除。"));

// 回访 and 办结 — the agent calls the caller back, records the satisfaction, closes.
tours.add("hotline_case_callback_tour", {
    url: "/odoo",
    steps: () => [
        ...openCase(),
        currentStage("replied"),
        noButton("button[name='action_hotline_start']"),
        headerButton(".o_hotline_callback", "callback"),
        {
            content: "the caller is satisfied",
            trigger: ".modal .o_field_widget[name='satisfaction'] select",
            run: 'select "4"',
        },
        {
            content: "callback note",
            trigger: ".modal .o_field_widget[name='text'] textarea",
            run: "edit 来电人对处理结果满意",
        },
        ...confirmWizard(),
        currentStage("calledBack"),
        headerButton("button[name='action_hotline_close']", "close"),
        {
            content: "closed: no workflow button left",
            trigger:
                ".o_form_view:not(:has(.o_statusbar_buttons button[name='action_hotline_close'])):not(:has(.o_statusbar_buttons .o_hotline_callback))",
        },
        ...checkTimeline(9),
    ],
});
