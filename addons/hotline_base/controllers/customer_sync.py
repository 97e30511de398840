# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""JSON endpoint for the utility's business system (营业系统).

``POST /hotline/api/v1/customers`` with ``Authorization: Bearer <Odoo API key>``
(``auth="bearer"``) and
``{"customers": [{"customer_number": "...", "name": "...", ...}, ...]}``: upserts
customers by customer number, all or nothing, idempotent (a payload already applied
writes nothing). Answers ``{"created": [...], "updated": [...], "unchanged": [...]}``
or a 4xx ``{"error": code, "message": ..., ["index": i]}``.
"""

import logging

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from ..tools import identity
from ..tools import payload as payload_tools
from ..tools.api import PayloadError, error_response, json_response

_logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
MAX_CUSTOMERS = 1000
# characters of a text field: an indexed column takes at most ~2,700 bytes
TEXT_MAX = 256
# payload key -> res.partner field (plain values)
CHAR_FIELDS = {
    "name": "name",
    "id_number": "hotline_id_number",
    "enterprise_name": "hotline_enterprise_name",
    "mobile": "mobile",
    "phone": "phone",
    "email": "email",
    "building": "hotline_building",
    "unit": "hotline_unit",
    "floor": "hotline_floor",
    "room": "hotline_room",
}
ALLOWED = set(CHAR_FIELDS) | {
    "customer_number",
    "id_type",
    "category",
    "area",
    "is_company",
}
ID_TYPES = {"resident_id", "uscc", "passport", "hk_macau_permit", "other"}


class CustomerSyncController(http.Controller):
    def _read_payload(self):
        length = request.httprequest.content_length
        if length and length > MAX_BYTES:
            raise PayloadError(413, "too_large", f"Payload over {MAX_BYTES} bytes.")
        raw = request.httprequest.get_data()
        if len(raw) > MAX_BYTES:
            raise PayloadError(413, "too_large", f"Payload over {MAX_BYTES} bytes.")
        try:
            payload = payload_tools.load_json(raw)
        except ValueError as error:
            raise PayloadError(400, "invalid_json", str(error)) from None
        customers = payload.get("customers") if isinstance(payload, dict) else None
        if not isinstance(customers, list) or not customers:
            raise PayloadError(
                400, "invalid_payload", 'Expected {"customers": [ ... ]} (not empty).'
            )
        if len(customers) > MAX_CUSTOMERS:
            raise PayloadError(
                413, "too_large", f"At most {MAX_CUSTOMERS} customers per request."
            )
        return customers

    def _values(self, env, index, item):
        """res.partner values of one payload item (or PayloadError)."""

        def bad(message):
            return PayloadError(
                400,
                "invalid_customer",
                message,
                index=index,
                customer_number=item.get("customer_number")
                if isinstance(item, dict)
                else None,
            )

        if not isinstance(item, dict):
            raise bad("Each customer must be a JSON object.")
        unknown = sorted(set(item) - ALLOWED)
        if unknown:
            raise bad(f"Unknown field(s): {', '.join(unknown)}.")
        number = item.get("customer_number")
        if not isinstance(number, str) or not number.strip():
            raise bad("customer_number is required (a string).")
        if not isinstance(item.get("name"), str) or not item["name"].strip():
            raise bad("name is required (a string).")
        vals = {"hotline_customer_number": number.strip(), "hotline_is_customer": True}
        for key, fname in CHAR_FIELDS.items():
            if key in item:
                value = item[key]
                if value is not None and not isinstance(value, str):
                    raise bad(f"{key} must be a string or null.")
                if value and len(value) > TEXT_MAX:
                    raise bad(f"{key} is longer than {TEXT_MAX} characters.")
                vals[fname] = (value or "").strip() or False
        if "is_company" in item:
            if not isinstance(item["is_company"], bool):
                raise bad("is_company must be true or false.")
            vals["is_company"] = item["is_company"]
        if "id_type" in item:
            if item["id_type"] not in ID_TYPES | {None}:
                raise bad(f"id_type must be one of {', '.join(sorted(ID_TYPES))}.")
            vals["hotline_id_type"] = item["id_type"] or False
        self._identity_values(env, vals, bad)
        self._link_values(env, item, vals, bad)
        return vals

    def _identity_values(self, env, vals, bad):
        if vals.get("hotline_id_number"):
            vals["hotline_id_number"] = identity.compact(vals["hotline_id_number"])
            try:
                env["res.partner"]._hotline_check_id(
                    vals.get("hotline_id_type"), vals["hotline_id_number"]
                )
            except ValidationError as error:
                raise bad(str(error)) from None

    def _link_values(self, env, item, vals, bad):
        for key, model, fname in (
            ("category", "hotline.customer.category", "hotline_category_id"),
            ("area", "hotline.area", "hotline_area_id"),
        ):
            if key not in item:
                continue
            if not item[key]:
                vals[fname] = False
                continue
            record = env[model].search([("code", "=", item[key])], limit=1)
            if not record:
                raise bad(f"Unknown {key} code {item[key]!r}.")
            vals[fname] = record.id

    @staticmethod
    def _changes(partner, vals):
        """The part of ``vals`` that differs from ``partner``."""
        changes = {}
        for fname, value in vals.items():
            current = partner[fname]
            if partner._fields[fname].type == "many2one":
                current = current.id
            if (current or False) != (value or False):
                changes[fname] = value
        return changes

    @http.route(
        "/hotline/api/v1/customers",
        type="http",
        auth="bearer",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def sync_customers(self):
        try:
            customers = self._read_payload()
            result = self._upsert(request.env, customers)
            response = json_response(200, result)
        except PayloadError as error:
            response = error_response(error)
        except AccessError as error:
            response = json_response(403, {"error": "forbidden", "message": str(error)})
        except UserError as error:
            response = json_response(
                400, {"error": "invalid_payload", "message": str(error)}
            )
        return response

    def _upsert(self, env, customers):
        """Upsert the payload items ``customers`` by customer number, all or
        nothing: ``{"created": [...], "updated": [...], "unchanged": [...]}`` or
        a PayloadError. Shared with the REST API of hotline_api."""
        Partner = env["res.partner"].with_context(active_test=False)
        vals_list = [self._values(env, i, item) for i, item in enumerate(customers)]
        numbers = [vals["hotline_customer_number"] for vals in vals_list]
        if len(set(numbers)) != len(numbers):
            raise PayloadError(
                400, "invalid_payload", "A customer number appears twice."
            )
        company = env.company
        existing = {
            p.hotline_customer_number: p
            for p in Partner.search(
                [
                    ("hotline_customer_number", "in", numbers),
                    ("company_id", "in", [company.id, False]),
                ]
            )
        }
        result = {"created": [], "updated": [], "unchanged": []}
        with env.cr.savepoint():
            for index, vals in enumerate(vals_list):
                number = vals["hotline_customer_number"]
                partner = existing.get(number)
                try:
                    if partner:
                        changes = self._changes(partner, vals)
                        if changes:
                            partner.write(changes)
                            result["updated"].append(number)
                        else:
                            result["unchanged"].append(number)
                    else:
                        Partner.create(vals)
                        result["created"].append(number)
                except ValidationError as error:
                    raise PayloadError(
                        400,
                        "invalid_customer",
                        str(error),
                        index=index,
                        customer_number=number,
                    ) from None
            env.flush_all()
        return result
