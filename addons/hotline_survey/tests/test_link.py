# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The survey link fallback: a callback task whose customer the campaign
could not reach gets an SMS (else an e-mail) with a personal link to the
survey; the answer given through the link is linked back to the task.

The attempts are driven through the outbound engine's connector API
(``hotline_dialer_plan`` / ``hotline_dialer_results``) on a frozen clock:
Friday 2026-10-09 10:00 in Beijing, retries one hour later.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytz

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.hotline_callcenter.pbx.simulator import CAPTURE_PBX_SETTINGS
from odoo.addons.hotline_complaints.tests.common import CaseCommon

from .keypad_common import keypad_flow

SHANGHAI = pytz.timezone("Asia/Shanghai")
# Friday 2026-10-09, 10:00 in Beijing (a working day of the test calendar)
FRIDAY = SHANGHAI.localize(datetime(2026, 10, 9, 10, 0)).astimezone(UTC)


class LinkCommon(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.env["ir.config_parameter"].sudo().set_param(
            "web.base.url", "https://hotline.example.com"
        )
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Test PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        cls.pbx.write(dict(CAPTURE_PBX_SETTINGS))
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Callbacks", "code": "callback-q", "pbx_id": cls.pbx.id}
        )
        cls.flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Keypad survey",
                "fallback_type": "queue",
                "fallback_queue_id": cls.queue.id,
            }
        )
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "回访满意度调查",
                "access_mode": "public",
                "questions_layout": "one_page",
            }
        )
        cls.question = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "您对本次服务满意吗？",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create(
                        {"value": "满意", "hotline_satisfaction": "satisfied"}
                    ),
                    Command.create(
                        {"value": "一般", "hotline_satisfaction": "neutral"}
                    ),
                    Command.create(
                        {"value": "不满意", "hotline_satisfaction": "dissatisfied"}
                    ),
                ],
            }
        )
        cls.satisfied, cls.neutral, cls.dissatisfied = cls.question.suggested_answer_ids
        keypad_flow(cls.env, cls.survey, flow=cls.flow)
        cls.plan = cls.env["hotline.callback.plan"].create(
            {
                "name": "Complaint callbacks",
                "survey_id": cls.survey.id,
                "mode": "keypad",
                "flow_id": cls.flow.id,
                "pbx_id": cls.pbx.id,
                "calendar_id": cls.calendar.id,
                "max_attempts": 2,
                "link_fallback": True,
                "complaint_on_dissatisfied": False,
            }
        )
        cls.agent = cls.role_users["agent"]
        cls.agent_2 = new_test_user(
            cls.env,
            login="hl_agent_2",
            name="Second agent",
            groups="hotline_base.group_agent",
        )
        cls.mobile_customer = cls.env["res.partner"].create(
            {"name": "李明", "mobile": "138 0000 0001", "email": "li@example.com"}
        )
        cls.mail_customer = cls.env["res.partner"].create(
            {"name": "赵静", "phone": "010 6234 5678", "email": "zhao@example.com"}
        )
        cls.landline_customer = cls.env["res.partner"].create(
            {"name": "孙强", "phone": "010 6234 5679"}
        )

    def make_task(self, partner, plan=None, **values):
        """A sampled case of ``partner`` handled by the agent, its task and
        the task's contact in a running campaign of the plan."""
        plan = plan or self.plan
        case = self.new_case(
            partner_id=partner.id, **values.pop("case_values", {})
        ).sudo()
        campaign = self.env["hotline.campaign"].create(
            {
                "name": f"Callbacks {partner.name}",
                "pbx_id": self.pbx.id,
                "mode": "automated",
                "flow_id": self.flow.id,
                "calendar_id": self.calendar.id,
                "max_attempts": plan.max_attempts,
                "retry_no_answer_minutes": 60,
                "hotline_callback_plan_id": plan.id,
                "contact_ids": [Command.create({"partner_id": partner.id})],
            }
        )
        task = self.env["hotline.callback.task"].create(
            {
                "plan_id": plan.id,
                "source": "case",
                "partner_id": partner.id,
                "ticket_id": case.id,
                "handling_user_id": self.agent.id,
                "team_id": self.team_centre.id,
                "user_id": self.agent.id,
                "campaign_id": campaign.id,
                "contact_id": campaign.contact_ids.id,
                **values,
            }
        )
        campaign.with_user(self.role_users["supervisor"]).action_start()
        return task

    def fail_every_attempt(self, task, result="no_answer"):
        """The engine dials the task's customer until the last attempt, each
        attempt ending with ``result``."""
        Campaign = self.env["hotline.campaign"]
        contact = task.contact_id
        now = FRIDAY
        for _attempt in range(task.plan_id.max_attempts):
            specs = Campaign.hotline_dialer_plan(self.pbx.id, now=now)
            spec = next(
                s for s in specs if s["variables"]["HOTLINE_CONTACT"] == contact.id
            )
            Campaign.hotline_dialer_results(
                [
                    {
                        "attempt_id": spec["attempt_id"],
                        "kind": "result",
                        "result": result,
                    }
                ],
                now=now,
            )
            now += timedelta(minutes=61)
        self.assertEqual(contact.state, "failed")
        self.assertEqual(contact.attempt_count, task.plan_id.max_attempts)

    def sms_of(self, partner):
        return self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)])

    def mails_of(self, task):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("model", "=", "hotline.callback.task"),
                    ("res_id", "=", task.id),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestLinkFallback(LinkCommon):
    def test_last_attempt_failed_sms_with_the_link(self):
        task = self.make_task(self.mobile_customer)
        # the first attempt failing is not the last: nothing sent yet
        Campaign = self.env["hotline.campaign"]
        spec = Campaign.hotline_dialer_plan(self.pbx.id, now=FRIDAY)[0]
        Campaign.hotline_dialer_results(
            [{"attempt_id": spec["attempt_id"], "kind": "result", "result": "busy"}],
            now=FRIDAY,
        )
        self.assertEqual(task.contact_id.state, "retry")
        self.assertEqual(task.state, "pending")
        self.assertFalse(self.sms_of(self.mobile_customer))
        spec = Campaign.hotline_dialer_plan(
            self.pbx.id, now=FRIDAY + timedelta(minutes=11)
        )[0]
        Campaign.hotline_dialer_results(
            [
                {
                    "attempt_id": spec["attempt_id"],
                    "kind": "result",
                    "result": "no_answer",
                }
            ],
            now=FRIDAY + timedelta(minutes=11),
        )
        self.assertEqual(task.contact_id.state, "failed")
        self.assertEqual(task.state, "link_sent")
        self.assertEqual(task.link_channel, "sms")
        self.assertTrue(task.link_sent_at)
        self.assertEqual(task.link_note, "Survey link sent by SMS to +8613800000001")
        answer = task.link_user_input_id
        self.assertEqual(answer.survey_id, self.survey)
        self.assertEqual(answer.partner_id, self.mobile_customer)
        self.assertEqual(answer.state, "new")
        self.assertEqual(answer.hotline_callback_task_id, task)
        self.assertEqual(answer.hotline_ticket_id, task.ticket_id)
        self.assertEqual(answer.hotline_agent_id, self.agent)
        self.assertEqual(answer.hotline_team_id, self.team_centre)
        self.assertEqual(answer.hotline_source, "link")
        url = (
            f"https://hotline.example.com/survey/start/{self.survey.access_token}"
            f"?answer_token={answer.access_token}"
        )
        self.assertEqual(task._hotline_link_url(), url)
        sms = self.sms_of(self.mobile_customer)
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.number, "+8613800000001")
        self.assertEqual(sms.state, "outgoing")
        self.assertIn(url, sms.body)
        self.assertIn("please tell us how we did", sms.body.lower())
        # personal: not posted on the customer's chatter
        self.assertFalse(
            self.env["mail.message"].search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", self.mobile_customer.id),
                    ("body", "ilike", answer.access_token),
                ]
            )
        )
        self.assertFalse(self.mails_of(task))
        # never twice for a task
        task._hotline_send_link()
        task._hotline_on_unreachable()
        self.assertEqual(len(self.sms_of(self.mobile_customer)), 1)
        self.assertEqual(len(task.user_input_ids), 1)

    def test_phone_field_holding_a_mobile_number(self):
        customer = self.env["res.partner"].create(
            {"name": "周华", "phone": "+86 139 1234 5678"}
        )
        task = self.make_task(customer)
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "link_sent")
        self.assertEqual(self.sms_of(customer).number, "+8613912345678")

    def test_no_mobile_email_with_the_link(self):
        task = self.make_task(self.mail_customer)
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "link_sent")
        self.assertEqual(task.link_channel, "email")
        self.assertEqual(
            task.link_note, "Survey link sent by e-mail to zhao@example.com"
        )
        self.assertFalse(self.sms_of(self.mail_customer))
        mail = self.mails_of(task)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.mail_customer)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(task._hotline_link_url(), mail.body_html)
        self.assertIn(task.link_user_input_id.access_token, mail.body_html)
        self.assertEqual(mail.subject, "Please tell us how we did")

    def test_neither_mobile_nor_email(self):
        task = self.make_task(self.landline_customer)
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "unreachable")
        self.assertFalse(task.link_sent_at)
        self.assertEqual(
            task.link_note,
            "No survey link sent: the customer has neither a mobile number nor "
            "an e-mail address.",
        )
        self.assertFalse(self.sms_of(self.landline_customer))
        self.assertFalse(self.mails_of(task))

    def test_plan_without_link_fallback(self):
        plan = self.plan.copy({"name": "No link", "link_fallback": False})
        task = self.make_task(self.mobile_customer, plan=plan)
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "unreachable")
        self.assertFalse(task.link_sent_at)
        self.assertFalse(task.link_note)
        self.assertFalse(task.user_input_ids)
        self.assertFalse(self.sms_of(self.mobile_customer))
        self.assertFalse(self.mails_of(task))

    def test_reached_customer_gets_no_link(self):
        task = self.make_task(self.mobile_customer)
        Campaign = self.env["hotline.campaign"]
        spec = Campaign.hotline_dialer_plan(self.pbx.id, now=FRIDAY)[0]
        Campaign.hotline_dialer_results(
            [
                {
                    "attempt_id": spec["attempt_id"],
                    "kind": "result",
                    "result": "answered",
                }
            ],
            now=FRIDAY,
        )
        self.assertEqual(task.contact_id.state, "done")
        self.assertNotIn(task.state, ("unreachable", "link_sent"))
        self.assertFalse(self.sms_of(self.mobile_customer))

    def test_confidential_case_without_consent(self):
        task = self.make_task(
            self.mobile_customer, case_values={"is_confidential": True}
        )
        self.assertTrue(task.ticket_id.is_confidential)
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "unreachable")
        self.assertEqual(
            task.link_note,
            "No survey link: the reporter of this confidential case did not ask "
            "for a callback.",
        )
        self.assertFalse(task.user_input_ids)
        self.assertFalse(self.sms_of(self.mobile_customer))

    def test_confidential_case_with_consent(self):
        task = self.make_task(
            self.mobile_customer,
            case_values={"is_confidential": True, "hotline_callback_consent": True},
        )
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "link_sent")
        self.assertEqual(len(self.sms_of(self.mobile_customer)), 1)

    def test_survey_needing_a_login_is_not_sent(self):
        self.survey.users_login_required = True
        task = self.make_task(self.mobile_customer)
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "unreachable")
        self.assertIn("requires a login", task.link_note)
        # nothing half written: no answer, no message
        self.assertFalse(task.user_input_ids)
        self.assertFalse(self.sms_of(self.mobile_customer))

    def test_closed_survey_is_not_sent(self):
        task = self.make_task(self.mail_customer)
        self.survey.action_archive()
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "unreachable")
        self.assertEqual(task.link_note, "No survey link: the survey is closed.")
        self.assertFalse(task.user_input_ids)
        self.assertFalse(self.mails_of(task))

    def test_customer_opted_out_meanwhile(self):
        task = self.make_task(self.mobile_customer)
        self.mobile_customer.hotline_no_callback = True
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "unreachable")
        self.assertIn("asked not to be contacted", task.link_note)
        self.assertFalse(self.sms_of(self.mobile_customer))

    def test_customer_on_do_not_call_gets_no_link(self):
        self.mobile_customer.hotline_do_not_call = True
        task = self.make_task(self.mobile_customer)
        self.assertEqual(task.contact_id.state, "excluded")
        self.assertEqual(task.state, "unreachable")
        self.assertEqual(
            task.link_note, "No survey link: the customer asked not to be contacted."
        )
        self.assertFalse(self.sms_of(self.mobile_customer))
        self.assertFalse(self.mails_of(task))

    def test_blacklisted_mobile_gets_no_link(self):
        self.env["hotline.blacklist"].create(
            {
                "number": "13800000001",
                "reason": "Abuse",
                "action": "refuse",
                "state": "active",
            }
        )
        task = self.make_task(self.mobile_customer)
        self.assertEqual(task.contact_id.state, "excluded")
        self.assertEqual(task.state, "unreachable")
        self.assertIn("is on the blacklist", task.link_note)
        self.assertFalse(self.sms_of(self.mobile_customer))
        self.assertFalse(self.mails_of(task))

    def test_unfinished_answer_of_the_task_is_reused(self):
        task = self.make_task(self.mobile_customer)
        started = self.survey._create_answer(
            partner=self.mobile_customer,
            check_attempts=False,
            hotline_callback_task_id=task.id,
            hotline_source="callback",
        )
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "link_sent")
        self.assertEqual(task.link_user_input_id, started)
        self.assertEqual(started.hotline_source, "link")
        self.assertEqual(task.user_input_ids, started)
        self.assertIn(started.access_token, self.sms_of(self.mobile_customer).body)

    def test_invited_only_survey(self):
        self.survey.access_mode = "token"
        task = self.make_task(self.mobile_customer)
        self.fail_every_attempt(task)
        self.assertEqual(task.state, "link_sent")
        self.assertEqual(task.link_user_input_id.partner_id, self.mobile_customer)

    def test_second_completed_answer_is_not_kept(self):
        task = self.make_task(self.mobile_customer)
        self.fail_every_attempt(task)
        link_answer = task.link_user_input_id
        link_answer._save_lines(self.question, self.satisfied.id)
        link_answer._mark_done()
        self.assertEqual(task.state, "done")
        self.assertEqual(task.user_input_id, link_answer)
        self.assertEqual(task.satisfaction, "satisfied")
        # the agent also filled one later: not counted
        later = self.survey._create_answer(
            partner=self.mobile_customer,
            check_attempts=False,
            hotline_callback_task_id=task.id,
            hotline_source="callback",
        )
        later._save_lines(self.question, self.dissatisfied.id)
        later._mark_done()
        self.assertEqual(task.user_input_id, link_answer)
        self.assertEqual(task.satisfaction, "satisfied")
        self.assertFalse(later.hotline_satisfaction)

    def test_roles(self):
        task = self.make_task(self.mobile_customer)
        self.fail_every_attempt(task)
        answer = task.link_user_input_id
        # the agent who calls back sees the task, not the answer's token
        own = task.with_user(self.agent)
        self.assertEqual(own.state, "link_sent")
        with self.assertRaises(AccessError):
            own.read(["link_user_input_id"])
        with self.assertRaises(AccessError):
            answer.with_user(self.agent).read(["access_token"])
        # another agent does not even see the task
        with self.assertRaises(AccessError):
            task.with_user(self.agent_2).read(["state"])
        with self.assertRaises(AccessError):
            answer.with_user(self.agent_2).read(["access_token"])
        # nor the SMS holding the link
        with self.assertRaises(AccessError):
            self.sms_of(self.mobile_customer).with_user(self.agent).read(["body"])
        # supervisors and leaders read where the link went
        for role in ("supervisor", "leader"):
            seen = task.with_user(self.role_users[role])
            self.assertEqual(
                seen.link_note, "Survey link sent by SMS to +8613800000001"
            )


@tagged("post_install", "-at_install")
class TestLinkAnswered(HttpCase, LinkCommon):
    def answer_path(self, task):
        return urlsplit(task._hotline_link_url())

    def submit(self, answer, suggested):
        return self.make_jsonrpc_request(
            f"/survey/submit/{self.survey.access_token}/{answer.access_token}",
            {str(self.question.id): suggested.id},
        )

    def test_link_answered_over_http_once(self):
        task = self.make_task(self.mobile_customer)
        self.fail_every_attempt(task)
        answer = task.link_user_input_id
        link = self.answer_path(task)
        # the customer (not logged in) opens the link from the SMS
        response = self.url_open(f"{link.path}?{link.query}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            urlsplit(response.url).path,
            f"/survey/{self.survey.access_token}/{answer.access_token}",
        )
        self.make_jsonrpc_request(
            f"/survey/begin/{self.survey.access_token}/{answer.access_token}"
        )
        self.assertEqual(answer.state, "in_progress")
        self.submit(answer, self.neutral)
        self.assertEqual(answer.state, "done")
        self.assertEqual(task.state, "done")
        self.assertEqual(task.user_input_id, answer)
        self.assertEqual(task.satisfaction, "neutral")
        self.assertEqual(answer.hotline_satisfaction, "neutral")
        self.assertEqual(answer.hotline_callback_task_id, task)
        self.assertEqual(answer.hotline_ticket_id, task.ticket_id)
        self.assertEqual(answer.hotline_agent_id, self.agent)
        self.assertEqual(answer.hotline_team_id, self.team_centre)
        self.assertEqual(answer.hotline_source, "link")
        self.assertEqual(answer.user_input_line_ids.suggested_answer_id, self.neutral)
        # the same link again: the finished answer, no new one
        response = self.url_open(f"{link.path}?{link.query}")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            urlsplit(response.url).path,
            f"/survey/{self.survey.access_token}/{answer.access_token}",
        )
        # answering again is refused, the first answer stays
        _correct, result = self.submit(answer, self.dissatisfied)
        self.assertEqual(result, {"error": "unauthorized"})
        answers = self.env["survey.user_input"].search(
            [("survey_id", "=", self.survey.id)]
        )
        self.assertEqual(answers, answer)
        self.assertEqual(answer.user_input_line_ids.suggested_answer_id, self.neutral)
        self.assertEqual(task.satisfaction, "neutral")

    def test_invited_only_survey_over_http(self):
        self.survey.access_mode = "token"
        task = self.make_task(self.mobile_customer)
        self.fail_every_attempt(task)
        answer = task.link_user_input_id
        # without the personal token an invited-only survey does not open
        response = self.url_open(f"/survey/start/{self.survey.access_token}")
        self.assertNotIn(
            f"/survey/{self.survey.access_token}/", urlsplit(response.url).path
        )
        self.make_jsonrpc_request(
            f"/survey/begin/{self.survey.access_token}/{answer.access_token}"
        )
        self.submit(answer, self.satisfied)
        self.assertEqual(task.state, "done")
        self.assertEqual(task.satisfaction, "satisfied")

    def test_agents_cannot_send_links_remotely(self):
        task = self.make_task(self.mobile_customer)
        self.authenticate("hl_agent", "hl_agent")
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/hotline.callback.task/_hotline_send_link",
                {
                    "model": "hotline.callback.task",
                    "method": "_hotline_send_link",
                    "args": [task.ids],
                    "kwargs": {},
                },
            )
        self.assertEqual(task.state, "pending")
        self.assertFalse(self.sms_of(self.mobile_customer))
