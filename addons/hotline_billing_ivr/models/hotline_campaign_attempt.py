# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class HotlineCampaignAttempt(models.Model):
    _inherit = "hotline.campaign.attempt"

    def _hotline_on_result(self):
        res = super()._hotline_on_result()
        for attempt in self.filtered(
            lambda a: a.result == "answered" and a.campaign_id.hotline_dunning
        ):
            contact = attempt.contact_id.sudo()
            if not contact.hotline_dunning_reached_at:
                contact.hotline_dunning_reached_at = attempt.answered_at
        return res

    def _hotline_on_flow_result(self):
        res = super()._hotline_on_flow_result()
        for attempt in self.filtered(lambda a: a.campaign_id.hotline_dunning):
            contact = attempt.contact_id.sudo()
            options = [
                k for k in (attempt.flow_digits or "").split(",") if k and "=" not in k
            ]
            if contact.hotline_dunning_outcome == "promise":
                continue
            if "2" in options:
                contact.hotline_dunning_outcome = "agent"
            elif not contact.hotline_dunning_outcome:
                contact.hotline_dunning_outcome = "hung_up"
        return res
