# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models
from odoo.tools import SQL

from odoo.addons.hotline_base.tools import phone

from .hotline_ivr_flow import CUSTOMER_PARTNERS_SQL

ARREARS = "arrears"
LAST_BILL = "last_bill"


class HotlineTextQuery(models.AbstractModel):
    """Arrears and last bill by SMS (短信查询欠费/账单) for the customer whose
    registered mobile sends it, with the figures of the phone self-service
    (``hotline.ivr.flow._hotline_selfservice_*``) written as plain figures;
    every query of the service, the case-status queries of
    hotline_complaints too, is one self-service transaction (channel SMS or
    e-mail) in the statistics.

    No figure goes to a number no customer registered as a mobile, to a
    number several customers share, nor by e-mail (a sender's address proves
    nothing).
    """

    _inherit = "hotline.text.query"

    @api.model
    def _hotline_text_commands(self):
        commands = super()._hotline_text_commands()
        commands[ARREARS] = (
            "_hotline_text_arrears",
            self.env._("QF: your arrears (SMS from your registered mobile)"),
        )
        commands[LAST_BILL] = (
            "_hotline_text_last_bill",
            self.env._("ZD: your last bill (SMS from your registered mobile)"),
        )
        return commands

    @api.model
    def _hotline_text_count(self, query, service, outcome, partner=None, detail=False):
        super()._hotline_text_count(query, service, outcome, partner, detail)
        # who asked about a case is not kept (it may be a confidential
        # reporter's): the statistics count it, as the case query logs do
        sender = (query.get("sender") or "")[:128] if service != "case_query" else ""
        return self.env["hotline.selfservice.transaction"]._hotline_log(
            {"caller": sender or False},
            service,
            outcome,
            partner or None,
            channel=query["channel"],
            company_id=query["company"].id,
            detail=detail,
        )

    # -- identification ---------------------------------------------------------------
    @api.model
    def _hotline_text_customer(self, query, service):
        """``(customer, partner ids, refusal)``: the one customer of the
        company with the sender's number as a mobile number, the ids whose
        bills are theirs; else an empty customer and the answer to send."""
        Partner = self.env["res.partner"]
        company = query["company"]
        if query["channel"] != "sms":
            self._hotline_text_count(query, service, "not_identified", detail="e-mail")
            return (
                Partner,
                [],
                self.env._(
                    "Arrears and bills are answered only by SMS from the mobile "
                    "number registered on your customer account."
                ),
            )
        key = phone.lookup_key(query["sender"], Partner._hotline_phone_country())
        partners = Partner.sudo().hotline_identify_caller(query["sender"])
        mobiles = (
            self.env["hotline.partner.phone"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("number_e164", "=", key),
                    ("kind", "=", "mobile"),
                ]
            )
        )
        customers = mobiles.partner_id.commercial_partner_id.filtered(
            lambda p: not p.company_id or p.company_id == company
        )
        if not customers:
            self._hotline_text_count(query, service, "not_identified")
            return (
                Partner,
                [],
                self.env._(
                    "Sorry, this number is not the registered mobile of a "
                    "customer: we cannot send account figures to it. Please "
                    "call us or register your mobile number with us."
                ),
            )
        if len(customers) > 1:
            self._hotline_text_count(
                query, service, "several", detail=f"{len(customers)} customers"
            )
            return (
                Partner,
                [],
                self.env._(
                    "Sorry, this number is registered for several customers: "
                    "we cannot tell whose account to answer. Please call us."
                ),
            )
        self.env.cr.execute(SQL(CUSTOMER_PARTNERS_SQL, customers.id))
        return customers, self.env.cr.fetchone()[1], None

    # -- the answers ------------------------------------------------------------------
    @api.model
    def _hotline_text_money(self, amount, company):
        """Plain figures: ``123.40元`` (the demo's CNY), else the currency's
        code after the amount."""
        currency = company.currency_id
        unit = "元" if currency.name == "CNY" else f" {currency.name}"
        return f"{currency.round(amount):.2f}{unit}"

    @api.model
    def _hotline_text_arrears(self, query):
        customer, partner_ids, refusal = self._hotline_text_customer(query, ARREARS)
        if refusal:
            return refusal
        company = query["company"]
        Flow = self.env["hotline.ivr.flow"].sudo()
        amount, months = Flow._hotline_selfservice_arrears_due(partner_ids, company)
        if company.currency_id.is_zero(amount):
            self._hotline_text_count(query, ARREARS, "served", customer)
            return self.env._("You have no arrears. Thank you.")
        self._hotline_text_count(
            query, ARREARS, "served", customer, detail=f"{amount:.2f}"
        )
        return self.env._(
            "Arrears: %(amount)s (bills of %(months)s). Thank you for paying soon.",
            amount=self._hotline_text_money(amount, company),
            months=", ".join(month.strftime("%Y-%m") for month in sorted(months)),
        )

    @api.model
    def _hotline_text_last_bill(self, query):
        customer, partner_ids, refusal = self._hotline_text_customer(query, LAST_BILL)
        if refusal:
            return refusal
        company = query["company"]
        Flow = self.env["hotline.ivr.flow"].sudo()
        month = Flow._hotline_selfservice_last_bill_month(partner_ids, company)
        figures = month and Flow._hotline_selfservice_bill_figures(
            partner_ids, company, month
        )
        if not figures:
            self._hotline_text_count(query, LAST_BILL, "not_found", customer)
            return self.env._("There is no bill on your account yet.")
        self._hotline_text_count(
            query, LAST_BILL, "served", customer, detail=month.strftime("%Y%m")
        )
        currency = company.currency_id
        parts = [
            self.env._(
                "Last bill, %(month)s: %(amount)s",
                month=month.strftime("%Y-%m"),
                amount=self._hotline_text_money(figures["total"], company),
            )
        ]
        if figures["consumption"] is not None:
            # (a plain value: Odoo's term extraction evaluates the arguments)
            used = "{:g}".format(figures["consumption"])
            parts.append(self.env._("gas used %s m³", used))
        if figures["due"]:
            parts.append(self.env._("due %s", figures["due"].strftime("%Y-%m-%d")))
        residual, total = figures["residual"], figures["total"]
        if currency.compare_amounts(residual, 0.0) <= 0:
            parts.append(self.env._("paid"))
        elif currency.compare_amounts(residual, total) < 0:
            parts.append(
                self.env._(
                    "%s still to pay", self._hotline_text_money(residual, company)
                )
            )
        else:
            parts.append(self.env._("not paid yet"))
        return ", ".join(parts) + "."
