# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineCaseDispatchWizard(models.TransientModel):
    """Dispatch (分发) cases to a lead team and co-handling teams."""

    _name = "hotline.case.dispatch.wizard"
    _description = "Dispatch Cases"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Cases", required=True)
    team_id = fields.Many2one("helpdesk.ticket.team", string="Lead team", required=True)
    team_ids = fields.Many2many("helpdesk.ticket.team", string="Co-handling teams")
    user_id = fields.Many2one(
        "res.users",
        string="Handler",
        domain="[('id', 'in', team_user_ids)]",
    )
    team_user_ids = fields.Many2many(related="team_id.user_ids")
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "helpdesk.ticket" and ids:
            tickets = self.env["helpdesk.ticket"].browse(ids)
            defaults["ticket_ids"] = [fields.Command.set(tickets.ids)]
            team = tickets[:1].case_type_id.team_id or tickets[:1].team_id
            if team and "team_id" in fields_list:
                defaults["team_id"] = team.id
        return defaults

    def action_dispatch(self):
        self.ensure_one()
        self.ticket_ids.hotline_dispatch(
            self.team_id, teams=self.team_ids, user=self.user_id, note=self.note or ""
        )
        return {"type": "ir.actions.act_window_close"}
