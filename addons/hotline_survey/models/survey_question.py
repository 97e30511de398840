# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC, datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

# question types a keypad survey (IVR "Survey" node) can ask
KEYPAD_TYPES = ("simple_choice", "scale")
# keys 1..9 for single-choice answers; scale values are the keys themselves
KEYPAD_MAX_ANSWERS = 9
KEYPAD_SCALE = (0, 9)


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    hotline_prompt_id = fields.Many2one(
        "hotline.ivr.prompt",
        string="Keypad prompt",
        help="Keypad surveys: the recording that asks this question and says "
        "the keys (press 1 for 满意...).",
    )

    # -- keypad surveys -------------------------------------------------------
    def _hotline_keypad_problem(self, languages=()):
        """Why this question cannot be asked on the phone keypad: a message
        naming it, or False. ``languages``: the IVR languages its prompts
        must speak (those of the flows playing the survey)."""
        self.ensure_one()
        name = self.title or ""
        if self.question_type not in KEYPAD_TYPES:
            types = dict(self._fields["question_type"]._description_selection(self.env))
            return self.env._(
                "Question %(question)s: a keypad survey asks single-choice and "
                "scale questions only, not %(type)s.",
                question=name,
                type=types.get(self.question_type, self.question_type or ""),
            )
        if self.question_type == "simple_choice":
            if not self.suggested_answer_ids:
                return self.env._("Question %s has no answer to choose.", name)
            if len(self.suggested_answer_ids) > KEYPAD_MAX_ANSWERS:
                return self.env._(
                    "Question %(question)s has %(count)s answers: the keypad "
                    "offers keys 1 to 9.",
                    question=name,
                    count=len(self.suggested_answer_ids),
                )
        elif self.scale_min < KEYPAD_SCALE[0] or self.scale_max > KEYPAD_SCALE[1]:
            return self.env._(
                "Question %(question)s: its scale %(min)s to %(max)s does not fit "
                "the keys 0 to 9.",
                question=name,
                min=self.scale_min,
                max=self.scale_max,
            )
        if not self.hotline_prompt_id:
            return self.env._("Question %s has no keypad prompt.", name)
        problem = self._hotline_keypad_prompt_problem(
            self.hotline_prompt_id, languages, name
        )
        if problem:
            return problem
        if self.question_type == "simple_choice":
            for answer in self.suggested_answer_ids:
                if not answer.hotline_prompt_id:
                    return self.env._(
                        "Question %(question)s: the answer %(answer)s has no "
                        "keypad prompt.",
                        question=name,
                        answer=answer.value or "",
                    )
                problem = self._hotline_keypad_prompt_problem(
                    answer.hotline_prompt_id, languages, name
                )
                if problem:
                    return problem
        return False

    def _hotline_keypad_prompt_problem(self, prompt, languages, name):
        missing = [lang for lang in languages if lang not in prompt._hotline_sounds()]
        if not missing:
            return False
        field = self.env["hotline.ivr.flow"]._fields["default_language"]
        names = dict(field._description_selection(self.env))
        return self.env._(
            "Question %(question)s: the keypad prompt %(prompt)s has no audio "
            "for %(language)s, a language of the IVR flow.",
            question=name,
            prompt=prompt.name,
            language=names.get(missing[0], missing[0]),
        )

    @api.model
    def _hotline_keypad_survey_problem(self, survey, languages=()):
        """Why ``survey`` cannot be played on the keypad (the first problem,
        naming the question), or False: no question, a question of another
        type than single choice or scale, more than 9 answers, a scale outside
        0-9, a question or answer without a keypad prompt (or without audio in
        one of ``languages``). Used by the IVR's Survey nodes and the keypad
        callback plans."""
        survey.ensure_one()
        questions = survey.sudo().question_ids
        if not questions:
            return self.env._("Survey %s has no question.", survey.title)
        for question in questions:
            problem = question._hotline_keypad_problem(languages)
            if problem:
                return problem
        return False

    def _hotline_keypad_snapshot(self):
        """The question as the IVR engine's ``questionnaire`` node reads it."""
        self.ensure_one()
        sounds = self.env["hotline.ivr.node"]._hotline_prompt
        data = {
            "id": self.id,
            "type": self.question_type,
            "prompt": sounds(self.hotline_prompt_id),
            "answer_prompts": [],
            "keys": {},
        }
        if self.question_type == "simple_choice":
            answers = self.suggested_answer_ids.sorted(lambda a: (a.sequence, a.id))
            data["answer_prompts"] = [sounds(a.hotline_prompt_id) for a in answers]
            data["keys"] = {str(i): a.id for i, a in enumerate(answers, start=1)}
        else:
            data["keys"] = {
                str(value): value for value in range(self.scale_min, self.scale_max + 1)
            }
        if self.triggering_answer_ids:
            data["only_if"] = self.triggering_answer_ids.ids
        return data

    # -- a survey played by a published flow stays playable -------------------
    @api.model
    def _hotline_keypad_surveys_changed(self, surveys):
        """The questions of ``surveys`` changed: the IVR's Survey nodes playing
        them get a new version (the connector's snapshots are checked against
        the nodes' write dates), and a change that makes a survey of a
        published flow unplayable is refused."""
        if not surveys:
            return
        nodes = (
            self.env["hotline.ivr.node"]
            .sudo()
            .search(
                [
                    ("node_type", "=", "questionnaire"),
                    ("survey_id", "in", surveys.ids),
                ]
            )
        )
        if not nodes:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE hotline_ivr_node SET write_date = %s WHERE id IN %s",
                datetime.now(UTC).replace(tzinfo=None),
                tuple(nodes.ids),
            )
        )
        nodes.invalidate_recordset(["write_date"])
        for node in nodes.filtered(lambda n: n.flow_id.state == "published"):
            problem = self._hotline_keypad_survey_problem(
                node.survey_id, node.flow_id._hotline_languages()
            )
            if problem:
                raise ValidationError(
                    self.env._(
                        "The survey %(survey)s is played by the published IVR "
                        "flow %(flow)s: %(problem)s",
                        survey=node.survey_id.title,
                        flow=node.flow_id.name,
                        problem=problem,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        questions = super().create(vals_list)
        self._hotline_keypad_surveys_changed(questions.survey_id)
        return questions

    def write(self, vals):
        surveys = self.survey_id
        res = super().write(vals)
        self._hotline_keypad_surveys_changed(surveys | self.survey_id)
        return res

    def unlink(self):
        surveys = self.survey_id
        res = super().unlink()
        self._hotline_keypad_surveys_changed(surveys.exists())
        return res
