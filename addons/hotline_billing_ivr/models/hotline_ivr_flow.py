# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

CUSTOMER_NUMBER_VARIABLE = "customer_number"


class HotlineIvrFlow(models.Model):
    _inherit = "hotline.ivr.flow"

    @api.model
    def _hotline_notice_partners(self, request):
        """Whose areas count for the caller: the customer who logged in during
        the call, else the customer number typed, else the customers of the
        calling number (all of them when the number is shared)."""
        Transaction = self.env["hotline.selfservice.transaction"]
        partner = Transaction._hotline_authenticated_partner(request)
        if partner:
            return partner
        Partner = self.env["res.partner"].sudo()
        number = ((request or {}).get("variables") or {}).get(CUSTOMER_NUMBER_VARIABLE)
        if number:
            partner = Partner.search(
                [("hotline_customer_number", "=", number)], limit=1
            )
            if partner:
                return partner
        caller = (request or {}).get("caller")
        return Partner.hotline_identify_caller(caller) if caller else Partner

    @api.model
    def _hotline_ivr_notices(self, request):
        """Outage notices current for the caller's areas that have a recording
        in the caller's language (the others are skipped)."""
        found = super()._hotline_ivr_notices(request)
        partners = self._hotline_notice_partners(request)
        if not partners:
            return found
        flow = self.browse((request or {}).get("flow_id") or []).exists()
        companies = flow.company_id or self.env.company
        notices = (
            self.env["hotline.outage.notice"]
            .sudo()
            ._hotline_current_for(partners, companies)
        )
        language = (request or {}).get("language")
        play, heard = [], []
        for notice in notices:
            prompt = notice.prompt_id
            sound = prompt._hotline_sounds().get(language) if prompt.active else None
            if sound:
                play.append({"prompt": sound})
                heard.append(notice.id)
        if not play:
            return found
        return {
            "play": list(found.get("play") or []) + play,
            "reference": {"partner_id": partners[:1].id, "notice_ids": heard},
        }

    @api.model
    def _hotline_ivr_notices_heard(self, request, outcome, reference, seconds):
        """One ``notices`` self-service transaction per call that heard one:
        ``served``, turned into ``hung_up`` when the caller hung up during the
        notices or right after them (deflection)."""
        res = super()._hotline_ivr_notices_heard(request, outcome, reference, seconds)
        reference = reference or {}
        if "notice_ids" not in reference:
            return res  # another add-on's notices
        Transaction = self.env["hotline.selfservice.transaction"].sudo()
        linkedid = (request or {}).get("linkedid")
        done = linkedid and Transaction.search(
            [("linkedid", "=", linkedid), ("service", "=", "notices")], limit=1
        )
        if done:
            done.write({"outcome": outcome, "duration": seconds})
            return res
        notices = (
            self.env["hotline.outage.notice"].sudo().browse(reference["notice_ids"])
        )
        partner = self.env["res.partner"].browse(reference.get("partner_id") or [])
        Transaction._hotline_log(
            request,
            "notices",
            outcome,
            partner.exists(),
            duration=seconds,
            detail=", ".join(notices.exists().mapped("name"))[:200],
        )
        return res
