# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCampaign(models.Model):
    _inherit = "hotline.campaign"

    hotline_callback_plan_id = fields.Many2one(
        "hotline.callback.plan",
        string="Callback plan",
        readonly=True,
        index=True,
        ondelete="restrict",
    )
