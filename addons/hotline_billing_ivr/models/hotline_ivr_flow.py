# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import time

from odoo import api, fields, models

from .res_partner import PIN_CALLER_KEY, PIN_RE, pin_is_weak

CUSTOMER_NUMBER_VARIABLE = "customer_number"
PIN_VARIABLE = "pin"
NEW_PIN_VARIABLE = "new_pin"
NEW_PIN_AGAIN_VARIABLE = "new_pin_again"
MAX_CUSTOMER_DIGITS = 20


class HotlineIvrFlow(models.Model):
    _inherit = "hotline.ivr.flow"

    @api.model
    def _hotline_ivr_services(self):
        services = super()._hotline_ivr_services()
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
        return services

    @api.model
    def _hotline_ivr_service_outcomes(self):
        outcomes = super()._hotline_ivr_service_outcomes()
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
        return outcomes

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
