# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

# The values the policy applies once an administrator turns it on (Settings >
# Hotline > Security). password_security's own install hook writes stricter
# ones (60-day expiry, 30 passwords of history, a special character, 24 hours
# between resets); these replace them.
POLICY_DEFAULTS = {
    "auth_password_policy.minlength": 10,
    "password_security.expiration_days": 90,
    "password_security.minimum_hours": 0,
    "password_security.history": 5,
    "password_security.lower": 1,
    "password_security.upper": 1,
    "password_security.numeric": 1,
    "password_security.special": 0,
    "hotline_security.lockout_after": 5,
    "hotline_security.lockout_minutes": 15,
}


def post_init_hook(env):
    params = env["ir.config_parameter"].sudo()
    for key, value in POLICY_DEFAULTS.items():
        params.set_param(key, value)
