# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Call Center",
    "summary": "Asterisk bridge: connector, call log, screen pop, click-to-dial",
    "version": "18.0.1.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["hotline_base", "bus"],
    "external_dependencies": {"python": ["pyst2"]},
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "views/hotline_pbx_views.xml",
        "views/hotline_call_views.xml",
        "views/hotline_ivr_prompt_views.xml",
        "views/hotline_ivr_node_views.xml",
        "views/hotline_ivr_flow_views.xml",
        "views/hotline_did_views.xml",
        "views/hotline_skill_group_views.xml",
        "views/hotline_queue_views.xml",
        "views/hotline_call_report_views.xml",
        "views/menus.xml",
    ],
}
