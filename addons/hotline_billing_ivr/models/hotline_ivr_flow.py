# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Self-service by phone: identification (customer number or calling number +
PIN, PIN change), outage notices, and the queries (自助查询) on Odoo
Accounting: arrears, the last bill, the bill of a month, gas use, prepaid
balance.

Each is an IVR business query (``service`` node) for the customer who logged
in earlier in the call (``hotline.selfservice.transaction.
_hotline_authenticated_partner``); it reads the posted customer invoices and
the receivable journal items of the call's company with a few indexed
queries (the bench wants the step under 20 ms with 100,000 customers and a
year of monthly bills each), says the figures with the speller's prompts in
the caller's language and records one self-service transaction.
"""

import datetime
import time

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from ..tools import speller
from ..tools.dunning import parse_promise
from .res_partner import PIN_CALLER_KEY, PIN_RE, pin_is_weak

# receivable journal items not fully matched, of posted entries: the
# predicate of Odoo's account_move_line__unreconciled_index
OPEN_RECEIVABLE_SQL = """
    SELECT l.amount_residual::float8, l.date_maturity, m.invoice_date, m.move_type
      FROM account_move_line l
      JOIN account_account a ON a.id = l.account_id
      JOIN account_move m ON m.id = l.move_id
     WHERE l.partner_id = ANY(%(partners)s)
       AND l.company_id = %(company)s
       AND (l.reconciled IS NULL OR l.reconciled = false OR l.reconciled IS NOT true)
       AND l.parent_state = 'posted'
       AND a.account_type = 'asset_receivable'
"""
# posted customer invoices of a month (or the latest month when no month is
# given) with the readings billed on them
BILL_SQL = """
    WITH bills AS (
        SELECT m.id, m.invoice_date, m.invoice_date_due,
               m.amount_total_signed, m.amount_residual_signed
          FROM account_move m
         WHERE m.partner_id = ANY(%(partners)s)
           AND m.company_id = %(company)s
           AND m.move_type = 'out_invoice'
           AND m.state = 'posted'
           AND m.payment_state != 'reversed'
           AND m.invoice_date >= %(start)s
           AND m.invoice_date < %(stop)s
    )
    SELECT count(*), sum(amount_total_signed)::float8,
           sum(amount_residual_signed)::float8,
           max(invoice_date_due), min(invoice_date),
           (SELECT sum(r.consumption)::float8
              FROM hotline_meter_reading r
             WHERE r.invoice_id IN (SELECT id FROM bills)
               AND r.state != 'rejected')
      FROM bills
"""
LAST_BILL_DATE_SQL = """
    SELECT max(m.invoice_date)
      FROM account_move m
     WHERE m.partner_id = ANY(%(partners)s)
       AND m.company_id = %(company)s
       AND m.move_type = 'out_invoice'
       AND m.state = 'posted'
       AND m.payment_state != 'reversed'
"""
USAGE_SQL = """
    SELECT month, sum(consumption)::float8
      FROM hotline_meter_reading
     WHERE partner_id = ANY(%(partners)s)
       AND company_id = %(company)s
       AND month = ANY(%(months)s)
       AND state IN ('accepted', 'invoiced')
  GROUP BY month
"""
# the currency's rounding and the time zone of a company, for the services
COMPANY_FACTS_SQL = """
    SELECT cur.rounding, cal.tz
      FROM res_company co
      JOIN res_currency cur ON cur.id = co.currency_id
 LEFT JOIN resource_calendar cal ON cal.id = co.resource_calendar_id
     WHERE co.id = %s
"""
# the customer (commercial entity) of a partner and its contacts: their bills
CUSTOMER_PARTNERS_SQL = """
    SELECT p.commercial_partner_id, array_agg(c.id)
      FROM res_partner p
      JOIN res_partner c ON c.commercial_partner_id = p.commercial_partner_id
     WHERE p.id = %s
  GROUP BY p.commercial_partner_id
"""
BILL_MONTH_VARIABLE = "bill_month"
USAGE_MONTH_VARIABLE = "usage_month"
FIRST_YEAR = 2000  # months before are out of range
# service outcome -> transaction outcome
LOG_OUTCOMES = {
    "in_arrears": "served",
    "no_arrears": "served",
    "paid": "served",
    "unpaid": "served",
    "partial": "served",
    "found": "served",
    "credit": "served",
    "no_credit": "served",
    "no_bill": "not_found",
    "no_reading": "not_found",
    "invalid_month": "invalid",
    "future_month": "invalid",
    "not_identified": "not_identified",
}


CUSTOMER_NUMBER_VARIABLE = "customer_number"


class _Money:
    """Rounding and comparison of amounts in a currency known by its rounding
    only (``res.currency``'s methods without reading the currency)."""

    def __init__(self, rounding):
        self.rounding = rounding

    def round(self, amount):
        return float_round(amount, precision_rounding=self.rounding)

    def is_zero(self, amount):
        return float_is_zero(amount, precision_rounding=self.rounding)

    def compare_amounts(self, amount1, amount2):
        return float_compare(amount1, amount2, precision_rounding=self.rounding)


PIN_VARIABLE = "pin"

NEW_PIN_VARIABLE = "new_pin"

NEW_PIN_AGAIN_VARIABLE = "new_pin_again"

MAX_CUSTOMER_DIGITS = 20


# meter reading by phone
METER_SERVICE = "meter_reading"
MAX_DECIMALS = 3
MAX_INTEGER_DIGITS = 9
# outcomes that refuse the input (check and confirmation alike)
REFUSALS = (
    "invalid",
    "bad_meter",
    "bad_month",
    "future_month",
    "below_previous",
    "invoiced",
)


# the IVR services of this add-on and the statistics' service of each
SERVICE_TRANSACTIONS = {
    "selfservice_login": "login",
    "selfservice_login_caller": "login",
    "pin_change": "pin_change",
    "arrears": "arrears",
    "last_bill": "last_bill",
    "month_bill": "month_bill",
    "usage": "usage",
    "prepaid": "prepaid",
    "meter_list": "meter_reading",
    "meter_reading_check": "meter_reading",
    "meter_reading_confirm": "meter_reading",
}


class HotlineIvrFlow(models.Model):
    _inherit = "hotline.ivr.flow"

    @api.model
    def _hotline_ivr_service_failed(self, code, request, exc):
        """A self-service query that raised is one ``failed`` transaction of
        the call, the exception's class in its detail (not its message: it
        may quote the caller's input)."""
        res = super()._hotline_ivr_service_failed(code, request, exc)
        service = SERVICE_TRANSACTIONS.get(code)
        if not service:
            return res
        Transaction = self.env["hotline.selfservice.transaction"]
        return Transaction._hotline_log(
            request,
            service,
            "failed",
            Transaction._hotline_authenticated_partner(request) or None,
            detail=f"{code}: {type(exc).__name__}",
        )

    @api.model
    def _hotline_ivr_services(self):
        services = super()._hotline_ivr_services()
        services.update(
            {
                "arrears": (self.env._("Arrears"), "_hotline_ivr_arrears"),
                "last_bill": (self.env._("Last bill"), "_hotline_ivr_last_bill"),
                "month_bill": (
                    self.env._("Bill of a month"),
                    "_hotline_ivr_month_bill",
                ),
                "usage": (self.env._("Gas use of a month"), "_hotline_ivr_usage"),
                "prepaid": (self.env._("Prepaid balance"), "_hotline_ivr_prepaid"),
            }
        )
        services["selfservice_login"] = (
            self.env._("Self-service login (customer number + PIN)"),
            "_hotline_ivr_selfservice_login",
        )
        services["selfservice_login_caller"] = (
            self.env._("Self-service login (calling number + PIN)"),
            "_hotline_ivr_selfservice_login_caller",
        )
        services["pin_change"] = (
            self.env._("Self-service PIN change"),
            "_hotline_ivr_pin_change",
        )
        services.update(
            meter_list=(
                self.env._("Meters of the customer"),
                "_hotline_ivr_meter_list",
            ),
            meter_reading_check=(
                self.env._("Check a meter reading"),
                "_hotline_ivr_meter_reading_check",
            ),
            meter_reading_confirm=(
                self.env._("Store a confirmed meter reading"),
                "_hotline_ivr_meter_reading_confirm",
            ),
        )
        services.update(
            dunning_message=(
                self.env._("Dunning: say the customer number, months and amount"),
                "_hotline_ivr_dunning_message",
            ),
            dunning_heard=(
                self.env._("Dunning: the reminder was heard"),
                "_hotline_ivr_dunning_heard",
            ),
            dunning_promise=(
                self.env._("Dunning: record a promised payment date"),
                "_hotline_ivr_dunning_promise",
            ),
        )
        return services

    @api.model
    def _hotline_ivr_service_outcomes(self):
        outcomes = super()._hotline_ivr_service_outcomes()
        not_identified = ("not_identified", self.env._("Caller not identified"))
        bill = [
            ("paid", self.env._("Bill paid")),
            ("partial", self.env._("Bill partly paid")),
            ("unpaid", self.env._("Bill not paid")),
            ("no_bill", self.env._("No bill")),
        ]
        month = [
            ("invalid_month", self.env._("Month not valid")),
            ("future_month", self.env._("Month not come yet")),
        ]
        outcomes.update(
            {
                "arrears": [
                    ("in_arrears", self.env._("In arrears")),
                    ("no_arrears", self.env._("No arrears")),
                    not_identified,
                ],
                "last_bill": bill + [not_identified],
                "month_bill": bill + month + [not_identified],
                "usage": [
                    ("found", self.env._("Gas use said")),
                    ("no_reading", self.env._("No meter reading")),
                ]
                + month
                + [not_identified],
                "prepaid": [
                    ("credit", self.env._("Prepaid balance said")),
                    ("no_credit", self.env._("No prepaid balance")),
                    not_identified,
                ],
            }
        )
        login = [
            ("served", self.env._("Identified")),
            ("not_found", self.env._("Unknown customer")),
            ("no_pin", self.env._("No PIN set")),
            ("wrong_pin", self.env._("Wrong PIN")),
            ("locked", self.env._("Too many wrong PINs: locked")),
            ("invalid", self.env._("Invalid input")),
        ]
        outcomes["selfservice_login"] = login
        outcomes["selfservice_login_caller"] = login + [
            ("several", self.env._("Several customers on this number")),
        ]
        outcomes["pin_change"] = [
            ("served", self.env._("PIN changed")),
            ("not_identified", self.env._("Caller not identified")),
            ("mismatch", self.env._("The two PINs differ")),
            ("weak", self.env._("PIN too easy to guess")),
            ("invalid", self.env._("Invalid input")),
        ]
        refusals = [
            ("invalid", self.env._("Not a reading (digits, one * as decimal point)")),
            ("bad_meter", self.env._("No such meter of the customer")),
            ("bad_month", self.env._("Month not valid (YYYYMM, not before the last)")),
            ("future_month", self.env._("Month not begun yet")),
            ("below_previous", self.env._("Below the previous reading")),
            ("invoiced", self.env._("The month's reading is invoiced already")),
        ]
        outcomes["meter_list"] = [
            ("one", self.env._("One meter (chosen)")),
            ("several", self.env._("Several meters (the caller chooses)")),
            ("no_meter", self.env._("No meter")),
            not_identified,
        ]
        outcomes["meter_reading_check"] = [
            ("ok", self.env._("Read back, to confirm")),
            *refusals,
            not_identified,
        ]
        outcomes["meter_reading_confirm"] = [
            ("accepted", self.env._("Stored and accepted")),
            ("to_check", self.env._("Stored, to check by the billing team")),
            *refusals,
            not_identified,
        ]
        no_contact = ("no_contact", self.env._("Not a dunning call"))
        outcomes.update(
            dunning_message=[("said", self.env._("Reminder said")), no_contact],
            dunning_heard=[("served", self.env._("Recorded")), no_contact],
            dunning_promise=[
                ("recorded", self.env._("Payment date recorded")),
                ("invalid", self.env._("Not a date (YYYYMMDD)")),
                ("past", self.env._("Date already past")),
                ("too_far", self.env._("Date too far ahead")),
                no_contact,
            ],
        )
        return outcomes

    # -- common steps -----------------------------------------------------------------
    @api.model
    def _hotline_selfservice_start(self, request):
        """``(customer, company, partner ids)`` of the customer logged in in
        this call (the commercial entity, and the ids of it and its contacts,
        whose bills are the customer's); the customer is empty when nobody
        logged in. Reads only the columns it needs: the connector runs each
        service in a new environment, every record read is a query."""
        Transaction = self.env["hotline.selfservice.transaction"]
        partner = Transaction._hotline_authenticated_partner(request)
        company = self.env["res.company"]
        linkedid = request.get("linkedid")
        if linkedid:
            call = (
                self.env["hotline.call"]
                .sudo()
                .search_fetch([("linkedid", "=", linkedid)], ["company_id"], limit=1)
            )
            company = call.company_id
            # the transaction logged at the end links this call: no second search
            request["call_id"] = call.id
        if not company and request.get("flow_id"):
            flow = self.sudo().browse(request["flow_id"])
            flow.fetch(["company_id"])
            company = flow.company_id
        company = company or self.env.company
        self._hotline_selfservice_company_facts(company)
        if not partner:
            return partner, company, []
        self.env.cr.execute(SQL(CUSTOMER_PARTNERS_SQL, partner.id))
        row = self.env.cr.fetchone()
        if not row:
            return partner.browse(), company, []
        return partner.browse(row[0]), company, row[1]

    @api.model
    def _hotline_selfservice_answer(
        self, request, service, outcome, partner, company, play=(), detail=False
    ):
        """Record the transaction and build the service's answer; ``play``:
        prompt codes and speller tokens, said in one go."""
        self.env["hotline.selfservice.transaction"]._hotline_log(
            request,
            service,
            LOG_OUTCOMES[outcome],
            partner or None,
            company_id=company.id,
            detail=detail,
            **({"call_id": request["call_id"]} if "call_id" in request else {}),
        )
        answer = {"outcome": outcome, "play": []}
        if play:
            lang = request.get("language") or "zh_CN"
            answer["play"] = [{"sounds": speller.sounds(list(play), lang)}]
        return answer

    @api.model
    def _hotline_selfservice_company_facts(self, company):
        """``{"rounding", "today"}`` of the company, in one query: its
        currency's rounding and today in its working hours' time zone (the
        context's when given), kept on the environment for the services."""
        cache = self.env.cr.cache.setdefault("hotline_selfservice_company", {})
        if company.id not in cache:
            self.env.cr.execute(SQL(COMPANY_FACTS_SQL, company.id))
            rounding, tz = self.env.cr.fetchone()
            cache[company.id] = {"rounding": rounding, "tz": tz}
        facts = cache[company.id]
        tz = self.env.context.get("tz") or facts["tz"] or "UTC"
        today = fields.Date.context_today(self.with_context(tz=tz))
        return {"rounding": facts["rounding"], "today": today}

    @api.model
    def _hotline_selfservice_money(self, company):
        return _Money(self._hotline_selfservice_company_facts(company)["rounding"])

    @api.model
    def _hotline_selfservice_today(self, company=None):
        company = company or self.env.company
        return self._hotline_selfservice_company_facts(company)["today"]

    @api.model
    def _hotline_selfservice_month(self, text, company, default=None):
        """``(first day, problem)`` of a month typed as YYYYMM: problem
        ``invalid_month`` (not six digits, month 00 or 13+, before 2000) or
        ``future_month``; an empty text or ``0`` (what a caller can type in
        a collect node) is ``default`` when there is one."""
        text = (text or "").strip()
        if text in ("", "0") and default:
            return default, None
        if len(text) != 6 or not text.isdigit():
            return None, "invalid_month"
        year, month = int(text[:4]), int(text[4:])
        if not 1 <= month <= 12 or year < FIRST_YEAR:
            return None, "invalid_month"
        first = datetime.date(year, month, 1)
        if first > self._hotline_selfservice_today(company):
            return None, "future_month"
        return first, None

    @api.model
    def _hotline_selfservice_open_items(self, partner_ids, company):
        """The customer's open receivable items: ``[(residual, maturity,
        invoice date, move type)]`` in the company's currency."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(OPEN_RECEIVABLE_SQL, partners=partner_ids, company=company.id)
        )
        return self.env.cr.fetchall()

    @api.model
    def _hotline_selfservice_arrears_due(self, partner_ids, company):
        """``(amount, months)``: the overdue amount of the customer, lowered
        by payments and credit notes not yet matched, rounded, never below
        zero; the months (first days) of the overdue bills. The figures of the
        arrears query, by phone and by SMS."""
        today = self._hotline_selfservice_today(company)
        overdue = credits = 0.0
        months = set()
        for (
            residual,
            maturity,
            invoice_date,
            _type,
        ) in self._hotline_selfservice_open_items(partner_ids, company):
            if residual < 0:
                credits -= residual
            elif maturity and maturity < today:
                overdue += residual
                months.add(invoice_date or maturity)
        currency = self._hotline_selfservice_money(company)
        return currency.round(max(overdue - credits, 0.0)), months

    @api.model
    def _hotline_selfservice_last_bill_month(self, partner_ids, company):
        """First day of the month of the customer's latest posted bill, or
        ``None``."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(LAST_BILL_DATE_SQL, partners=partner_ids, company=company.id)
        )
        latest = self.env.cr.fetchone()[0]
        return latest.replace(day=1) if latest else None

    @api.model
    def _hotline_selfservice_bill_figures(self, partner_ids, company, month):
        """The bills dated in ``month``: ``{"total", "residual", "due",
        "consumption"}`` (sums over the month's bills), or ``None`` when there
        is none. The figures of the bill queries, by phone and by SMS."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                BILL_SQL,
                partners=partner_ids,
                company=company.id,
                start=month,
                stop=month + relativedelta(months=1),
            )
        )
        count, total, residual, due, _first, consumption = self.env.cr.fetchone()
        if not count:
            return None
        return {
            "total": total,
            "residual": residual,
            "due": due,
            "consumption": consumption,
        }

    # -- the services -----------------------------------------------------------------
    @api.model
    def _hotline_ivr_arrears(self, request):
        """Overdue amount and the months of the overdue bills: 您欠费的月份是
        2026年9月、10月，共计一百二十三元四角. Payments and credit notes not
        yet matched lower the amount, as on the customer's form."""
        partner, company, partner_ids = self._hotline_selfservice_start(request)
        if not partner:
            return self._hotline_selfservice_answer(
                request, "arrears", "not_identified", partner, company
            )
        amount, months = self._hotline_selfservice_arrears_due(partner_ids, company)
        currency = self._hotline_selfservice_money(company)
        if currency.is_zero(amount):
            return self._hotline_selfservice_answer(
                request, "arrears", "no_arrears", partner, company
            )
        lang = request.get("language")
        play = (
            ["selfservice_arrears_months"]
            + speller.months(months, lang)
            + ["selfservice_total"]
            + speller.amount(amount, lang)
        )
        return self._hotline_selfservice_answer(
            request,
            "arrears",
            "in_arrears",
            partner,
            company,
            play,
            detail=f"{amount:.2f}",
        )

    @api.model
    def _hotline_ivr_last_bill(self, request):
        """The latest bill: its month, amount, gas used (readings billed on
        it), due date, paid or not."""
        partner, company, partner_ids = self._hotline_selfservice_start(request)
        if not partner:
            return self._hotline_selfservice_answer(
                request, "last_bill", "not_identified", partner, company
            )
        month = self._hotline_selfservice_last_bill_month(partner_ids, company)
        if not month:
            return self._hotline_selfservice_answer(
                request, "last_bill", "no_bill", partner, company
            )
        return self._hotline_selfservice_bill(
            request, "last_bill", partner, company, partner_ids, month
        )

    @api.model
    def _hotline_ivr_month_bill(self, request):
        """The bill of the month the caller typed (variable ``bill_month``,
        YYYYMM): the bills dated in that month."""
        partner, company, partner_ids = self._hotline_selfservice_start(request)
        if not partner:
            return self._hotline_selfservice_answer(
                request, "month_bill", "not_identified", partner, company
            )
        typed = (request.get("variables") or {}).get(BILL_MONTH_VARIABLE)
        month, problem = self._hotline_selfservice_month(typed, company)
        if problem:
            return self._hotline_selfservice_answer(
                request,
                "month_bill",
                problem,
                partner,
                company,
                detail=(typed or "")[:20],
            )
        return self._hotline_selfservice_bill(
            request, "month_bill", partner, company, partner_ids, month
        )

    @api.model
    def _hotline_selfservice_bill(
        self, request, service, partner, company, partner_ids, month
    ):
        figures = self._hotline_selfservice_bill_figures(partner_ids, company, month)
        detail = month.strftime("%Y%m")
        if not figures:
            return self._hotline_selfservice_answer(
                request, service, "no_bill", partner, company, detail=detail
            )
        total, residual = figures["total"], figures["residual"]
        due, consumption = figures["due"], figures["consumption"]
        currency = self._hotline_selfservice_money(company)
        lang = request.get("language")
        play = (
            ["selfservice_bill_intro"]
            + speller.months([month], lang)
            + ["selfservice_bill_amount"]
            + speller.amount(currency.round(total), lang)
        )
        if consumption is not None:
            play += ["selfservice_bill_usage"] + speller.quantity(consumption, lang)
        if due:
            play += ["selfservice_bill_due"] + speller.date(due, lang)
        if currency.compare_amounts(residual, 0.0) <= 0:
            outcome = "paid"
            play.append("selfservice_bill_paid")
        elif currency.compare_amounts(residual, total) < 0:
            outcome = "partial"
            play += ["selfservice_bill_partial"] + speller.amount(
                currency.round(residual), lang
            )
        else:
            outcome = "unpaid"
            play.append("selfservice_bill_unpaid")
        return self._hotline_selfservice_answer(
            request, service, outcome, partner, company, play, detail=detail
        )

    @api.model
    def _hotline_ivr_usage(self, request):
        """Gas used in a month (variable ``usage_month``, YYYYMM, empty or 0:
        last month) from the accepted readings of the customer's meters, with the
        same month last year when it has readings."""
        partner, company, partner_ids = self._hotline_selfservice_start(request)
        if not partner:
            return self._hotline_selfservice_answer(
                request, "usage", "not_identified", partner, company
            )
        typed = (request.get("variables") or {}).get(USAGE_MONTH_VARIABLE)
        this_month = self._hotline_selfservice_today(company).replace(day=1)
        month, problem = self._hotline_selfservice_month(
            typed, company, default=this_month - relativedelta(months=1)
        )
        if problem:
            return self._hotline_selfservice_answer(
                request,
                "usage",
                problem,
                partner,
                company,
                detail=(typed or "")[:20],
            )
        year_before = month - relativedelta(years=1)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                USAGE_SQL,
                partners=partner_ids,
                company=company.id,
                months=[month, year_before],
            )
        )
        usage = dict(self.env.cr.fetchall())
        detail = month.strftime("%Y%m")
        if month not in usage:
            return self._hotline_selfservice_answer(
                request, "usage", "no_reading", partner, company, detail=detail
            )
        lang = request.get("language")
        play = (
            ["selfservice_usage_intro"]
            + speller.months([month], lang)
            + ["selfservice_usage_is"]
            + speller.quantity(usage[month], lang)
        )
        if year_before in usage:
            play += ["selfservice_usage_last_year"] + speller.quantity(
                usage[year_before], lang
            )
        return self._hotline_selfservice_answer(
            request, "usage", "found", partner, company, play, detail=detail
        )

    @api.model
    def _hotline_ivr_prepaid(self, request):
        """The customer's unallocated credit: payments (and credit notes) not
        matched to invoices yet."""
        partner, company, partner_ids = self._hotline_selfservice_start(request)
        if not partner:
            return self._hotline_selfservice_answer(
                request, "prepaid", "not_identified", partner, company
            )
        credit = -sum(
            residual
            for residual, *_rest in self._hotline_selfservice_open_items(
                partner_ids, company
            )
            if residual < 0
        )
        currency = self._hotline_selfservice_money(company)
        credit = currency.round(credit)
        if currency.compare_amounts(credit, 0.0) <= 0:
            return self._hotline_selfservice_answer(
                request, "prepaid", "no_credit", partner, company
            )
        play = ["selfservice_prepaid_is"] + speller.amount(
            credit, request.get("language"), negative=None
        )
        return self._hotline_selfservice_answer(
            request,
            "prepaid",
            "credit",
            partner,
            company,
            play,
            detail=f"{credit:.2f}",
        )

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

    # -- identification -----------------------------------------------------------
    @api.model
    def _hotline_customer_by_digits(self, digits):
        """The customer whose number the caller typed (``1001`` or
        ``00001001`` for BJ00001001); empty when none or ambiguous."""
        Partner = self.env["res.partner"].sudo()
        company = [("company_id", "in", self.env.companies.ids + [False])]
        exact = Partner.search(
            [("hotline_customer_number", "=", digits)] + company, limit=2
        )
        if len(exact) == 1:
            return exact.commercial_partner_id
        wanted = digits.lstrip("0") or digits
        found = Partner.search(
            [
                ("hotline_customer_digits", "=", wanted),
                ("hotline_customer_number", "!=", False),
            ]
            + company,
            limit=2,
        )
        return found.commercial_partner_id if len(found) == 1 else Partner.browse()

    @api.model
    def _hotline_ivr_selfservice_login(self, request):
        """Customer number (``#`` ends it) + PIN."""
        started = time.monotonic()
        variables = request.get("variables") or {}
        digits = (variables.get(CUSTOMER_NUMBER_VARIABLE) or "").strip()
        if not digits.isdigit() or len(digits) > MAX_CUSTOMER_DIGITS:
            return self._hotline_login_result(
                request, "invalid", started, detail="customer number not digits"
            )
        customer = self._hotline_customer_by_digits(digits)
        if not customer:
            return self._hotline_login_result(
                request, "not_found", started, detail=f"customer number {digits}"
            )
        return self._hotline_pin_login(request, customer, started)

    @api.model
    def _hotline_ivr_selfservice_login_caller(self, request):
        """Calling number (hotline_base's caller lookup) + PIN; a number shared
        by several customers asks for the customer number instead."""
        started = time.monotonic()
        caller = request.get("caller") or ""
        partners = (
            self.env["res.partner"].sudo().hotline_identify_caller(caller)
            if caller
            else self.env["res.partner"]
        )
        customers = partners.commercial_partner_id
        if not customers:
            return self._hotline_login_result(
                request, "not_found", started, detail="calling number unknown"
            )
        if len(customers) > 1:
            return self._hotline_login_result(
                request,
                "several",
                started,
                detail=f"{len(customers)} customers on the calling number",
            )
        return self._hotline_pin_login(request, customers, started)

    @api.model
    def _hotline_pin_login(self, request, customer, started):
        """Check the PIN typed for ``customer``: wrong PINs are counted per
        customer and per calling number in ``hotline.attempt.limit``, whose
        rows stay locked until the answer is recorded (a parallel guess waits
        and then sees this one's failure)."""
        pin = ((request.get("variables") or {}).get(PIN_VARIABLE) or "").strip()
        if not PIN_RE.fullmatch(pin):
            return self._hotline_login_result(
                request, "invalid", started, customer, detail="PIN not 6 digits"
            )
        now = fields.Datetime.now()
        caller = request.get("caller") or ""
        keys = [customer._hotline_pin_key()]
        keys += [f"{PIN_CALLER_KEY}{caller}"] if caller else []
        Attempt = self.env["hotline.attempt.limit"].sudo()
        # an attempt already held back costs no row lock
        if Attempt.search([("key", "in", keys)])._hotline_retry_after(now):
            return self._hotline_login_result(
                request, "locked", started, customer, detail="locked"
            )
        if not customer._hotline_has_pin():
            return self._hotline_login_result(request, "no_pin", started, customer)
        rows = Attempt._hotline_lock(keys, now)
        if rows._hotline_retry_after(now):
            return self._hotline_login_result(
                request, "locked", started, customer, detail="locked"
            )
        if customer._hotline_check_pin(pin):
            rows.filtered(lambda row: row.key == keys[0])._hotline_reset()
            return self._hotline_login_result(request, "served", started, customer)
        blocked = rows._hotline_record_failure(now)
        for row in blocked:
            if row.key == keys[0]:
                reason = self.env._("%s wrong PINs", row.failures)
            else:
                reason = self.env._(
                    "%(count)s wrong PINs from the calling number %(number)s",
                    count=row.failures,
                    number=caller,
                )
            customer._hotline_log_pin_lock(reason, row.blocked_until)
        detail = "wrong PIN" + (
            ", locks " + ", ".join(blocked.mapped("key")) if blocked else ""
        )
        self._hotline_login_result(request, "wrong_pin", started, customer, detail)
        # the failure that reached a limit tells the caller at once
        return {"outcome": "locked" if blocked else "wrong_pin"}

    @api.model
    def _hotline_login_result(
        self, request, outcome, started, customer=None, detail=""
    ):
        self.env["hotline.selfservice.transaction"]._hotline_log(
            request,
            "login",
            outcome,
            partner=customer,
            duration=time.monotonic() - started,
            detail=detail or False,
        )
        variables = {}
        if outcome == "served":
            variables["customer_number"] = customer.hotline_customer_number or ""
        return {"outcome": outcome, "variables": variables}

    # -- PIN change -----------------------------------------------------------------
    @api.model
    def _hotline_ivr_pin_change(self, request):
        """New PIN typed twice, after a successful login in this call."""
        started = time.monotonic()
        Transaction = self.env["hotline.selfservice.transaction"]
        customer = Transaction._hotline_authenticated_partner(request)

        def result(outcome, detail=False):
            Transaction._hotline_log(
                request,
                "pin_change",
                "served" if outcome == "served" else "invalid",
                partner=customer or None,
                duration=time.monotonic() - started,
                detail=detail or (outcome if outcome != "served" else False),
            )
            return {"outcome": outcome}

        if not customer:
            Transaction._hotline_log(
                request,
                "pin_change",
                "not_identified",
                duration=time.monotonic() - started,
            )
            return {"outcome": "not_identified"}
        variables = request.get("variables") or {}
        new_pin = (variables.get(NEW_PIN_VARIABLE) or "").strip()
        again = (variables.get(NEW_PIN_AGAIN_VARIABLE) or "").strip()
        if not PIN_RE.fullmatch(new_pin):
            return result("invalid", "new PIN not 6 digits")
        if new_pin != again:
            return result("mismatch")
        if pin_is_weak(new_pin):
            return result("weak")
        customer._hotline_set_pin(new_pin)
        customer.message_post(
            body=self.env._("The customer changed the self-service PIN by phone.")
        )
        return result("served")

    # -- speaking -----------------------------------------------------------------
    @api.model
    def _hotline_speak_quantity(self, value, language):
        """Sound files saying ``value`` (m³) in ``language`` (the speller's)."""
        return speller.sounds(speller.quantity(value, language), language)

    # -- the request --------------------------------------------------------------
    @api.model
    def _hotline_meter_sites(self, partner):
        return self.env["hotline.service.site"].search(
            [("partner_id", "=", partner.id), ("meter_number", "!=", False)],
            order="sequence, id",
        )

    @api.model
    def _hotline_parse_reading(self, text):
        """The value typed (``1234*5`` = 1234.5), None when it is not one."""
        text = (text or "").strip()
        if not text or any(c not in "0123456789*" for c in text):
            return None
        if text.count("*") > 1 or text == "*":
            return None
        whole, _sep, decimals = text.partition("*")
        if len(decimals) > MAX_DECIMALS or len(whole) > MAX_INTEGER_DIGITS:
            return None
        return float(f"{whole or '0'}.{decimals or '0'}")

    @api.model
    def _hotline_parse_month(self, text, today):
        """The first day of the month typed (YYYYMM), today's month when
        empty; None when it is not a month."""
        text = (text or "").strip()
        if not text:
            return today.replace(day=1)
        if len(text) != 6 or not text.isdigit():
            return None
        year, month = int(text[:4]), int(text[4:])
        if not 1 <= month <= 12 or year < 2000:
            return None
        return datetime.date(year, month, 1)

    @api.model
    def _hotline_meter_request(self, request):
        """``(outcome or None, partner, site, month, value, check)`` of a
        reading request: the first problem found, or None and what to store."""
        Reading = self.env["hotline.meter.reading"]
        partner = self.env[
            "hotline.selfservice.transaction"
        ]._hotline_authenticated_partner(request)
        if not partner:
            return "not_identified", partner, None, None, None, None
        variables = request.get("variables") or {}
        sites = self._hotline_meter_sites(partner)
        index = (variables.get("meter_index") or "").strip()
        if not index and len(sites) == 1:
            index = "1"
        if not index.isdigit() or not 1 <= int(index) <= len(sites):
            return "bad_meter", partner, None, None, None, None
        site = sites[int(index) - 1]
        today = Reading._hotline_today(self.env.company)
        month = self._hotline_parse_month(variables.get("reading_month"), today)
        if month is None:
            return "bad_month", partner, site, None, None, None
        value = self._hotline_parse_reading(variables.get("reading"))
        if value is None:
            return "invalid", partner, site, month, None, None
        check = Reading._hotline_check_value(site, month, value, self.env.company)
        return check["problem"], partner, site, month, value, check

    @api.model
    def _hotline_meter_log(self, request, outcome, partner, detail):
        transaction_outcome = {
            "not_identified": "invalid",
            "no_meter": "not_found",
            "bad_meter": "not_found",
        }.get(outcome, "invalid" if outcome in REFUSALS else "served")
        self.env["hotline.selfservice.transaction"]._hotline_log(
            request,
            METER_SERVICE,
            transaction_outcome,
            partner or None,
            detail=f"{detail}: {outcome}",
        )

    @staticmethod
    def _hotline_meter_detail(step, site, month, value):
        parts = [step]
        if site:
            parts.append(site.meter_number)
        if month:
            parts.append(month.strftime("%Y-%m"))
        if value is not None:
            parts.append(f"{value:g}")
        return " ".join(parts)

    @api.model
    def _hotline_meter_refusal(self, outcome):
        """A refused month is forgotten: the caller's next choice (this month
        or another) starts afresh."""
        if outcome in ("bad_month", "future_month"):
            return {"outcome": outcome, "variables": {"reading_month": ""}}
        return {"outcome": outcome}

    # -- the services -------------------------------------------------------------
    @api.model
    def _hotline_ivr_meter_list(self, request):
        """The customer's meters: one is chosen, several are read out (press N
        for the meter numbered ...: the last four characters of the number)."""
        partner = self.env[
            "hotline.selfservice.transaction"
        ]._hotline_authenticated_partner(request)
        if not partner:
            self._hotline_meter_log(request, "not_identified", partner, "list")
            return {"outcome": "not_identified"}
        sites = self._hotline_meter_sites(partner)
        if not sites:
            self._hotline_meter_log(request, "no_meter", partner, "list")
            return {"outcome": "no_meter"}
        variables = {"meter_count": len(sites)}
        if len(sites) == 1:
            variables["meter_index"] = "1"
            self._hotline_meter_log(request, "one", partner, "list")
            return {"outcome": "one", "variables": variables}
        press = self._hotline_prompt_sounds("meter_press")
        meter = self._hotline_prompt_sounds("meter_number_ending")
        play = []
        for index, site in enumerate(sites[:9], 1):
            tail = "".join(c for c in site.meter_number if c.isdigit())[-4:]
            play += [{"prompt": press}, {"digits": str(index)}, {"prompt": meter}]
            play.append({"digits": tail})
        self._hotline_meter_log(request, "several", partner, "list")
        return {"outcome": "several", "variables": variables, "play": play}

    @api.model
    def _hotline_ivr_meter_reading_check(self, request):
        """Check the reading typed and read it back; nothing is stored."""
        problem, partner, site, month, value, _check = self._hotline_meter_request(
            request
        )
        detail = self._hotline_meter_detail("check", site, month, value)
        outcome = problem or "ok"
        self._hotline_meter_log(request, outcome, partner, detail)
        if problem:
            return self._hotline_meter_refusal(problem)
        language = request.get("language") or "zh_CN"
        # "you entered" and the value: play items {"sounds": [...]} (the
        # engine's list of sound files, from the self-service queries)
        play = [{"prompt": self._hotline_prompt_sounds("meter_readback")}]
        sounds = self._hotline_speak_quantity(value, language)
        if sounds:
            play.append({"sounds": sounds})
        return {
            "outcome": "ok",
            "variables": {"reading_value": f"{value:g}"},
            "play": play,
        }

    @api.model
    def _hotline_ivr_meter_reading_confirm(self, request):
        """The caller confirmed (pressed 1): store the reading, replacing the
        month's reading not invoiced yet."""
        problem, partner, site, month, value, _check = self._hotline_meter_request(
            request
        )
        detail = self._hotline_meter_detail("confirm", site, month, value)
        if problem:
            self._hotline_meter_log(request, problem, partner, detail)
            return self._hotline_meter_refusal(problem)
        Reading = self.env["hotline.meter.reading"]
        replaced = Reading.search(
            [
                ("site_id", "=", site.id),
                ("month", "=", month),
                ("state", "in", ("accepted", "to_check")),
            ]
        )
        call = self.env["hotline.call"]
        if request.get("linkedid"):
            call = call.search([("linkedid", "=", request["linkedid"])], limit=1)
        if replaced:
            replaced.write({"state": "rejected"})
            replaced.activity_unlink(["mail.mail_activity_data_todo"])
            for old in replaced:
                old.message_post(
                    body=self.env._(
                        "Replaced by a reading the customer confirmed by phone."
                    )
                )
        reading = Reading.create(
            {
                "site_id": site.id,
                "month": month,
                "value": value,
                "source": "phone",
                "call_id": call.id,
                "company_id": self.env.company.id,
            }
        )
        self._hotline_meter_log(request, reading.state, partner, detail)
        return {
            "outcome": reading.state,
            "variables": {"reading_state": reading.state},
        }

    @api.model
    def _hotline_dunning_contact(self, request):
        """The dunning contact of the call (its attempt is a flow variable)."""
        variables = (request or {}).get("variables") or {}
        try:
            attempt_id = int(variables.get("dunning_attempt") or 0)
        except ValueError:
            attempt_id = 0
        attempt = self.env["hotline.campaign.attempt"].sudo().browse(attempt_id)
        if not attempt_id or not attempt.exists():
            return self.env["hotline.campaign.contact"].sudo()
        if not attempt.campaign_id.hotline_dunning:
            return self.env["hotline.campaign.contact"].sudo()
        return attempt.contact_id

    @api.model
    def _hotline_dunning_today(self, contact):
        tz = contact.campaign_id._hotline_tz().zone
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _hotline_ivr_dunning_message(self, request):
        """您好……您的客户编号是 0000 1001，您尚未缴纳的月份是 2026年9月、10月，
        欠费合计 一百二十三元四角，请您尽快缴纳: from the contact's variables."""
        contact = self._hotline_dunning_contact(request)
        if not contact:
            return {"outcome": "no_contact", "play": []}
        variables = contact.variables or {}
        lang = request.get("language") or "zh_CN"
        months = []
        for text in (variables.get("months") or "").split(","):
            if len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12:
                months.append((int(text[:4]), int(text[4:])))
        tokens = ["dunning_intro"] + speller.digits(
            variables.get("customer_number") or "", lang
        )
        if months:
            tokens += ["dunning_months"] + speller.months(months, lang)
        tokens += ["dunning_total"]
        tokens += speller.amount(variables.get("amount") or "0", lang)
        tokens += ["dunning_please_pay"]
        return {"outcome": "said", "play": [{"sounds": speller.sounds(tokens, lang)}]}

    @api.model
    def _hotline_ivr_dunning_heard(self, request):
        """The reminder was played to the end: the credit control lines are
        sent, today."""
        contact = self._hotline_dunning_contact(request)
        if not contact:
            return {"outcome": "no_contact", "play": []}
        contact._hotline_dunning_heard(self._hotline_dunning_today(contact))
        return {"outcome": "served", "play": []}

    @api.model
    def _hotline_ivr_dunning_promise(self, request):
        """The payment date the customer typed (variable ``promise_date``,
        YYYYMMDD): not past, at most the company's days ahead; recorded with
        a note and an activity for Finance, then read back."""
        contact = self._hotline_dunning_contact(request)
        if not contact:
            return {"outcome": "no_contact", "play": []}
        text = ((request.get("variables") or {}).get("promise_date")) or ""
        date, problem = parse_promise(
            text,
            self._hotline_dunning_today(contact),
            contact.company_id.hotline_dunning_promise_days,
        )
        if problem:
            return {"outcome": problem, "play": []}
        contact._hotline_dunning_promise(date)
        lang = request.get("language") or "zh_CN"
        tokens = ["dunning_promise_thanks"] + speller.date(date, lang)
        return {
            "outcome": "recorded",
            "play": [{"sounds": speller.sounds(tokens, lang)}],
        }
