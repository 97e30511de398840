# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Keypad surveys (按键回访): an IVR "Survey" node plays an Odoo survey over
FastAGI (the simulator's AGI side pressing keys); the answers land in a
``survey.user_input`` (Odoo's survey reports), linked to the callback task
of a keypad campaign's callee or to the inbound call."""

import contextlib
from datetime import UTC, datetime

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.hotline_callcenter.cli.ivr_backend import make_agi_handler
from odoo.addons.hotline_callcenter.pbx.fastagi import FastAgiServer
from odoo.addons.hotline_callcenter.pbx.simulator.agi_caller import AgiCaller
from odoo.addons.hotline_callcenter.tests.ivr_common import AUDIO
from odoo.addons.hotline_callcenter.tests.test_campaign import CampaignCommon


def played(sim):
    """Sounds the caller heard, in order (prompts and the key reads)."""
    out = []
    for line in sim.commands:
        for verb in ("STREAM FILE ", "GET DATA "):
            if line.startswith(verb):
                out.append(line[len(verb) :].split()[0])
    return out


@tagged("post_install", "-at_install")
class TestKeypadSurvey(CampaignCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Prompt = cls.env["hotline.ivr.prompt"]
        english = ("kp_intro", "kp_invalid", "kp_noinput", "kp_thanks")
        cls.prompts = {
            code: Prompt.create(
                {
                    "name": code,
                    "code": code,
                    "audio_zh_cn": AUDIO,
                    "audio_zh_cn_filename": f"{code}.wav",
                    "audio_en_us": AUDIO if code in english else False,
                    "audio_en_us_filename": f"{code}.wav" if code in english else False,
                }
            )
            for code in (
                "kp_intro",
                "kp_q1",
                "kp_a1",
                "kp_a2",
                "kp_a3",
                "kp_q2",
                "kp_invalid",
                "kp_noinput",
                "kp_thanks",
            )
        }
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "来电回访满意度（按键）",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "总体评价",
                            "sequence": 1,
                            "question_type": "simple_choice",
                            "hotline_prompt_id": cls.prompts["kp_q1"].id,
                            "suggested_answer_ids": [
                                Command.create(
                                    {
                                        "value": value,
                                        "sequence": i,
                                        "hotline_satisfaction": level,
                                        "hotline_prompt_id": cls.prompts[f"kp_a{i}"].id,
                                    }
                                )
                                for i, (value, level) in enumerate(
                                    [
                                        ("满意", "satisfied"),
                                        ("一般", "neutral"),
                                        ("不满意", "dissatisfied"),
                                    ],
                                    start=1,
                                )
                            ],
                        }
                    ),
                    Command.create(
                        {
                            "title": "服务态度打分",
                            "sequence": 2,
                            "question_type": "scale",
                            "scale_min": 1,
                            "scale_max": 5,
                            "hotline_prompt_id": cls.prompts["kp_q2"].id,
                        }
                    ),
                ],
            }
        )
        cls.q1, cls.q2 = cls.survey.question_ids
        cls.answers = cls.q1.suggested_answer_ids
        cls.flow = cls._survey_flow()
        cls.team = cls.env["helpdesk.ticket.team"].create({"name": "抢修班"})
        cls.plan = cls.env["hotline.callback.plan"].create(
            {
                "name": "按键回访",
                "survey_id": cls.survey.id,
                "mode": "keypad",
                "flow_id": cls.flow.id,
                # the complaint raised on a dissatisfied answer is another test's
                "complaint_on_dissatisfied": False,
            }
        )
        cls.draft = cls.env["hotline.ivr.flow"].create(
            {
                "name": "草稿流程",
                "fallback_type": "voicemail",
                "fallback_mailbox": "callback@default",
            }
        )
        cls.customer = cls.partners[0]
        cls.ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "燃气表漏气",
                "description": "<p>燃气表漏气</p>",
                "partner_id": cls.customer.id,
                "team_id": cls.team.id,
                "user_id": cls.agent.id,
            }
        )
        cls.task = cls.env["hotline.callback.task"].create(
            {
                "plan_id": cls.plan.id,
                "source": "case",
                "partner_id": cls.customer.id,
                "ticket_id": cls.ticket.id,
                "handling_user_id": cls.agent.id,
                "team_id": cls.team.id,
            }
        )

    @classmethod
    def _survey_flow(cls, name="按键回访", survey=None):
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": name,
                "fallback_type": "voicemail",
                "fallback_mailbox": "callback@default",
            }
        )
        Node = cls.env["hotline.ivr.node"]
        bye = Node.create(
            {"flow_id": flow.id, "name": "Bye", "node_type": "hangup", "sequence": 9}
        )
        Node.create(
            {
                "flow_id": flow.id,
                "sequence": 1,
                "name": "回访满意度",
                "node_type": "questionnaire",
                "survey_id": (survey or cls.survey).id,
                "prompt_id": cls.prompts["kp_intro"].id,
                "invalid_prompt_id": cls.prompts["kp_invalid"].id,
                "no_input_prompt_id": cls.prompts["kp_noinput"].id,
                "thanks_prompt_id": cls.prompts["kp_thanks"].id,
                "retries_no_input": 1,
                "retries_invalid": 1,
                "next_node_id": bye.id,
            }
        )
        flow.action_publish()
        return flow

    def start_agi(self):
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.server = FastAgiServer(
            "127.0.0.1", 0, make_agi_handler(self.registry, self.pbx.id)
        )
        self.server.start()
        self.addCleanup(self.server.stop)

    def answered_attempt(self, task=None):
        """An answered attempt of a keypad campaign's contact for ``task``."""
        task = task or self.task
        campaign = self.make_campaign(
            count=0,
            flow_id=self.flow.id,
            contact_ids=[
                Command.create(
                    {
                        "partner_id": task.partner_id.id,
                        "variables": {"callback_task_id": task.id},
                    }
                )
            ],
        )
        contact = campaign.contact_ids
        contact._hotline_prepare_numbers()
        now = datetime.now(UTC)
        spec = contact._hotline_start_attempt(now)
        attempt = self.env["hotline.campaign.attempt"].browse(spec["attempt_id"])
        attempt._hotline_set_result("answered", now)
        return attempt

    def callee(self, attempt, dtmf="", **kw):
        """The answered callee hears the campaign's flow and presses ``dtmf``
        (``#`` alone: no key before the time-out)."""
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"campaign?flow={self.flow.id}&attempt={attempt.id}",
            caller=attempt.number,
            did="ivr",
            context="hotline-campaign",
            dtmf=dtmf,
            **kw,
        )
        self.env.flush_all()
        sim.run()
        self.env.invalidate_all()
        return sim

    def answers_of(self, user_input):
        """``{question: answer or value or 'skipped'}`` of the report's lines."""
        out = {}
        for line in user_input.user_input_line_ids:
            if line.skipped:
                out[line.question_id] = "skipped"
            elif line.answer_type == "suggestion":
                out[line.question_id] = line.suggested_answer_id
            else:
                out[line.question_id] = line.value_scale
        return out

    # ------------------------------------------------------------------ runs
    def test_snapshot(self):
        node = self.flow.node_ids.filtered(lambda n: n.node_type == "questionnaire")
        data = self.flow._hotline_snapshot()["nodes"][node._hotline_key()]
        self.assertEqual(data["type"], "questionnaire")
        self.assertEqual(data["survey"], self.survey.id)
        self.assertEqual(data["timeout_ms"], 5000)
        self.assertEqual(data["thanks_prompt"]["zh_CN"], "hotline/zh_CN/kp_thanks")
        q1, q2 = data["questions"]
        self.assertEqual(q1["id"], self.q1.id)
        self.assertEqual(q1["prompt"], {"zh_CN": "hotline/zh_CN/kp_q1"})
        self.assertEqual(
            q1["answer_prompts"],
            [{"zh_CN": f"hotline/zh_CN/kp_a{i}"} for i in (1, 2, 3)],
        )
        self.assertEqual(
            q1["keys"], {str(i): a.id for i, a in enumerate(self.answers, start=1)}
        )
        self.assertEqual(q2["keys"], {str(v): v for v in range(1, 6)})
        self.assertEqual(q2["answer_prompts"], [])

    def test_callback_good_keys(self):
        self.start_agi()
        attempt = self.answered_attempt()
        sim = self.callee(attempt, dtmf="34")
        user_input = self.task.user_input_ids
        self.assertEqual(len(user_input), 1)
        self.assertEqual(user_input.state, "done")
        self.assertEqual(user_input.hotline_source, "keypad")
        self.assertEqual(
            self.answers_of(user_input), {self.q1: self.answers[2], self.q2: 4}
        )
        # linked to the task, its case, agent and team, the customer
        self.assertEqual(user_input.hotline_ticket_id, self.ticket)
        self.assertEqual(user_input.hotline_agent_id, self.agent)
        self.assertEqual(user_input.hotline_team_id, self.team)
        self.assertEqual(user_input.partner_id, self.customer)
        # the base completed the task: dissatisfied (3 = 不满意)
        self.assertEqual(self.task.state, "done")
        self.assertEqual(self.task.user_input_id, user_input)
        self.assertEqual(self.task.satisfaction, "dissatisfied")
        self.assertEqual(user_input.hotline_satisfaction, "dissatisfied")
        # key 3 pressed during the question: the answers were not all read
        heard = played(sim)
        self.assertEqual(heard[0], "hotline/zh_CN/kp_intro")
        self.assertNotIn("hotline/zh_CN/kp_a1", heard)
        self.assertIn("hotline/zh_CN/kp_thanks", heard)
        self.assertEqual(attempt.flow_result, "pressed_key")
        self.assertIn(f"survey_q{self.q1.id}=3", attempt.flow_digits)
        # Odoo's own survey statistics see it
        self.assertIn(user_input, self.survey.user_input_ids)
        self.assertEqual(self.survey.answer_done_count, 1)

    def test_callback_invalid_keys_then_a_good_one(self):
        self.start_agi()
        attempt = self.answered_attempt()
        sim = self.callee(attempt, dtmf="71*5")
        heard = played(sim)
        self.assertEqual(heard.count("hotline/zh_CN/kp_invalid"), 2)
        user_input = self.task.user_input_ids
        self.assertEqual(user_input.state, "done")
        self.assertEqual(
            self.answers_of(user_input), {self.q1: self.answers[0], self.q2: 5}
        )
        self.assertEqual(self.task.satisfaction, "satisfied")

    def test_callback_timeout_skips_the_question(self):
        self.start_agi()
        attempt = self.answered_attempt()
        # no key twice (the retry) on question 1, then 2 on question 2
        sim = self.callee(attempt, dtmf="##2")
        heard = played(sim)
        self.assertEqual(heard.count("hotline/zh_CN/kp_noinput"), 1)
        self.assertEqual(heard.count("hotline/zh_CN/kp_q1"), 2)
        user_input = self.task.user_input_ids
        self.assertEqual(user_input.state, "done")
        self.assertEqual(self.answers_of(user_input), {self.q1: "skipped", self.q2: 2})
        # the satisfaction question was skipped: no level
        self.assertFalse(self.task.satisfaction)
        self.assertEqual(self.task.state, "done")

    def test_callback_hang_up_mid_survey_keeps_a_partial_answer(self):
        self.start_agi()
        attempt = self.answered_attempt()
        self.callee(attempt, dtmf="2", hangup_when_done=True)
        user_input = self.task.user_input_ids
        self.assertEqual(user_input.state, "in_progress")
        self.assertEqual(self.answers_of(user_input), {self.q1: self.answers[1]})
        self.assertEqual(self.task.state, "partial")
        self.assertEqual(self.task.user_input_id, user_input)
        self.assertFalse(self.task.satisfaction)
        self.assertEqual(attempt.flow_result, "hung_up_early")
        self.assertEqual(self.survey.answer_done_count, 0)

    def inbound(self, dtmf, **call_vals):
        """An inbound caller of the number running the survey flow, the call
        as the correlator recorded it: ``(user_input, call)``."""
        self.env["hotline.did"].create(
            {"number": "4008100300", "kind": "400", "flow_id": self.flow.id}
        )
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script="ivr",
            caller="13800000001",
            did="4008100300",
            dtmf=dtmf,
        )
        call = self.env["hotline.call"].create(
            dict(
                {
                    "pbx_id": self.pbx.id,
                    "linkedid": sim.uniqueid,
                    "uniqueid": sim.uniqueid,
                    "caller_number": "13800000001",
                    "user_id": self.agent.id,
                },
                **call_vals,
            )
        )
        self.env.flush_all()
        sim.run()
        self.env.invalidate_all()
        user_input = self.env["survey.user_input"].search(
            [("hotline_call_id", "=", call.id)]
        )
        return user_input, call

    def test_inbound_confidential_caller_is_not_named(self):
        self.start_agi()
        user_input, call = self.inbound("21", hotline_confidential=True)
        self.assertTrue(call._hotline_caller_hidden())
        self.assertEqual(user_input.state, "done")
        self.assertFalse(user_input.partner_id)
        self.assertEqual(user_input.hotline_satisfaction, "neutral")

    def test_inbound_survey_linked_to_the_call(self):
        """A Survey node of an inbound flow: the answer is linked to the call
        by Linkedid, its agent and case, and the identified caller."""
        self.start_agi()
        user_input, call = self.inbound("15", ticket_ids=[Command.link(self.ticket.id)])
        self.assertEqual(user_input.hotline_call_id, call)
        self.assertEqual(user_input.state, "done")
        self.assertEqual(user_input.hotline_agent_id, self.agent)
        self.assertEqual(user_input.hotline_ticket_id, self.ticket)
        self.assertEqual(user_input.hotline_team_id, self.team)
        self.assertEqual(user_input.partner_id, self.customer)  # by the number
        self.assertFalse(user_input.hotline_callback_task_id)
        self.assertEqual(user_input.hotline_satisfaction, "satisfied")
        self.assertEqual(
            self.answers_of(user_input), {self.q1: self.answers[0], self.q2: 5}
        )

    # ------------------------------------------------------- refused at save
    def _node(self, survey, flow=None, user=None):
        Node = self.env["hotline.ivr.node"]
        if user:
            Node = Node.with_user(user)
        return Node.create(
            {
                "flow_id": (flow or self.draft).id,
                "name": "问卷",
                "node_type": "questionnaire",
                "survey_id": survey.id,
            }
        )

    def _survey(self, *questions):
        return self.env["survey.survey"].create(
            {
                "title": "回访问卷",
                "question_and_page_ids": [Command.create(q) for q in questions],
            }
        )

    def _choice(self, title="总体评价", count=3, prompts=True):
        return {
            "title": title,
            "question_type": "simple_choice",
            "hotline_prompt_id": self.prompts["kp_q1"].id,
            "suggested_answer_ids": [
                Command.create(
                    {
                        "value": f"答案{i}",
                        "hotline_prompt_id": prompts and self.prompts["kp_a1"].id,
                    }
                )
                for i in range(count)
            ],
        }

    @contextlib.contextmanager
    def refused(self, message):
        """A ValidationError saying ``message``, nothing written (rolled back
        to a savepoint, as Odoo's assertRaises does)."""
        with self.assertRaises(ValidationError) as caught:
            yield
        self.assertIn(message, str(caught.exception))

    def assertRefused(self, survey, message):
        nodes = self.env["hotline.ivr.node"].search_count([])
        with self.refused(message):
            self._node(survey)
        self.assertEqual(self.env["hotline.ivr.node"].search_count([]), nodes)

    def test_unsupported_surveys_are_refused_naming_the_question(self):
        self.assertRefused(self._survey(), "Survey 回访问卷 has no question")
        self.assertRefused(
            self._survey(
                self._choice(),
                {"title": "意见建议", "question_type": "text_box"},
            ),
            "Question 意见建议: a keypad survey asks single-choice and scale "
            "questions only, not Multiple Lines Text Box",
        )
        self.assertRefused(
            self._survey(self._choice(title="十个选项", count=10)),
            "Question 十个选项 has 10 answers: the keypad offers keys 1 to 9",
        )
        self.assertRefused(
            self._survey(
                {
                    "title": "推荐意愿",
                    "question_type": "scale",
                    "scale_min": 0,
                    "scale_max": 10,
                    "hotline_prompt_id": self.prompts["kp_q2"].id,
                }
            ),
            "Question 推荐意愿: its scale 0 to 10 does not fit the keys 0 to 9",
        )
        self.assertRefused(
            self._survey(dict(self._choice(title="无提示音"), hotline_prompt_id=False)),
            "Question 无提示音 has no keypad prompt",
        )
        self.assertRefused(
            self._survey(self._choice(title="答案无提示音", prompts=False)),
            "Question 答案无提示音: the answer 答案0 has no keypad prompt",
        )
        with self.refused("Survey node 问卷 has no survey"):
            self._node(self.env["survey.survey"])
        # nine answers and a 0-9 scale fit the keypad
        node = self._node(
            self._survey(
                self._choice(count=9),
                {
                    "title": "打分",
                    "question_type": "scale",
                    "scale_min": 0,
                    "scale_max": 9,
                    "hotline_prompt_id": self.prompts["kp_q2"].id,
                },
            )
        )
        self.assertTrue(node)

    def test_prompts_must_speak_the_flows_languages(self):
        with self.refused(
            "Question 总体评价: the keypad prompt kp_q1 has no audio for English"
        ):
            self.flow.lang_en_us = True
        self.assertFalse(self.flow.lang_en_us)

    def test_a_change_breaking_a_published_flows_survey_is_refused(self):
        with self.refused(
            "The survey 来电回访满意度（按键） is played by the published IVR flow "
            "按键回访: Question 服务态度打分: its scale 1 to 10",
        ):
            self.q2.scale_max = 10
        with self.refused("the answer 很不满意 has no"):
            self.q1.write(
                {"suggested_answer_ids": [Command.create({"value": "很不满意"})]}
            )
        with self.refused("not Multiple Lines Text Box"):
            self.survey.write(
                {
                    "question_and_page_ids": [
                        Command.create({"title": "其他", "question_type": "text_box"})
                    ]
                }
            )
        with self.refused("has no question"):
            self.survey.question_ids.unlink()
        self.assertEqual(len(self.survey.question_ids), 2)
        self.assertEqual(len(self.q1.suggested_answer_ids), 3)
        # a change the keypad can play: a new version of the flow for the connector
        version = self.flow._hotline_version()
        self.q2.write({"scale_max": 4, "title": "服务态度"})
        self.assertNotEqual(self.flow._hotline_version(), version)
        node = self.flow.node_ids.filtered(lambda n: n.node_type == "questionnaire")
        questions = self.flow._hotline_snapshot()["nodes"][node._hotline_key()][
            "questions"
        ]
        self.assertEqual(questions[1]["keys"], {str(v): v for v in range(1, 5)})

    def test_a_draft_flow_is_checked_when_published(self):
        survey = self._survey(self._choice())
        flow = self._survey_flow(name="草稿", survey=survey)
        flow.action_draft()
        survey.question_ids.write({"question_type": "multiple_choice"})
        with self.refused("not Multiple choice"):
            flow.action_publish()
        self.assertEqual(flow.state, "draft")

    def test_roles(self):
        admin = self.role_users["hotline_admin"]
        node = self._node(self.survey, user=admin)
        self.assertEqual(node.node_type, "questionnaire")
        for role in ("supervisor", "agent", "leader"):
            with self.assertRaises(AccessError):
                self._node(self.survey, user=self.role_users[role])
        # a supervisor editing their survey played by a published flow
        supervisor = self.role_users["supervisor"]
        self.survey.user_id = supervisor
        with self.refused("published IVR flow"):
            self.q2.with_user(supervisor).scale_max = 10
        self.q2.with_user(supervisor).title = "服务态度"
        self.assertEqual(self.q2.title, "服务态度")
