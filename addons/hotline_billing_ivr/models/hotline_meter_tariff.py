# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare

from .hotline_service_site import SITE_CATEGORIES


class HotlineMeterTariff(models.Model):
    """The gas tariff of a service-site category: the product invoiced and
    its tiered prices per year (阶梯气价), on the year's cumulative usage."""

    _name = "hotline.meter.tariff"
    _inherit = ["hotline.company.guard"]
    _description = "Meter Tariff"
    _order = "company_id, site_category"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    site_category = fields.Selection(
        SITE_CATEGORIES, string="Tariff category", required=True
    )
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        help="The product of the invoice lines (income account, taxes).",
    )
    price_ids = fields.One2many(
        "hotline.meter.tariff.price", "tariff_id", string="Prices", copy=True
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "category_company_uniq",
            "UNIQUE(company_id, site_category)",
            "One tariff per category and company.",
        ),
    ]

    @api.model
    def _hotline_for(self, company, category):
        tariff = self.search(
            [("company_id", "=", company.id), ("site_category", "=", category)],
            limit=1,
        )
        if not tariff:
            labels = dict(
                self._fields["site_category"]._description_selection(self.env)
            )
            raise UserError(
                self.env._(
                    "No tariff for the category %s: add one under Billing > Tariffs.",
                    labels.get(category, category or "-"),
                )
            )
        return tariff

    def _hotline_split(self, year, used_before, usage):
        """``[(quantity, price), ...]``: ``usage`` m³ consumed after
        ``used_before`` m³ in ``year``, split at the year's tier bounds."""
        self.ensure_one()
        tiers = self.price_ids.filtered(lambda p: p.year == year).sorted("from_qty")
        if not tiers:
            raise UserError(
                self.env._(
                    "Tariff %(tariff)s has no prices for %(year)s.",
                    tariff=self.name,
                    year=year,
                )
            )
        pieces = []
        start, end = used_before, used_before + usage
        for tier in tiers:
            upper = tier.to_qty or float("inf")
            quantity = min(end, upper) - max(start, tier.from_qty)
            if float_compare(quantity, 0.0, precision_digits=3) > 0:
                pieces.append((round(quantity, 3), tier.price))
        if not pieces:  # no usage: one line at the first price, quantity 0
            pieces.append((0.0, tiers[0].price))
        return pieces


class HotlineMeterTariffPrice(models.Model):
    """One tier of a tariff's year: from/to m³ of the year's cumulative usage."""

    _name = "hotline.meter.tariff.price"
    _description = "Meter Tariff Tier"
    _order = "tariff_id, year desc, from_qty"

    tariff_id = fields.Many2one(
        "hotline.meter.tariff", required=True, ondelete="cascade", index=True
    )
    year = fields.Integer(required=True)
    from_qty = fields.Float(string="From (m³)", digits=(16, 3), required=True)
    to_qty = fields.Float(
        string="To (m³)", digits=(16, 3), help="Empty (0): no upper bound."
    )
    price = fields.Float(digits="Product Price", required=True)

    @api.constrains("year", "from_qty", "to_qty", "price", "tariff_id")
    def _check_tiers(self):
        for tariff in self.tariff_id:
            for year in set(tariff.price_ids.mapped("year")):
                tiers = tariff.price_ids.filtered(lambda p, y=year: p.year == y).sorted(
                    "from_qty"
                )
                expected = 0.0
                for index, tier in enumerate(tiers):
                    last = index == len(tiers) - 1
                    if (
                        float_compare(tier.from_qty, expected, precision_digits=3)
                        or (tier.to_qty and tier.to_qty <= tier.from_qty)
                        or (not tier.to_qty and not last)
                        or tier.price < 0
                    ):
                        raise ValidationError(
                            self.env._(
                                "Tariff %(tariff)s, %(year)s: the tiers must follow "
                                "each other from 0 m³ without gap or overlap (each "
                                "from where the previous one ends, only the last "
                                "one without an upper bound) at prices not below 0.",
                                tariff=tariff.name,
                                year=year,
                            )
                        )
                    expected = tier.to_qty
