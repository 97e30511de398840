# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import phone

SYNCED_PHONE_FIELDS = ("phone", "mobile")


class ResPartner(models.Model):
    _inherit = "res.partner"

    hotline_phone_ids = fields.One2many(
        "hotline.partner.phone", "partner_id", string="Phone numbers"
    )

    # ------------------------------------------------------------------
    # Phone lines kept in sync with phone / mobile
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._hotline_sync_phones()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if any(fname in vals for fname in SYNCED_PHONE_FIELDS):
            self._hotline_sync_phones()
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
        return self.env.company.country_id.code or phone.DEFAULT_COUNTRY

    @api.model
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
        return self.search([("hotline_phone_ids.number_e164", "=", key)])
