# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCallAgent(models.Model):
    """An agent who answered a call, in answering order (transfers appended)."""

    _name = "hotline.call.agent"
    _description = "Hotline Call Agent"
    _inherit = ["hotline.company.guard"]
    _order = "call_id, sequence, id"

    call_id = fields.Many2one(
        "hotline.call", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=1)
    extension = fields.Char(required=True)
    user_id = fields.Many2one("res.users", string="Agent", index=True)
    company_id = fields.Many2one(related="call_id.company_id", store=True)
