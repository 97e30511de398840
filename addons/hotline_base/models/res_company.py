# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools import phone


class ResCompany(models.Model):
    _inherit = "res.company"

    # care messages (关怀短信): quiet hours, and a switch and template per kind
    hotline_care_quiet_hours = fields.Boolean(
        string="Quiet hours",
        default=True,
        help="Care messages due in the quiet hours wait until they end.",
    )
    hotline_care_quiet_start = fields.Float(string="Quiet from", default=21.0)
    hotline_care_quiet_end = fields.Float(string="Quiet until", default=8.0)
    # the kinds that are new texts are opt-in; arrears reminders and outage
    # notices were texted before the care messages existed and stay on
    hotline_care_case_ack = fields.Boolean(string="Case acknowledgement")
    hotline_care_case_ack_template_id = fields.Many2one(
        "sms.template", string="Case acknowledgement template"
    )
    hotline_care_callback = fields.Boolean(string="Callback notice")
    hotline_care_callback_template_id = fields.Many2one(
        "sms.template", string="Callback notice template"
    )
    hotline_care_work_order = fields.Boolean(string="Work order on its way")
    hotline_care_work_order_template_id = fields.Many2one(
        "sms.template", string="Work order template"
    )
    hotline_care_arrears = fields.Boolean(string="Arrears reminder", default=True)
    hotline_care_arrears_template_id = fields.Many2one(
        "sms.template", string="Arrears reminder template"
    )
    hotline_care_birthday = fields.Boolean(string="Birthday greetings")
    hotline_care_birthday_template_id = fields.Many2one(
        "sms.template", string="Birthday greeting template"
    )
    hotline_care_outage = fields.Boolean(string="Outage notices", default=True)
    hotline_care_outage_template_id = fields.Many2one(
        "sms.template", string="Outage notice template"
    )

    @api.constrains("hotline_care_quiet_start", "hotline_care_quiet_end")
    def _check_hotline_care_quiet_hours(self):
        for company in self:
            hours = (company.hotline_care_quiet_start, company.hotline_care_quiet_end)
            if any(not 0 <= hour < 24 for hour in hours):
                raise ValidationError(
                    self.env._("Quiet hours run from 00:00 to 23:59.")
                )

    @api.model
    @tools.ormcache("company_id")
    def _hotline_phone_country_code(self, company_id):
        """Country used to read numbers without country code (cached: the caller
        lookup must stay one query)."""
        company = self.sudo().browse(company_id)
        return company.partner_id.country_id.code or phone.DEFAULT_COUNTRY

    def write(self, vals):
        res = super().write(vals)
        if "country_id" in vals or "partner_id" in vals:
            self.env.registry.clear_cache()
        return res
