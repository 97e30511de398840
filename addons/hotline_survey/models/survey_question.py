# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    hotline_prompt_id = fields.Many2one(
        "hotline.ivr.prompt",
        string="Keypad prompt",
        help="Keypad surveys: the recording that asks this question and says "
        "the keys (press 1 for 满意...).",
    )
