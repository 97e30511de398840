# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # care messages (关怀短信)
    hotline_care_quiet_hours = fields.Boolean(
        related="company_id.hotline_care_quiet_hours", readonly=False
    )
    hotline_care_quiet_start = fields.Float(
        related="company_id.hotline_care_quiet_start", readonly=False
    )
    hotline_care_quiet_end = fields.Float(
        related="company_id.hotline_care_quiet_end", readonly=False
    )
    hotline_care_case_ack = fields.Boolean(
        related="company_id.hotline_care_case_ack", readonly=False
    )
    hotline_care_case_ack_template_id = fields.Many2one(
        related="company_id.hotline_care_case_ack_template_id", readonly=False
    )
    hotline_care_callback = fields.Boolean(
        related="company_id.hotline_care_callback", readonly=False
    )
    hotline_care_callback_template_id = fields.Many2one(
        related="company_id.hotline_care_callback_template_id", readonly=False
    )
    hotline_care_work_order = fields.Boolean(
        related="company_id.hotline_care_work_order", readonly=False
    )
    hotline_care_work_order_template_id = fields.Many2one(
        related="company_id.hotline_care_work_order_template_id", readonly=False
    )
    hotline_care_arrears = fields.Boolean(
        related="company_id.hotline_care_arrears", readonly=False
    )
    hotline_care_arrears_template_id = fields.Many2one(
        related="company_id.hotline_care_arrears_template_id", readonly=False
    )
    hotline_care_birthday = fields.Boolean(
        related="company_id.hotline_care_birthday", readonly=False
    )
    hotline_care_birthday_template_id = fields.Many2one(
        related="company_id.hotline_care_birthday_template_id", readonly=False
    )
    hotline_care_outage = fields.Boolean(
        related="company_id.hotline_care_outage", readonly=False
    )
    hotline_care_outage_template_id = fields.Many2one(
        related="company_id.hotline_care_outage_template_id", readonly=False
    )
