# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class HotlineScreenPop(models.AbstractModel):
    """The ring that pops the card puts the agent's status to Ringing."""

    _inherit = "hotline.screen.pop"

    @api.model
    def hotline_ringing(self, call, extension, transferred_from=None):
        user = super().hotline_ringing(
            call, extension, transferred_from=transferred_from
        )
        if user:
            self.env["hotline.agent.status"].sudo()._hotline_ringing(user, call)
        return user
