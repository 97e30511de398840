# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools import phone


class HotlinePartnerPhone(models.Model):
    """One phone number of a customer, kept in E.164 form for caller identification.

    A customer has several (mobile, home landline, office, a relative's number);
    the lines for ``res.partner.phone`` and ``mobile`` are kept in sync by the partner.
    """

    _name = "hotline.partner.phone"
    _description = "Customer phone number"
    _order = "partner_id, sequence, id"
    _rec_name = "number"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    number = fields.Char(
        required=True, help="The number as it was entered or presented."
    )
    number_e164 = fields.Char(
        string="Normalised number",
        compute="_compute_number_e164",
        store=True,
        precompute=True,
        index=True,
        help="E.164 form used to identify callers (digits only when the number "
        "cannot be parsed).",
    )
    kind = fields.Selection(
        [("mobile", "Mobile"), ("landline", "Landline"), ("other", "Other")],
        compute="_compute_number_e164",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    partner_field = fields.Selection(
        [("phone", "Phone"), ("mobile", "Mobile")],
        string="Synced from",
        readonly=True,
        help="Set when this line mirrors the customer's Phone or Mobile field.",
    )
    note = fields.Char()

    @api.model
    def _hotline_country_code(self, partner):
        return (
            partner.country_id.code
            or partner.company_id.country_id.code
            or self.env.company.country_id.code
            or phone.DEFAULT_COUNTRY
        )

    @api.depends("number", "partner_id.country_id")
    def _compute_number_e164(self):
        for line in self:
            country = self._hotline_country_code(line.partner_id)
            line.number_e164 = phone.lookup_key(line.number, country)
            line.kind = phone.number_kind(line.number, country)
