# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Mailing",
    "summary": "Mass SMS and e-mail to customers selected by area, category, VIP, "
    "arrears, service-site type and birthday month, with opt-out (退订), quiet "
    "hours and a rate limit per minute",
    "version": "18.0.1.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": ["hotline_billing_ivr", "hotline_complaints", "mass_mailing_sms"],
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "views/res_config_settings_views.xml",
        "wizards/hotline_mailing_audience_wizard_views.xml",
        "views/menus.xml",
    ],
}
