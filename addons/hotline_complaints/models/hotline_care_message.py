# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import phonenumbers

from odoo import api, models
from odoo.osv import expression

from odoo.addons.hotline_base.tools import phone


class HotlineCareMessage(models.Model):
    _inherit = "hotline.care.message"

    @api.model
    def _hotline_care_refusal(self, partner, record, number):
        """Never to a confidential case's reporter nor to a hidden caller: the
        case, its work orders and calls, and any reporter of a confidential case
        (by contact or number) are refused."""
        if record:
            record = record.sudo()
            if record._name == "helpdesk.ticket" and record.is_confidential:
                return "confidential"
            if (
                record._name == "hotline.work.order"
                and record.ticket_id.is_confidential
            ):
                return "confidential"
            if record._name == "hotline.call" and record._hotline_caller_hidden():
                return "confidential"
        clauses = []
        if partner:
            clauses.append([("partner_id", "=", partner.id)])
        national = self._hotline_national_digits(number)
        if national:
            clauses.append([("phone", "ilike", national)])
        if clauses:
            reporters = self.env["hotline.case.reporter"].sudo()
            domain = expression.AND(
                [expression.OR(clauses), [("ticket_id.is_confidential", "=", True)]]
            )
            if reporters.search_count(domain, limit=1):
                return "confidential"
        return super()._hotline_care_refusal(partner, record, number)

    @api.model
    def _hotline_national_digits(self, number):
        """The national digits of ``number`` (13800138000), as reporters'
        numbers are written in any form."""
        if not number:
            return False
        country = self.env["res.partner"]._hotline_phone_country()
        key = phone.lookup_key(number, country)
        if key and key.startswith("+"):
            try:
                parsed = phonenumbers.parse(key)
            except phonenumbers.NumberParseException:
                return False
            return str(parsed.national_number)
        return key if key and len(key) >= 7 else False
