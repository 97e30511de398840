# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hmac

from odoo import api, fields, models

from .hotline_attempt_limit import QUERY_GLOBAL_KEY, QUERY_KEY_PREFIX


class HotlineCaseQueryMixin(models.AbstractModel):
    """The result query: the portal and the IVR look a case up by its number
    and query code; mixed into helpdesk.ticket."""

    _name = "hotline.case.query.mixin"
    _description = "Case result query"

    @api.model
    def hotline_query_result(self, number, code, ip=None, caller=None):
        """Result of case ``number`` for whoever holds its query ``code``.

        Returns a dict with ``status`` ok / invalid / locked (with
        ``retry_after`` seconds). Wrong answers are counted per case number,
        overall per minute (no client address resets these) and per IP address
        or calling number; past the limit each further answer waits longer
        (see ``hotline.attempt.limit``) instead of a hard lock anyone
        could put on someone else's case.
        """
        now = fields.Datetime.now()
        number = (number or "").strip().upper()
        code = (code or "").strip()
        number_key = f"{QUERY_KEY_PREFIX}number:{number}"
        keys = [number_key, QUERY_GLOBAL_KEY]
        keys += [f"{QUERY_KEY_PREFIX}ip:{ip}"] if ip else []
        keys += [f"{QUERY_KEY_PREFIX}caller:{caller}"] if caller else []
        Attempt = self.env["hotline.attempt.limit"].sudo()
        # a query already held back costs no lock (no contention under a flood)
        retry_after = Attempt.search([("key", "in", keys)])._hotline_retry_after(now)
        if retry_after:
            return {"status": "locked", "retry_after": retry_after}
        # the case number's (and address's) rows stay locked until the answer is
        # recorded: a parallel guess waits and then sees this one's failure
        rows = Attempt._hotline_lock(keys[:1] + keys[2:], now)
        everyone = Attempt.search([("key", "=", QUERY_GLOBAL_KEY)])
        retry_after = (rows | everyone)._hotline_retry_after(now)
        if retry_after:
            return {"status": "locked", "retry_after": retry_after}
        ticket = (
            self.sudo().search([("number", "=", number)], limit=1) if number else None
        )
        if (
            not ticket
            or not ticket.query_code
            or not hmac.compare_digest(ticket.query_code.encode(), code.encode())
        ):
            # the shared counter is locked only by wrong answers
            rows |= Attempt._hotline_lock([QUERY_GLOBAL_KEY], now)
            rows._hotline_record_failure(now)
            return {"status": "invalid"}
        rows.filtered(lambda row: row.key == number_key)._hotline_reset()
        state_label = dict(
            self._fields["hotline_state"]._description_selection(self.env)
        ).get(ticket.hotline_state, "")
        return {
            "status": "ok",
            "number": ticket.number,
            "title": ticket.name,
            "state": ticket.hotline_state or "",
            "state_label": state_label,
            "reply": ticket.reply_summary or "",
            "replied_at": fields.Datetime.to_string(ticket.replied_at) or "",
        }
