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
        domain="[('id', 'in', handler_ids)]",
    )
    handler_ids = fields.Many2many(
        "res.users",
        string="Handlers of the lead team",
        compute="_compute_handler_ids",
        help="Members of the lead team who handle cases.",
    )
    note = fields.Text()

    @api.depends("team_id")
    def _compute_handler_ids(self):
        for wizard in self:
            wizard.handler_ids = wizard.team_id.user_ids.filtered(
                lambda user: user.has_group("hotline_base.group_case_handler")
            )

    @api.onchange("team_id")
    def _onchange_team_id(self):
        if self.user_id and self.user_id not in self.handler_ids:
            self.user_id = False

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
