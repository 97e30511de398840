# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# Title words shorter than this ("in", "of", stray letters) match nearly every
# article as substrings; category and case type names are kept whole.
MIN_TITLE_WORD_LENGTH = 3


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    knowledge_article_ids = fields.Many2many(
        "hotline.knowledge.article",
        string="Suggested articles",
        compute="_compute_knowledge_article_ids",
        help="Articles in force matching the case's category, type and title.",
    )

    def _hotline_knowledge_keywords(self):
        """Keywords of this case: category and case type names, title words."""
        self.ensure_one()
        Article = self.env["hotline.knowledge.article"]
        keywords = [self.category_id.name, self.case_type_id.name]
        keywords += [
            word
            for word in Article._hotline_tokens(self.name or "")
            if len(word) >= MIN_TITLE_WORD_LENGTH
        ]
        keywords = [k.strip() for k in keywords if k and k.strip()]
        return list(dict.fromkeys(keywords))

    @api.depends("name", "category_id.name", "case_type_id.name")
    def _compute_knowledge_article_ids(self):
        Article = self.env["hotline.knowledge.article"]
        for ticket in self:
            keywords = ticket._hotline_knowledge_keywords()
            ticket.knowledge_article_ids = (
                Article.hotline_suggest(keywords) if keywords else Article
            )

    def action_hotline_search_knowledge(self):
        """The knowledge base list limited to this case's suggestions (the whole
        base, in force, when nothing matches)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hotline_base.hotline_knowledge_article_action"
        )
        action["context"] = {"search_default_in_force": 1}
        articles = self.knowledge_article_ids
        if articles:
            action["domain"] = [("id", "in", articles.ids)]
            action["name"] = self.env._("Knowledge for %s", self.display_name)
        return action
