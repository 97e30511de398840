# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working days and public holidays for the team's deadlines.",
    )
    hotline_supervisor_id = fields.Many2one(
        "res.users",
        string="Supervisor",
        help="Receives overdue cases of the team (督办); the team leader otherwise.",
    )
    hotline_leader_id = fields.Many2one(
        "res.users",
        string="Leader",
        help="Receives cases still overdue after the supervisor.",
    )
