# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import http
from odoo.http import request

# case numbers and query codes are printable ASCII; anything else (non-ASCII,
# NUL, megabytes) is answered 400 without touching the attempts or the cases
QUERY_FIELD = re.compile(r"[\x21-\x7e]{0,64}")


class HotlineCaseQuery(http.Controller):
    @http.route(
        "/hotline/case/query",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        website=True,
        sitemap=False,
    )
    def hotline_case_query(self, number=None, code=None, **kw):
        values = {"number": number or "", "result": None}
        if request.httprequest.method == "POST":
            if not all(
                isinstance(value, str | None)
                and QUERY_FIELD.fullmatch((value or "").strip())
                for value in (number, code)
            ):
                values.update(number="", result={"status": "invalid"})
                return request.render(
                    "hotline_complaints.case_query_page", values, status=400
                )
            result = (
                request.env["helpdesk.ticket"]
                .sudo()
                .hotline_query_result(number, code, ip=request.httprequest.remote_addr)
            )
            values["result"] = result
            status = {"ok": 200, "invalid": 404, "locked": 429}[result["status"]]
            headers = {}
            if result.get("retry_after"):
                headers["Retry-After"] = str(result["retry_after"])
            return request.render(
                "hotline_complaints.case_query_page",
                values,
                status=status,
                headers=headers,
            )
        return request.render("hotline_complaints.case_query_page", values)
