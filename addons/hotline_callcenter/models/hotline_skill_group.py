# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineSkillGroup(models.Model):
    """Agents who share a skill (billing, repairs, English...): queues draw members."""

    _name = "hotline.skill.group"
    _description = "Skill Group"
    _inherit = ["hotline.company.guard"]
    _order = "name"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    user_ids = fields.Many2many(
        "res.users",
        "hotline_skill_group_user_rel",
        "group_id",
        "user_id",
        string="Agents",
        domain=[("share", "=", False)],
    )
    penalty = fields.Integer(
        default=0,
        help="Penalty of this group's agents in the queues using it: Asterisk rings "
        "members with a lower penalty first.",
    )
    active = fields.Boolean(default=True)
