# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..pbx import cti_actions


class HotlineQueueMember(models.Model):
    """An agent in a queue, with a penalty; joins Asterisk's queue when logged in."""

    _name = "hotline.queue.member"
    _description = "Queue Member"
    _inherit = ["hotline.company.guard"]
    _order = "queue_id, penalty, id"

    queue_id = fields.Many2one(
        "hotline.queue", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one("res.users", string="Agent", required=True, index=True)
    skill_group_id = fields.Many2one(
        "hotline.skill.group",
        ondelete="set null",
        help="Where the member came from.",
        check_company=True,
    )
    penalty = fields.Integer(
        default=0, help="Asterisk rings members with the lowest penalty first."
    )
    company_id = fields.Many2one(related="queue_id.company_id", store=True)

    _sql_constraints = [
        (
            "queue_user_uniq",
            "UNIQUE(queue_id, user_id)",
            "An agent is a member of a queue once.",
        ),
        ("penalty_positive", "CHECK(penalty >= 0)", "A penalty cannot be negative."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        self.env["hotline.wallboard"]._hotline_touch(members.sudo().company_id)
        return members

    def write(self, vals):
        before = self.sudo().company_id
        res = super().write(vals)
        if {"queue_id", "user_id"}.intersection(vals):
            self.env["hotline.wallboard"]._hotline_touch(
                before | self.sudo().company_id
            )
        return res

    def unlink(self):
        companies = self.sudo().company_id
        res = super().unlink()
        self.env["hotline.wallboard"]._hotline_touch(companies)
        return res

    @api.depends("queue_id", "user_id")
    def _compute_display_name(self):
        for member in self:
            member.display_name = f"{member.queue_id.name} / {member.user_id.name}"

    def _hotline_interface(self):
        """The agent's phone as Asterisk names it (the PBX's channel template)."""
        self.ensure_one()
        ext = self.user_id.hotline_extension
        if not ext:
            return ""
        pbx = self.queue_id.pbx_id or self.env["hotline.pbx"].search(
            [("company_id", "=", self.queue_id.company_id.id)], limit=1
        )
        template = pbx.agent_channel_template
        return (template or "PJSIP/{extension}").format(extension=ext)

    @api.model
    def hotline_member_actions(self, user, event, reason=""):
        """AMI actions (name, fields) for an agent's login, logout, pause or unpause.

        ``hotline.pbx`` sends them in one AMI session: ``QueueAdd`` on login,
        ``QueueRemove`` on logout, ``QueuePause`` with ``Paused: true/false``
        on pause/unpause, one per queue the agent belongs to
        (:func:`..pbx.cti_actions.queue_actions`).
        """
        if event not in cti_actions.QUEUE_EVENTS:
            raise ValueError(event)
        actions = []
        for member in self.sudo().search([("user_id", "=", user.id)]):
            interface = member._hotline_interface()
            if interface:
                actions += cti_actions.queue_actions(
                    interface,
                    [(member.queue_id.code, member.penalty)],
                    event,
                    member_name=user.name,
                    reason=reason,
                )
        return actions
