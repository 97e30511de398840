# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineFaxBox(models.Model):
    _inherit = "hotline.fax.box"

    case_gateway_id = fields.Many2one(
        "hotline.inbound.gateway",
        string="Case intake",
        domain=[("channel_code", "=", "fax")],
        help="The fax intake whose case type, acknowledgement and log the cases "
        "opened from this box's faxes use (the same intake as the outside fax "
        "servers' gateway). Empty: the first active fax intake.",
    )
