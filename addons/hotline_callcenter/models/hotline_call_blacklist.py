# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import AccessError, UserError

AGENT = "hotline_base.group_agent"


class HotlineCall(models.Model):
    _inherit = "hotline.call"

    def action_hotline_propose_block(self):
        """A blacklist proposal form for the caller's number (exact match).

        Agents only propose; supervisors get the same proposal and approve it on
        the form (the entry keeps the proposal history in its chatter)."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(AGENT):
            raise AccessError(
                self.env._("Only agents and supervisors may propose a block.")
            )
        if not self.caller_number:
            raise UserError(
                self.env._("This call has no caller number to propose a block for.")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Propose block"),
            "res_model": "hotline.blacklist",
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "current",
            "context": {
                "default_number": self.caller_number,
                "default_match_type": "exact",
                "default_state": "proposed",
                "default_call_id": self.id,
            },
        }
