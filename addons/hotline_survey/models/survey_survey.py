# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class SurveySurvey(models.Model):
    _inherit = "survey.survey"

    hotline_satisfaction_question_id = fields.Many2one(
        "survey.question",
        string="Satisfaction question",
        domain="[('survey_id', '=', id), ('is_page', '=', False), "
        "('question_type', 'in', ('simple_choice', 'scale'))]",
        help="The question whose answer is the caller's satisfaction in the "
        "satisfaction statistics. Empty: the first single-choice or scale "
        "question.",
    )
    hotline_scale_satisfied_min = fields.Integer(
        string="Satisfied from",
        default=4,
        help="Scale questions: this value and above count as satisfied.",
    )
    hotline_scale_dissatisfied_max = fields.Integer(
        string="Dissatisfied up to",
        default=2,
        help="Scale questions: this value and below count as dissatisfied; "
        "between the two, neutral.",
    )

    def _hotline_satisfaction_question(self):
        self.ensure_one()
        return (
            self.hotline_satisfaction_question_id
            or self.question_ids.filtered(
                lambda q: q.question_type in ("simple_choice", "scale")
            )[:1]
        )

    def _hotline_satisfaction_of(self, user_input):
        """The satisfaction level (satisfied/neutral/dissatisfied) of an
        answer: its answer to the satisfaction question, through the
        answers' levels (single choice) or the thresholds (scale)."""
        self.ensure_one()
        question = self._hotline_satisfaction_question()
        if not question:
            return False
        lines = user_input.user_input_line_ids.filtered(
            lambda line: line.question_id == question and not line.skipped
        )[:1]
        if not lines:
            return False
        if question.question_type == "simple_choice":
            return lines.suggested_answer_id.hotline_satisfaction or False
        value = int(lines.value_scale)
        if value >= self.hotline_scale_satisfied_min:
            return "satisfied"
        if value <= self.hotline_scale_dissatisfied_max:
            return "dissatisfied"
        return "neutral"
