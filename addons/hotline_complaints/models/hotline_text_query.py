# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

from odoo.addons.hotline_base.tools import phone

from ..tools import text_query

# result query status -> outcome of the self-service statistics
CASE_QUERY_OUTCOMES = {"ok": "served", "invalid": "not_found", "locked": "locked"}
REPLY_MAX = 300


class HotlineTextQuery(models.AbstractModel):
    """Case status by case number + query code, and the help, by SMS or
    e-mail: the same ``helpdesk.ticket.hotline_query_result`` as the portal
    and the IVR (its wrong answers counted per case number, overall and per
    sending number or address), and the same facts as the portal."""

    _inherit = "hotline.text.query"

    @api.model
    def _hotline_text_commands(self):
        commands = super()._hotline_text_commands()
        commands[text_query.CASE_STATUS] = (
            "_hotline_text_case_status",
            self.env._("CX <case number> <query code>: the status of a case"),
        )
        commands[text_query.HELP] = (
            "_hotline_text_help",
            self.env._("BZ or ?: this list"),
        )
        return commands

    @api.model
    def _hotline_text_help(self, query):
        self._hotline_text_count(query, "help", "served")
        return "\n".join(
            [self.env._("Commands you can send:")] + self._hotline_text_help_lines()
        )

    @api.model
    def _hotline_text_querier(self, query):
        """The subject of the per-sender wrong-answer counter."""
        if query["channel"] == "email":
            return f"mail:{(query['sender'] or '').lower()}"
        country = self.env["res.partner"]._hotline_phone_country()
        return phone.lookup_key(query["sender"], country) or query["sender"]

    @api.model
    def _hotline_text_case_status(self, query):
        if not query["complete"]:
            self._hotline_text_count(query, "case_query", "invalid")
            return self.env._(
                "To query a case, send: CX <case number> <query code> "
                "(e.g. CX HT00012 123456)."
            )
        number, code = query["args"]
        if number.isdigit():
            # typed as on the phone: 12 for HT00012
            number = self.env["hotline.ivr.flow"]._hotline_ivr_case_number(number, code)
        result = (
            self.env["helpdesk.ticket"]
            .sudo()
            .hotline_query_result(
                number, code, caller=self._hotline_text_querier(query) or "anonymous"
            )
        )
        # never the case number in the statistics: a confidential case's
        # querier would be linked to it
        self._hotline_text_count(
            query, "case_query", CASE_QUERY_OUTCOMES[result["status"]]
        )
        if result["status"] == "locked":
            minutes = -(-result["retry_after"] // 60)
            return self.env._(
                "Too many wrong codes. Try again in %s minute(s).", minutes
            )
        if result["status"] != "ok":
            return self.env._("The case number or the query code is wrong.")
        answer = self.env._(
            "Case %(number)s: %(state)s.",
            number=result["number"],
            state=result["state_label"],
        )
        reply = " ".join(result["reply"].split())
        if reply:
            if len(reply) > REPLY_MAX:
                reply = reply[:REPLY_MAX] + "…"
            answer += " " + self.env._("Reply: %s", reply)
        return answer
