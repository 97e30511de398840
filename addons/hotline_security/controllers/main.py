# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import os
import re

from odoo import http
from odoo.http import request

from odoo.addons.auth_totp.models.totp import TOTP_SECRET_SIZE
from odoo.addons.web.controllers.home import Home

from ..models.res_users import TOTP_SETUP, TOTP_SETUP_URL

SECRET_KEY = "hotline_totp_secret"


class HotlineTotpSetup(Home):
    """Second step of the login of a user whose role requires two-factor
    authentication and who has none yet: set it up now, or stay out.

    The password is checked (the session holds ``pre_uid`` only); the session
    is finalised only once the authenticator app's code matches.
    """

    @http.route(
        TOTP_SETUP_URL,
        type="http",
        auth="public",
        methods=["GET", "POST"],
        sitemap=False,
        website=True,
        multilang=False,
    )
    def hotline_totp_setup(self, redirect=None, **kwargs):
        if request.session.uid:
            return request.redirect(
                self._login_redirect(request.session.uid, redirect=redirect)
            )
        if not request.session.get("pre_uid"):
            return request.redirect("/web/login")
        user = request.env["res.users"].browse(request.session.pre_uid)
        if user._mfa_type() != TOTP_SETUP:
            return request.redirect("/web/login")
        secret = request.session.get(SECRET_KEY)
        if not secret:
            secret = base64.b32encode(os.urandom(TOTP_SECRET_SIZE // 8)).decode()
            request.session[SECRET_KEY] = secret
        error = None
        if request.httprequest.method == "POST":
            try:
                code = int(re.sub(r"\s", "", kwargs.get("totp_token") or ""))
            except ValueError:
                error = request.env._(
                    "Enter the 6-digit code of your authenticator app."
                )
            else:
                if user.with_user(user)._totp_try_setting(secret, code):
                    request.session.pop(SECRET_KEY, None)
                    request.session.finalize(request.env)
                    request.update_env(user=request.session.uid)
                    request.update_context(**request.session.context)
                    return request.redirect(
                        self._login_redirect(request.session.uid, redirect=redirect)
                    )
                error = request.env._(
                    "Verification failed, please double-check the 6-digit code."
                )
        wizard = (
            request.env["auth_totp.wizard"]
            .sudo()
            .new({"user_id": user.id, "secret": secret})
        )
        return request.render(
            "hotline_security.totp_setup_form",
            {
                "user": user,
                "secret": secret,
                "qrcode": wizard.qrcode,
                "error": error,
                "redirect": redirect,
            },
        )
