# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Agent callbacks (回访): the agent dials the task through the preview
campaign's click-to-dial (the AMI simulator), opens the survey prefilled for
the task and submits it; the task follows the engine's attempts."""

from datetime import UTC, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .callback_common import BUSY, NO_ANSWER, CallbackCommon, make_survey
from .keypad_common import keypad_flow


@tagged("post_install", "-at_install")
class TestCallbackEndToEnd(CallbackCommon):
    def _settle(self, worker, attempt):
        """The connector processes the click-to-dial until the attempt has
        its result."""
        self.assertTrue(
            worker.drain(
                until=lambda: self.env.invalidate_all() or attempt.result, timeout=10
            ),
            "the click-to-dial result never reached the attempt",
        )

    def test_callback_end_to_end(self):
        call = self._new_call(partner_id=self.callee.id)
        task = self.make_task(call_id=call.id)
        self.assertEqual(task.state, "pending")
        worker = self._worker()
        mine = task.with_user(self.agent)
        # 1. click-to-dial through the preview campaign: agent's phone, then
        # the customer's mobile
        action = mine.action_dial()
        self.assertEqual(action["params"]["type"], "success")
        (originate,) = self._sent("Originate")
        self.assertEqual(originate.get("Channel"), "Local/8001@agents")
        self.assertEqual(originate.get("Exten"), "13800138001")
        self.assertIn(
            f"__HOTLINE_PARTNER_ID={self.callee.id}", originate.get_all("Variable")
        )
        attempt = task.contact_id.attempt_ids
        self.assertEqual((attempt.user_id, attempt.state), (self.agent, "dialing"))
        self.assertEqual(task.state, "calling")
        self.assertEqual(task.attempt_count, 1)
        # 2. the connector reports that the customer answered
        self._settle(worker, attempt)
        self.assertEqual(attempt.result, "answered")
        self.assertEqual(task.contact_id.state, "done")
        # the callback's own call in the call log
        self.assertTrue(attempt.call_id)
        self.assertEqual(task.callback_call_id, attempt.call_id)
        # the agent still has to record the survey
        self.assertEqual(task.state, "calling")
        # 3. the survey opens prefilled, on Odoo's survey page, in a new window
        action = mine.action_open_survey()
        answer = task.user_input_ids
        self.assertEqual(len(answer), 1)
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "new")
        self.assertEqual(
            action["url"],
            f"/survey/start/{self.survey.access_token}"
            f"?answer_token={answer.access_token}",
        )
        self.assertEqual(answer.partner_id, self.callee)
        self.assertEqual(answer.hotline_ticket_id, task.ticket_id)
        self.assertEqual(answer.hotline_call_id, call)
        self.assertEqual(answer.hotline_agent_id, self.handling_agent)
        self.assertEqual(answer.hotline_team_id, self.team)
        self.assertEqual(answer.hotline_source, "callback")
        self.assertEqual(answer.hotline_callback_user_id, self.agent)
        # opened again (the window was closed): the same answer
        mine.action_open_survey()
        self.assertEqual(task.user_input_ids, answer)
        # 4. the agent submits the customer's answers
        self.answer(answer, self.satisfied, comment="师傅很专业")
        self.assertEqual(answer.state, "done")
        self.assertEqual(task.state, "done")
        self.assertEqual(task.user_input_id, answer)
        self.assertEqual(task.satisfaction, "satisfied")
        self.assertEqual(answer.hotline_satisfaction, "satisfied")
        self.assertEqual(answer.hotline_callback_call_id, attempt.call_id)
        self.assertNotEqual(answer.hotline_callback_call_id, call)
        self.assertTrue(task.done_at)
        # the answers are Odoo's own: they land in the survey's reports
        self.assertIn(answer, self.survey.user_input_ids)
        self.assertEqual(answer.user_input_line_ids.suggested_answer_id, self.satisfied)
        # 5. a done task is not dialled nor surveyed again
        with self.assertRaisesRegex(UserError, "closed"):
            mine.action_dial()
        with self.assertRaisesRegex(UserError, "closed"):
            mine.action_open_survey()
        self.assertEqual(len(task.contact_id.attempt_ids), 1)

    def test_busy_then_no_answer_makes_the_task_unreachable(self):
        partner = self.env["res.partner"].create(
            {"name": "赵敏", "mobile": BUSY, "phone": NO_ANSWER}
        )
        task = self.make_task(partner=partner)
        worker = self._worker()
        mine = task.with_user(self.agent)
        mine.action_dial()
        first = task.contact_id.attempt_ids
        self.assertEqual((first.number, task.state), (BUSY, "calling"))
        self._settle(worker, first)
        self.assertEqual(first.result, "busy")
        # waiting for the next attempt: to call again
        self.assertEqual(task.contact_id.state, "retry")
        self.assertEqual(task.state, "pending")
        mine.action_dial()
        second = task.contact_id.attempt_ids - first
        # the next number of the customer, in turn
        self.assertEqual((second.number, task.state), (NO_ANSWER, "calling"))
        self._settle(worker, second)
        self.assertEqual(second.result, "no_answer")
        # the campaign's last attempt: unreachable (no link: the plan says so)
        self.assertEqual(task.contact_id.state, "failed")
        self.assertEqual(task.state, "unreachable")
        self.assertFalse(task.link_sent_at)
        with self.assertRaisesRegex(UserError, "closed"):
            mine.action_dial()

    def test_answered_then_agent_phone_failure_results(self):
        """Results reported by the connector's click-to-dial method: the
        agent's own phone not taking the call is a failed attempt."""
        task = self.make_task()
        mine = task.with_user(self.agent)
        mine.action_dial()
        attempt = task.contact_id.attempt_ids
        self.click_to_dial_result(self.agent, attempt.number, "no_answer", leg="agent")
        self.assertEqual(attempt.result, "failed")
        self.assertEqual(task.state, "pending")
        mine.action_dial()
        second = task.contact_id.attempt_ids - attempt
        self.click_to_dial_result(self.agent, second.number, "answered")
        self.assertEqual(second.result, "answered")
        self.assertEqual(task.contact_id.state, "done")
        self.assertEqual(task.state, "calling")

    def test_survey_submitted_before_the_result(self):
        """The agent submits while the call is still on: done, and the late
        'answered' changes nothing."""
        task = self.make_task()
        mine = task.with_user(self.agent)
        mine.action_dial()
        mine.action_open_survey()
        self.answer(task.user_input_ids, self.neutral)
        self.assertEqual((task.state, task.satisfaction), ("done", "neutral"))
        attempt = task.contact_id.attempt_ids
        self.click_to_dial_result(self.agent, attempt.number, "answered")
        self.assertEqual(task.contact_id.state, "done")
        self.assertEqual(task.state, "done")

    def test_customer_declined_or_wrong_person(self):
        declined = self.make_task()
        mine = declined.with_user(self.agent)
        mine.action_dial()
        self.click_to_dial_result(
            self.agent, declined.contact_id.attempt_ids.number, "answered"
        )
        mine.action_declined()
        self.assertEqual(
            (declined.state, declined.cancel_reason), ("cancelled", "declined")
        )
        with self.assertRaisesRegex(UserError, "closed"):
            mine.action_open_survey()
        with self.assertRaisesRegex(UserError, "closed"):
            mine.action_wrong_person()
        # not called yet: the contact is not dialled any more either
        other = self.env["res.partner"].create(
            {"name": "钱多多", "mobile": "13800138002"}
        )
        wrong = self.make_task(partner=other)
        wrong.with_user(self.agent).action_wrong_person()
        self.assertEqual(
            (wrong.state, wrong.cancel_reason), ("cancelled", "wrong_person")
        )
        self.assertEqual(wrong.contact_id.state, "excluded")
        self.assertEqual(wrong.contact_id.exclusion_reason, "Wrong person")

    def test_customer_without_number_is_unreachable(self):
        partner = self.env["res.partner"].create({"name": "无号码客户"})
        task = self.make_task(partner=partner)
        self.assertEqual(task.contact_id.state, "excluded")
        self.assertEqual(task.state, "unreachable")

    def test_merged_case_is_followed(self):
        """The case was merged into another one after sampling: the answers
        are linked to the case it was merged into."""
        task = self.make_task()
        target = self.make_ticket(name="燃气表漏气（重复来电）")
        merged = task.ticket_id
        merged.hotline_merge_into(target)
        self.assertEqual(merged.duplicate_id, target)
        # the task follows the case (hotline.callback.task moves with a merge)
        self.assertEqual(task.ticket_id, target)
        self.assertEqual(task._hotline_case(), target)
        task.with_user(self.agent).action_open_survey()
        self.assertEqual(task.user_input_ids.hotline_ticket_id, target)

    def test_first_completed_answer_is_kept(self):
        task = self.make_task()
        mine = task.with_user(self.agent)
        mine.action_dial()
        mine.action_open_survey()
        first = task.user_input_ids
        # the customer also got in through another answer (a link) and
        # answers there later
        second = self.survey.sudo()._create_answer(
            partner=self.callee,
            check_attempts=False,
            hotline_callback_task_id=task.id,
            hotline_ticket_id=task.ticket_id.id,
            hotline_source="link",
        )
        self.answer(first, self.satisfied)
        self.answer(second, self.dissatisfied)
        self.assertEqual(second.state, "done")
        self.assertEqual(task.user_input_id, first)
        self.assertEqual(task.satisfaction, "satisfied")
        # the second answer is not counted
        self.assertFalse(second.hotline_satisfaction)
        self.assertEqual(first.hotline_satisfaction, "satisfied")

    def test_keypad_survey_reached_half_answered_is_partial(self):
        flow = self.env["hotline.ivr.flow"].create(
            {
                "name": "回访按键",
                "fallback_type": "queue",
                "fallback_queue_id": self.queue.id,
            }
        )
        survey = make_survey(self.env, "按键回访", comment=False)
        keypad_flow(self.env, survey, flow=flow)
        plan = self.plan.copy(
            {
                "name": "按键回访",
                "mode": "keypad",
                "flow_id": flow.id,
                "survey_id": survey.id,
            }
        )
        campaign = self.env["hotline.campaign"].create(
            {
                "name": "按键回访",
                "pbx_id": self.pbx.id,
                "mode": "automated",
                "flow_id": flow.id,
                "calendar_id": self.env.company.resource_calendar_id.id,
                "hotline_callback_plan_id": plan.id,
                "contact_ids": [Command.create({"partner_id": self.callee.id})],
            }
        )
        task = self.env["hotline.callback.task"].create(
            {
                "plan_id": plan.id,
                "source": "case",
                "partner_id": self.callee.id,
                "campaign_id": campaign.id,
                "contact_id": campaign.contact_ids.id,
            }
        )
        campaign.action_start()
        Campaign = self.env["hotline.campaign"]
        now = datetime(2026, 10, 9, 2, 0, tzinfo=UTC)
        (spec,) = [task.contact_id._hotline_start_attempt(now)]
        self.assertEqual(task.state, "calling")
        # the keypad survey started in the flow before the callee hung up
        survey._create_answer(
            partner=self.callee,
            check_attempts=False,
            hotline_callback_task_id=task.id,
            hotline_source="keypad",
        )._mark_in_progress()
        Campaign.hotline_dialer_results(
            [
                {
                    "attempt_id": spec["attempt_id"],
                    "kind": "result",
                    "result": "answered",
                }
            ],
            now=now,
        )
        self.assertEqual(task.contact_id.state, "done")
        self.assertEqual(task.state, "partial")
        # the agent's buttons are for agent callbacks
        task.user_id = self.agent
        with self.assertRaisesRegex(UserError, "keypad"):
            task.with_user(self.agent).action_dial()


@tagged("post_install", "-at_install")
class TestCallbackBadInput(CallbackCommon):
    def test_campaign_not_running(self):
        task = self.make_task()
        task.campaign_id.with_user(self.supervisor).action_pause()
        with self.assertRaisesRegex(UserError, "is not running"):
            task.with_user(self.agent).action_dial()
        self.assertFalse(task.contact_id.attempt_ids)
        self.assertEqual(task.state, "pending")
        self.assertFalse(self._sent("Originate"))

    def test_another_agents_task(self):
        task = self.make_task()
        # another agent does not even see it
        with self.assertRaises(AccessError):
            task.with_user(self.agent2).action_dial()
        with self.assertRaises(AccessError):
            task.with_user(self.agent2).action_open_survey()
        with self.assertRaises(AccessError):
            task.with_user(self.agent2).action_declined()
        # a supervisor sees it but does not call for the agent
        with self.assertRaisesRegex(UserError, "Hotline agent's task"):
            task.with_user(self.supervisor).action_dial()
        with self.assertRaisesRegex(UserError, "Hotline agent's task"):
            task.with_user(self.supervisor).action_open_survey()
        self.assertFalse(task.user_input_ids)
        self.assertFalse(task.contact_id.attempt_ids)
        self.assertEqual(task.state, "pending")
        self.assertFalse(self._sent("Originate"))

    def test_survey_without_questions(self):
        task = self.make_task()
        # the plan refuses an empty survey; its questions removed afterwards
        self.plan.survey_id.question_and_page_ids.unlink()
        with self.assertRaisesRegex(UserError, "has no questions"):
            task.with_user(self.agent).action_open_survey()
        self.assertFalse(
            self.env["survey.user_input"]
            .search([])
            .filtered(lambda a: a.hotline_callback_task_id == task)
        )
        self.assertEqual(task.state, "pending")

    def test_no_phone_on_the_agent(self):
        """The PBX refuses to ring an agent without an extension: nothing
        recorded, the task still to call."""
        task = self.make_task(user=self.agent2)
        self.agent2.hotline_extension = False
        with self.assertRaises(UserError):
            task.with_user(self.agent2).action_dial()
        self.assertEqual(task.state, "pending")

    def test_agents_change_tasks_through_buttons_only(self):
        task = self.make_task()
        for values in ({"state": "done"}, {"user_id": self.agent2.id}):
            with self.assertRaises(AccessError):
                task.with_user(self.agent).write(values)
        self.assertEqual((task.state, task.user_id), ("pending", self.agent))


@tagged("post_install", "-at_install")
class TestCallbackRoles(CallbackCommon):
    def test_who_sees_the_tasks(self):
        mine = self.make_task()
        other = self.env["res.partner"].create(
            {"name": "孙丽", "mobile": "13800138003"}
        )
        theirs = self.make_task(partner=other, user=self.agent2)
        Task = self.env["hotline.callback.task"]
        # (the demo data has callback tasks of its own)
        ours = [("plan_id", "=", self.plan.id)]
        self.assertEqual(Task.with_user(self.agent).search(ours), mine)
        self.assertEqual(Task.with_user(self.agent2).search(ours), theirs)
        for role in ("supervisor", "leader"):
            user = self.role_users[role]
            self.assertEqual(Task.with_user(user).search(ours), mine | theirs, role)
            # the task form, as the web client reads it
            mine.with_user(user).web_read(
                {
                    "customer_label": {},
                    "case_number": {},
                    "case_summary": {},
                    "handling_user_id": {"fields": {"display_name": {}}},
                    "state": {},
                }
            )
        with self.assertRaises(AccessError):
            theirs.with_user(self.agent).read(["state"])
        with self.assertRaises(AccessError):
            Task.with_user(self.role_users["handler"]).search([])
        with self.assertRaises(AccessError):
            mine.with_user(self.role_users["leader"]).write({"user_id": False})
        # leaders read, they do not call
        with self.assertRaisesRegex(UserError, "Hotline agent's task"):
            mine.with_user(self.role_users["leader"]).action_dial()

    def test_supervisor_reassigns(self):
        task = self.make_task()
        task.with_user(self.supervisor).user_id = self.agent2
        self.assertEqual(task.contact_id.user_id, self.agent2)
        self.assertEqual(
            self.env["hotline.callback.task"].with_user(self.agent2).search([]), task
        )
        task.with_user(self.agent2).action_dial()
        self.assertEqual(task.contact_id.attempt_ids.user_id, self.agent2)

    def test_menus(self):
        mine = self.env.ref("hotline_survey.hotline_callback_task_menu_mine")
        all_tasks = self.env.ref("hotline_survey.hotline_callback_task_menu")
        visible = {
            role: self.visible_menus(user) for role, user in self.role_users.items()
        }
        self.assertIn(mine, visible["agent"])
        self.assertNotIn(all_tasks, visible["agent"])
        for role in ("supervisor", "leader"):
            self.assertIn(all_tasks, visible[role], role)
        for role in ("handler", "finance"):
            self.assertNotIn(mine, visible[role], role)
            self.assertNotIn(all_tasks, visible[role], role)

    def test_confidential_reporter_identity(self):
        """A confidential reporter who asked for a callback is called by an
        agent of the Reporter identity group; other agents, supervisors and
        leaders do not see the task at all."""
        ticket = self.make_ticket(
            partner=self.env["res.partner"],
            is_confidential=True,
            hotline_callback_consent=True,
        )
        trusted = new_test_user(
            self.env,
            login="hl_cb_trusted",
            groups="hotline_base.group_agent,"
            "hotline_complaints.group_reporter_identity",
        )
        self.env["hotline.queue.member"].create(
            {"queue_id": self.queue.id, "user_id": trusted.id}
        )
        task = self.make_task(ticket=ticket, user=trusted)
        Task = self.env["hotline.callback.task"]
        for user in (self.agent, self.supervisor, self.role_users["leader"]):
            self.assertFalse(Task.with_user(user).search([("id", "=", task.id)]))
            with self.assertRaises(AccessError):
                task.with_user(user).read(["state"])
        mine = task.with_user(trusted)
        (row,) = mine.read(["partner_id", "customer_label", "identity_hidden"])
        self.assertEqual(row["partner_id"][0], self.callee.id)
        self.assertFalse(row["identity_hidden"])
        self.assertEqual(row["customer_label"], self.callee.display_name)
        trusted.hotline_extension = "8009"
        mine.action_dial()
        self.assertEqual(task.state, "calling")

    def test_systray_lists_the_callback(self):
        task = self.make_task()
        tasks = (
            self.env["hotline.campaign.contact"]
            .with_user(self.agent)
            .hotline_my_tasks()
        )
        (item,) = tasks["tasks"]
        self.assertEqual(item["id"], task.contact_id.id)
        self.assertTrue(item["hotline_callback"])
        self.assertIn(task.ticket_id.number, item["campaign"])
        # the contact card leads to the task
        action = task.contact_id.with_user(self.agent).action_open_callback_task()
        self.assertEqual((action["res_model"], action["res_id"]), (task._name, task.id))
