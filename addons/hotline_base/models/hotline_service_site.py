# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineServiceSite(models.Model):
    """A place where the utility serves a customer (one meter), for customers with
    several premises (a restaurant chain, a landlord)."""

    _name = "hotline.service.site"
    _description = "Service site"
    _order = "partner_id, sequence, id"
    _rec_names_search = ["name", "meter_number", "address"]

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    meter_number = fields.Char(index=True)
    area_id = fields.Many2one("hotline.area", index=True)
    building = fields.Char()
    unit = fields.Char()
    floor = fields.Char()
    room = fields.Char()
    address = fields.Char(help="Street address when the area tree is not enough.")
    active = fields.Boolean(default=True)
    note = fields.Text()

    _sql_constraints = [
        (
            "meter_number_uniq",
            "unique(meter_number)",
            "A meter serves one site only: this meter number is already used.",
        ),
    ]

    @api.depends("name", "meter_number")
    def _compute_display_name(self):
        for site in self:
            site.display_name = (
                f"{site.name} [{site.meter_number}]" if site.meter_number else site.name
            )
