# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class HotlineDialWizard(models.TransientModel):
    """Click-to-dial from a customer or a call of the log (call back)."""

    _name = "hotline.dial.wizard"
    _description = "Click-to-dial"

    number = fields.Char(string="Number to call")
    partner_id = fields.Many2one("res.partner", string="Customer")
    call_id = fields.Many2one("hotline.call", string="Call back of")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        call = self.env["hotline.call"].browse(values.get("call_id")).exists()
        partner = self.env["res.partner"].browse(values.get("partner_id")).exists()
        if call and not values.get("number"):
            values["number"] = (
                call.called_number
                if call.direction == "outbound"
                else call.caller_number
            )
            if call.partner_id and not partner:
                values["partner_id"] = call.partner_id.id
        elif partner and not values.get("number"):
            values["number"] = partner.mobile or partner.phone or False
        return values

    def action_dial(self):
        self.ensure_one()
        if not (self.number or "").strip():
            raise UserError(self.env._("Enter the number to call."))
        return self.env["hotline.pbx"].hotline_click_to_dial(
            self.number, partner_id=self.partner_id.id, call_id=self.call_id.id
        )
