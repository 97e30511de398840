# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineRecording(models.Model):
    _inherit = "hotline.recording"

    hotline_confidential = fields.Boolean(
        related="call_id.hotline_confidential", store=True, index=True
    )
