# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The agent's side of a callback in the web client and on Odoo's survey
page: the task's agent fills in the customer's answer there (Odoo alone
would refuse a logged-in user an answer of another partner)."""

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.hotline_callcenter.pbx.simulator import (
    CAPTURE_PBX_SETTINGS,
    AmiSimulator,
)

from .callback_common import make_callback_task, make_survey


class CallbackHttpCommon(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.country_id = env.ref("base.cn")
        cls.agent = new_test_user(
            env,
            login="hl_cb_agent",
            name="回访坐席",
            groups="hotline_base.group_agent",
            tz="Asia/Shanghai",
        )
        cls.agent.hotline_extension = "8011"
        cls.other_agent = new_test_user(
            env, login="hl_cb_other", groups="hotline_base.group_agent"
        )
        cls.simulator = AmiSimulator(speed=0, auth_fail_delay=0).start()
        cls.addClassCleanup(cls.simulator.stop)
        Pbx = env["hotline.pbx"]
        cls.pbx = Pbx.create(
            {
                "name": "Callback PBX",
                # before any other PBX of the company: click-to-dial takes the first
                "sequence": min(Pbx.search([]).mapped("sequence") or [0]) - 1,
                "host": "127.0.0.1",
                "ami_port": cls.simulator.port,
                "ami_secret": "secret",
                "ami_timeout": 3.0,
                "originate_timeout": 5,
                **CAPTURE_PBX_SETTINGS,
            }
        )
        cls.survey = make_survey(env)
        cls.question = cls.survey.question_ids.filtered(
            lambda q: q.question_type == "simple_choice"
        )
        cls.callee = env["res.partner"].create(
            {"name": "李建国", "mobile": "13800138001"}
        )
        cls.task = make_callback_task(env, cls.pbx, cls.agent, cls.callee, cls.survey)

    def survey_path(self, answer):
        return (
            f"/survey/start/{self.survey.access_token}"
            f"?answer_token={answer.access_token}"
        )


@tagged("post_install", "-at_install")
class TestCallbackSurveyPage(CallbackHttpCommon):
    def test_agent_answers_on_the_survey_page(self):
        action = self.task.with_user(self.agent).action_open_survey()
        answer = self.task.user_input_ids
        self.assertEqual(action["url"], self.survey_path(answer))
        # another agent (a stolen link in a logged-in browser) is refused
        self.authenticate("hl_cb_other", "hl_cb_other")
        page = self.url_open(action["url"])
        self.assertNotIn('value="start"', page.text)
        self.assertIn("Survey Access Error", page.text)
        # the task's agent gets the survey of the customer's answer
        self.authenticate("hl_cb_agent", "hl_cb_agent")
        page = self.url_open(action["url"])
        self.assertEqual(page.status_code, 200)
        self.assertIn('value="start"', page.text)
        tokens = f"{self.survey.access_token}/{answer.access_token}"
        self.make_jsonrpc_request(f"/survey/begin/{tokens}", {})
        self.assertEqual(answer.state, "in_progress")
        choice = self.question.suggested_answer_ids[0]
        comment = self.survey.question_ids - self.question
        self.make_jsonrpc_request(
            f"/survey/submit/{tokens}",
            {str(self.question.id): str(choice.id), str(comment.id): "服务很好"},
        )
        self.assertEqual(answer.state, "done")
        self.assertEqual(answer.partner_id, self.callee)
        self.assertEqual(self.task.state, "done")
        self.assertEqual(self.task.user_input_id, answer)
        self.assertEqual(self.task.satisfaction, "satisfied")
        # submitted: the page does not take it again
        result = self.make_jsonrpc_request(
            f"/survey/submit/{tokens}", {str(self.question.id): str(choice.id)}
        )
        self.assertEqual(result[1], {"error": "unauthorized"})


@tagged("post_install", "-at_install")
class TestCallbackChineseTour(CallbackHttpCommon):
    """An agent working in Chinese does a callback: 我的回访, the task, 拨号
    (the PBX, the AMI simulator, gets the Originate), 打开问卷; then answers
    the survey on Odoo's survey page and finds the task 已答复 (answered)."""

    def test_callback_chinese_tour(self):
        env = self.env
        env["res.lang"]._activate_lang("zh_CN")
        modules = env["ir.module.module"].search(
            [
                ("state", "=", "installed"),
                "|",
                ("name", "like", "hotline_%"),
                ("name", "in", ("survey", "web", "helpdesk_mgmt")),
            ]
        )
        env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["zh_CN"], overwrite=True
        )
        self.agent.lang = "zh_CN"
        self.start_tour(
            "/odoo/action-hotline_survey.hotline_callback_task_action_mine",
            "hotline_callback_zh_tour",
            login="hl_cb_agent",
        )
        (originate,) = [
            m for m in self.simulator.actions_seen if m.get("Action") == "Originate"
        ]
        self.assertEqual(originate.get("Exten"), "13800138001")
        self.assertEqual(originate.get("Channel"), "Local/8011@agents")
        self.assertEqual(self.task.state, "calling")
        answer = self.task.user_input_ids
        self.assertEqual(answer.hotline_source, "callback")
        self.start_tour(
            self.survey_path(answer),
            "hotline_callback_survey_zh_tour",
            login="hl_cb_agent",
        )
        self.assertEqual(answer.state, "done")
        self.assertEqual(self.task.state, "done")
        self.assertEqual(self.task.satisfaction, "satisfied")
