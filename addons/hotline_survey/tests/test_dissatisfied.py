# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A dissatisfied callback answer opens a complaint case (once per task),
linked to the original case and call, as key 0 of the post-call rating does."""

from odoo.tests import tagged

from .common import SatisfactionCommon


@tagged("post_install", "-at_install")
class TestDissatisfiedCallback(SatisfactionCommon):
    def complaints(self):
        return self.env["helpdesk.ticket"].search(
            self.domain(
                "helpdesk.ticket",
                [
                    ("case_type_id", "=", self.type_complaint.id),
                    ("name", "like", "callback"),
                ],
            )
        )

    def test_dissatisfied_answer_opens_one_complaint(self):
        case = self.close(self.make_case(name="燃气表更换后漏气"))
        task = self.make_task(case=case)
        user_input = self.answer(task, choice=3)  # 不满意
        self.assertEqual(user_input.hotline_satisfaction, "dissatisfied")
        complaint = task.complaint_ticket_id
        self.assertEqual(len(complaint), 1)
        self.assertEqual(complaint, self.complaints())
        self.assertEqual(complaint.case_type_id, self.type_complaint)
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertEqual(
            complaint.caller_number, case.caller_number or "+86 138 0013 8000"
        )
        self.assertEqual(complaint.channel_code, "phone")
        self.assertIn(case, complaint.linked_case_ids)
        self.assertIn(complaint, case.linked_case_ids)
        self.assertIn(self.agent.name, complaint.name)
        self.assertIn(case.number, str(complaint.description))
        self.assertNotEqual(complaint.owner_id, self.agent)
        self.assertFalse(complaint.is_confidential)
        # no reopen step in the case workflow: the original stays closed
        self.assertEqual(case.hotline_state, "closed")
        self.assertIn(complaint.number, case.message_ids[0].body)
        # the customer answers again through the link: one answer kept, no
        # second complaint; the hook itself returns the first case
        second = self.answer(task, choice=4, hotline_source="link")
        self.assertEqual(task.user_input_id, user_input)
        self.assertNotEqual(second, task.user_input_id)
        self.assertEqual(self.complaints(), complaint)
        again = self.env["helpdesk.ticket"]._hotline_complaint_from_callback(task)
        self.assertEqual(again, complaint)
        self.assertEqual(self.complaints(), complaint)

    def test_satisfied_and_neutral_open_nothing(self):
        for choice in (0, 1, 2):
            task = self.make_task(
                case=self.make_case(partner=self.customers[choice]),
                partner=self.customers[choice],
            )
            self.answer(task, choice=choice)
            self.assertEqual(task.state, "done")
            self.assertFalse(task.complaint_ticket_id)
        self.assertFalse(self.complaints())

    def test_plan_without_complaints(self):
        self.plan.complaint_on_dissatisfied = False
        task = self.make_task(case=self.make_case())
        self.answer(task, choice=4)
        self.assertEqual(task.satisfaction, "dissatisfied")
        self.assertFalse(task.complaint_ticket_id)
        self.assertFalse(self.complaints())

    def test_scale_at_the_threshold(self):
        call = self.make_call(agent=self.agent_b)
        task = self.make_task(plan=self.scale_plan, call=call)
        self.answer(task, scale=3, hotline_source="keypad")
        self.assertFalse(task.complaint_ticket_id)
        call2 = self.make_call(agent=self.agent_b, partner=self.customers[1])
        task2 = self.make_task(
            plan=self.scale_plan, call=call2, partner=self.customers[1]
        )
        self.answer(task2, scale=2, hotline_source="keypad")
        complaint = task2.complaint_ticket_id
        self.assertTrue(complaint)
        # a call's callback: the complaint is linked to the call, names its agent
        self.assertEqual(complaint.call_ids, call2)
        self.assertEqual(complaint.partner_id, self.customers[1])
        self.assertIn(self.agent_b.name, complaint.name)
        self.assertFalse(complaint.linked_case_ids)

    def test_confidential_case_gives_a_confidential_complaint(self):
        case = self.make_case(
            is_confidential=True, hotline_callback_consent=True, name="举报违规充装"
        )
        self.close(case)
        task = self.make_task(case=case, partner=self.customer)
        self.answer(task, choice=4)
        complaint = task.complaint_ticket_id
        self.assertTrue(complaint.is_confidential)
        # the identity is in the reporter record only, as at intake
        self.assertFalse(complaint.partner_id)
        self.assertFalse(complaint.caller_number)
        self.assertFalse(complaint.call_ids)
        reporter = complaint.sudo().reporter_id
        self.assertEqual(reporter.partner_id, self.customer)
        self.assertEqual(reporter.phone, case.sudo().reporter_id.phone)
        self.assertNotIn(self.customer.name, str(complaint.description))
        self.assertNotIn(self.customer.name, complaint.name)
        self.assertIn(case, complaint.linked_case_ids)
        # a user outside the Reporter identity group does not see who it is
        supervisor = self.role_users["supervisor"]
        self.assertFalse(complaint.with_user(supervisor).partner_id)

    def test_confidential_call_gives_a_confidential_complaint(self):
        call = self.make_call(partner=self.customers[2])
        call.hotline_confidential = True
        task = self.make_task(
            plan=self.scale_plan, call=call, partner=self.customers[2]
        )
        self.answer(task, scale=1, hotline_source="keypad")
        complaint = task.complaint_ticket_id
        self.assertTrue(complaint.is_confidential)
        self.assertFalse(complaint.partner_id)
        self.assertEqual(complaint.sudo().reporter_id.partner_id, self.customers[2])

    def test_answer_by_agent_user(self):
        """The agent completes the survey during the callback: the complaint
        is created even though agents do not create complaint cases of others."""
        task = self.make_task(case=self.make_case())
        user_input = self.answer(task, choice=0, done=False)
        user_input._save_lines(self.q_choice, self.choices[4].id)
        user_input.with_user(self.role_users["supervisor"])._mark_done()
        self.assertEqual(task.satisfaction, "dissatisfied")
        complaint = task.complaint_ticket_id
        self.assertTrue(complaint)
        self.assertFalse(complaint.owner_id)
