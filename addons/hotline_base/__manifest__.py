# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Base",
    "summary": "Customers (with the business system's sync API), caller "
    "identification, blacklist, roles and knowledge base of the hotline",
    "version": "18.0.1.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["contacts", "mail", "phone_validation", "sms", "resource"],
    "external_dependencies": {
        "python": [
            "phonenumbers",
            "python-stdnum",
            "requests",
            "alibabacloud-dysmsapi20170525",
            "tencentcloud-sdk-python-sms",
        ]
    },
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "security/hotline_base_rules.xml",
        "security/hotline_sms_rules.xml",
        "security/hotline_webhook_rules.xml",
        "data/ir_sequence_data.xml",
        "data/ir_cron_data.xml",
        "data/hotline_care_data.xml",
        "data/hotline_webhook_data.xml",
        "views/hotline_knowledge_article_views.xml",
        "views/res_partner_views.xml",
        "views/hotline_area_views.xml",
        "views/hotline_customer_category_views.xml",
        "views/hotline_service_site_views.xml",
        "views/hotline_blacklist_views.xml",
        "views/hotline_care_message_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
        "views/hotline_sms_provider_views.xml",
        "views/hotline_webhook_views.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_users_demo.xml",
        "demo/hotline_customer_demo.xml",
        "demo/hotline_blacklist_demo.xml",
        "demo/hotline_knowledge_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["hotline_base/static/tests/tours/**/*"],
    },
    "application": True,
}
