# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools import identity, phone

SYNCED_PHONE_FIELDS = ("phone", "mobile")
CUSTOMER_SEQUENCE = "hotline.customer.number"
# fields one search box looks into, besides name, phone and the _rec_names_search ones
LOCATION_SEARCH_FIELDS = (
    "hotline_area_id.complete_name",
    "hotline_building",
    "hotline_unit",
    "hotline_floor",
    "hotline_room",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    _rec_names_search = [
        "complete_name",
        "email",
        "ref",
        "vat",
        "company_registry",
        "hotline_customer_number",
        "hotline_id_number",
        "hotline_enterprise_name",
    ]

    hotline_is_customer = fields.Boolean(
        string="Hotline customer",
        help="A customer of the utility: gets a customer number when created.",
    )
    hotline_customer_number = fields.Char(
        string="Customer number",
        copy=False,
        index=True,
        tracking=True,
        help="Customer number (用户编号) from the business system or the sequence; "
        "unique per company and never reused.",
    )
    hotline_category_id = fields.Many2one(
        "hotline.customer.category",
        string="Customer category",
        index=True,
        tracking=True,
    )
    hotline_is_vip = fields.Boolean(
        string="VIP", related="hotline_category_id.is_vip", store=True
    )
    hotline_properties = fields.Properties(
        string="Category fields",
        definition="hotline_category_id.hotline_properties_definition",
        copy=True,
    )
    hotline_id_type = fields.Selection(
        [
            ("resident_id", "Resident ID card"),
            ("uscc", "Unified social credit code"),
            ("passport", "Passport"),
            ("hk_macau_permit", "Hong Kong/Macao/Taiwan permit"),
            ("other", "Other document"),
        ],
        string="ID type",
    )
    hotline_id_number = fields.Char(string="ID number", index=True, copy=False)
    # birthday greetings (关怀短信) and mailings by birthday month read these
    hotline_birth_date = fields.Date(
        string="Birth date",
        compute="_compute_hotline_birth_date",
        store=True,
        help="From the resident ID number.",
    )
    hotline_birth_month = fields.Integer(
        string="Birth month", compute="_compute_hotline_birth_date", store=True
    )
    hotline_enterprise_name = fields.Char(
        string="Enterprise name", help="Employer or legal entity of the customer."
    )
    hotline_area_id = fields.Many2one(
        "hotline.area", string="Area", index=True, tracking=True
    )
    hotline_building = fields.Char(string="Building")
    hotline_unit = fields.Char(string="Unit")
    hotline_floor = fields.Char(string="Floor")
    hotline_room = fields.Char(string="Room")
    hotline_site_ids = fields.One2many(
        "hotline.service.site", "partner_id", string="Service sites"
    )
    hotline_site_count = fields.Integer(
        string="Sites", compute="_compute_hotline_site_count"
    )
    hotline_phone_ids = fields.One2many(
        "hotline.partner.phone", "partner_id", string="Phone numbers"
    )

    _sql_constraints = [
        (
            "hotline_customer_number_uniq",
            "unique(company_id, hotline_customer_number)",
            "This customer number is already used by another customer.",
        ),
    ]

    @api.depends("hotline_site_ids")
    def _compute_hotline_site_count(self):
        for partner in self:
            partner.hotline_site_count = len(partner.hotline_site_ids)

    @api.depends("hotline_id_type", "hotline_id_number")
    def _compute_hotline_birth_date(self):
        for partner in self:
            birth = False
            if partner.hotline_id_type == "resident_id" and partner.hotline_id_number:
                birth = identity.resident_birth_date(partner.hotline_id_number)
            partner.hotline_birth_date = birth or False
            partner.hotline_birth_month = birth.month if birth else 0

    # ------------------------------------------------------------------
    # Customer number and identity documents
    # ------------------------------------------------------------------
    @api.constrains("hotline_customer_number", "company_id")
    def _check_hotline_customer_number(self):
        # the SQL constraint does not see duplicates among partners without company
        for partner in self.filtered(
            lambda p: p.hotline_customer_number and not p.company_id
        ):
            clash = self.with_context(active_test=False).search_count(
                [
                    ("id", "!=", partner.id),
                    ("company_id", "=", False),
                    ("hotline_customer_number", "=", partner.hotline_customer_number),
                ],
                limit=1,
            )
            if clash:
                raise ValidationError(
                    self.env._(
                        "Customer number %s is already used by another customer.",
                        partner.hotline_customer_number,
                    )
                )

    def _hotline_id_error(self, doc_label, error):
        if error.code == "length":
            detail = self.env._(
                "it must have %(expected)s characters, it has %(found)s",
                **error.params,
            )
        elif error.code == "birth_date":
            detail = self.env._(
                "its birth date %(date)s does not exist (digits 7 to 14 are YYYYMMDD)",
                **error.params,
            )
        elif error.code == "future_birth_date":
            detail = self.env._(
                "its birth date %(date)s is in the future", **error.params
            )
        elif error.code == "checksum":
            detail = self.env._(
                "its check digit (last character) is wrong: a character was "
                "probably mistyped"
            )
        elif error.code == "region":
            detail = self.env._(
                "its region code %(region)s (first 6 digits) does not exist",
                **error.params,
            )
        else:
            detail = self.env._("it may only hold digits and capital letters")
        return self.env._("Invalid %(doc)s: %(detail)s.", doc=doc_label, detail=detail)

    @api.model
    def _hotline_check_id(self, id_type, number):
        """Compact form of ``number`` for ``id_type``, or ValidationError saying
        what is wrong (length, impossible birth date, checksum, ...)."""
        if not number:
            return number
        try:
            if id_type == "resident_id":
                return identity.check_resident_id(number)
            if id_type == "uscc":
                return identity.check_uscc(number)
        except identity.IdentityError as error:
            labels = dict(
                self._fields["hotline_id_type"]._description_selection(self.env)
            )
            raise ValidationError(
                self._hotline_id_error(labels[id_type], error)
            ) from None
        return identity.compact(number)

    @api.constrains("hotline_id_type", "hotline_id_number")
    def _check_hotline_id_number(self):
        for partner in self:
            if partner.hotline_id_number:
                self._hotline_check_id(
                    partner.hotline_id_type, partner.hotline_id_number
                )

    def _hotline_assign_customer_numbers(self):
        for partner in self:
            if partner.hotline_is_customer and not partner.hotline_customer_number:
                company = partner.company_id or self.env.company
                partner.hotline_customer_number = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .sudo()
                    .next_by_code(CUSTOMER_SEQUENCE)
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_customer_number(self):
        numbered = self.filtered("hotline_customer_number")
        if numbered:
            raise UserError(
                self.env._(
                    "Customer %(name)s has customer number %(number)s: archive it "
                    "instead, customer numbers are never reused.",
                    name=numbered[0].display_name,
                    number=numbered[0].hotline_customer_number,
                )
            )

    @api.model
    def get_import_templates(self):
        return [
            {
                "label": self.env._("Import template for hotline customers"),
                "template": "/hotline_base/static/xlsx/"
                "hotline_customers_import_template.xlsx",
            }
        ] + super().get_import_templates()

    # ------------------------------------------------------------------
    # One search box
    # ------------------------------------------------------------------
    @api.model
    def _hotline_token_domain(self, token):
        """Customers where one search word appears: the usual name fields, a phone
        number in any format, the area, building, unit, floor or room."""
        domains = [[(fname, "ilike", token)] for fname in self._rec_names_search]
        domains += [[(fname, "ilike", token)] for fname in LOCATION_SEARCH_FIELDS]
        if len(re.sub(r"\D", "", token)) >= 5:
            key = phone.lookup_key(token, self._hotline_phone_country())
            if key:
                domains.append([("hotline_phone_ids.number_e164", "=", key)])
        return expression.OR(domains)

    @api.model
    def _search_display_name(self, operator, value):
        if operator not in ("ilike", "like", "=ilike", "=like", "=") or not isinstance(
            value, str
        ):
            return super()._search_display_name(operator, value)
        if not value.strip():
            return super()._search_display_name(operator, value)
        domain = super()._search_display_name(operator, value)
        # a whole phone number, spaces and dashes included
        if len(re.sub(r"\D", "", value)) >= 5:
            key = phone.lookup_key(value, self._hotline_phone_country())
            if key:
                domain = expression.OR(
                    [domain, [("hotline_phone_ids.number_e164", "=", key)]]
                )
        if operator == "ilike":
            # several words, each found somewhere: "望京花园 3号楼 501"
            tokens = value.split()
            if len(tokens) > 1:
                domain = expression.OR(
                    [
                        domain,
                        expression.AND([self._hotline_token_domain(t) for t in tokens]),
                    ]
                )
            else:
                domain = expression.OR(
                    [domain]
                    + [[(fname, "ilike", value)] for fname in LOCATION_SEARCH_FIELDS]
                )
        return domain

    # ------------------------------------------------------------------
    # Phone lines kept in sync with phone / mobile
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("hotline_id_number"):
                vals["hotline_id_number"] = identity.compact(vals["hotline_id_number"])
        partners = super().create(vals_list)
        partners._hotline_sync_phones()
        partners._hotline_assign_customer_numbers()
        return partners

    def write(self, vals):
        if vals.get("hotline_id_number"):
            vals = dict(
                vals, hotline_id_number=identity.compact(vals["hotline_id_number"])
            )
        res = super().write(vals)
        if any(fname in vals for fname in SYNCED_PHONE_FIELDS):
            self._hotline_sync_phones()
        if vals.get("hotline_is_customer"):
            self._hotline_assign_customer_numbers()
        if "country_id" in vals and self.env["res.company"].sudo().search_count(
            [("partner_id", "in", self.ids)], limit=1
        ):
            # a company's country decides how numbers without country code read
            self.env.registry.clear_cache()
        return res

    def _hotline_sync_phones(self):
        """Mirror ``phone`` and ``mobile`` into ``hotline.partner.phone`` lines.

        Derived data: done as superuser so that anyone allowed to edit a partner's
        phone keeps its lookup lines right."""
        Line = self.env["hotline.partner.phone"].sudo()
        to_create = []
        for partner in self.sudo():
            lines = partner.hotline_phone_ids
            for fname in SYNCED_PHONE_FIELDS:
                value = (partner[fname] or "").strip()
                line = lines.filtered(lambda ln, f=fname: ln.partner_field == f)[:1]
                if value and line:
                    if line.number != value:
                        line.number = value
                elif value:
                    to_create.append(
                        {
                            "partner_id": partner.id,
                            "number": value,
                            "partner_field": fname,
                            "sequence": 1 if fname == "mobile" else 2,
                        }
                    )
                elif line:
                    line.unlink()
        if to_create:
            Line.create(to_create)

    # ------------------------------------------------------------------
    # Caller identification
    # ------------------------------------------------------------------
    @api.model
    def _hotline_phone_country(self):
        return self.env["res.company"]._hotline_phone_country_code(self.env.company.id)

    @api.model
    @api.returns("self", lambda value: value.ids)
    def hotline_identify_caller(self, number):
        """Customers a presented number belongs to.

        :param number: the number in any format (``+86``, ``0086``, leading trunk
            ``0``, spaces, dashes, extension ``x123`` / ``转123``)
        :return: ``res.partner`` recordset: empty when unknown, several when the
            number is shared (ambiguity is returned, the caller chooses).

        One indexed query (``hotline_partner_phone.number_e164`` equality inside
        the partner search, record rules applied).
        """
        key = phone.lookup_key(number, self._hotline_phone_country())
        if not key:
            return self.browse()
        from_clause, where_clause = self._hotline_identify_clauses()
        self.env["hotline.partner.phone"].flush_model(["partner_id", "number_e164"])
        self.flush_model(["active", "company_id"])
        rows = self.env.execute_query(
            SQL(
                "SELECT %s FROM %s WHERE %s AND %s IN (SELECT partner_id "
                "FROM hotline_partner_phone WHERE number_e164 = %s) ORDER BY %s",
                SQL.identifier("res_partner", "id"),
                from_clause,
                where_clause,
                SQL.identifier("res_partner", "id"),
                key,
                SQL.identifier("res_partner", "id"),
            )
        )
        return self.browse([row[0] for row in rows])

    @api.model
    @tools.ormcache(
        "self.env.uid",
        "self.env.su",
        "self.env.context.get('active_test', True)",
        "tuple(self.env['ir.rule']._compute_domain_context_values())",
    )
    def _hotline_identify_clauses(self):
        """FROM and WHERE of "the partners this user may see" (record rules, active
        flag), compiled once per user and company selection, as ``ir.rule`` caches
        its domains: the caller lookup then costs one indexed query and little
        Python. Cleared with the registry caches (rules, users, companies)."""
        query = self._search([])
        return query.from_clause, query.where_clause or SQL("TRUE")
