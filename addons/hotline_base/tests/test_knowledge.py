# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import HotlineCommon


@tagged("post_install", "-at_install")
class TestKnowledge(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tag = cls.env["hotline.knowledge.tag"]
        leak, bill = (
            Tag.search([("name", "=", name)]) or Tag.create({"name": name})
            for name in ("漏气", "账单")
        )
        Article = cls.env["hotline.knowledge.article"]
        Article.search([]).action_archive()  # demo articles stay out of the way
        cls.leak = Article.create(
            {
                "name": "燃气泄漏应急处置",
                "category": "gas_knowledge",
                "body": "<p>闻到<b>燃气味</b>：关闭阀门，开窗通风，勿开关电器。</p>",
                "keyword_ids": [(6, 0, leak.ids)],
                "valid_from": date(2026, 1, 1),
            }
        )
        cls.price = Article.create(
            {
                "name": "2026年居民阶梯气价调整公告",
                "category": "policy",
                "body": "<p>自2026年1月1日起执行新的阶梯气价，账单按新价格计算。</p>",
                "keyword_ids": [(6, 0, bill.ids)],
                "valid_from": date(2026, 1, 1),
                "valid_to": date(2026, 12, 31),
            }
        )
        cls.old_price = Article.create(
            {
                "name": "2025年阶梯气价",
                "category": "policy",
                "body": "<p>2025年执行的气价，账单说明。</p>",
                "valid_from": date(2025, 1, 1),
                "valid_to": date(2025, 12, 31),
            }
        )

    @freeze_time("2026-06-01")
    def test_full_text_search(self):
        Article = self.env["hotline.knowledge.article"].with_user(
            self.role_users["agent"]
        )
        found = Article.search(Article.hotline_search_domain("阀门 通风"))
        self.assertEqual(found, self.leak)
        self.assertEqual(
            Article.search(Article.hotline_search_domain("漏气")), self.leak
        )
        self.assertEqual(
            Article.search(Article.hotline_search_domain("阶梯气价")),
            self.price | self.old_price,
        )
        self.assertFalse(Article.search(Article.hotline_search_domain("水费")))
        self.assertTrue(self.price.is_valid)
        self.assertFalse(self.old_price.is_valid)
        self.assertEqual(
            Article.search([("is_valid", "=", False)]) & self.old_price, self.old_price
        )

    @freeze_time("2026-06-01")
    def test_suggest_for_a_case_category(self):
        Article = self.env["hotline.knowledge.article"].with_user(
            self.role_users["handler"]
        )
        self.assertEqual(Article.hotline_suggest("账单, 气价"), self.price)
        self.assertEqual(Article.hotline_suggest(["漏气"]), self.leak)
        self.assertEqual(
            Article.hotline_suggest(["账单", "燃气味"])[:2], self.price | self.leak
        )
        self.assertFalse(Article.hotline_suggest(""))
        self.assertFalse(Article.hotline_suggest(["水费"]))

    def test_who_writes(self):
        for role in ("agent", "handler", "leader", "finance"):
            Article = self.env["hotline.knowledge.article"].with_user(
                self.role_users[role]
            )
            self.assertTrue(Article.search([("id", "=", self.leak.id)]), role)
            with self.assertRaises(AccessError, msg=role):
                Article.create({"name": "x"})
            with self.assertRaises(AccessError, msg=role):
                self.leak.with_user(self.role_users[role]).write({"name": "x"})
        supervisor = self.role_users["supervisor"]
        article = (
            self.env["hotline.knowledge.article"]
            .with_user(supervisor)
            .create({"name": "排班培训", "category": "training"})
        )
        with self.assertRaises(AccessError):
            article.unlink()
        article.with_user(self.role_users["hotline_admin"]).unlink()
