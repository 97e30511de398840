# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

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

    @api.constrains("hotline_satisfaction", "question_id", "matrix_question_id")
    def _check_hotline_satisfaction(self):
        """A satisfaction level belongs to an answer of a single-choice
        question (the satisfaction question is one, or a scale)."""
        for answer in self.filtered("hotline_satisfaction"):
            if answer.question_id.question_type != "simple_choice":
                raise ValidationError(
                    self.env._(
                        "Only the answers of a single-choice question carry a "
                        "satisfaction level (%(answer)s of %(question)s).",
                        answer=answer.value,
                        question=(
                            answer.question_id or answer.matrix_question_id
                        ).title,
                    )
                )
