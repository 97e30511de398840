# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from starlette.middleware import Middleware

from odoo import fields, models

from odoo.addons.fastapi.context import odoo_env_ctx

from ..controllers import router_v1
from ..tools.body_limit import MAX_BODY_BYTES, BodyLimitMiddleware, ClientErrorResponses


def _rollback_request():
    odoo_env_ctx.get().cr.rollback()


API_DESCRIPTION = """REST API of the hotline for the utility's other systems (CRM,
ERP, OA, the business system 营业系统).

Every request carries `Authorization: Bearer <key>`: a key of *Hotline >
Configuration > API keys*; the groups of its integration user decide what it may
do (read-only, business system, cases). Bodies are JSON, at most 1 MiB. Write
requests may carry an `Idempotency-Key` header: the same key and body sent again
gets the first answer. A key sending too many requests is answered 429 with
`Retry-After` (seconds).
"""


class FastapiEndpoint(models.Model):
    _inherit = "fastapi.endpoint"

    app = fields.Selection(
        selection_add=[("hotline_v1", "Hotline REST API v1")],
        ondelete={"hotline_v1": "cascade"},
    )

    def _get_fastapi_routers(self):
        if self.app == "hotline_v1":
            return [router_v1.router]
        return super()._get_fastapi_routers()

    def _prepare_fastapi_app_params(self):
        params = super()._prepare_fastapi_app_params()
        if self.app == "hotline_v1":
            params["version"] = "1.0.0"
            params["description"] = self.description or API_DESCRIPTION
        return params

    def _get_fastapi_app_middlewares(self):
        middlewares = super()._get_fastapi_app_middlewares()
        if self.app == "hotline_v1":
            middlewares += [
                Middleware(BodyLimitMiddleware, max_bytes=MAX_BODY_BYTES),
                Middleware(ClientErrorResponses, rollback=_rollback_request),
            ]
        return middlewares
