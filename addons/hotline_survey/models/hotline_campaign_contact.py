# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCampaignContact(models.Model):
    _inherit = "hotline.campaign.contact"

    hotline_callback_task_ids = fields.One2many(
        "hotline.callback.task", "contact_id", string="Callback task"
    )

    def _hotline_on_finished(self):
        res = super()._hotline_on_finished()
        # every attempt failed: the callback tasks are unreachable (and get
        # the survey link when their plan says so)
        tasks = self.sudo().filtered(lambda c: c.state == "failed")
        tasks = tasks.hotline_callback_task_ids.filtered(
            lambda t: t.state in ("pending", "calling")
        )
        tasks._hotline_on_unreachable()
        return res
