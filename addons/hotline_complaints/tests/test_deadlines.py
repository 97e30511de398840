# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CaseCommon

# Wednesday 30 September 2026, 10:00 in Shanghai: the eve of National Day.
INTAKE = "2026-09-30 02:00:00"


@tagged("post_install", "-at_install")
class TestDeadlines(CaseCommon):
    def test_working_days_skip_holiday_and_count_adjusted_day(self):
        self.assertFalse(self.calendar.hotline_is_working_day(date(2026, 10, 2)))
        self.assertFalse(self.calendar.hotline_is_working_day(date(2026, 10, 11)))
        self.assertTrue(self.calendar.hotline_is_working_day(date(2026, 10, 10)))
        self.assertTrue(self.calendar.hotline_is_working_day(date(2026, 10, 8)))

    @freeze_time(INTAKE)
    def test_normal_case_deadlines_across_national_day(self):
        case = self.new_case()
        self.assertEqual(case.intake_date, datetime(2026, 9, 30, 2, 0))
        # 1 working day: the next one after the holiday is Thursday 8 October
        self.assertEqual(case.accept_deadline, datetime(2026, 10, 8, 15, 59, 59))
        # 15 working days, counting Saturday 10 October (adjusted working day)
        self.assertEqual(case.reply_deadline, datetime(2026, 10, 27, 15, 59, 59))
        self.assertEqual(case.deadline_step, "accept")
        self.assertEqual(case.next_deadline, case.accept_deadline)
        self.assertEqual(case.deadline_state, "ok")
        # taken on by the handling unit in time
        case = case.with_user(self.role_users["supervisor"])
        case.action_hotline_accept()
        case.hotline_dispatch(self.team_gas)
        case.action_hotline_start()
        self.assertTrue(case.accepted_on_time)
        self.assertFalse(case.is_overdue)
        self.assertEqual(case.next_deadline, case.reply_deadline)

    @freeze_time(INTAKE)
    def test_urgent_cases_round_the_clock(self):
        life = self.new_case(urgency="life_safety")
        self.assertEqual(life.accept_deadline, datetime(2026, 9, 30, 2, 15))
        outage = self.new_case(urgency="outage")
        self.assertEqual(outage.accept_deadline, datetime(2026, 9, 30, 2, 30))
        # changing the urgency later recomputes
        outage.urgency = "life_safety"
        self.assertEqual(outage.accept_deadline, datetime(2026, 9, 30, 2, 15))
        with freeze_time("2026-09-30 02:14:00"):
            self.assertEqual(life.deadline_state, "soon")
        with freeze_time("2026-09-30 02:16:00"):
            life.invalidate_recordset(["deadline_state"])
            self.assertEqual(life.deadline_state, "late")
            life.action_hotline_accept()
        self.assertTrue(life.is_overdue)
        self.assertFalse(life.accepted_on_time)

    @freeze_time(INTAKE)
    def test_petition_deadlines_and_extension(self):
        case = self.new_case(case_type_id=self.type_petition.id)
        self.assertEqual(case.accept_deadline, datetime(2026, 10, 15, 2, 0))
        self.assertEqual(case.close_deadline, datetime(2026, 11, 29, 2, 0))
        self.assertFalse(case.reply_deadline)
        with self.assertRaises(AccessError):
            case.with_user(self.role_users["handler"]).action_extend_deadline()
        case.with_user(self.role_users["supervisor"]).action_extend_deadline()
        self.assertEqual(case.close_deadline, datetime(2026, 12, 29, 2, 0))
        with (
            self.assertRaisesRegex(UserError, "was already extended"),
            self.env.cr.savepoint(),
        ):
            case.with_user(self.role_users["supervisor"]).action_extend_deadline()
        plain = self.new_case()
        with (
            self.assertRaisesRegex(UserError, "has no extendable deadline"),
            self.env.cr.savepoint(),
        ):
            plain.with_user(self.role_users["supervisor"]).action_extend_deadline()

    def _activities(self, case):
        return self.env["mail.activity"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )

    def test_reminder_then_escalation_to_supervisor_then_leader(self):
        users = self.role_users
        Ticket = self.env["helpdesk.ticket"]
        with freeze_time(INTAKE):
            case = self.new_case(team_id=self.team_gas.id, user_id=False)
            Ticket._cron_hotline_deadlines()
        self.assertFalse(self._activities(case))
        # Monday 5 October: still more than 20 % of the time left
        with freeze_time("2026-10-05 02:00:00"):
            Ticket._cron_hotline_deadlines()
        self.assertFalse(self._activities(case))
        # Wednesday 7 October evening: less than 20 % left -> 催办 to the team lead
        with freeze_time("2026-10-07 12:00:00"):
            Ticket._cron_hotline_deadlines()
            Ticket._cron_hotline_deadlines()
        reminders = self._activities(case)
        self.assertEqual(len(reminders), 1, "one reminder per step")
        self.assertEqual(reminders.user_id, users["handler"])
        self.assertFalse(case.is_overdue)
        # past the acceptance deadline -> 督办 to the supervisor
        with freeze_time("2026-10-08 17:00:00"):
            Ticket._cron_hotline_deadlines()
        self.assertTrue(case.is_overdue)
        self.assertEqual(case.escalation_level, 1)
        self.assertIn(users["supervisor"], self._activities(case).user_id)
        # a day later still overdue -> the leader
        with freeze_time("2026-10-09 17:00:00"):
            Ticket._cron_hotline_deadlines()
        self.assertEqual(case.escalation_level, 2)
        self.assertIn(users["leader"], self._activities(case).user_id)
        escalations = case.event_ids.filtered(lambda e: e.event_type == "escalate")
        self.assertEqual(len(escalations), 2)
        # acceptance runs until the handling unit takes the case on;
        # overdue stays counted afterwards
        with freeze_time("2026-10-09 18:00:00"):
            case.action_hotline_accept()
            self.assertEqual(case.deadline_step, "accept")
            case.hotline_dispatch(self.team_gas)
            self.assertEqual(case.deadline_step, "accept")
            case.with_user(users["handler"]).action_hotline_start()
        self.assertTrue(case.is_overdue)
        self.assertFalse(case.accepted_on_time)
        self.assertEqual(case.unit_accepted_at, datetime(2026, 10, 9, 18, 0))
        self.assertEqual(case.deadline_step, "reply")
