# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Agent callbacks (回访): a satisfaction survey, an agent callback plan, a
closed case and its callback task on a running preview campaign, on the
test PBX of hotline_callcenter (the AMI simulator answers it).

The simulator's click-to-dial outcomes go by the number dialled:
13900139000 is busy, 13700137000 does not answer, any other answers."""

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.hotline_callcenter.tests.common import SimulatorCommon

ANSWERS = "13800138001"
BUSY = "13900139000"
NO_ANSWER = "13700137000"


def make_survey(env, title="供气服务回访", comment=True):
    """A one-page survey: a satisfaction question (满意/一般/不满意) and an
    optional comment."""
    survey = env["survey.survey"].create(
        {
            "title": title,
            "access_mode": "token",
            "questions_layout": "one_page",
            "question_and_page_ids": [
                Command.create(
                    {
                        "title": "您对这次处理结果满意吗？",
                        "question_type": "simple_choice",
                        "constr_mandatory": True,
                        "suggested_answer_ids": [
                            Command.create(
                                {"value": "满意", "hotline_satisfaction": "satisfied"}
                            ),
                            Command.create(
                                {"value": "一般", "hotline_satisfaction": "neutral"}
                            ),
                            Command.create(
                                {
                                    "value": "不满意",
                                    "hotline_satisfaction": "dissatisfied",
                                }
                            ),
                        ],
                    }
                ),
            ],
        }
    )
    if comment:
        env["survey.question"].create(
            {
                "survey_id": survey.id,
                "title": "您还有什么建议？",
                "question_type": "text_box",
                "sequence": 20,
            }
        )
    return survey


class CallbackCommon(SimulatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.partner_id.tz = "Asia/Shanghai"
        cls.agent2 = new_test_user(
            env,
            login="hl_agent_two",
            name="Agent Two",
            groups="hotline_base.group_agent",
            tz="Asia/Shanghai",
        )
        cls.agent2.hotline_extension = "8002"
        cls.handling_agent = new_test_user(
            env,
            login="hl_case_agent",
            name="Case Agent",
            groups="hotline_base.group_agent",
        )
        cls.queue = env["hotline.queue"].create(
            {"name": "回访坐席", "code": "callback-q", "pbx_id": cls.pbx.id}
        )
        env["hotline.queue.member"].create(
            [
                {"queue_id": cls.queue.id, "user_id": cls.agent.id},
                {"queue_id": cls.queue.id, "user_id": cls.agent2.id},
            ]
        )
        cls.team = env["helpdesk.ticket.team"].create(
            {"name": "热线中心", "user_ids": [Command.set(cls.handling_agent.ids)]}
        )
        cls.survey = make_survey(env)
        cls.question = cls.survey.question_ids.filtered(
            lambda q: q.question_type == "simple_choice"
        )
        cls.satisfied, cls.neutral, cls.dissatisfied = cls.question.suggested_answer_ids
        cls.plan = env["hotline.callback.plan"].create(
            {
                "name": "报修回访",
                "survey_id": cls.survey.id,
                "mode": "agent",
                "queue_id": cls.queue.id,
                "pbx_id": cls.pbx.id,
                "link_fallback": False,
                "complaint_on_dissatisfied": False,
            }
        )
        cls.case_type = env.ref("hotline_complaints.case_type_repair")
        cls.channel = env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        cls.callee = env["res.partner"].create({"name": "李建国", "mobile": ANSWERS})

    def make_ticket(self, partner=None, **values):
        vals = {
            "name": "燃气表漏气",
            "description": "<p>厨房燃气表接口漏气，已上门处理。</p>",
            "partner_id": (partner or self.callee).id,
            "case_type_id": self.case_type.id,
            "channel_id": self.channel.id,
            "team_id": self.team.id,
            "user_id": self.handling_agent.id,
        }
        vals.update(values)
        return self.env["helpdesk.ticket"].create(vals)

    def make_task(self, partner=None, user=None, ticket=None, start=True, **values):
        """A callback task of a closed case on its own running preview
        campaign (as the sampling would write it)."""
        partner = partner or self.callee
        user = user or self.agent
        if ticket is None:
            ticket = self.make_ticket(partner)
        campaign = self.env["hotline.campaign"].create(
            {
                "name": f"回访 {partner.name}",
                "pbx_id": self.pbx.id,
                "mode": "preview",
                "queue_id": self.queue.id,
                "calendar_id": self.env.company.resource_calendar_id.id,
                "max_attempts": 2,
                "hotline_callback_plan_id": self.plan.id,
                "contact_ids": [
                    Command.create({"partner_id": partner.id, "user_id": user.id})
                ],
            }
        )
        vals = {
            "plan_id": self.plan.id,
            "source": "case",
            "partner_id": partner.id,
            "ticket_id": ticket.id if ticket else False,
            "handling_user_id": self.handling_agent.id,
            "team_id": self.team.id,
            "case_type_id": self.case_type.id,
            "channel_id": self.channel.id,
            "user_id": user.id,
            "campaign_id": campaign.id,
            "contact_id": campaign.contact_ids.id,
        }
        vals.update(values)
        task = self.env["hotline.callback.task"].create(vals)
        if start:
            campaign.action_start()
        return task

    def answer(self, user_input, choice, comment=None):
        """Fill in and submit ``user_input`` as the survey page does."""
        user_input._save_lines(self.question, choice.id)
        if comment:
            text = self.survey.question_ids - self.question
            user_input._save_lines(text, comment)
        user_input._mark_done()

    def click_to_dial_result(self, user, number, outcome, leg="customer"):
        """What the connector reports of a click-to-dial's Originate."""
        tag = self.env["hotline.pbx"]._hotline_action_tag()
        causes = {
            "answered": ["16", "Normal Clearing"],
            "busy": ["17", "User busy"],
            "no_answer": ["19", "User alerting, no answer"],
        }
        return self.env["hotline.pbx"]._hotline_click_to_dial_results(
            self.pbx,
            [
                {
                    "action_id": f"hotline-c2d-{user.id}-{tag}abc",
                    "user_id": user.id,
                    "number": number,
                    "leg": leg,
                    "outcome": outcome,
                    "cause": causes.get(outcome, ["0", ""]),
                }
            ],
        )


def make_callback_task(env, pbx, agent, partner, survey):
    """The whole chain for browser and HTTP tests: a queue with ``agent``, an
    agent callback plan on ``survey``, a closed case of ``partner`` and its
    callback task on a running preview campaign."""
    queue = env["hotline.queue"].create(
        {"name": "回访坐席", "code": "callback-http-q", "pbx_id": pbx.id}
    )
    env["hotline.queue.member"].create({"queue_id": queue.id, "user_id": agent.id})
    plan = env["hotline.callback.plan"].create(
        {
            "name": "报修回访",
            "survey_id": survey.id,
            "mode": "agent",
            "queue_id": queue.id,
            "pbx_id": pbx.id,
            "link_fallback": False,
            "complaint_on_dissatisfied": False,
        }
    )
    ticket = env["helpdesk.ticket"].create(
        {
            "name": "燃气表漏气",
            "description": "<p>厨房燃气表接口漏气，已上门处理。</p>",
            "partner_id": partner.id,
            "case_type_id": env.ref("hotline_complaints.case_type_repair").id,
        }
    )
    campaign = env["hotline.campaign"].create(
        {
            "name": "报修回访 第1期",
            "pbx_id": pbx.id,
            "mode": "preview",
            "queue_id": queue.id,
            "calendar_id": env.company.resource_calendar_id.id,
            "hotline_callback_plan_id": plan.id,
            "contact_ids": [
                Command.create({"partner_id": partner.id, "user_id": agent.id})
            ],
        }
    )
    task = env["hotline.callback.task"].create(
        {
            "plan_id": plan.id,
            "source": "case",
            "partner_id": partner.id,
            "ticket_id": ticket.id,
            "case_type_id": ticket.case_type_id.id,
            "user_id": agent.id,
            "campaign_id": campaign.id,
            "contact_id": campaign.contact_ids.id,
        }
    )
    campaign.action_start()
    return task
