# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time

from odoo import api, models
from odoo.http import request

_logger = logging.getLogger(__name__)

LAST_SEEN = "hotline_last_seen"
# write the session file at most this often (seconds) to keep it alive
TOUCH_EVERY = 60


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _authenticate_explicit(cls, auth):
        cls._hotline_expire_idle_session()
        return super()._authenticate_explicit(auth)

    @classmethod
    def _hotline_expire_idle_session(cls):
        """End a web session unused for longer than the session lifetime."""
        session = request.session
        if session.uid is None:
            return
        params = request.env["ir.config_parameter"].sudo()
        minutes = int(params.get_param("hotline_security.session_idle_minutes", 0) or 0)
        if minutes <= 0:
            return
        now = time.time()
        last_seen = session.get(LAST_SEEN)
        if last_seen and now - last_seen > minutes * 60:
            _logger.info(
                "Session of user %s ended after %d idle minutes", session.uid, minutes
            )
            session.logout(keep_db=True)
            request.env = api.Environment(request.env.cr, None, session.context)
            return
        if not last_seen or now - last_seen > TOUCH_EVERY:
            session[LAST_SEEN] = now
