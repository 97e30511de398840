# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HotlineIvrNode(models.Model):
    """The "Survey" node: an Odoo survey played on the phone keypad (the
    engine's ``questionnaire`` node, see hotline_callcenter's
    ``pbx/ivr_engine.py``); the answers are a ``survey.user_input``."""

    _inherit = "hotline.ivr.node"

    node_type = fields.Selection(
        selection_add=[("survey",), ("questionnaire", "Survey")],
        ondelete={"questionnaire": "cascade"},
    )
    survey_id = fields.Many2one(
        "survey.survey",
        ondelete="restrict",
        help="Survey nodes: the survey played on the keypad. Its questions are "
        "single-choice (keys 1 to 9 in the answers' order) or scale questions "
        "(the key is the value, 0 to 9), each with a keypad prompt, and each "
        "answer of a single-choice question with its own prompt.",
    )

    @api.constrains("node_type", "survey_id", "flow_id")
    def _check_keypad_survey(self):
        for node in self.filtered(lambda n: n.node_type == "questionnaire"):
            problem = node._hotline_keypad_problem()
            if problem:
                raise ValidationError(problem)

    def _hotline_keypad_problem(self):
        """Why this Survey node cannot play its survey (a message), or False."""
        self.ensure_one()
        if not self.survey_id:
            return self.env._("Survey node %s has no survey.", self.name)
        problem = self.env["survey.question"]._hotline_keypad_survey_problem(
            self.survey_id, self.flow_id._hotline_languages()
        )
        if problem:
            return self.env._(
                "Survey node %(node)s: %(problem)s", node=self.name, problem=problem
            )
        return False

    def _hotline_snapshot(self):
        data = super()._hotline_snapshot()
        if self.node_type == "questionnaire":
            data.update(
                timeout_ms=max(self.timeout, 1) * 1000,
                retries_no_input=self.retries_no_input,
                retries_invalid=self.retries_invalid,
                survey=self.survey_id.id,
                questions=[
                    question._hotline_keypad_snapshot()
                    for question in self.survey_id.sudo().question_ids
                ],
            )
        return data
