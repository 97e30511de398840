# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Survey",
    "summary": "Satisfaction callbacks (回访) and keypad surveys on Odoo survey, "
    "satisfaction statistics",
    "version": "18.0.2.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["hotline_complaints", "survey"],
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "security/hotline_report_rules.xml",
        "data/hotline_survey_link_templates.xml",
        "views/hotline_callback_task_views.xml",
        "views/hotline_ivr_node_views.xml",
        "views/survey_question_views.xml",
        "views/survey_views.xml",
        "views/hotline_satisfaction_report_views.xml",
        "security/hotline_callback_confidential.xml",
        "data/ir_cron.xml",
        "views/hotline_callback_plan_views.xml",
        "views/res_partner_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/hotline_keypad_survey_demo.xml",
        "demo/hotline_survey_demo.xml",
    ],
    "assets": {
        "web.assets_tests": ["hotline_survey/static/tests/tours/**/*"],
    },
}
