# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import fields, models


class HotlineFax(models.Model):
    _inherit = "hotline.fax"

    case_id = fields.Many2one(
        "helpdesk.ticket", readonly=True, index="btree_not_null", check_company=True
    )

    def _hotline_fax_open_case(self):
        """A case from a fax received through Asterisk: the fax intake of the
        HTTP fax gateway (``hotline.inbound.gateway.hotline_receive_fax``), with
        the PBX's Uniqueid as message id (a replayed event opens nothing
        twice)."""
        self.ensure_one()
        if self.case_id or not self.attachment_id:
            return self.case_id
        Gateway = self.env["hotline.inbound.gateway"].sudo()
        gateway = self.box_id.case_gateway_id.sudo() or Gateway.search(
            [("channel_code", "=", "fax")], limit=1
        )
        if not gateway:
            self.message_post(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "No case was opened: there is no fax intake (Hotline > "
                    "Configuration > Inbound gateways)."
                )
            )
            return self.env["helpdesk.ticket"]
        _status, message = gateway.with_company(self.company_id).hotline_receive_fax(
            f"asterisk:{self.pbx_id.id}:{self.uniqueid or self.id}",
            self.remote_number or self.remote_station_id or "",
            self.did or "",
            self.done_at or fields.Datetime.now(),
            self.pages,
            self.attachment_id.raw,
            self.attachment_id.name,
        )
        self.case_id = message.ticket_id
        return self.case_id

    def _hotline_send_wizard_action(self, box=None, res_model=None, res_id=None):
        action = super()._hotline_send_wizard_action(
            box=box, res_model=res_model, res_id=res_id
        )
        if res_model == self._name and res_id:
            case = self.browse(res_id).case_id
            if case:  # a reply to a fax that opened a case is logged on it
                action["context"].update(
                    default_res_model="helpdesk.ticket", default_res_id=case.id
                )
        return action
