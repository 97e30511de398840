# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineBlacklist(models.Model):
    _inherit = "hotline.blacklist"

    call_id = fields.Many2one(
        "hotline.call",
        string="From call",
        index="btree_not_null",
        ondelete="set null",
        help="The call the block was proposed from.",
        check_company=True,
    )
