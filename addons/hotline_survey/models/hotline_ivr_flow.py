# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Keypad surveys (IVR "Survey" nodes): the connector's hooks.

The connector (hotline_callcenter's ``cli/ivr_backend.py``) calls them in a
short superuser transaction each: the answer record is created when the node
starts, every answer is written as soon as it is keyed (a hang-up keeps the
answers given: the answer stays in progress, partial), the survey is
completed at the end. A callee of a keypad callback campaign carries the
task in the contact's flow variables (``callback_task_id``): the answer is
linked to the task, its case, call, agent and team; an inbound caller's
answer is linked to the call (Linkedid), its agent and case.
"""

from odoo import api, models


class HotlineIvrFlow(models.Model):
    _inherit = "hotline.ivr.flow"

    def _hotline_check_graph(self):
        """Publishing (and saving a published flow) checks its Survey nodes
        too: their surveys may have changed since the nodes were saved."""
        res = super()._hotline_check_graph()
        for node in self.node_ids.filtered(lambda n: n.node_type == "questionnaire"):
            node._check_keypad_survey()
        return res

    @api.model
    def _hotline_keypad_task(self, request, survey):
        """The callback task of a keypad callback campaign's callee, when it
        is about ``survey``."""
        variables = request.get("variables") or {}
        try:
            task_id = int(variables.get("callback_task_id") or 0)
        except (TypeError, ValueError):
            return self.env["hotline.callback.task"]
        task = self.env["hotline.callback.task"].sudo().browse(task_id).exists()
        return task if task.survey_id == survey else task.browse()

    @api.model
    def _hotline_questionnaire_start(self, request, survey_id):
        survey = self.env["survey.survey"].sudo().browse(int(survey_id or 0)).exists()
        if not survey:
            raise LookupError(f"no survey {survey_id!r}")
        vals = {"hotline_source": "keypad"}
        task = self._hotline_keypad_task(request, survey)
        partner = self.env["res.partner"]
        if task:
            vals.update(
                hotline_callback_task_id=task.id,
                hotline_ticket_id=task._hotline_case().id,
                hotline_call_id=task.call_id.id,
                hotline_agent_id=task.handling_user_id.id,
                hotline_team_id=task.team_id.id,
            )
            partner = task.partner_id
        else:
            call = (
                self.env["hotline.call"]
                .sudo()
                .browse(request.get("call_id") or [])
                .exists()
            )
            hidden = bool(call) and call._hotline_caller_hidden()
            if call:
                ticket = call.ticket_ids.sorted("id")[-1:]
                vals.update(
                    hotline_call_id=call.id,
                    hotline_agent_id=call.user_id.id,
                    hotline_ticket_id=ticket.id,
                    hotline_team_id=ticket.team_id.id,
                )
                partner = call.partner_id
            if hidden:
                # a confidential caller's answers name nobody
                partner = self.env["res.partner"]
            elif not partner and request.get("caller"):
                partner = self.env["res.partner"].hotline_identify_caller(
                    request["caller"]
                )[:1]
        user_input = survey._create_answer(
            partner=partner, check_attempts=False, **vals
        )
        return user_input.access_token

    @api.model
    def _hotline_keypad_answer_of(self, token):
        user_input = (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [("access_token", "=", token or ""), ("hotline_source", "=", "keypad")],
                limit=1,
            )
        )
        if not user_input or user_input.state == "done":
            raise LookupError(f"no keypad survey answer in progress for {token!r}")
        return user_input

    @api.model
    def _hotline_questionnaire_answer(self, request, token, question_id, value):
        user_input = self._hotline_keypad_answer_of(token)
        question = user_input.survey_id.question_ids.filtered(
            lambda q: q.id == int(question_id)
        )
        if not question:
            raise LookupError(f"question {question_id!r} is not in the survey")
        if value is None:
            answer = False  # skipped: Odoo's statistics count it as skipped
        elif question.question_type == "simple_choice":
            answer = int(value)
            if answer not in question.suggested_answer_ids.ids:
                raise LookupError(f"answer {value!r} is not one of {question.title}")
        else:
            # a string: Odoo takes the value 0 as no answer
            answer = str(int(value))
        user_input._save_lines(question, answer)
        if user_input.state == "new":
            user_input._mark_in_progress()
        task = user_input.hotline_callback_task_id
        if task and task.state != "done":
            # partly answered until the survey is completed
            task.write({"state": "partial", "user_input_id": user_input.id})
        return True

    @api.model
    def _hotline_questionnaire_done(self, request, token):
        user_input = self._hotline_keypad_answer_of(token)
        # _mark_done sets the satisfaction level (with or without a task)
        user_input._mark_done()
        return True
