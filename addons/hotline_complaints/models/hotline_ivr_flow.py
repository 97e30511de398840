# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hmac

from odoo import api, models

# workflow steps the caller hears, four groups with a prompt each
CASE_QUERY_GROUPS = {
    "new": "received",
    "accepted": "received",
    "dispatched": "in_progress",
    "in_progress": "in_progress",
    "instruction": "in_progress",
    "replied": "replied",
    "callback": "replied",
    "closed": "closed",
    "cancelled": "closed",
}
CASE_NUMBER_VARIABLE = "case_number"
QUERY_CODE_VARIABLE = "query_code"


class HotlineIvrFlow(models.Model):
    _inherit = "hotline.ivr.flow"

    @api.model
    def _hotline_ivr_services(self):
        services = super()._hotline_ivr_services()
        services["case_query"] = (
            self.env._("Case result query"),
            "_hotline_ivr_case_query",
        )
        return services

    @api.model
    def _hotline_ivr_service_outcomes(self):
        outcomes = super()._hotline_ivr_service_outcomes()
        outcomes["case_query"] = [
            ("found_received", self.env._("Received, awaiting handling")),
            ("found_in_progress", self.env._("Being handled")),
            ("found_replied", self.env._("Replied")),
            ("found_closed", self.env._("Closed")),
            ("not_found", self.env._("Wrong case number or query code")),
            ("locked", self.env._("Too many wrong codes: locked")),
        ]
        return outcomes

    @api.model
    def _hotline_ivr_case_number(self, digits, code=""):
        """The case number a caller typed as digits (``12`` or ``00012`` for
        HT00012), or the digits themselves when no case has this number.

        The numbers the ticket sequences give these digits are looked up first
        (an index search); when there is none, numbers of other prefixes (an
        earlier year's, a changed sequence) ending with the digits, a slower
        search that wrong numbers pay (and the rate limit bounds). Among
        several, the case whose query code was typed wins; the code itself is
        checked, and wrong codes counted, by
        ``helpdesk.ticket.hotline_query_result``.
        """
        digits = "".join(c for c in digits or "" if c.isdigit())
        if not digits:
            return ""
        wanted = digits.lstrip("0")
        Ticket = self.env["helpdesk.ticket"].sudo().with_context(active_test=False)
        numbers = []
        for sequence in (
            self.env["ir.sequence"]
            .sudo()
            .search([("code", "=", "helpdesk.ticket.sequence")])
        ):
            prefix, suffix = sequence._get_prefix_suffix()
            numbers.append(f"{prefix}{int(wanted or 0):0{sequence.padding}d}{suffix}")
        fields_ = ["number", "query_code"]

        def code_matches(ticket):
            return bool(
                code
                and ticket.query_code
                and hmac.compare_digest(ticket.query_code.encode(), code.encode())
            )

        tickets = Ticket.search_fetch([("number", "in", numbers)], fields_)
        match = tickets.filtered(code_matches)[:1]
        if not tickets and len(digits) >= 3:
            others = Ticket.search_fetch(
                [("number", "=like", f"%{digits}"), ("id", "not in", tickets.ids)],
                fields_,
                limit=50,
            ).filtered(
                lambda t: (
                    "".join(c for c in t.number if c.isdigit()).lstrip("0") == wanted
                )
            )
            match = others.filtered(code_matches)[:1]
            tickets |= others
        return (match or tickets[:1]).number or digits

    @api.model
    def _hotline_ivr_case_query(self, request):
        """Result query by phone (IVR): case number and query code typed by the
        caller; wrong codes are counted per case number and calling number."""
        variables = request.get("variables") or {}
        code = variables.get(QUERY_CODE_VARIABLE) or ""
        number = self._hotline_ivr_case_number(
            variables.get(CASE_NUMBER_VARIABLE), code
        )
        result = self.env["helpdesk.ticket"].hotline_query_result(
            number, code, caller=request.get("caller") or "anonymous"
        )
        if result["status"] == "locked":
            return {"outcome": "locked"}
        if result["status"] != "ok":
            return {"outcome": "not_found"}
        group = CASE_QUERY_GROUPS.get(result["state"], "received")
        play = []
        intro = self._hotline_prompt_sounds("case_query_result")
        if intro:
            # "the case number ..." then the number's digits
            play = [{"prompt": intro}, {"digits": result["number"]}]
        return {
            "outcome": f"found_{group}",
            "variables": {"case_state": result["state"]},
            "play": play,
        }
