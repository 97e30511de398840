# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fixtures of the sampling tests: a Shanghai company with a PBX, a queue of
callback agents, two helpdesk teams, a survey, and builders of closed cases,
answered calls and completed work orders ending at given times."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.hotline_base.tests.common import HotlineCommon

# Thursday 2026-12-03 10:00 in Shanghai (ISO week 2026-W49), naive UTC
NOW = datetime(2026, 12, 3, 2, 0)
# ended 30 hours before NOW: past a 24-hour delay, within a first daily run
ENDED = NOW - timedelta(hours=30)


class SamplingCommon(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a company of its own: the demo's calls and cases (dated from the
        # day of installation) are another company's
        cls.company = cls.env["res.company"].create(
            {"name": "回访测试燃气公司", "country_id": cls.env.ref("base.cn").id}
        )
        cls.company.partner_id.tz = "Asia/Shanghai"
        for user in cls.role_users.values():
            user.write(
                {
                    "company_ids": [Command.link(cls.company.id)],
                    "company_id": cls.company.id,
                }
            )
        cls.env = env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=[cls.company.id])
        )
        cls.pbx = env["hotline.pbx"].create(
            {"name": "Sampling PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        cls.calendar = env["resource.calendar"].create(
            {"name": "Callback hours", "tz": "Asia/Shanghai"}
        )
        users = cls.role_users
        cls.agent = users["agent"]
        cls.supervisor = users["supervisor"]
        cls.leader = users["leader"]
        cls.agent2 = cls.new_user("hl_agent2", "hotline_base.group_agent")
        cls.queue = env["hotline.queue"].create(
            {"name": "回访坐席", "code": "callback-q", "pbx_id": cls.pbx.id}
        )
        env["hotline.queue.member"].create(
            [
                {"queue_id": cls.queue.id, "user_id": cls.agent.id},
                {"queue_id": cls.queue.id, "user_id": cls.agent2.id},
            ]
        )
        cls.flow = env["hotline.ivr.flow"].create(
            {
                "name": "回访语音",
                "fallback_type": "queue",
                "fallback_queue_id": cls.queue.id,
            }
        )
        Team = env["helpdesk.ticket.team"]
        cls.team_a = Team.create(
            {
                "name": "热线中心",
                "user_ids": [Command.set([cls.agent.id, users["supervisor"].id])],
            }
        )
        cls.team_b = Team.create(
            {"name": "燃气抢修队", "user_ids": [Command.set([users["handler"].id])]}
        )
        cls.type_complaint = env.ref("hotline_complaints.case_type_complaint")
        cls.type_repair = env.ref("hotline_complaints.case_type_repair")
        cls.channel_phone = env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        cls.stage_closed = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.survey = env["survey.survey"].create(
            {
                "title": "回访满意度",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "您对处理结果满意吗？",
                            "question_type": "simple_choice",
                            "suggested_answer_ids": [
                                Command.create(
                                    {
                                        "value": "满意",
                                        "hotline_satisfaction": "satisfied",
                                    }
                                ),
                                Command.create(
                                    {
                                        "value": "不满意",
                                        "hotline_satisfaction": "dissatisfied",
                                    }
                                ),
                            ],
                        }
                    )
                ],
            }
        )
        cls.customer_count = 0

    @classmethod
    def new_user(cls, login, groups):
        return new_test_user(
            cls.env,
            login=login,
            name=login,
            groups=groups,
            tz="Asia/Shanghai",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    @classmethod
    def new_customer(cls, **vals):
        cls.customer_count += 1
        values = {
            "name": f"客户{cls.customer_count}",
            "mobile": f"1391000{cls.customer_count:04d}",
        }
        values.update(vals)
        return cls.env["res.partner"].create(values)

    def new_plan(self, **vals):
        values = {
            "name": "投诉回访",
            "survey_id": self.survey.id,
            "queue_id": self.queue.id,
            "pbx_id": self.pbx.id,
            "calendar_id": self.calendar.id,
            "sample_rate": 100.0,
            "exclude_days": 30,
            "delay_hours": 24,
        }
        values.update(vals)
        return self.env["hotline.callback.plan"].create(values)

    def closed_case(self, team=None, partner=None, closed=ENDED, **vals):
        """A case closed at ``closed`` (its customer a new one by default)."""
        values = {
            "name": "燃气表漏气",
            "description": "<p>厨房燃气表附近有气味</p>",
            "case_type_id": self.type_complaint.id,
            "channel_id": self.channel_phone.id,
            "team_id": (team or self.team_a).id,
            "user_id": self.role_users["handler"].id,
        }
        # a confidential case moves its customer to the reporter record
        values["partner_id"] = (
            partner if partner is not None else self.new_customer()
        ).id
        values.update(vals)
        ticket = self.env["helpdesk.ticket"].create(values)
        ticket.write({"stage_id": self.stage_closed.id})
        ticket.write({"closed_date": closed})
        self.assertEqual(ticket.hotline_state, "closed")
        return ticket

    def answered_call(self, user=None, partner=None, ended=ENDED, **vals):
        count = self.env["hotline.call"].search_count([]) + 1
        values = {
            "pbx_id": self.pbx.id,
            "linkedid": f"1764000000.{count}",
            "caller_number": "13910001000",
            "called_number": "4008100100",
            "direction": "inbound",
            "partner_id": (partner or self.new_customer()).id,
            "user_id": (user or self.agent).id,
            "queue_id": self.queue.id,
            "disposition": "answered",
            "started_at": ended - timedelta(minutes=5),
            "answered_at": ended - timedelta(minutes=4),
            "ended_at": ended,
        }
        values.update(vals)
        return self.env["hotline.call"].create(values)

    def done_work_order(self, ticket=None, done=ENDED, **vals):
        ticket = ticket or self.closed_case(team=self.team_b)
        values = {
            "ticket_id": ticket.id,
            "user_id": self.role_users["handler"].id,
            "state": "done",
            "done_at": done,
        }
        values.update(vals)
        return self.env["hotline.work.order"].create(values)

    def plan_messages(self, plan):
        return "\n".join(plan.message_ids.mapped("body"))
