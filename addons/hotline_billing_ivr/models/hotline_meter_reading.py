# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineMeterReading(models.Model):
    """A reading of the meter of a service site for one month (抄表)."""

    _name = "hotline.meter.reading"
    _description = "Meter Reading"
    _inherit = ["mail.thread"]
    _order = "month desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    site_id = fields.Many2one(
        "hotline.service.site",
        string="Meter",
        required=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        related="site_id.partner_id", store=True, string="Customer", index=True
    )
    month = fields.Date(
        required=True, index=True, help="First day of the month the reading is for."
    )
    value = fields.Float(string="Reading", digits=(16, 3), required=True, tracking=True)
    previous_value = fields.Float(string="Previous reading", digits=(16, 3))
    consumption = fields.Float(
        digits=(16, 3), compute="_compute_consumption", store=True, string="Usage (m³)"
    )
    source = fields.Selection(
        [
            ("phone", "Phone (IVR)"),
            ("agent", "Agent"),
            ("import", "Import"),
            ("system", "Business system"),
        ],
        required=True,
        default="agent",
    )
    state = fields.Selection(
        [
            ("accepted", "Accepted"),
            ("to_check", "To check"),
            ("rejected", "Rejected"),
            ("invoiced", "Invoiced"),
        ],
        required=True,
        default="accepted",
        tracking=True,
        index=True,
    )
    call_id = fields.Many2one("hotline.call", index="btree_not_null")
    invoice_id = fields.Many2one(
        "account.move", index="btree_not_null", copy=False
    )

    @api.depends("value", "previous_value")
    def _compute_consumption(self):
        for reading in self:
            reading.consumption = max(reading.value - reading.previous_value, 0.0)
