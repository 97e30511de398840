# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineWallboardMark(models.Model):
    """A company whose wallboard changed since its last payload.

    Append-only: every transaction that changed something a wallboard shows
    inserts one row per company (plain inserts never wait on each other), the
    wallboard cron deletes them and sends one payload per company.
    """

    _name = "hotline.wallboard.mark"
    _description = "Wallboard change mark"
    _inherit = ["hotline.company.guard"]
    _log_access = False

    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="cascade"
    )
