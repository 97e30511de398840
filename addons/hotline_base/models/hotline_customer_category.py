# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCustomerCategory(models.Model):
    """Resident, enterprise, VIP, government...: drives VIP routing and carries the
    user-defined fields (Properties) of its customers."""

    _name = "hotline.customer.category"
    _description = "Customer category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    is_vip = fields.Boolean(
        string="VIP", help="Callers of this category are routed to the VIP queue."
    )
    is_enterprise = fields.Boolean(
        string="Enterprise",
        help="Customers of this category identify with a unified social credit code.",
    )
    active = fields.Boolean(default=True)
    color = fields.Integer()
    hotline_properties_definition = fields.PropertiesDefinition(
        string="Customer fields",
        help="Fields every customer of this category gets.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "A category code must be unique."),
    ]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("hotline_category_id", "in", self.ids)],
                ["hotline_category_id"],
                ["__count"],
            )
        )
        for category in self:
            category.partner_count = counts.get(category, 0)
