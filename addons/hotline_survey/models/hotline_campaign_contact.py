# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCampaignContact(models.Model):
    _inherit = "hotline.campaign.contact"

    hotline_callback_task_ids = fields.One2many(
        "hotline.callback.task", "contact_id", string="Callback task"
    )
