# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Billing IVR",
    "summary": "Amounts due and overdue of a customer on its form and the caller card, "
    "the Finance role on Accounting with the Chinese chart of accounts",
    "version": "18.0.1.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": [
        "hotline_callcenter",
        "account",
        "account_credit_control",
        "l10n_cn",
    ],
    "external_dependencies": {"python": ["cn2an"]},
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "security/hotline_outage_notice_rules.xml",
        "data/ir_cron_data.xml",
        "views/hotline_outage_notice_views.xml",
        "data/hotline_ivr_prompt_data.xml",
        "data/hotline_ivr_selfservice_data.xml",
        "views/hotline_selfservice_transaction_views.xml",
        "security/hotline_billing_rules.xml",
        "data/hotline_ivr_meter_prompt_data.xml",
        "views/hotline_meter_reading_views.xml",
        "views/res_company_views.xml",
        "views/res_partner_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/hotline_service_site_demo.xml",
        "demo/hotline_meter_tariff_demo.xml",
        "demo/account_demo.xml",
        "demo/hotline_gas_demo.xml",
        "demo/hotline_ivr_selfservice_demo.xml",
        "demo/hotline_ivr_selfservice_login_demo.xml",
        "demo/hotline_meter_demo.xml",
        "demo/hotline_gas_menu_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["hotline_billing_ivr/static/tests/tours/**/*"],
    },
}
