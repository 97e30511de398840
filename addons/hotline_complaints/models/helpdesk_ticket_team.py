# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# Record rules on cases, work orders and case events read the user's teams
# (``user.helpdesk_team_ids``); ir.rule caches their evaluated domains per user.
MEMBERSHIP_FIELDS = {"user_ids", "active", "company_id"}


class HelpdeskTicketTeam(models.Model):
    """A unit (承办单位): its members (handlers, leaders) see and work its cases."""

    _inherit = "helpdesk.ticket.team"
    _check_company_auto = True

    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        default=lambda self: self.env.company.resource_calendar_id,
        help="Working days and public holidays for the team's deadlines.",
        check_company=True,
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

    @api.model_create_multi
    def create(self, vals_list):
        teams = super().create(vals_list)
        if any(vals.get("user_ids") for vals in vals_list):
            teams._hotline_membership_changed()
        return teams

    def write(self, vals):
        res = super().write(vals)
        if MEMBERSHIP_FIELDS & vals.keys():
            self._hotline_membership_changed()
        return res

    def unlink(self):
        had_members = any(self.mapped("user_ids"))
        res = super().unlink()
        if had_members:
            self._hotline_membership_changed()
        return res

    def _hotline_membership_changed(self):
        """Membership takes effect at once: ir.rule caches each user's evaluated
        domains (``_compute_domain`` is an ormcache), which hold the ids of
        their teams; clearing the registry cache drops them here and, through
        the cache signal, in every other worker (as res.groups does when its
        users change)."""
        self.env.registry.clear_cache()
