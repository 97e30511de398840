# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter reading by phone (自助远程抄表): the IVR services ``meter_list``,
``meter_reading_check`` and ``meter_reading_confirm``.

The caller logged in (customer number + PIN) earlier in the call; the flow
collects ``meter_index`` (when the customer has several meters),
``reading_month`` (YYYYMM, empty: the current month) and ``reading`` (digits,
``*`` as the decimal point). The check stores nothing; the confirmation stores
the reading (accepted, or to check by the billing team when implausible)."""

import datetime

from odoo import api, models

SERVICE = "meter_reading"
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


class HotlineIvrFlow(models.Model):
    _inherit = "hotline.ivr.flow"

    @api.model
    def _hotline_ivr_services(self):
        services = super()._hotline_ivr_services()
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
        return services

    @api.model
    def _hotline_ivr_service_outcomes(self):
        outcomes = super()._hotline_ivr_service_outcomes()
        not_identified = ("not_identified", self.env._("Caller not identified"))
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
        return outcomes

    # -- speaking -----------------------------------------------------------------
    @api.model
    def _hotline_speak_quantity(self, value, language):
        """Sound files saying ``value`` (m³) in ``language``.

        Minimal version, digit by digit with the point (prompt codes
        ``digit_0``..``digit_9``, ``meter_point``, ``meter_unit``); the
        speller of the self-service queries (Chinese numerals) overrides it."""
        text = f"{value:.{MAX_DECIMALS}f}".rstrip("0").rstrip(".")
        codes = [
            "meter_point" if char == "." else f"digit_{char}"
            for char in text
            if char.isdigit() or char == "."
        ] + ["meter_unit"]
        sounds = []
        for code in codes:
            prompt = self._hotline_prompt_sounds(code)
            sound = prompt.get(language) or next(iter(prompt.values()), "")
            if sound:
                sounds.append(sound)
        return sounds

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
            SERVICE,
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
