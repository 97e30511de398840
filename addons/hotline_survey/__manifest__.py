# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Survey",
    "summary": "Callback surveys: Odoo's surveys in the Hotline reporting menu for "
    "supervisors",
    "version": "18.0.1.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["hotline_complaints", "survey"],
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "views/menus.xml",
    ],
}
