# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

# The identity groups whose members a company can oblige to use two-factor
# authentication (issue 20: Supervisor, Leader, Finance, Hotline admin,
# Reporter identity).
TOTP_GROUPS = (
    "hotline_base.group_supervisor",
    "hotline_base.group_leader",
    "hotline_base.group_finance",
    "hotline_base.group_admin",
    "hotline_complaints.group_reporter_identity",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    hotline_totp_group_ids = fields.Many2many(
        "res.groups",
        "hotline_security_company_totp_group_rel",
        "company_id",
        "group_id",
        string="Require two-factor authentication for",
        domain=lambda self: [("id", "in", self._hotline_totp_group_choices().ids)],
        help="Members of these groups cannot use Odoo before they set up "
        "two-factor authentication (an authenticator app): they are asked to do "
        "it right after their password.",
    )

    @api.model
    def _hotline_totp_group_choices(self):
        return self.env["res.groups"].browse(
            [self.env.ref(xmlid).id for xmlid in TOTP_GROUPS]
        )
