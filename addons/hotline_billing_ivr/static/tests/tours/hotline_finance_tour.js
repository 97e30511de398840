/** @odoo-module **/
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// The demo finance user (孙芳（财务）) in Chinese (tests/test_finance_tour.py):
// opens the customer in arrears 刘洋 from Hotline > Customers, reads the amounts
// in yuan, the Credit Control tab, opens the customer's credit control lines,
// then Billing > Dunning lines; never meets a call-centre menu, the caller card's
// systray button or the dial button.

// words that stay as they are in Chinese screens (tests/ui_language.py's KEEP)
const KEEP = new Set(["SMS", "IVR", "VIP", "PBX", "DID", "URL", "ID", "CNY"]);

/** Texts of the elements matching ``selector`` that have English words and no Chinese. */
function englishTexts(selector) {
    const found = [];
    for (const element of document.querySelectorAll(selector)) {
        const text = element.textContent.trim();
        if (/[\u4e00-\u9fff]/.test(text)) {
            continue;
        }
        const words = (text.match(/[A-Za-z]{2,}/g) || []).filter((w) => !KEEP.has(w));
        if (words.length) {
            found.push(text);
        }
    }
    return found;
}

function assertChinese(what, selector) {
    const english = englishTexts(selector);
    if (english.length) {
        throw new Error(`English left on ${what}: ${english.join(" | ")}`);
    }
}

// menus of the call centre that finance must not see (README's role matrix)
const FORBIDDEN_MENUS = [
    "hotline_callcenter.hotline_call_menu",
    "hotline_callcenter.hotline_call_centre_menu",
    "hotline_base.hotline_blacklist_menu",
    "hotline_base.hotline_config_menu",
];
const noForbiddenMenu = FORBIDDEN_MENUS.map(
    (xmlid) => `:not(:has([data-menu-xmlid='${xmlid}']))`
).join("");

registry.category("web_tour.tours").add("hotline_finance_tour", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "open the Hotline app",
            trigger: ".o_app[data-menu-xmlid='hotline_base.hotline_root_menu']",
            run: "click",
        },
        {
            content: "the app's name and finance's menus, in Chinese",
            trigger:
                ".o_main_navbar:has(.o_menu_brand:contains('热线'))" +
                ":has(.o_menu_sections [data-menu-xmlid='hotline_billing_ivr.hotline_billing_menu']:contains('账务'))",
        },
        {
            content: "no call-centre menu for finance (calls, call centre, blacklist, configuration)",
            trigger: `.o_main_navbar .o_menu_sections${noForbiddenMenu}`,
            run() {
                assertChinese("the Hotline menus", ".o_menu_sections [data-menu-xmlid]");
            },
        },
        {
            content: "no caller card (screen pop) in the systray: finance takes no calls",
            trigger: ".o_main_navbar .o_menu_systray:not(:has(.o_hotline_screen_pop_toggle))",
        },
        {
            content: "open Customers",
            trigger:
                ".o_menu_sections button[data-menu-xmlid='hotline_base.hotline_customers_menu']:contains('客户')",
            run: "click",
        },
        {
            content: "the customers list",
            trigger:
                ".dropdown-item[data-menu-xmlid='hotline_base.hotline_customer_list_menu']",
            run: "click",
        },
        {
            content: "open the customer in arrears",
            trigger: ".o_list_view .o_data_row .o_data_cell:contains('刘洋')",
            run: "click",
        },
        {
            content: "the customer's form",
            trigger: ".o_form_view .o_breadcrumb:contains('刘洋')",
        },
        {
            content: "the customer's Hotline tab",
            trigger: ".o_form_view .o_notebook .nav-link[name='hotline']:contains('热线')",
            run: "click",
        },
        {
            content: "the overdue amount, in yuan",
            trigger:
                ".o_form_view .o_inner_group:has(.o_form_label:contains('逾期金额')) " +
                ".o_field_widget[name='hotline_amount_overdue']:contains('¥'):contains('547.04')",
        },
        {
            content: "the amount due, in yuan",
            trigger:
                ".o_form_view .o_inner_group:has(.o_form_label:contains('应缴金额')) " +
                ".o_field_widget[name='hotline_amount_due']:contains('¥'):contains('547.04')",
        },
        {
            content: "finance does not dial (no click-to-dial beside the phones)",
            trigger:
                ".o_form_view:has(.o_field_widget[name='mobile'] input):not(:has(.o_hotline_dial_button))",
        },
        {
            content: "open the Credit Control tab",
            trigger: ".o_form_view .o_notebook .nav-link:contains('催缴管理')",
            run: "click",
        },
        {
            content: "the tab, in Chinese",
            trigger:
                ".o_form_view .o_notebook .tab-pane.active .o_form_label:contains('催缴策略')",
            run() {
                assertChinese(
                    "the Credit Control tab",
                    ".o_form_view .o_notebook .tab-pane.active .o_form_label"
                );
            },
        },
        {
            content: "open the customer's credit control lines",
            trigger: ".o_form_view .oe_stat_button:contains('催缴管理')",
            run: "click",
        },
        {
            content: "刘洋's credit control lines, in yuan",
            trigger:
                ".o_list_view .o_data_row:has(.o_data_cell:contains('刘洋')) " +
                ".o_data_cell[name='balance_due']:contains('¥')",
        },
        {
            content: "the list's title and columns, in Chinese",
            trigger: ".o_list_view thead th[data-name='balance_due']:contains('欠费余额')",
            run() {
                assertChinese(
                    "the credit control lines",
                    ".o_breadcrumb .active, .o_breadcrumb li, .o_list_view thead th, .o_list_view .o_data_cell[name='state']"
                );
            },
        },
        {
            content: "open Billing",
            trigger:
                ".o_menu_sections button[data-menu-xmlid='hotline_billing_ivr.hotline_billing_menu']",
            run: "click",
        },
        {
            content: "open the dunning lines",
            trigger:
                ".dropdown-item[data-menu-xmlid='hotline_billing_ivr.hotline_dunning_menu']:contains('催缴明细')",
            run: "click",
        },
        {
            content: "every customer's dunning lines, the restaurant's with 刘洋's",
            trigger:
                ".o_list_view:has(.o_data_cell:contains('刘洋')) .o_data_row .o_data_cell:contains('北京望京餐饮管理有限公司')",
            run() {
                assertChinese(
                    "the dunning lines",
                    ".o_breadcrumb li, .o_breadcrumb .active, .o_list_view thead th, .o_searchview_facet"
                );
            },
        },
        {
            content: "still no call-centre menu",
            trigger: `.o_main_navbar .o_menu_sections${noForbiddenMenu}`,
        },
    ],
});
