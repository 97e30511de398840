# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineCall(models.Model):
    _inherit = "hotline.call"

    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "helpdesk_ticket_hotline_call_rel",
        "call_id",
        "ticket_id",
        string="Cases",
    )
    hotline_confidential = fields.Boolean(
        string="Confidential reporter's call",
        readonly=True,
        copy=False,
        index=True,
        help="The call of a confidential reporter: only the 'Reporter identity' "
        "group sees it (and its recordings).",
    )

    def _hotline_case_values(self):
        """Values of a case started from this call (phone intake)."""
        self.ensure_one()
        channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_phone")
        partner = self.partner_id or self.env["res.partner"].browse(
            self.env.context.get("default_partner_id")
        )
        return {
            "call_ids": [fields.Command.set(self.ids)],
            "caller_number": self.caller_number,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "channel_id": channel.id,
            "owner_id": self.user_id.id or self.env.uid,
        }

    def action_hotline_create_case(self):
        """Open a new case form prefilled from the call."""
        self.ensure_one()
        context = {
            f"default_{key}": value
            for key, value in self._hotline_case_values().items()
            if key != "call_ids"
        }
        context["default_call_ids"] = self.ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New case"),
            "res_model": "helpdesk.ticket",
            "view_mode": "form",
            "target": "current",
            "context": context,
        }
