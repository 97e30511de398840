# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import Unauthorized

from odoo import models
from odoo.http import request

from ..tools.api import API_PATH_PREFIX, json_response


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        # auth="bearer" refuses a missing or unknown API key with Unauthorized
        # (an HTML page): the hotline's JSON APIs answer in JSON
        if isinstance(exception, Unauthorized) and request.httprequest.path.startswith(
            API_PATH_PREFIX
        ):
            return json_response(
                401, {"error": "unauthorized", "message": exception.description}
            )
        return super()._handle_error(exception)
