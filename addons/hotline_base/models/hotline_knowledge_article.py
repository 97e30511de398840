# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import html2plaintext

CATEGORIES = [
    ("policy", "Policies and announcements"),
    ("gas_knowledge", "Gas-usage knowledge"),
    ("internal_notice", "Internal notices"),
    ("service_support", "Service support"),
    ("technical_answer", "Technical answers"),
    ("training", "Training"),
]


class HotlineKnowledgeTag(models.Model):
    _name = "hotline.knowledge.tag"
    _description = "Knowledge keyword"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()

    _sql_constraints = [("name_uniq", "unique(name)", "This keyword already exists.")]


class HotlineKnowledgeArticle(models.Model):
    """Knowledge base article (政策管理): policies, gas safety, scripts, training."""

    _name = "hotline.knowledge.article"
    _description = "Knowledge article"
    _inherit = ["mail.thread", "mail.activity.mixin", "hotline.company.guard"]
    _order = "sequence, valid_from desc, id desc"

    name = fields.Char(string="Title", required=True, tracking=True)
    sequence = fields.Integer(default=10)
    category = fields.Selection(
        CATEGORIES, required=True, default="service_support", tracking=True
    )
    body = fields.Html(sanitize_style=True)
    keyword_ids = fields.Many2many("hotline.knowledge.tag", string="Keywords")
    valid_from = fields.Date(default=fields.Date.context_today, tracking=True)
    valid_to = fields.Date(tracking=True)
    is_valid = fields.Boolean(
        string="In force", compute="_compute_is_valid", search="_search_is_valid"
    )
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    search_text = fields.Text(
        compute="_compute_search_text",
        store=True,
        help="Title, text and keywords in one column, for the full-text search.",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)

    _sql_constraints = [
        (
            "valid_dates",
            "CHECK(valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)",
            "An article cannot stop being valid before it starts.",
        ),
    ]

    @api.depends("name", "body", "keyword_ids.name")
    def _compute_search_text(self):
        for article in self:
            parts = [article.name or "", html2plaintext(article.body or "")]
            parts += article.keyword_ids.mapped("name")
            article.search_text = "\n".join(parts).lower()

    @api.depends("valid_from", "valid_to")
    def _compute_is_valid(self):
        today = fields.Date.context_today(self)
        for article in self:
            article.is_valid = (
                not article.valid_from or article.valid_from <= today
            ) and (not article.valid_to or article.valid_to >= today)

    def _search_is_valid(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError()
        today = fields.Date.context_today(self)
        domain = [
            "&",
            "|",
            ("valid_from", "=", False),
            ("valid_from", "<=", today),
            "|",
            ("valid_to", "=", False),
            ("valid_to", ">=", today),
        ]
        positive = (operator == "=") == value
        return domain if positive else ["!", *domain]

    @api.model
    def _hotline_tokens(self, keywords):
        if isinstance(keywords, str):
            keywords = re.split(r"[\s,，;；、]+", keywords)
        return [k.strip().lower() for k in keywords or [] if k and k.strip()]

    @api.model
    def hotline_search_domain(self, text):
        """Domain finding articles holding every word of ``text``."""
        tokens = self._hotline_tokens(text)
        if not tokens:
            return []
        return expression.AND([[("search_text", "ilike", t)] for t in tokens])

    @api.model
    def hotline_suggest(self, keywords, limit=5):
        """Articles in force matching any of ``keywords`` (a case category's name
        and keywords, words of a complaint), best first: the more keywords matched,
        and keyword tags before text matches, the higher.

        :param keywords: string (split on spaces and commas) or list of strings
        :return: ``hotline.knowledge.article`` recordset, at most ``limit``
        """
        tokens = self._hotline_tokens(keywords)
        if not tokens:
            return self.browse()
        candidates = self.search(
            expression.AND(
                [
                    [("is_valid", "=", True)],
                    expression.OR([[("search_text", "ilike", t)] for t in tokens]),
                ]
            )
        )

        def score(article):
            tags = {n.lower() for n in article.keyword_ids.mapped("name")}
            title = (article.name or "").lower()
            return (
                sum(t in article.search_text for t in tokens)
                + sum(t in tags for t in tokens)
                + sum(t in title for t in tokens) * 0.5
            )

        ranked = candidates.sorted(lambda a: (-score(a), a.sequence, -a.id))
        return ranked[:limit]
