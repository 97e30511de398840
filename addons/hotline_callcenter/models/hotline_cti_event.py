# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

CTI_EVENT_KINDS = [
    ("emergency", "Emergency call"),
    ("conference_add", "Third party added"),
    ("conference_leave", "Agent left the conference"),
    ("force_login", "Forced login"),
]


class HotlineCtiEvent(models.Model):
    """A CTI control pressed on an agent's behalf or by the agent: the
    emergency call to the on-duty supervisor, a three-way call (third party
    added, agent dropped out), a supervisor's forced login. The log an agent's
    call and session keep of them."""

    _name = "hotline.cti.event"
    _description = "Hotline CTI Event"
    _inherit = ["hotline.company.guard"]
    _order = "at desc, id desc"
    _check_company_auto = True
    _rec_name = "kind"

    kind = fields.Selection(CTI_EVENT_KINDS, required=True, index=True)
    at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one(
        "res.users",
        string="By",
        required=True,
        ondelete="cascade",
        help="Who pressed the button.",
    )
    agent_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        ondelete="cascade",
        help="The agent whose call or session it concerns.",
    )
    target_user_id = fields.Many2one(
        "res.users",
        string="Called user",
        ondelete="set null",
        help="The supervisor called (emergency) or the agent added (three-way).",
    )
    target = fields.Char(help="Extension or number called.")
    room = fields.Char(help="ConfBridge room.")
    call_id = fields.Many2one(
        "hotline.call",
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.model
    def _hotline_log(self, kind, agent, call=None, **vals):
        return self.sudo().create(
            {
                "kind": kind,
                "user_id": self.env.user.id,
                "agent_id": agent.id,
                "call_id": call.id if call else False,
                "company_id": (call.company_id if call else agent.company_id).id,
                **vals,
            }
        )
