# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.exceptions import UserError


class HotlineFaxSendWizard(models.TransientModel):
    _inherit = "hotline.fax.send.wizard"

    def action_send(self):
        """Nothing is sent from a confidential report: a fax number typed on
        it may be the reporter's, and the fax would carry the case."""
        for wizard in self:
            if wizard.res_model == "helpdesk.ticket" and wizard.res_id:
                case = self.env["helpdesk.ticket"].sudo().browse(wizard.res_id)
                if case.exists() and case.is_confidential:
                    raise UserError(
                        self.env._(
                            "Case %s is a confidential report: it cannot be sent "
                            "by fax.",
                            case.number,
                        )
                    )
        return super().action_send()
