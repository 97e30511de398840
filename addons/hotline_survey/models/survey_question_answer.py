# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..tools.satisfaction import LEVELS


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    hotline_satisfaction = fields.Selection(
        LEVELS,
        string="Satisfaction level",
        help="What this answer counts as in the satisfaction statistics "
        "(a 5-level scale maps two answers to satisfied, one to neutral, two "
        "to dissatisfied).",
    )
    hotline_prompt_id = fields.Many2one(
        "hotline.ivr.prompt",
        string="Keypad prompt",
        help="Keypad surveys: the recording that says the key of this answer "
        "(press 1 for 满意).",
    )
