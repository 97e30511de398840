# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Hotline Security",
    "summary": "Login settings and audit (登录设置): password policy, account lockout, "
    "two-factor authentication required per role, session lifetime and an audit "
    "trail of customer data, blacklist, reporter identity, PINs, PBX/IVR "
    "configuration and role assignments",
    "version": "18.0.1.0.0",
    "category": "Hotline",
    "license": "LGPL-3",
    "author": "Hotline Contributors",
    "website": "https://github.com/hotline-suite/hotline",
    "depends": [
        "auth_totp",
        "auth_password_policy",
        "password_security",
        "auditlog",
        "hotline_billing_ivr",
        "hotline_complaints",
    ],
    "data": [
        "security/hotline_security.xml",
        "security/ir.model.access.csv",
        "data/auditlog_rule_data.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/templates.xml",
    ],
    "post_init_hook": "post_init_hook",
}
