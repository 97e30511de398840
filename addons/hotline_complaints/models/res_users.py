# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _get_invalidation_fields(self):
        # the user's units feed the record rules on cases (ir.rule's cached
        # domains): a change from the user's side takes effect at once too
        return super()._get_invalidation_fields() | {"helpdesk_team_ids"}
