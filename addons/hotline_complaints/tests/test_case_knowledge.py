# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import CaseCommon


@tagged("post_install", "-at_install")
class TestCaseKnowledge(CaseCommon):
    """A case suggests the knowledge articles in force matching its category,
    case type and title."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Article = cls.env["hotline.knowledge.article"]
        Tag = cls.env["hotline.knowledge.tag"]
        cls.category = cls.env["helpdesk.ticket.category"].create(
            {"name": "Meterfault"}
        )
        cls.article_meter = Article.create(
            {
                "name": "Handling a meterfault report",
                "body": "<p>Ask for the meter number, then dispatch a fitter.</p>",
                "keyword_ids": [Command.create({"name": "meterfault"})],
            }
        )
        cls.article_title = Article.create(
            {
                "name": "Gas smell: evacuate first",
                "body": "<p>Tell the caller to open windows and leave.</p>",
                "keyword_ids": [Command.set(Tag.create({"name": "gassmell"}).ids)],
            }
        )
        yesterday = fields.Date.context_today(Article) - timedelta(days=1)
        cls.article_expired = Article.create(
            {
                "name": "Old meterfault procedure",
                "body": "<p>Superseded.</p>",
                "valid_from": yesterday - timedelta(days=30),
                "valid_to": yesterday,
            }
        )
        cls.article_other = Article.create(
            {"name": "Invoice layout", "body": "<p>How to read a bill.</p>"}
        )

    @classmethod
    def new_case(cls, **values):
        values.setdefault("description", "<p>Case</p>")
        values.setdefault("team_id", cls.team_gas.id)
        return cls.env["helpdesk.ticket"].create(values)

    def test_suggested_from_category_type_and_title(self):
        case = self.new_case(
            name="gassmell near kitchen",
            category_id=self.category.id,
            case_type_id=self.type_repair.id,
        )
        suggested = case.knowledge_article_ids
        self.assertIn(self.article_meter, suggested)  # from the category
        self.assertIn(self.article_title, suggested)  # from a title word
        self.assertNotIn(self.article_other, suggested)
        # the case type's name alone finds an article about it
        type_article = self.env["hotline.knowledge.article"].create(
            {"name": f"Script for {self.type_repair.name}"}
        )
        case_by_type = self.new_case(name="zzz", case_type_id=self.type_repair.id)
        self.assertEqual(case_by_type.knowledge_article_ids, type_article)

    def test_suggestions_follow_the_case(self):
        case = self.new_case(name="nothing relevant here")
        self.assertFalse(case.knowledge_article_ids)
        case.category_id = self.category
        self.assertEqual(case.knowledge_article_ids, self.article_meter)

    def test_no_suggestion_when_nothing_matches(self):
        # "in" is too short to count (it would match "Invoice")
        case = self.new_case(name="qwertyuiop in asdfghjkl")
        self.assertFalse(case.knowledge_article_ids)
        action = case.action_hotline_search_knowledge()
        self.assertEqual(action["res_model"], "hotline.knowledge.article")
        self.assertFalse(action.get("domain"))

    def test_expired_article_not_suggested(self):
        case = self.new_case(name="meterfault again", category_id=self.category.id)
        self.assertEqual(case.knowledge_article_ids, self.article_meter)
        self.assertNotIn(self.article_expired, case.knowledge_article_ids)

    def test_handler_reads_suggestions_and_opens_the_base(self):
        expected = self.article_meter | self.article_title
        for role, team in (
            ("handler", self.team_gas),
            ("leader", self.team_gas),
            ("supervisor", self.team_centre),
            ("agent", self.team_centre),
        ):
            with self.subTest(role=role):
                case = self.new_case(
                    name="gassmell in hallway",
                    category_id=self.category.id,
                    team_id=team.id,
                )
                as_user = case.with_user(self.role_users[role])
                self.assertEqual(as_user.knowledge_article_ids, expected)
                self.assertEqual(
                    set(as_user.knowledge_article_ids.mapped("name")),
                    set(expected.mapped("name")),
                )
                action = as_user.action_hotline_search_knowledge()
                self.assertEqual(action["res_model"], "hotline.knowledge.article")
                self.assertEqual(action["domain"][0][:2], ("id", "in"))
                self.assertEqual(set(action["domain"][0][2]), set(expected.ids))
