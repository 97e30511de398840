/** @odoo-module **/
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// Units (承办单位) in Chinese (tests/test_unit_tour.py): the administrator adds a
// handler to a unit, the supervisor dispatches to it, the handler sees its cases.
const UNIT = "抢修二队 Tour";
const HANDLER = "Unit tour handler";
const CASE_NAMED = "Unit tour case 指定承办人";
const CASE_UNIT = "Unit tour case 单位待领";

function openHotline() {
    return [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Hotline app",
            trigger: ".o_app[data-menu-xmlid='hotline_base.hotline_root_menu']",
            run: "click",
        },
        {
            content: "the app's name is in Chinese",
            trigger: ".o_main_navbar .o_menu_brand:contains('热线')",
        },
    ];
}

function openCaseList() {
    return [
        ...openHotline(),
        {
            content: "open the Cases menu",
            trigger:
                ".o_menu_sections button[data-menu-xmlid='hotline_complaints.hotline_cases_menu']",
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

function openCase(name) {
    return [
        {
            content: `open ${name}`,
            trigger: `.o_list_view .o_data_row .o_data_cell[name='name']:contains('${name}')`,
            run: "click",
        },
        {
            content: `the form of ${name}`,
            trigger: `.o_form_view .o_field_widget[name='name'] input:value('${name}')`,
        },
    ];
}

const tours = registry.category("web_tour.tours");

// before joining the unit: the handler's case list has none of its cases (the
// server computes and caches the handler's record rules for the web client)
tours.add("hotline_unit_handler_before_tour", {
    url: "/odoo",
    steps: () => [
        ...openCaseList(),
        {
            content: "none of the unit's cases is listed",
            trigger: ".o_list_view:not(:has(.o_data_cell:contains('Unit tour case')))",
        },
    ],
});

tours.add("hotline_unit_members_tour", {
    url: "/odoo",
    steps: () => [
        ...openHotline(),
        {
            content: "open Configuration",
            trigger:
                ".o_menu_sections button[data-menu-xmlid='hotline_base.hotline_config_menu']:contains('配置')",
            run: "click",
        },
        {
            content: "open Units, in Chinese",
            trigger:
                ".dropdown-item[data-menu-xmlid='hotline_complaints.hotline_unit_menu']:contains('承办单位')",
            run: "click",
        },
        {
            content: "the unit list shows the unit head column in Chinese",
            trigger: ".o_list_view th:contains('单位负责人')",
        },
        {
            content: `open ${UNIT}`,
            trigger: `.o_list_view .o_data_row .o_data_cell:contains('${UNIT}')`,
            run: "click",
        },
        {
            content: "the unit's form, in Chinese",
            trigger: ".o_form_view .o_form_label:contains('单位负责人')",
        },
        {
            content: "add a member",
            trigger:
                ".o_form_view .o_field_widget[name='user_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: `pick ${HANDLER}`,
            trigger: `.modal .o_list_view .o_data_row .o_data_cell:contains('${HANDLER}')`,
            run: "click",
        },
        {
            content: `${HANDLER} is a member`,
            trigger: `.o_form_view .o_field_widget[name='user_ids'] .o_data_row .o_data_cell:contains('${HANDLER}')`,
        },
        ...stepUtils.saveForm(),
    ],
});

tours.add("hotline_unit_dispatch_tour", {
    url: "/odoo",
    steps: () => [
        ...openCaseList(),
        ...openCase(CASE_NAMED),
        {
            content: "dispatch",
            trigger: ".o_form_view .o_statusbar_buttons .o_hotline_dispatch:contains('分发')",
            run: "click",
        },
        {
            content: "choose the unit",
            trigger: ".modal .o_field_widget[name='team_id'] input",
            run: `edit ${UNIT}`,
        },
        {
            content: `pick ${UNIT}`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item > a:contains('${UNIT}')`,
            run: "click",
        },
        {
            content: "the unit is chosen",
            trigger: `.modal .o_field_widget[name='team_id'] input:value('${UNIT}')`,
        },
        {
            content: "open the handlers offered",
            trigger: ".modal .o_field_widget[name='user_id'] input",
            run: "click",
        },
        {
            content: `the unit's new member ${HANDLER} is offered`,
            trigger: `.o-autocomplete--dropdown-menu .o-autocomplete--dropdown-item > a:contains('${HANDLER}')`,
            run: "click",
        },
        {
            content: "the handler is chosen",
            trigger: `.modal .o_field_widget[name='user_id'] input:value('${HANDLER}')`,
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
        {
            content: "the case is dispatched",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('已分发')",
        },
    ],
});

tours.add("hotline_unit_handler_tour", {
    url: "/odoo",
    steps: () => [
        ...openCaseList(),
        {
            content: "the case dispatched to me is listed",
            trigger: `.o_list_view .o_data_row .o_data_cell[name='name']:contains('${CASE_NAMED}')`,
        },
        ...openCase(CASE_UNIT),
        {
            content: "start handling the unit's case",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name='action_hotline_start']:enabled:contains('开始办理')",
            run: "click",
        },
        {
            content: "handling started",
            trigger:
                ".o_form_view .o_statusbar_buttons button[name='action_hotline_request_instruction']",
        },
    ],
});
