# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Complaints",
    "summary": "Complaint and report cases on helpdesk tickets: intake from calls, "
    "e-mail, SMS and fax, workflow, deadlines, reporter confidentiality, result "
    "query, work orders and statistics",
    "version": "18.0.1.1.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["hotline_callcenter", "helpdesk_mgmt"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "security/hotline_case_rules.xml",
        "security/hotline_query_mail_rules.xml",
        "data/helpdesk_data.xml",
        "data/hotline_case_type_data.xml",
        "data/ir_cron_data.xml",
        "data/mail_template_data.xml",
        "data/hotline_care_data.xml",
        "data/ir_sequence_data.xml",
        "data/hotline_ivr_case_query_data.xml",
        "data/mail_alias_data.xml",
        "data/hotline_webhook_event_data.xml",
        "report/reply_letter_templates.xml",
        "wizards/hotline_case_wizard_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_search_views.xml",
        "views/helpdesk_ticket_knowledge_views.xml",
        "views/hotline_case_type_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/hotline_case_reporter_views.xml",
        "views/hotline_case_query_templates.xml",
        "views/hotline_work_order_views.xml",
        "views/hotline_work_order_templates.xml",
        "views/menus.xml",
        "views/hotline_inbound_gateway_views.xml",
        "views/hotline_query_mail_views.xml",
        "views/hotline_fax_views.xml",
        "views/hotline_call_views.xml",
    ],
    "demo": [
        "demo/hotline_field_staff_demo.xml",
        "demo/hotline_complaints_demo.xml",
        "demo/hotline_ivr_case_query_demo.xml",
        "demo/helpdesk_mgmt_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "hotline_complaints/static/src/js/work_order_geo.esm.js",
        ],
        "web.assets_backend": [
            "hotline_complaints/static/src/work_order_board/*.esm.js",
        ],
        "web.assets_tests": [
            "hotline_complaints/static/src/work_order_board/tours/*.esm.js",
            "hotline_complaints/static/tests/tours/*.esm.js",
        ],
    },
}
