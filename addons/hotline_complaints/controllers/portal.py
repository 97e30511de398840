# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from werkzeug.exceptions import BadRequest, NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request


class HotlineWorkOrderPortal(http.Controller):
    """Work orders updated by field staff from a phone browser."""

    def _order(self, order_id):
        order = request.env["hotline.work.order"].browse(order_id)
        try:
            order.check_access("read")
            if order.user_id != request.env.user:
                raise AccessError(request.env._("Not your work order."))
        except (AccessError, MissingError) as exc:
            raise NotFound() from exc
        return order

    @http.route("/my/work-orders", type="http", auth="user", website=True)
    def hotline_work_orders(self, **kw):
        orders = request.env["hotline.work.order"].search(
            [
                ("user_id", "=", request.env.uid),
                ("state", "not in", ("done", "returned")),
            ]
        )
        return request.render(
            "hotline_complaints.portal_work_orders", {"orders": orders}
        )

    @http.route(
        "/my/work-orders/<int:order_id>", type="http", auth="user", website=True
    )
    def hotline_work_order(self, order_id, **kw):
        order = self._order(order_id)
        return request.render(
            "hotline_complaints.portal_work_order",
            {"order": order, "error": kw.get("error")},
        )

    @http.route(
        "/my/work-orders/<int:order_id>/update",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def hotline_work_order_update(
        self,
        order_id,
        state=None,
        latitude=None,
        longitude=None,
        photo=None,
        note=None,
        **kw,
    ):
        order = self._order(order_id)
        try:
            lat = float(latitude) if latitude else None
            lon = float(longitude) if longitude else None
        except ValueError as exc:
            raise BadRequest(request.env._("The location is not valid.")) from exc
        data = base64.b64encode(photo.read()) if photo and photo.filename else None
        try:
            order.hotline_set_state(
                state, latitude=lat, longitude=lon, photo=data, note=note
            )
        except UserError as exc:
            return request.render(
                "hotline_complaints.portal_work_order",
                {"order": order, "error": str(exc)},
                status=400,
            )
        return request.redirect(f"/my/work-orders/{order.id}")
