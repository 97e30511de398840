# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

OPEN_CASES_LIMIT = 5


class HotlineScreenPop(models.AbstractModel):
    _inherit = "hotline.screen.pop"

    @api.model
    def _hotline_card_extra(self, partner, call):
        """Add the caller's open cases and a "Start case" action to the card.

        Confidential cases keep no customer or number, so they never show here.
        """
        extra = super()._hotline_card_extra(partner, call)
        Ticket = self.env["helpdesk.ticket"]
        if not Ticket.has_access("read"):
            return extra
        number = call.caller_number if call.direction != "outbound" else False
        domain = [("hotline_state", "not in", ("closed", "cancelled"))]
        if partner:
            domain.append(("partner_id", "=", partner.id))
        elif number:
            domain.append(("caller_number", "=", number))
        else:
            domain = None
        cases = (
            Ticket.search(domain, limit=OPEN_CASES_LIMIT) if domain else Ticket.browse()
        )
        states = dict(Ticket._fields["hotline_state"]._description_selection(self.env))
        extra.setdefault("sections", []).append(
            {
                "title": self.env._("Open cases"),
                "lines": [
                    f"{case.number} · {case.name} · "
                    f"{states.get(case.hotline_state, '')}"
                    for case in cases
                ]
                or [self.env._("None")],
            }
        )
        # run on the server when clicked (hotline.call.action_hotline_create_case
        # returns a complete act_window): the form opens with what the call
        # knows then
        extra.setdefault("actions", []).append(
            {
                "label": self.env._("Start case"),
                "name": "start_case",
                "model": "hotline.call",
                "method": "action_hotline_create_case",
                "res_id": call.id,
                "context": {"default_partner_id": partner.id} if partner else {},
            }
        )
        started = call.sudo().ticket_ids[:1]
        if started:
            extra["case_id"] = started.id
        return extra

    @api.model
    def _hotline_card_restorable(self, call):
        """A confidential reporter's call is not shown again after a reload
        outside the Reporter identity group (its number is hidden there)."""
        return super()._hotline_card_restorable(call) and (
            not call.hotline_confidential
            or self.env.user.has_group("hotline_complaints.group_reporter_identity")
        )
