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
