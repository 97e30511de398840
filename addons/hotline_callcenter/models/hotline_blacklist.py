# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HotlineBlacklist(models.Model):
    _inherit = "hotline.blacklist"

    call_id = fields.Many2one(
        "hotline.call",
        string="From call",
        index="btree_not_null",
        ondelete="set null",
        help="The call the block was proposed from.",
    )

    @api.constrains("reason")
    def _check_reason_not_blank(self):
        for entry in self:
            if not (entry.reason or "").strip():
                raise ValidationError(self.env._("A block needs a reason."))
