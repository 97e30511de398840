# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import format_amount, format_datetime


class HotlineScreenPop(models.AbstractModel):
    _inherit = "hotline.screen.pop"

    @api.model
    def _hotline_card_extra(self, partner, call):
        extra = super()._hotline_card_extra(partner, call)
        if not partner:
            return extra
        self._hotline_card_notices(partner, extra)
        arrears = partner._hotline_arrears_info()
        extra["arrears"] = arrears
        currency = partner.sudo().hotline_arrears_currency_id
        lines = [
            self.env._(
                "Amount due: %s",
                format_amount(self.env, arrears["amount_due"], currency),
            ),
            self.env._(
                "Overdue: %s",
                format_amount(self.env, arrears["amount_overdue"], currency),
            ),
        ]
        last_payment = partner.sudo().hotline_last_payment_date
        if last_payment:
            lines.append(self.env._("Last payment: %s", last_payment.isoformat()))
        title = (
            self.env._("Arrears (overdue)")
            if arrears["overdue"]
            else self.env._("Account")
        )
        extra.setdefault("sections", []).append({"title": title, "lines": lines})
        return extra

    @api.model
    def _hotline_card_notices(self, partner, extra):
        """The outage notices current for the caller's areas (one query):
        public information, nothing of the call or another customer."""
        Notice = self.env["hotline.outage.notice"]
        if not Notice.has_access("read"):
            return
        rows = Notice._hotline_current_rows(partner, self.env.companies)
        if not rows:
            return
        types = dict(Notice._fields["notice_type"]._description_selection(self.env))
        lines = []
        for _id, name, notice_type, _start, end in rows:
            line = f"{types.get(notice_type, '')}: {name}"
            if end:
                line = self.env._(
                    "%(notice)s (until %(end)s)",
                    notice=line,
                    end=format_datetime(self.env, end, dt_format="short"),
                )
            lines.append(line)
        extra.setdefault("sections", []).append(
            {"title": self.env._("Outage notices"), "lines": lines}
        )
