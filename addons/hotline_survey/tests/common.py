# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Surveys, a callback plan, tasks and completed answers for the statistics
and dissatisfied-callback tests (built with the ORM as the callbacks build
them: ``_create_answer``, ``_save_lines``, ``_mark_done``)."""

import itertools

from odoo import Command

from odoo.addons.hotline_complaints.tests.common import CaseCommon

from .keypad_common import keypad_flow

_LINKEDID = itertools.count(1)
FIVE_LEVELS = [
    ("非常满意", "satisfied"),
    ("满意", "satisfied"),
    ("一般", "neutral"),
    ("不满意", "dissatisfied"),
    ("非常不满意", "dissatisfied"),
]


class SatisfactionCommon(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = cls.role_users["agent"]
        cls.agent_b = cls.env["res.users"].create(
            {
                "name": "Hotline agent B",
                "login": "hl_agent_b",
                "groups_id": [
                    Command.set([cls.env.ref("hotline_base.group_agent").id])
                ],
            }
        )
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "来电回访满意度调查",
                "access_mode": "token",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "您对这次服务是否满意？",
                            "question_type": "simple_choice",
                            "sequence": 1,
                            "suggested_answer_ids": [
                                Command.create(
                                    {
                                        "value": label,
                                        "sequence": seq,
                                        "hotline_satisfaction": level,
                                    }
                                )
                                for seq, (label, level) in enumerate(FIVE_LEVELS)
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "title": "服务态度打分",
                            "question_type": "scale",
                            "scale_min": 1,
                            "scale_max": 5,
                            "sequence": 2,
                        }
                    ),
                ],
            }
        )
        cls.q_choice, cls.q_scale = cls.survey.question_ids.sorted("sequence")
        cls.choices = cls.q_choice.suggested_answer_ids.sorted("sequence")
        # a survey whose satisfaction question is a 1-5 scale
        cls.scale_survey = cls.env["survey.survey"].create(
            {
                "title": "按键满意度",
                "access_mode": "token",
                "hotline_scale_satisfied_min": 4,
                "hotline_scale_dissatisfied_max": 2,
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "请按 1 到 5 打分",
                            "question_type": "scale",
                            "scale_min": 1,
                            "scale_max": 5,
                        }
                    )
                ],
            }
        )
        pbx = cls.env["hotline.pbx"].create(
            {"name": "Callback PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        queue = cls.env["hotline.queue"].create(
            {"name": "回访坐席", "code": "stats-callback-q", "pbx_id": pbx.id}
        )
        cls.plan = cls.env["hotline.callback.plan"].create(
            {
                "name": "回访：投诉办结",
                "survey_id": cls.survey.id,
                "mode": "agent",
                "queue_id": queue.id,
            }
        )
        cls.scale_plan = cls.env["hotline.callback.plan"].create(
            {
                "name": "按键回访",
                "survey_id": cls.scale_survey.id,
                "mode": "keypad",
                "flow_id": keypad_flow(cls.env, cls.scale_survey).id,
                "source": "call",
            }
        )
        # rows already there (demo data) are not the tests' business
        cls.existing = {
            model: cls.env[model].search([]).ids
            for model in (
                "hotline.satisfaction.report",
                "hotline.callback.report",
                "helpdesk.ticket",
            )
        }
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"回访客户 {i}", "mobile": f"1391000000{i}"} for i in range(8)]
        )

    # ------------------------------------------------------------------
    def domain(self, model, domain=()):
        """``domain`` on ``model`` without the rows that were there before
        (the SQL views read the tables: what the ORM holds is written first)."""
        self.env.flush_all()
        return [("id", "not in", self.existing[model]), *domain]

    def make_case(self, partner=None, team=None, user="agent", **vals):
        case = self.new_case(
            user=user,
            partner_id=(partner or self.customer).id,
            **vals,
        )
        if team:
            case.sudo().team_id = team
        return case

    def close(self, case):
        case.sudo().write({"stage_id": case._hotline_stage("closed").id})
        return case

    def make_task(self, plan=None, case=None, call=None, partner=None, **vals):
        plan = plan or self.plan
        values = {
            "plan_id": plan.id,
            "source": "call" if call and not case else "case",
            "partner_id": (partner or self.customer).id,
            "ticket_id": case.id if case else False,
            "call_id": call.id if call else False,
            "handling_user_id": (
                case.owner_id.id if case else (call.user_id.id if call else False)
            ),
            "team_id": case.team_id.id if case else False,
            "case_type_id": case.case_type_id.id if case else False,
            "channel_id": case.channel_id.id if case else False,
            "user_id": self.role_users["agent"].id,
        }
        values.update(vals)
        return self.env["hotline.callback.task"].create(values)

    def answer(
        self, task=None, choice=None, scale=None, survey=None, done=True, **vals
    ):
        """A survey answer as the callback (or keypad) records it."""
        survey = survey or (task.survey_id if task else self.survey)
        values = {
            "hotline_source": "callback",
            "hotline_callback_task_id": task.id if task else False,
            "hotline_ticket_id": task.ticket_id.id if task else False,
            "hotline_call_id": task.call_id.id if task else False,
            "hotline_agent_id": task.handling_user_id.id if task else False,
            "hotline_team_id": task.team_id.id if task else False,
        }
        values.update(vals)
        partner = task.partner_id if task else self.env["res.partner"]
        user_input = survey._create_answer(
            partner=partner, check_attempts=False, **values
        )
        if choice is not None:
            question = survey._hotline_satisfaction_question()
            answer = question.suggested_answer_ids.sorted("sequence")[choice]
            user_input._save_lines(question, answer.id)
        if scale is not None:
            question = survey.question_ids.filtered(
                lambda q: q.question_type == "scale"
            )[:1]
            user_input._save_lines(question, scale)
        if done:
            user_input._mark_done()
        return user_input

    def make_call(self, agent=None, partner=None, digit=None, **vals):
        values = {
            "linkedid": f"satisfaction-{next(_LINKEDID)}",
            "caller_number": (partner or self.customer).mobile or "13800138000",
            "partner_id": (partner or self.customer).id,
            "user_id": (agent or self.agent).id,
            "disposition": "answered",
            "direction": "inbound",
        }
        values.update(vals)
        call = self.env["hotline.call"].create(values)
        if digit:
            call._hotline_store_rating(digit)
        return call
