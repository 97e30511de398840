# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import BaseCase, tagged

from ..tools import sampling
from .keypad_common import keypad_flow
from .sampling_common import ENDED, NOW, SamplingCommon


@tagged("post_install", "-at_install")
class TestSamplingArithmetic(BaseCase):
    """tools/sampling.py: periods, quotas, the choice, the agents (no ORM)."""

    def test_period_keys_and_bounds(self):
        self.assertEqual(sampling.period_key(date(2026, 12, 3), "daily"), "2026-12-03")
        self.assertEqual(sampling.period_key(date(2026, 12, 3), "weekly"), "2026-W49")
        # ISO weeks across the new year: 2026 has 53 weeks
        self.assertEqual(sampling.period_key(date(2027, 1, 1), "weekly"), "2026-W53")
        self.assertEqual(sampling.period_key(date(2027, 1, 4), "weekly"), "2027-W01")
        self.assertEqual(
            sampling.period_bounds(date(2026, 12, 3), "daily"),
            (datetime(2026, 12, 3), datetime(2026, 12, 4)),
        )
        self.assertEqual(
            sampling.period_bounds(date(2026, 12, 6), "weekly"),
            (datetime(2026, 11, 30), datetime(2026, 12, 7)),
        )
        self.assertEqual(sampling.period_days("weekly"), 7)
        with self.assertRaises(ValueError):
            sampling.period_key(date(2026, 12, 3), "monthly")

    def test_rate_and_count_quotas(self):
        self.assertEqual(sampling.rate_quota(5, 20), 1)
        self.assertEqual(sampling.rate_quota(6, 20), 2)
        self.assertEqual(sampling.rate_quota(1, 0.5), 1)
        self.assertEqual(sampling.rate_quota(10, 100), 10)
        self.assertEqual(sampling.rate_quota(0, 50), 0)
        self.assertEqual(
            sampling.team_quotas({1: 10, 2: 3}, "rate", rate=25.0),
            {1: 3, 2: 1},
        )
        self.assertEqual(
            sampling.team_quotas({1: 10, 2: 3, 3: 5}, "count", count=4, already={3: 4}),
            {1: 4, 2: 3, 3: 0},
        )
        with self.assertRaises(ValueError):
            sampling.team_quotas({1: 1}, "all")

    def test_choice_reproducible_one_per_customer(self):
        candidates = [(("case", i), i % 2, f"customer{i}") for i in range(1, 21)]
        quotas = {0: 3, 1: 2}
        first = sampling.choose(candidates, quotas, sampling.seed_of(7, "2026-12-03"))
        again = sampling.choose(
            list(reversed(candidates)), quotas, sampling.seed_of(7, "2026-12-03")
        )
        self.assertEqual(first, again, "same plan and period: same choice")
        self.assertEqual(len(first), 5)
        teams = [key[1] % 2 for key in first]
        self.assertEqual(teams.count(0), 3)
        self.assertEqual(teams.count(1), 2)
        others = {
            tuple(sampling.choose(candidates, quotas, sampling.seed_of(7, day)))
            for day in ("2026-12-04", "2026-12-05", "2026-12-06")
        }
        self.assertGreater(len(others | {tuple(first)}), 1, "another period, another")
        # one customer twice: taken once, the team's quota goes to another
        same = [(("case", 1), 0, "c1"), (("case", 2), 0, "c1"), (("case", 3), 0, "c2")]
        chosen = sampling.choose(same, {0: 3}, "seed")
        self.assertEqual(len(chosen), 2)
        self.assertIn(("case", 3), chosen)

    def test_assign_fewest_open_first_within_quota(self):
        items = [(f"k{i}", None) for i in range(5)]
        assigned, left = sampling.assign(items, [(1, 2, 0), (2, 0, 0)], quota=2)
        # agent 2 had no open task: first two to agent 2, then agent 1
        self.assertEqual(assigned, {"k0": 2, "k1": 2, "k2": 1, "k3": 1})
        self.assertEqual(left, ["k4"])
        assigned, left = sampling.assign(items, [(1, 0, 0), (2, 0, 0)])
        self.assertEqual(sorted(assigned.values()), [1, 1, 1, 2, 2])
        self.assertFalse(left)
        # restricted items go to allowed agents only
        assigned, left = sampling.assign(
            [("secret", {3}), ("other", {4})], [(1, 0, 0), (3, 5, 0)]
        )
        self.assertEqual(assigned, {"secret": 3})
        self.assertEqual(left, ["other"])


@tagged("post_install", "-at_install")
class TestSampling(SamplingCommon):
    def other_company_case(self):
        """A case closed in the window, of another company."""
        other = self.env.ref("base.main_company")
        case = (
            self.env["helpdesk.ticket"]
            .with_company(other)
            .create(
                {
                    "name": "燃气表漏气",
                    "description": "<p>另一家公司</p>",
                    "case_type_id": self.type_complaint.id,
                    "channel_id": self.channel_phone.id,
                    "company_id": other.id,
                    "partner_id": self.new_customer().id,
                }
            )
        )
        case.write({"stage_id": self.stage_closed.id})
        case.write({"closed_date": ENDED})
        self.assertEqual(case.company_id, other)
        return case

    def test_rate_per_team_and_the_tasks(self):
        self.other_company_case()
        cases_a = [self.closed_case(team=self.team_a) for _i in range(5)]
        cases_b = [self.closed_case(team=self.team_b) for _i in range(3)]
        plan = self.new_plan(sample_rate=20.0)
        tasks = plan._hotline_run(NOW)
        self.assertEqual(len(tasks), 2, "ceil(5 × 20 %) + ceil(3 × 20 %)")
        self.assertEqual(plan.company_id, self.company)
        self.assertEqual(tasks.ticket_id.company_id, self.company)
        self.assertEqual(tasks.team_id, self.team_a | self.team_b)
        task = tasks.filtered(lambda t: t.team_id == self.team_a)
        self.assertIn(task.ticket_id, self.env["helpdesk.ticket"].concat(*cases_a))
        self.assertEqual(task.source, "case")
        self.assertEqual(task.partner_id, task.ticket_id.partner_id)
        self.assertEqual(task.handling_user_id, self.role_users["handler"])
        self.assertEqual(task.case_type_id, self.type_complaint)
        self.assertEqual(task.channel_id, self.channel_phone)
        self.assertEqual(task.sampled_at, NOW)
        # due at the end of the day in Shanghai
        self.assertEqual(task.due_at, datetime(2026, 12, 3, 16, 0))
        self.assertEqual(task.state, "pending")
        self.assertIn(
            tasks.filtered(lambda t: t.team_id == self.team_b).ticket_id,
            self.env["helpdesk.ticket"].concat(*cases_b),
        )
        # the campaign of the period: preview, running, one contact per task
        campaign = tasks.campaign_id
        self.assertEqual(len(campaign), 1)
        self.assertEqual(campaign.name, "投诉回访 2026-12-03")
        self.assertEqual(campaign.mode, "preview")
        self.assertEqual(campaign.queue_id, self.queue)
        self.assertEqual(campaign.pbx_id, self.pbx)
        self.assertEqual(campaign.calendar_id, self.calendar)
        self.assertEqual(campaign.max_attempts, 3)
        self.assertEqual(campaign.retry_no_answer_minutes, 120)
        self.assertEqual(campaign.hotline_callback_plan_id, plan)
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.contact_ids, tasks.contact_id)
        for task in tasks:
            self.assertEqual(task.contact_id.partner_id, task.partner_id)
            self.assertTrue(task.user_id)
            self.assertEqual(task.contact_id.user_id, task.user_id)
            self.assertEqual(task.contact_id.numbers, task.partner_id.mobile)
        # spread over the queue's two agents
        self.assertEqual(tasks.user_id, self.agent | self.agent2)
        self.assertEqual(plan.last_run_at, NOW)
        self.assertEqual(plan.sampled_until, NOW - timedelta(hours=24))
        self.assertIn("2 callback task(s) from 8 record(s)", self.plan_messages(plan))

    def test_fixed_number_per_team_and_period(self):
        for _i in range(5):
            self.closed_case(team=self.team_a)
        self.closed_case(team=self.team_b)
        plan = self.new_plan(sampling="count", sample_count=2)
        tasks = plan._hotline_run(NOW)
        self.assertEqual(len(tasks.filtered(lambda t: t.team_id == self.team_a)), 2)
        self.assertEqual(len(tasks.filtered(lambda t: t.team_id == self.team_b)), 1)
        # later the same day (Sample now): only what the period's quota leaves
        later = NOW + timedelta(hours=3)
        for _i in range(3):
            self.closed_case(team=self.team_a, closed=ENDED + timedelta(hours=8))
            self.closed_case(team=self.team_b, closed=ENDED + timedelta(hours=8))
        more = plan._hotline_run(later)
        self.assertEqual(more.team_id, self.team_b)
        self.assertEqual(len(more), 1)
        self.assertEqual(more.campaign_id, tasks.campaign_id, "one campaign a day")
        self.assertEqual(len(more.campaign_id.contact_ids), 4)
        # the next day: the quota starts again
        next_day = NOW + timedelta(days=1)
        for _i in range(3):
            self.closed_case(team=self.team_a, closed=ENDED + timedelta(days=1))
        new = plan._hotline_run(next_day)
        self.assertEqual(len(new), 2)
        self.assertNotEqual(new.campaign_id, tasks.campaign_id)
        self.assertEqual(new.campaign_id.name, "投诉回访 2026-12-04")

    def test_reproducible_choice(self):
        for _i in range(6):
            self.closed_case()
        plan = self.new_plan(sample_rate=50.0)
        first = plan._hotline_run(NOW)
        chosen = first.ticket_id
        self.assertEqual(len(chosen), 3)
        campaign = first.campaign_id
        first.unlink()
        campaign.unlink()
        plan.write({"last_run_at": False, "sampled_until": False})
        again = plan._hotline_run(NOW)
        self.assertEqual(again.ticket_id, chosen)

    def test_filters_case_type_team_channel(self):
        wanted = self.closed_case(team=self.team_b, case_type_id=self.type_repair.id)
        self.closed_case(team=self.team_a, case_type_id=self.type_repair.id)
        self.closed_case(team=self.team_b)
        self.closed_case(
            team=self.team_b,
            case_type_id=self.type_repair.id,
            channel_id=self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_email").id,
        )
        # open, cancelled, not yet past the delay, before the look-back
        open_case = self.closed_case(team=self.team_b, case_type_id=self.type_repair.id)
        open_case.write(
            {"stage_id": self.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new").id}
        )
        self.closed_case(
            team=self.team_b,
            case_type_id=self.type_repair.id,
            closed=NOW - timedelta(hours=20),
        )
        self.closed_case(
            team=self.team_b,
            case_type_id=self.type_repair.id,
            closed=NOW - timedelta(hours=49),
        )
        plan = self.new_plan(
            case_type_ids=[Command.set(self.type_repair.ids)],
            team_ids=[Command.set(self.team_b.ids)],
            channel_ids=[Command.set(self.channel_phone.ids)],
        )
        self.assertEqual(plan._hotline_run(NOW).ticket_id, wanted)

    def test_agent_quota_and_fewest_open_first(self):
        for _i in range(4):
            self.closed_case()
        other = self.new_plan(name="Other plan")
        busy = self.closed_case(closed=ENDED - timedelta(days=10))
        self.env["hotline.callback.task"].create(
            {
                "plan_id": other.id,
                "source": "case",
                "partner_id": busy.partner_id.id,
                "ticket_id": busy.id,
                "user_id": self.agent.id,
            }
        )
        plan = self.new_plan(agent_quota=1)
        tasks = plan._hotline_run(NOW)
        self.assertEqual(len(tasks), 2, "two agents, one task each")
        self.assertEqual(tasks.user_id, self.agent | self.agent2)
        # agent2 had no open task: it got the first sampled record
        self.assertEqual(tasks.sorted("id")[0].user_id, self.agent2)
        self.assertIn(
            "2 sampled record(s) wait for the next period: the agents' quotas",
            self.plan_messages(plan),
        )
        self.assertEqual(plan.waiting["period"], "2026-12-03")
        self.assertEqual(len(plan.waiting["ids"]), 2)
        # the quota counts the period's tasks: nothing more today, and the
        # new record waits too
        self.closed_case(closed=ENDED + timedelta(hours=7))
        self.assertFalse(plan._hotline_run(NOW + timedelta(hours=2)))
        self.assertEqual(len(plan.waiting["ids"]), 3)
        # the next day: the records that waited come first (one per agent),
        # the third one cannot wait again
        waiting = self.env["helpdesk.ticket"].browse(plan.waiting["ids"])
        tomorrow = plan._hotline_run(NOW + timedelta(days=1))
        self.assertEqual(len(tomorrow), 2)
        self.assertLess(tomorrow.ticket_id, waiting)
        self.assertFalse(plan.waiting)
        messages = self.plan_messages(plan)
        self.assertIn("3 record(s) waiting since the last period came first", messages)
        self.assertIn("1 record(s) that waited since the last period", messages)
        self.assertEqual(
            len(self.env["hotline.callback.task"].search([("plan_id", "=", plan.id)])),
            4,
        )

    def test_exclusions(self):
        plan = self.new_plan(exclude_days=30)
        other = self.new_plan(name="Other plan")
        Task = self.env["hotline.callback.task"]
        kept = self.closed_case()
        sampled = self.closed_case()
        Task.create(
            {
                "plan_id": other.id,
                "source": "case",
                "partner_id": sampled.partner_id.id,
                "ticket_id": sampled.id,
            }
        )
        self.closed_case(partner=self.env["res.partner"])
        self.closed_case(partner=self.new_customer(hotline_no_callback=True))
        self.closed_case(partner=self.new_customer(hotline_do_not_call=True))
        recent = self.closed_case()
        Task.create(
            {
                "plan_id": other.id,
                "source": "call",
                "partner_id": recent.partner_id.id,
            }
        )
        Task.search([("partner_id", "=", recent.partner_id.id)]).sudo().write(
            {"state": "done", "done_at": NOW - timedelta(days=10)}
        )
        still_open = self.closed_case()
        Task.create(
            {
                "plan_id": other.id,
                "source": "call",
                "partner_id": still_open.partner_id.id,
                "sampled_at": NOW - timedelta(days=90),
            }
        )
        long_ago = self.closed_case()
        Task.create(
            {
                "plan_id": other.id,
                "source": "call",
                "partner_id": long_ago.partner_id.id,
                "sampled_at": NOW - timedelta(days=90),
            }
        ).sudo().write({"state": "done", "done_at": NOW - timedelta(days=60)})
        twice = self.new_customer()
        self.closed_case(partner=twice)
        self.closed_case(partner=twice)
        tasks = plan._hotline_run(NOW)
        self.assertEqual(len(tasks), 3)
        self.assertEqual(
            tasks.partner_id, kept.partner_id | long_ago.partner_id | twice
        )
        message = self.plan_messages(plan)
        self.assertIn("already sampled 1", message)
        self.assertIn("no customer 1", message)
        self.assertIn("customer opted out 2", message)
        self.assertIn("customer called back lately 2", message)

    def test_no_duplicates_across_runs_and_plans(self):
        cases = [self.closed_case() for _i in range(4)]
        plan = self.new_plan()
        other = self.new_plan(name="Second plan", exclude_days=0)
        tasks = plan._hotline_run(NOW)
        self.assertEqual(len(tasks), 4)
        self.assertFalse(other._hotline_run(NOW), "the cases are sampled already")
        self.assertIn("already sampled 4", self.plan_messages(other))
        # a second run at the same time adds nothing
        self.assertFalse(plan._hotline_run(NOW))
        # nor the next day, even with the answered tasks of customers out
        # of exclusion: each case is considered once
        tasks.sudo().write({"state": "done", "done_at": NOW})
        for case in cases:
            case.sudo().write({"closed_date": ENDED + timedelta(hours=12)})
        plan.exclude_days = 0
        self.assertFalse(plan._hotline_run(NOW + timedelta(days=1)))
        self.assertEqual(
            self.env["hotline.callback.task"].search_count(
                [("ticket_id", "in", [c.id for c in cases])]
            ),
            4,
        )

    def test_daily_period_boundaries_with_the_cron(self):
        self.closed_case()
        plan = self.new_plan()
        Plan = self.env["hotline.callback.plan"]
        with freeze_time(NOW):
            Plan._hotline_cron_run()
        self.assertEqual(len(plan.task_ids), 1)
        self.assertEqual(plan.last_run_at, NOW)
        # 23:59 in Shanghai: the same day, not due again
        self.closed_case(closed=NOW - timedelta(hours=20))
        with freeze_time(datetime(2026, 12, 3, 15, 59)):
            Plan._hotline_cron_run()
        self.assertEqual(len(plan.task_ids), 1)
        self.assertEqual(plan.last_run_at, NOW)
        # 00:01 on the 4th in Shanghai (16:01 UTC): the next period
        with freeze_time(datetime(2026, 12, 3, 16, 1)):
            Plan._hotline_cron_run()
        self.assertEqual(len(plan.task_ids), 2)
        self.assertEqual(len(plan.campaign_ids), 2)

    def test_weekly_period(self):
        self.closed_case(closed=NOW - timedelta(days=5))
        self.closed_case(closed=NOW - timedelta(days=9))
        plan = self.new_plan(period="weekly")
        Plan = self.env["hotline.callback.plan"]
        # a first weekly run looks back a week before the delay
        Plan._hotline_cron_run(NOW)
        self.assertEqual(len(plan.task_ids), 1)
        self.assertEqual(plan.task_ids.campaign_id.name, "投诉回访 2026-W49")
        self.assertEqual(plan.task_ids.due_at, datetime(2026, 12, 6, 16, 0))
        # Sunday 23:00 in Shanghai: the same ISO week
        self.closed_case(closed=NOW + timedelta(days=1))
        Plan._hotline_cron_run(datetime(2026, 12, 6, 15, 0))
        self.assertEqual(len(plan.task_ids), 1)
        # Monday 00:30 in Shanghai: week 50
        Plan._hotline_cron_run(datetime(2026, 12, 6, 16, 30))
        self.assertEqual(len(plan.task_ids), 2)
        self.assertIn("投诉回访 2026-W50", plan.campaign_ids.mapped("name"))

    def test_confidential_without_consent(self):
        case = self.closed_case(is_confidential=True)
        self.assertFalse(case.partner_id)
        plan = self.new_plan()
        self.assertFalse(plan._hotline_run(NOW))
        self.assertIn("confidential reporter 1", self.plan_messages(plan))

    def test_confidential_with_consent(self):
        reporter = self.new_customer(name="举报人")
        case = self.closed_case(
            is_confidential=True, partner=reporter, hotline_callback_consent=True
        )
        self.assertFalse(case.partner_id)
        plan = self.new_plan()
        # no agent of the queue may call a confidential reporter
        self.assertFalse(plan._hotline_run(NOW))
        self.assertIn(
            "1 sampled record(s) of confidential reporters wait for the next",
            self.plan_messages(plan),
        )
        # an agent of the Reporter identity group joins the queue
        trusted = self.new_user(
            "hl_trusted",
            "hotline_base.group_agent,hotline_complaints.group_reporter_identity",
        )
        self.env["hotline.queue.member"].create(
            {"queue_id": self.queue.id, "user_id": trusted.id}
        )
        # the next day, the reporter who waited comes first
        task = plan._hotline_run(NOW + timedelta(days=1))
        self.assertEqual(task.partner_id, reporter)
        self.assertEqual(task.user_id, trusted)
        self.assertEqual(task.ticket_id, case)
        self.assertIn(
            "1 record(s) waiting since the last period came first",
            self.plan_messages(plan),
        )
        # the task names the reporter: hidden outside the Reporter identity group
        Task = self.env["hotline.callback.task"]
        self.assertEqual(Task.with_user(trusted).search([]), task)
        for role in ("supervisor", "leader", "agent"):
            self.assertFalse(
                Task.with_user(self.role_users[role]).search([("id", "=", task.id)]),
                role,
            )
        # the plan's chatter does not name the reporter
        self.assertNotIn("举报人", self.plan_messages(plan))

    def test_calls(self):
        plan = self.new_plan(source="call", team_ids=[Command.set(self.team_a.ids)])
        call = self.answered_call(user=self.agent)
        self.answered_call(user=self.agent2)  # not a member of the team
        self.answered_call(direction="outbound")
        self.answered_call(disposition="abandoned_queue", answered_at=False)
        hidden = self.answered_call()
        hidden.sudo().hotline_confidential = True
        self.answered_call(
            company_id=self.env.ref("base.main_company").id,
            pbx_id=False,
            queue_id=False,
        )
        tasks = plan._hotline_run(NOW)
        self.assertEqual(tasks.call_id, call)
        self.assertEqual(tasks.source, "call")
        self.assertEqual(tasks.partner_id, call.partner_id)
        self.assertEqual(tasks.handling_user_id, self.agent)
        self.assertEqual(tasks.team_id, self.team_a)
        self.assertEqual(tasks.channel_id, self.channel_phone)
        self.assertFalse(tasks.ticket_id)
        self.assertIn("confidential reporter 1", self.plan_messages(plan))

    def test_calls_of_other_queues(self):
        other_queue = self.env["hotline.queue"].create(
            {"name": "燃气", "code": "gas-q", "pbx_id": self.pbx.id}
        )
        plan = self.new_plan(source="call", queue_ids=[Command.set(other_queue.ids)])
        self.answered_call()
        wanted = self.answered_call(queue_id=other_queue.id)
        self.assertEqual(plan._hotline_run(NOW).call_id, wanted)

    def test_work_orders(self):
        order = self.done_work_order()
        sampled_case = self.closed_case(team=self.team_b)
        self.done_work_order(ticket=sampled_case)
        self.env["hotline.callback.task"].create(
            {
                "plan_id": self.new_plan(name="Cases").id,
                "source": "case",
                "partner_id": sampled_case.partner_id.id,
                "ticket_id": sampled_case.id,
            }
        )
        self.done_work_order(state="on_site", done_at=False)
        plan = self.new_plan(source="work_order")
        task = plan._hotline_run(NOW)
        self.assertEqual(task.work_order_id, order)
        self.assertEqual(task.ticket_id, order.ticket_id)
        self.assertEqual(task.partner_id, order.ticket_id.partner_id)
        self.assertEqual(task.handling_user_id, order.user_id)
        self.assertEqual(task.team_id, self.team_b)
        self.assertIn("already sampled 1", self.plan_messages(plan))

    def keypad_flow(self):
        return keypad_flow(self.env, self.survey, flow=self.flow)

    def test_keypad_plan(self):
        self.closed_case()
        flow = self.keypad_flow()
        plan = self.new_plan(mode="keypad", flow_id=flow.id, queue_id=False)
        task = plan._hotline_run(NOW)
        campaign = task.campaign_id
        self.assertEqual(campaign.mode, "automated")
        self.assertEqual(campaign.flow_id, self.flow)
        self.assertEqual(campaign.state, "running")
        self.assertFalse(task.user_id)
        self.assertEqual(task.contact_id.variables, {"callback_task_id": task.id})
        self.assertEqual(task.mode, "keypad")

    def test_company_pbx_and_calendar_by_default(self):
        self.closed_case()
        plan = self.new_plan(pbx_id=False, calendar_id=False)
        campaign = plan._hotline_run(NOW).campaign_id
        self.assertEqual(campaign.pbx_id, self.pbx)
        self.assertEqual(campaign.calendar_id, self.company.resource_calendar_id)

    def test_stopped_campaign_ends_the_period(self):
        self.closed_case()
        plan = self.new_plan()
        campaign = plan._hotline_run(NOW).campaign_id
        campaign.action_stop()
        self.closed_case(closed=ENDED + timedelta(hours=7))
        self.assertFalse(plan._hotline_run(NOW + timedelta(hours=2)))
        self.assertIn("is stopped", self.plan_messages(plan))

    def test_cron_reports_what_stops_a_plan(self):
        self.closed_case()
        plan = self.new_plan(pbx_id=False)
        self.queue.pbx_id = False
        self.pbx.unlink()
        Plan = self.env["hotline.callback.plan"]
        Plan._hotline_cron_run(NOW)
        self.assertFalse(plan.task_ids)
        self.assertFalse(plan.last_run_at, "tried again at the next run")
        self.assertIn("has no PBX", plan.last_error)
        Plan._hotline_cron_run(NOW + timedelta(hours=1))
        self.assertEqual(
            self.plan_messages(plan).count("The scheduled run did not sample"), 1
        )
        self.assertFalse(plan.campaign_ids)

    def test_sample_now_refused_writes_nothing(self):
        case = self.closed_case()
        plan = self.new_plan(pbx_id=False)
        self.queue.pbx_id = False
        self.pbx.unlink()
        with (
            freeze_time(NOW),
            self.assertRaisesRegex(UserError, "has no PBX"),
            self.env.cr.savepoint(),
        ):
            plan.with_user(self.supervisor).action_sample_now()
        plan.invalidate_recordset()
        self.assertFalse(plan.task_ids)
        self.assertFalse(plan.campaign_ids)
        self.assertFalse(plan.last_run_at)
        self.assertFalse(
            self.env["hotline.campaign.contact"].search(
                [("partner_id", "=", case.partner_id.id)]
            )
        )

    def test_empty_queue_writes_nothing(self):
        self.closed_case()
        queue = self.env["hotline.queue"].create(
            {"name": "空", "code": "empty-q", "pbx_id": self.pbx.id}
        )
        plan = self.new_plan(queue_id=queue.id)
        self.env["hotline.callback.plan"]._hotline_cron_run(NOW)
        self.assertFalse(plan.task_ids)
        self.assertFalse(plan.campaign_ids)
        self.assertIn("has no agents", plan.last_error)

    def test_merge_follows_the_case(self):
        plan = self.new_plan()
        merged = self.closed_case()
        task = plan._hotline_run(NOW)
        self.assertEqual(task.ticket_id, merged)
        target = self.env["helpdesk.ticket"].create(
            {
                "name": "燃气表漏气",
                "description": "<p>同一漏气</p>",
                "case_type_id": self.type_complaint.id,
                "channel_id": self.channel_phone.id,
                "team_id": self.team_a.id,
                "partner_id": merged.partner_id.id,
            }
        )
        # a closed case can still be merged into an open one
        merged.with_user(self.supervisor).hotline_merge_into(target)
        self.assertEqual(merged.hotline_state, "cancelled")
        self.assertEqual(task.ticket_id, target)
        self.assertIn("its callback task follows it", self.plan_messages(plan))

    def test_merge_into_a_case_with_a_task(self):
        plan = self.new_plan()
        first = self.closed_case()
        second = self.closed_case()
        tasks = plan._hotline_run(NOW)
        self.assertEqual(len(tasks), 2)
        target = self.env["helpdesk.ticket"].create(
            {
                "name": "燃气表漏气",
                "description": "<p>同一漏气</p>",
                "case_type_id": self.type_complaint.id,
                "channel_id": self.channel_phone.id,
                "team_id": self.team_a.id,
            }
        )
        (first | second).with_user(self.agent).hotline_merge_into(target)
        first_task = tasks.filtered(lambda t: t.partner_id == first.partner_id)
        second_task = tasks.filtered(lambda t: t.partner_id == second.partner_id)
        self.assertEqual(first_task.ticket_id, target)
        self.assertEqual(second_task.ticket_id, second, "the target has its task")
        self.assertIn(
            f"Case {second.number} was merged into {target.number}, which has its own",
            self.plan_messages(plan),
        )

    def test_merge_keeps_a_confidential_reporter_hidden(self):
        plan = self.new_plan()
        trusted = self.new_user(
            "hl_trusted",
            "hotline_base.group_agent,hotline_complaints.group_reporter_identity",
        )
        self.env["hotline.queue.member"].create(
            {"queue_id": self.queue.id, "user_id": trusted.id}
        )
        case = self.closed_case(is_confidential=True, hotline_callback_consent=True)
        task = plan._hotline_run(NOW)
        self.assertEqual(task.ticket_id, case)
        target = self.env["helpdesk.ticket"].create(
            {
                "name": "燃气表漏气",
                "description": "<p>同一漏气</p>",
                "case_type_id": self.type_complaint.id,
                "channel_id": self.channel_phone.id,
                "team_id": self.team_a.id,
            }
        )
        case.with_user(self.supervisor).hotline_merge_into(target)
        self.assertEqual(task.ticket_id, case)
        self.assertFalse(
            self.env["hotline.callback.task"]
            .with_user(self.supervisor)
            .search([("id", "=", task.id)])
        )
        self.assertIn("a confidential reporter's", self.plan_messages(plan))

    def test_deleted_case_keeps_the_customer(self):
        plan = self.new_plan()
        case = self.closed_case()
        task = plan._hotline_run(NOW)
        partner = case.partner_id
        case.sudo().unlink()
        self.assertFalse(task.ticket_id)
        self.assertEqual(task.partner_id, partner)


@tagged("post_install", "-at_install")
class TestSamplingPlanChecks(SamplingCommon):
    def test_validation(self):
        Plan = self.env["hotline.callback.plan"]
        bad = [
            ({"sample_rate": 0.0}, "must be above 0 and at most 100"),
            ({"sample_rate": 100.5}, "must be above 0 and at most 100"),
            ({"sampling": "count", "sample_count": 0}, "at least one record"),
            ({"delay_hours": -1}, "cannot be negative"),
            ({"exclude_days": -1}, "cannot be negative"),
            ({"agent_quota": -1}, "cannot be negative"),
            ({"max_attempts": 0}, "at least one attempt"),
            ({"queue_id": False}, "choose the queue"),
            ({"mode": "keypad", "flow_id": False}, "choose the IVR flow"),
        ]
        for values, message in bad:
            with (
                self.subTest(values=values),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                self.new_plan(**values)
        # a keypad plan's flow asks its survey, and the survey has prompts
        with (
            self.assertRaisesRegex(ValidationError, "has no Survey node"),
            self.env.cr.savepoint(),
        ):
            self.new_plan(mode="keypad", flow_id=self.flow.id, queue_id=False)
        flow = keypad_flow(self.env, self.survey, flow=self.flow)
        self.survey.question_ids.suggested_answer_ids[:1].hotline_prompt_id = False
        with (
            self.assertRaisesRegex(ValidationError, "has no keypad prompt"),
            self.env.cr.savepoint(),
        ):
            self.new_plan(mode="keypad", flow_id=flow.id, queue_id=False)
        empty = self.env["survey.survey"].create({"title": "空问卷"})
        with (
            self.assertRaisesRegex(ValidationError, "has no questions"),
            self.env.cr.savepoint(),
        ):
            self.new_plan(survey_id=empty.id)
        plan = self.new_plan()
        with (
            self.assertRaisesRegex(ValidationError, "choose the queue"),
            self.env.cr.savepoint(),
        ):
            plan.write({"queue_id": False})
        plan.invalidate_recordset()
        self.assertEqual(plan.queue_id, self.queue)
        # nothing half written
        self.assertEqual(Plan.search([("company_id", "=", self.company.id)]), plan)

    def test_roles(self):
        self.closed_case()
        Plan = self.env["hotline.callback.plan"]
        values = {
            "name": "维修回访",
            "survey_id": self.survey.id,
            "queue_id": self.queue.id,
            "pbx_id": self.pbx.id,
            "calendar_id": self.calendar.id,
            "sample_rate": 100.0,
        }
        plan = Plan.with_user(self.supervisor).create(values)
        for role in ("agent", "leader"):
            user = self.role_users[role]
            self.assertEqual(Plan.with_user(user).search([]), plan)
            with self.assertRaises(AccessError):
                Plan.with_user(user).create(dict(values, name=role))
            with self.assertRaises(AccessError):
                plan.with_user(user).write({"sample_rate": 50.0})
            with self.assertRaises(AccessError):
                plan.with_user(user).action_sample_now()
        self.assertFalse(plan.task_ids)
        with freeze_time(NOW):
            result = plan.with_user(self.supervisor).action_sample_now()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(len(plan.task_ids), 1)
        self.assertEqual(plan.last_run_at, NOW)
        task = plan.task_ids
        # the agent who calls sees the task, the other one does not
        Task = self.env["hotline.callback.task"]
        self.assertEqual(Task.with_user(task.user_id).search([]), task)
        other = (self.agent | self.agent2) - task.user_id
        self.assertFalse(Task.with_user(other).search([]))
        menu = self.env.ref("hotline_survey.hotline_callback_plan_menu")
        self.assertIn(menu, self.visible_menus(self.supervisor))
        self.assertNotIn(menu, self.visible_menus(self.agent))
        cron = self.env.ref("hotline_survey.hotline_callback_plan_cron")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))

    def test_partner_and_case_fields_on_forms(self):
        partner_form = self.env["res.partner"].get_view(view_type="form")["arch"]
        self.assertIn('name="hotline_no_callback"', partner_form)
        ticket_form = self.env["helpdesk.ticket"].get_view(view_type="form")["arch"]
        self.assertIn('name="hotline_callback_consent"', ticket_form)
