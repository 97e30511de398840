# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The satisfaction statistics (满意度报表) and the callback statistics, read
from real ratings, answers and tasks; rates through read_group as the pivot
reads them; the pivot's xlsx download; who reads them."""

import json
from datetime import datetime

from freezegun import freeze_time

from odoo import Command, http
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hotline_base.tests.common import HotlineCommon

from ..tools import satisfaction
from .common import SatisfactionCommon

REPORT = "hotline.satisfaction.report"
CALLBACKS = "hotline.callback.report"


@tagged("post_install", "-at_install")
class TestScaleMapping(SatisfactionCommon):
    def test_mapping_table(self):
        level = satisfaction.level_of
        self.assertEqual(
            [level("case_satisfaction", v) for v in "54321"],
            ["satisfied", "satisfied", "neutral", "dissatisfied", "dissatisfied"],
        )
        self.assertEqual(
            [
                level("call_rating", v)
                for v in ("satisfied", "neutral", "dissatisfied", "complaint")
            ],
            ["satisfied", "neutral", "dissatisfied", "dissatisfied"],
        )
        self.assertEqual(level("case_satisfaction3", "basic"), "neutral")
        self.assertFalse(level("call_rating", False))
        self.assertTrue(satisfaction.is_complaint("call_rating", "complaint"))
        self.assertFalse(satisfaction.is_complaint("call_rating", "dissatisfied"))
        self.assertFalse(satisfaction.is_complaint("case_satisfaction", "1"))
        # a new scale or value is mapped in the table, never guessed
        with self.assertRaises(KeyError):
            level("case_satisfaction", "6")
        with self.assertRaises(KeyError):
            level("stars", "5")
        # every value of the models' own selections is mapped
        calls = self.env["hotline.call"]._fields["rating"].selection
        self.assertEqual(
            {key for key, _label in calls},
            set(satisfaction.SCALE_LEVELS["call_rating"]),
        )
        cases = self.env["helpdesk.ticket"]._fields
        self.assertEqual(
            {key for key, _label in cases["satisfaction"].selection},
            set(satisfaction.SCALE_LEVELS["case_satisfaction"]),
        )
        self.assertEqual(
            {key for key, _label in cases["satisfaction3"].selection},
            set(satisfaction.SCALE_LEVELS["case_satisfaction3"]),
        )

    def test_scale_thresholds(self):
        self.assertEqual(
            [satisfaction.scale_level(v, 4, 2) for v in range(1, 6)],
            ["dissatisfied", "dissatisfied", "neutral", "satisfied", "satisfied"],
        )
        with self.assertRaises(ValueError):
            satisfaction.scale_level(3, 3, 3)

    def test_thresholds_refused_when_crossed(self):
        survey = self.scale_survey
        for low, high in ((4, 4), (5, 3)):
            with self.subTest(low=low, high=high):
                with (
                    self.assertRaisesRegex(ValidationError, "must be below"),
                    self.env.cr.savepoint(),
                ):
                    survey.write(
                        {
                            "hotline_scale_dissatisfied_max": low,
                            "hotline_scale_satisfied_min": high,
                        }
                    )
                survey.invalidate_recordset()
                self.assertEqual(survey.hotline_scale_satisfied_min, 4)
                self.assertEqual(survey.hotline_scale_dissatisfied_max, 2)
        with self.assertRaisesRegex(ValidationError, "must be below"):
            self.env["survey.survey"].create(
                {
                    "title": "bad",
                    "hotline_scale_satisfied_min": 2,
                    "hotline_scale_dissatisfied_max": 2,
                }
            )

    def test_satisfaction_question_of_another_survey_refused(self):
        with self.assertRaisesRegex(ValidationError, "single-choice or scale"):
            self.scale_survey.hotline_satisfaction_question_id = self.q_choice
        with self.assertRaisesRegex(ValidationError, "single-choice or scale"):
            self.survey.hotline_satisfaction_question_id = (
                self.survey.question_ids.create(
                    {
                        "survey_id": self.survey.id,
                        "title": "备注",
                        "question_type": "text_box",
                    }
                )
            )

    def test_levels_only_on_single_choice_answers(self):
        question = self.survey.question_ids.create(
            {
                "survey_id": self.survey.id,
                "title": "您还关心哪些服务？",
                "question_type": "multiple_choice",
                "suggested_answer_ids": [Command.create({"value": "安检"})],
            }
        )
        with (
            self.assertRaisesRegex(ValidationError, "single-choice question"),
            self.env.cr.savepoint(),
        ):
            question.suggested_answer_ids.hotline_satisfaction = "satisfied"
        question.suggested_answer_ids.invalidate_recordset()
        self.assertFalse(question.suggested_answer_ids.hotline_satisfaction)
        self.choices[2].hotline_satisfaction = "dissatisfied"
        self.assertEqual(self.choices[2].hotline_satisfaction, "dissatisfied")

    def test_thresholds_move_the_levels(self):
        task = self.make_task(plan=self.scale_plan, call=self.make_call())
        user_input = self.answer(task, scale=4, hotline_source="keypad")
        self.assertEqual(user_input.hotline_satisfaction, "satisfied")
        self.scale_survey.write(
            {"hotline_scale_satisfied_min": 5, "hotline_scale_dissatisfied_max": 3}
        )
        self.assertEqual(
            self.scale_survey._hotline_satisfaction_of(user_input), "neutral"
        )


@tagged("post_install", "-at_install")
class TestSatisfactionReport(SatisfactionCommon):
    def rows(self, **domain):
        return self.env[REPORT].search(
            self.domain(REPORT, [(key, "=", value) for key, value in domain.items()]),
            order="id",
        )

    def test_post_call_ratings(self):
        calls = {
            digit: self.make_call(digit=digit, partner=self.customers[i])
            for i, digit in enumerate("1230")
        }
        rows = self.rows(source="ivr_rating")
        self.assertEqual(len(rows), 4)
        by_partner = {row.partner_id: row for row in rows}
        expect = {
            "1": ("satisfied", 0),
            "2": ("neutral", 0),
            "3": ("dissatisfied", 0),
            "0": ("dissatisfied", 1),
        }
        for digit, call in calls.items():
            row = by_partner[call.partner_id]
            level, complaint = expect[digit]
            self.assertEqual(row.level, level, digit)
            self.assertEqual(row.complaint_count, complaint, digit)
            self.assertEqual(row.user_id, self.agent)
            self.assertEqual(row.date, call.rated_at)
            self.assertEqual(
                row.satisfied_count + row.neutral_count, int(digit in "12")
            )
            self.assertEqual(row.dissatisfied_pct, 100.0 if digit in "30" else 0.0)
        # an unrated call is not a row
        self.make_call()
        self.assertEqual(len(self.rows(source="ivr_rating")), 4)

    def test_five_level_answers(self):
        levels = []
        for index in range(5):
            case = self.make_case(partner=self.customers[index])
            task = self.make_task(case=case, partner=self.customers[index])
            user_input = self.answer(task, choice=index, scale=3)
            levels.append(user_input.hotline_satisfaction)
            self.assertEqual(task.satisfaction, user_input.hotline_satisfaction)
        self.assertEqual(
            levels,
            ["satisfied", "satisfied", "neutral", "dissatisfied", "dissatisfied"],
        )
        rows = self.rows(source="callback")
        self.assertEqual(sorted(rows.mapped("level")), sorted(levels))
        row = rows[0]
        self.assertEqual(row.user_id, self.agent)
        self.assertEqual(row.team_id, self.team_centre)
        self.assertEqual(row.case_type_id, self.type_complaint)
        self.assertEqual(row.channel_id, self.channel_phone)
        self.assertEqual(row.plan_id, self.plan)
        self.assertEqual(row.survey_id, self.survey)
        self.assertTrue(row.ticket_id)
        self.assertEqual(row.partner_id, self.customers[0])
        # the two dissatisfied answers opened complaints (plan default)
        self.assertEqual(sum(rows.mapped("complaint_count")), 2)

    def test_scale_answers_around_the_thresholds(self):
        levels = {}
        for value in range(1, 6):
            call = self.make_call(partner=self.customers[value])
            task = self.make_task(
                plan=self.scale_plan, call=call, partner=self.customers[value]
            )
            self.answer(task, scale=value, hotline_source="keypad")
            levels[value] = task.satisfaction
        self.assertEqual(
            levels,
            {
                1: "dissatisfied",
                2: "dissatisfied",
                3: "neutral",
                4: "satisfied",
                5: "satisfied",
            },
        )
        rows = self.rows(source="keypad")
        self.assertEqual(len(rows), 5)
        self.assertEqual(set(rows.mapped("user_id")), {self.agent})

    def test_keypad_answer_of_an_inbound_call(self):
        """A keypad survey after an inbound call: no task, the call's agent."""
        call = self.make_call(agent=self.agent_b)
        user_input = self.answer(
            survey=self.scale_survey,
            scale=1,
            hotline_source="keypad",
            hotline_call_id=call.id,
            hotline_agent_id=self.agent_b.id,
        )
        self.assertEqual(user_input.hotline_satisfaction, "dissatisfied")
        row = self.rows(source="keypad")
        self.assertEqual(len(row), 1)
        self.assertEqual(row.user_id, self.agent_b)
        self.assertEqual(row.level, "dissatisfied")
        self.assertFalse(row.task_id)
        self.assertEqual(row.complaint_count, 0)

    def test_unfinished_test_and_plain_answers_left_out(self):
        task = self.make_task(case=self.make_case())
        self.answer(task, choice=0, done=False)  # in progress
        self.answer(survey=self.survey, choice=0, hotline_source=False)  # plain survey
        # a supervisor trying the survey out
        self.answer(survey=self.survey, choice=0, test_entry=True)
        self.assertFalse(self.rows(source="callback"))
        self.answer(task, choice=1)
        self.assertEqual(len(self.rows(source="callback")), 1)

    def test_case_callback_step(self):
        cases = self.make_case(partner=self.customers[0]) | self.make_case(
            partner=self.customers[1]
        )
        for case, level in zip(cases, ("4", "2"), strict=True):
            case.sudo().write(
                {"satisfaction": level, "callback_at": datetime(2026, 5, 3)}
            )
        rows = self.rows(source="case_callback")
        self.assertEqual(rows.mapped("level"), ["satisfied", "dissatisfied"])
        self.assertEqual(rows.mapped("ticket_id"), cases)
        self.assertEqual(rows[0].user_id, self.agent)  # the case's owner
        self.assertEqual(rows[0].date, datetime(2026, 5, 3))

    def test_rates_per_agent_and_team(self):
        team_b = self.env["helpdesk.ticket.team"].create({"name": "客服二组"})
        # agent: satisfied, satisfied, dissatisfied, neutral (by rating)
        for choice in (0, 1, 3):
            task = self.make_task(case=self.make_case(), partner=self.customer)
            self.answer(task, choice=choice)
        self.make_call(digit="2")
        # agent B (team B): satisfied, complaint (key 0)
        case = self.make_case(team=team_b)
        task = self.make_task(case=case, handling_user_id=self.agent_b.id)
        self.answer(task, choice=0)
        self.make_call(agent=self.agent_b, digit="0")
        Report = self.env[REPORT]
        groups = {
            g["user_id"][0]: g
            for g in Report.read_group(
                self.domain(REPORT),
                [
                    "rated_count:sum",
                    "satisfied_pct:avg",
                    "dissatisfied_pct:avg",
                    "neutral_pct:avg",
                    "complaint_count:sum",
                ],
                ["user_id"],
            )
        }
        mine = groups[self.agent.id]
        self.assertEqual(mine["rated_count"], 4)
        self.assertAlmostEqual(mine["satisfied_pct"], 50.0)
        self.assertAlmostEqual(mine["neutral_pct"], 25.0)
        self.assertAlmostEqual(mine["dissatisfied_pct"], 25.0)
        # the dissatisfied answer opened a complaint case
        self.assertEqual(mine["complaint_count"], 1)
        other = groups[self.agent_b.id]
        self.assertEqual(other["rated_count"], 2)
        self.assertAlmostEqual(other["satisfied_pct"], 50.0)
        self.assertAlmostEqual(other["dissatisfied_pct"], 50.0)
        self.assertEqual(other["complaint_count"], 1)
        teams = {
            g["team_id"] and g["team_id"][0]: g
            for g in Report.read_group(
                self.domain(REPORT, [("source", "=", "callback")]),
                ["rated_count:sum", "satisfied_pct:avg"],
                ["team_id"],
            )
        }
        self.assertEqual(teams[self.team_centre.id]["rated_count"], 3)
        self.assertAlmostEqual(teams[self.team_centre.id]["satisfied_pct"], 200 / 3)
        self.assertAlmostEqual(teams[team_b.id]["satisfied_pct"], 100.0)
        types = Report.read_group(
            self.domain(REPORT, [("source", "=", "callback")]),
            ["rated_count:sum"],
            ["case_type_id"],
        )
        self.assertEqual(types[0]["case_type_id"][0], self.type_complaint.id)
        self.assertEqual(types[0]["rated_count"], 4)

    def test_rates_per_period(self):
        for when, choice in (
            ("2026-03-10 02:00:00", 0),
            ("2026-03-20 02:00:00", 3),
            ("2026-04-02 02:00:00", 0),
        ):
            with freeze_time(when):
                task = self.make_task(case=self.make_case())
                self.answer(task, choice=choice)
                self.make_call(digit="1")
        months = self.env[REPORT].read_group(
            self.domain(REPORT),
            ["rated_count:sum", "satisfied_pct:avg"],
            ["date:month"],
            lazy=False,
        )
        self.assertEqual(
            [(g["date:month"], g["rated_count"], g["satisfied_pct"]) for g in months],
            [("March 2026", 4, 75.0), ("April 2026", 2, 100.0)],
        )

    def test_confidential_reporters_not_named(self):
        case = self.make_case(is_confidential=True, hotline_callback_consent=True)
        self.assertFalse(case.partner_id)
        task = self.make_task(case=case, partner=self.customer)
        self.answer(task, choice=1)
        call = self.make_call(digit="1", partner=self.customers[2])
        call.hotline_confidential = True
        rows = self.rows(source="callback") | self.rows(source="ivr_rating")
        self.assertEqual(len(rows), 2)
        self.assertFalse(rows.partner_id)
        self.assertEqual(rows.filtered("ticket_id").ticket_id, case)


@tagged("post_install", "-at_install")
class TestCallbackReport(SatisfactionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pbx = cls.env["hotline.pbx"].create(
            {"name": "Callback PBX", "host": "127.0.0.1", "ami_secret": "x"}
        )
        queue = cls.env["hotline.queue"].create(
            {"name": "回访", "code": "callback-q", "pbx_id": pbx.id}
        )
        cls.campaign = cls.env["hotline.campaign"].create(
            {
                "name": "回访",
                "pbx_id": pbx.id,
                "mode": "preview",
                "queue_id": queue.id,
                "calendar_id": cls.calendar.id,
                "hotline_callback_plan_id": cls.plan.id,
            }
        )

    def contact(self, partner, result=None):
        contact = self.env["hotline.campaign.contact"].create(
            {"campaign_id": self.campaign.id, "partner_id": partner.id}
        )
        if result:
            self.env["hotline.campaign.attempt"].create(
                {
                    "contact_id": contact.id,
                    "number": partner.mobile,
                    "started_at": datetime(2026, 6, 1, 2, 0),
                    "result": result,
                    "state": "done",
                }
            )
        return contact

    def test_callback_and_reach_rates(self):
        team_b = self.env["helpdesk.ticket.team"].create({"name": "客服二组"})
        p = self.customers
        # team centre: answered (reached), answered through the link (not
        # reached by phone), busy then nothing, dissatisfied (reached, complaint)
        t1 = self.make_task(
            case=self.make_case(p[0]),
            partner=p[0],
            contact_id=self.contact(p[0], "answered").id,
        )
        self.answer(t1, choice=0)
        t2 = self.make_task(
            case=self.make_case(p[1]),
            partner=p[1],
            contact_id=self.contact(p[1], "no_answer").id,
        )
        self.answer(t2, choice=1, hotline_source="link")
        t3 = self.make_task(
            case=self.make_case(p[2]),
            partner=p[2],
            contact_id=self.contact(p[2], "busy").id,
        )
        t4 = self.make_task(case=self.make_case(p[3]), partner=p[3])
        self.answer(t4, choice=4)  # agent callback: reached, without an attempt
        # team B: one pending, one cancelled (not counted)
        t5 = self.make_task(case=self.make_case(p[4], team=team_b), partner=p[4])
        t6 = self.make_task(case=self.make_case(p[5], team=team_b), partner=p[5])
        t6.state = "cancelled"
        Report = self.env[CALLBACKS]
        self.assertEqual(
            Report.search(self.domain(CALLBACKS)).task_id, t1 | t2 | t3 | t4 | t5
        )
        row = Report.search([("task_id", "=", t4.id)])
        self.assertEqual(
            (row.done_count, row.reached_count, row.complaint_count),
            (1, 1, 1),
        )
        self.assertEqual(row.ticket_id, t4.ticket_id)
        self.assertEqual(row.handling_user_id, self.agent)
        self.assertEqual(row.user_id, self.agent)
        self.assertEqual(row.satisfaction, "dissatisfied")
        groups = {
            g["team_id"][0]: g
            for g in Report.read_group(
                self.domain(CALLBACKS),
                [
                    "sampled_count:sum",
                    "done_count:sum",
                    "reached_count:sum",
                    "complaint_count:sum",
                    "callback_rate_pct:avg",
                    "reach_rate_pct:avg",
                ],
                ["team_id"],
            )
        }
        centre = groups[self.team_centre.id]
        self.assertEqual(
            [
                centre[k]
                for k in (
                    "sampled_count",
                    "done_count",
                    "reached_count",
                    "complaint_count",
                )
            ],
            [4, 3, 2, 1],
        )
        self.assertAlmostEqual(centre["callback_rate_pct"], 75.0)
        self.assertAlmostEqual(centre["reach_rate_pct"], 50.0)
        other = groups[team_b.id]
        self.assertEqual((other["sampled_count"], other["done_count"]), (1, 0))
        self.assertAlmostEqual(other["callback_rate_pct"], 0.0)
        # no customer column: a confidential reporter's task is a number
        self.assertNotIn("partner_id", Report._fields)


@tagged("post_install", "-at_install")
class TestReportAccess(SatisfactionCommon):
    def test_supervisors_and_leaders_read(self):
        self.make_call(digit="1")
        task = self.make_task(case=self.make_case())
        self.answer(task, choice=0)
        menus = self.env.ref(
            "hotline_survey.hotline_satisfaction_report_menu"
        ) | self.env.ref("hotline_survey.hotline_callback_report_menu")
        for role in ("supervisor", "leader"):
            with self.subTest(role=role):
                user = self.role_users[role]
                for model, count in ((REPORT, 2), (CALLBACKS, 1)):
                    self.assertEqual(
                        self.env[model]
                        .with_user(user)
                        .search_count(self.domain(model)),
                        count,
                    )
                self.assertEqual(menus & self.visible_menus(user), menus)
                with self.assertRaises(AccessError):
                    self.env[REPORT].with_user(user).search([], limit=1).write(
                        {"level": "satisfied"}
                    )

    @mute_logger("odoo.models")
    def test_agents_and_handlers_refused(self):
        menus = self.env.ref(
            "hotline_survey.hotline_satisfaction_report_menu"
        ) | self.env.ref("hotline_survey.hotline_callback_report_menu")
        for role in ("agent", "handler", "finance"):
            with self.subTest(role=role):
                user = self.role_users[role]
                for model in (REPORT, CALLBACKS):
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).search([])
                self.assertFalse(menus & self.visible_menus(user))

    def test_other_company_rows_hidden(self):
        other = self.env["res.company"].create({"name": "Other gas co"})
        self.make_call(digit="1")
        self.make_call(digit="3", company_id=other.id)
        supervisor = self.role_users["supervisor"]
        rows = self.env[REPORT].with_user(supervisor).search(self.domain(REPORT))
        self.assertEqual(rows.mapped("level"), ["satisfied"])
        supervisor.write({"company_ids": [Command.link(other.id)]})
        rows = (
            self.env[REPORT]
            .with_user(supervisor)
            .with_context(allowed_company_ids=[self.env.company.id, other.id])
            .search(self.domain(REPORT))
        )
        self.assertEqual(len(rows), 2)


@tagged("post_install", "-at_install")
class TestReportExport(HttpCase, HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Call = cls.env["hotline.call"]
        for index, digit in enumerate("113"):
            call = Call.create(
                {
                    "linkedid": f"export-{index}",
                    "caller_number": "13800138000",
                    "user_id": cls.role_users["agent"].id,
                    "disposition": "answered",
                    "direction": "inbound",
                }
            )
            call._hotline_store_rating(digit)

    def _pivot_groups(self, login):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": REPORT,
                "method": "read_group",
                "args": [
                    [("user_id", "=", self.role_users["agent"].id)],
                    ["rated_count:sum", "satisfied_pct:avg"],
                    ["level"],
                ],
                "kwargs": {"lazy": False},
            },
        )

    def test_pivot_xlsx_for_supervisors_and_leaders(self):
        for login in ("hl_supervisor", "hl_leader"):
            with self.subTest(login=login):
                groups = self._pivot_groups(login)
                counts = {g["level"]: g["rated_count"] for g in groups}
                self.assertEqual(counts, {"satisfied": 2, "dissatisfied": 1})
                payload = {
                    "title": "Satisfaction statistics",
                    "model": REPORT,
                    "measure_count": 1,
                    "origin_count": 1,
                    "col_group_headers": [
                        [{"title": "Total", "width": 1, "height": 1}]
                    ],
                    "measure_headers": [{"title": "Ratings", "is_bold": False}],
                    "origin_headers": [],
                    "rows": [
                        {"indent": 0, "title": level, "values": [{"value": count}]}
                        for level, count in counts.items()
                    ],
                }
                response = self.url_open(
                    "/web/pivot/export_xlsx",
                    data={
                        "data": json.dumps(payload),
                        "csrf_token": http.Request.csrf_token(self),
                    },
                )
                self.assertEqual(response.status_code, 200)
                self.assertTrue(response.content.startswith(b"PK"), "an xlsx file")

    @mute_logger("odoo.http")
    def test_agents_read_no_statistics(self):
        with self.assertRaisesRegex(Exception, "AccessError|not allowed"):
            self._pivot_groups("hl_agent")
