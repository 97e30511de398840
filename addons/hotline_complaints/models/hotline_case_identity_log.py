# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCaseIdentityLog(models.Model):
    """Who read a confidential reporter's identity, and when."""

    _name = "hotline.case.identity.log"
    _description = "Reporter Identity Access Log"
    _order = "date desc, id desc"

    reporter_id = fields.Many2one(
        "hotline.case.reporter", required=True, ondelete="cascade", index=True
    )
    ticket_id = fields.Many2one("helpdesk.ticket", string="Case", index=True)
    user_id = fields.Many2one("res.users", string="Read by", required=True)
    is_sudo = fields.Boolean(
        string="By server code (sudo)",
        help="Read by server code acting for this user with superuser rights "
        "(e.g. to send a reply), not shown to the user as such.",
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
