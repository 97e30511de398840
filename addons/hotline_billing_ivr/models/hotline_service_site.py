# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

SITE_CATEGORIES = [
    ("residential", "Residential"),
    ("commercial", "Commercial"),
    ("industrial", "Industrial"),
]


class HotlineServiceSite(models.Model):
    _inherit = "hotline.service.site"

    site_category = fields.Selection(
        SITE_CATEGORIES,
        string="Tariff category",
        default="residential",
        help="Picks the tariff (product and tiered prices) its readings are "
        "invoiced with.",
    )
    meter_change_date = fields.Date(
        string="Meter changed on",
        help="The meter was replaced on this day: the first reading after it "
        "starts from the new meter's start value, and may be below the old "
        "meter's last reading.",
    )
    meter_start_value = fields.Float(
        string="Start value of the meter",
        digits=(16, 3),
        help="What the (new) meter showed when it was installed.",
    )
    meter_reading_ids = fields.One2many(
        "hotline.meter.reading", "site_id", string="Meter readings"
    )
    meter_reading_count = fields.Integer(compute="_compute_meter_reading_count")

    @api.depends("meter_reading_ids")
    def _compute_meter_reading_count(self):
        counts = dict(
            self.env["hotline.meter.reading"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        )
        for site in self:
            site.meter_reading_count = counts.get(site, 0)

    def action_hotline_meter_readings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hotline_billing_ivr.hotline_meter_reading_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"default_site_id": self.id, "default_source": "agent"}
        return action
