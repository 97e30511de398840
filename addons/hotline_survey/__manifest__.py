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
        "views/hotline_callback_task_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["hotline_survey/static/tests/tours/**/*"],
    },
}
