# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare, float_round

from odoo.addons.hotline_base.tools import webhook

_logger = logging.getLogger(__name__)

# readings that count: the previous value, the average, the tiers, the one per month
COUNTED_STATES = ("accepted", "invoiced")
# readings waiting for a decision, replaced by a new reading of the same month
OPEN_STATES = ("accepted", "to_check")
FINANCE_GROUP = "hotline_base.group_finance"


class HotlineMeterReading(models.Model):
    """A reading of the meter of a service site for one month (抄表).

    One reading per meter and month counts (accepted, then invoiced); a new
    reading of the month replaces an accepted or unchecked one that is not
    invoiced yet (the old one is kept, rejected). The previous value is the
    last counted reading of the meter, or the start value of a new meter when
    the meter was changed since (then the value may be below the old one)."""

    _name = "hotline.meter.reading"
    _description = "Meter Reading"
    _inherit = ["hotline.company.guard", "mail.thread", "mail.activity.mixin"]
    _order = "month desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    site_id = fields.Many2one(
        "hotline.service.site",
        string="Meter",
        required=True,
        index=True,
        ondelete="restrict",
    )
    meter_number = fields.Char(related="site_id.meter_number")
    partner_id = fields.Many2one(
        related="site_id.partner_id", store=True, string="Customer", index=True
    )
    month = fields.Date(
        required=True, index=True, help="First day of the month the reading is for."
    )
    value = fields.Float(string="Reading", digits=(16, 3), required=True, tracking=True)
    previous_value = fields.Float(
        string="Previous reading",
        digits=(16, 3),
        help="The last accepted reading of the meter before this month, or the "
        "start value of the new meter after a meter change; filled when empty.",
    )
    meter_change = fields.Boolean(
        string="After a meter change",
        readonly=True,
        help="The meter was changed since the previous reading: the previous "
        "value is the new meter's start value.",
    )
    consumption = fields.Float(
        digits=(16, 3), compute="_compute_consumption", store=True, string="Usage (m³)"
    )
    source = fields.Selection(
        [
            ("phone", "Phone (IVR)"),
            ("agent", "Agent"),
            ("import", "Import"),
            ("system", "Business system"),
        ],
        required=True,
        default="agent",
    )
    state = fields.Selection(
        [
            ("accepted", "Accepted"),
            ("to_check", "To check"),
            ("rejected", "Rejected"),
            ("invoiced", "Invoiced"),
        ],
        required=True,
        default="accepted",
        tracking=True,
        index=True,
    )
    check_reason = fields.Char(
        readonly=True, help="Why the reading waits for a check by the billing team."
    )
    call_id = fields.Many2one("hotline.call", index="btree_not_null")
    invoice_id = fields.Many2one(
        "account.move", index="btree_not_null", copy=False, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        readonly=True,
        copy=False,
        help="What the reading's consumption was invoiced for (tiered prices).",
    )

    def init(self):
        # one counted reading per meter and month, whatever writes it
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS hotline_meter_reading_one_per_month "
                "ON hotline_meter_reading (site_id, month) "
                "WHERE state IN ('accepted', 'invoiced')"
            )
        )

    @api.depends("value", "previous_value")
    def _compute_consumption(self):
        for reading in self:
            reading.consumption = max(reading.value - reading.previous_value, 0.0)

    @api.depends("site_id", "month")
    def _compute_display_name(self):
        for reading in self:
            month = reading.month.strftime("%Y-%m") if reading.month else ""
            reading.display_name = f"{reading.site_id.display_name or ''} {month}"

    # -- checks ---------------------------------------------------------------
    @api.model
    def _hotline_today(self, company=None):
        """Today in the company's time zone (the caller's month)."""
        company = company or self.env.company
        tz = company.partner_id.tz or self.env.user.tz or "Asia/Shanghai"
        return fields.Date.context_today(self.with_context(tz=tz))

    @api.model
    def _hotline_previous(self, site, month):
        """``(previous value, meter change)`` for a reading of ``site`` in
        ``month``: the last counted reading before the month, or the new
        meter's start value when the meter was changed after it."""
        last = self.search(
            [
                ("site_id", "=", site.id),
                ("month", "<", month),
                ("state", "in", COUNTED_STATES),
            ],
            order="month desc, id desc",
            limit=1,
        )
        changed = site.meter_change_date
        next_month = month + relativedelta(months=1)
        if (
            changed
            and changed < next_month
            and (not last or changed >= last.month + relativedelta(months=1))
        ):
            return site.meter_start_value, True
        if last:
            return last.value, False
        return site.meter_start_value, False

    @api.model
    def _hotline_monthly_average(self, site, month):
        """Average monthly consumption of the meter over the 12 months before
        ``month`` (counted readings only), 0 without history."""
        readings = self.search(
            [
                ("site_id", "=", site.id),
                ("month", "<", month),
                ("month", ">=", month - relativedelta(months=12)),
                ("state", "in", COUNTED_STATES),
            ]
        )
        if not readings:
            return 0.0
        return sum(readings.mapped("consumption")) / len(set(readings.mapped("month")))

    @api.model
    def _hotline_check_value(self, site, month, value, company=None):
        """What a new reading would be: a dict with ``previous``,
        ``meter_change``, ``consumption``, ``problem`` (``below_previous``,
        ``future_month``, ``bad_month`` (before the meter's last counted
        reading), ``invoiced`` (the month's reading is invoiced) or None) and
        ``implausible`` (a reason, or None)."""
        month = month.replace(day=1)
        previous, changed = self._hotline_previous(site, month)
        result = {
            "previous": previous,
            "meter_change": changed,
            "consumption": max(value - previous, 0.0),
            "problem": None,
            "implausible": None,
        }
        today = self._hotline_today(company)
        same_month = self.search(
            [("site_id", "=", site.id), ("month", "=", month)],
        )
        later = self.search_count(
            [
                ("site_id", "=", site.id),
                ("month", ">", month),
                ("state", "in", COUNTED_STATES),
            ],
            limit=1,
        )
        if month > today.replace(day=1):
            result["problem"] = "future_month"
        elif same_month.filtered(lambda r: r.state == "invoiced"):
            result["problem"] = "invoiced"
        elif later:
            result["problem"] = "bad_month"
        elif float_compare(value, previous, precision_digits=3) < 0:
            result["problem"] = "below_previous"
        if result["problem"]:
            return result
        factor = (company or self.env.company).hotline_meter_plausibility_factor
        average = self._hotline_monthly_average(site, month)
        if factor > 0 and average > 0 and result["consumption"] > factor * average:
            result["implausible"] = self.env._(
                "Usage %(usage)s m³ is more than %(factor)s times the monthly "
                "average %(average)s m³ of the last 12 months.",
                usage=float_round(result["consumption"], 3),
                factor=factor,
                average=float_round(average, 3),
            )
        return result

    def _hotline_problem_message(self, problem, site, month, previous):
        messages = {
            "future_month": self.env._(
                "%(meter)s: no reading for %(month)s yet, the month has not begun.",
                meter=site.display_name,
                month=month.strftime("%Y-%m"),
            ),
            "invoiced": self.env._(
                "%(meter)s: the reading of %(month)s is invoiced already.",
                meter=site.display_name,
                month=month.strftime("%Y-%m"),
            ),
            "bad_month": self.env._(
                "%(meter)s: a later month than %(month)s has an accepted reading.",
                meter=site.display_name,
                month=month.strftime("%Y-%m"),
            ),
            "below_previous": self.env._(
                "%(meter)s: the reading is below the previous one (%(previous)s); "
                "record the meter change on the service site when the meter was "
                "replaced.",
                meter=site.display_name,
                previous=previous,
            ),
        }
        return messages[problem]

    # -- create / write -------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        Site = self.env["hotline.service.site"]
        for vals in vals_list:
            if vals.get("state", "accepted") not in OPEN_STATES or vals.get(
                "invoice_id"
            ):
                self._hotline_check_finance()
            if vals.get("month"):
                vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
            if not (vals.get("site_id") and vals.get("month")):
                continue
            if vals.get("state", "accepted") not in OPEN_STATES:
                continue
            site = Site.browse(vals["site_id"])
            company = self.env["res.company"].browse(vals.get("company_id"))
            if vals.get("value", 0.0) < 0:
                raise ValidationError(self.env._("A meter reading cannot be negative."))
            check = self._hotline_check_value(
                site, vals["month"], vals.get("value", 0), company or self.env.company
            )
            if "previous_value" not in vals:
                vals["previous_value"] = check["previous"]
                vals["meter_change"] = check["meter_change"]
                if check["problem"]:
                    raise ValidationError(
                        self._hotline_problem_message(
                            check["problem"], site, vals["month"], check["previous"]
                        )
                    )
            elif check["problem"] in ("future_month", "invoiced"):
                raise ValidationError(
                    self._hotline_problem_message(
                        check["problem"], site, vals["month"], check["previous"]
                    )
                )
            if check["implausible"] and vals.get("state", "accepted") == "accepted":
                vals["state"] = "to_check"
                vals["check_reason"] = check["implausible"]
            if vals.get("state", "accepted") in COUNTED_STATES:
                self._hotline_check_free(site, vals["month"])
        readings = super().create(vals_list)
        readings.filtered(lambda r: r.state == "to_check")._hotline_ask_check()
        return readings

    def write(self, vals):
        if {"state", "invoice_id", "amount"} & set(vals):
            # accepting, rejecting and invoicing are the billing team's
            self._hotline_check_finance()
        frozen = {"site_id", "month", "value", "previous_value", "invoice_id"}
        if (
            frozen & set(vals)
            and not self.env.context.get("hotline_invoicing")
            and self.filtered(lambda r: r.state == "invoiced")
        ):
            raise UserError(self.env._("An invoiced meter reading cannot be changed."))
        if vals.get("month"):
            vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)
        if "value" in vals:
            for reading in self:
                previous = vals.get("previous_value", reading.previous_value)
                if float_compare(vals["value"], previous, precision_digits=3) < 0:
                    raise ValidationError(
                        self._hotline_problem_message(
                            "below_previous", reading.site_id, reading.month, previous
                        )
                    )
        if {"site_id", "month", "state"} & set(vals):
            Site = self.env["hotline.service.site"]
            for reading in self:
                if vals.get("state", reading.state) in COUNTED_STATES:
                    self._hotline_check_free(
                        Site.browse(vals.get("site_id", reading.site_id.id)),
                        vals.get("month", reading.month),
                        exclude=reading,
                    )
        rejecting = (
            self.sudo().filtered(lambda r: r.state != "rejected")
            if vals.get("state") == "rejected"
            else None
        )
        res = super().write(vals)
        if vals.get("state") == "to_check":
            self._hotline_ask_check()
        if rejecting:
            self.env["hotline.webhook.delivery"]._hotline_emit_records(
                "meter_reading.rejected",
                rejecting,
                lambda r: r._hotline_webhook_data(),
            )
        return res

    def _hotline_webhook_data(self):
        """The reading in webhook payloads (hotline_base's readme/USAGE.md);
        no customer identity when the reading's call or customer is a
        confidential reporter's."""
        self.ensure_one()
        reading = self.sudo()
        partner = reading.partner_id
        hidden = (
            reading.call_id and reading.call_id._hotline_caller_hidden()
        ) or self.env["hotline.webhook.delivery"]._hotline_identity_hidden(
            partner, reading.call_id or reading, partner.mobile or partner.phone
        )
        return {
            "meter_reading": {
                "id": reading.id,
                "site_id": reading.site_id.id,
                "meter_number": reading.meter_number or None,
                "month": webhook.iso(reading.month),
                "value": reading.value,
                "previous_value": reading.previous_value,
                "consumption": reading.consumption,
                "source": reading.source,
                "state": reading.state,
                "check_reason": reading.check_reason or None,
                "call_id": reading.call_id.id or None,
                "customer": None
                if hidden
                else {
                    "partner_id": partner.id or None,
                    "name": partner.name or None,
                    "customer_number": partner.hotline_customer_number or None,
                },
            }
        }

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        if self.filtered(lambda r: r.state == "invoiced"):
            raise UserError(self.env._("An invoiced meter reading cannot be deleted."))

    @api.model
    def _hotline_check_free(self, site, month, exclude=None):
        """A clear message before the unique index refuses a second counted
        reading of the month."""
        domain = [
            ("site_id", "=", site.id),
            ("month", "=", month),
            ("state", "in", COUNTED_STATES),
        ]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        if self.search_count(domain, limit=1):
            raise ValidationError(
                self.env._(
                    "%(meter)s has an accepted reading for %(month)s already: "
                    "reject it first (a reading taken by phone replaces it "
                    "when it is not invoiced).",
                    meter=site.display_name,
                    month=month.strftime("%Y-%m"),
                )
            )

    @api.model
    def _hotline_billing_team(self, company):
        """Who checks readings: the company's responsible, else its Finance users."""
        if company.hotline_meter_check_user_id:
            return company.hotline_meter_check_user_id
        return (
            self.env.ref(FINANCE_GROUP)
            .sudo()
            .users.filtered(lambda u: company in u.company_ids and u.active)
        )

    def _hotline_ask_check(self):
        """An activity per member of the billing team on each reading to check."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for reading in self:
            for user in self._hotline_billing_team(reading.company_id):
                reading.sudo().activity_schedule(
                    activity_type_id=todo.id,
                    user_id=user.id,
                    summary=self.env._("Check meter reading"),
                    note=reading.check_reason or "",
                )

    # -- billing team's decisions ---------------------------------------------
    def _hotline_check_finance(self):
        if not self.env.su and not self.env.user.has_group(FINANCE_GROUP):
            raise AccessError(
                self.env._("Only the billing team (Finance) decides on readings.")
            )

    def action_accept(self):
        self._hotline_check_finance()
        for reading in self:
            if reading.state not in ("to_check", "rejected"):
                raise UserError(
                    self.env._("Only readings to check or rejected can be accepted.")
                )
        self.write({"state": "accepted"})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_reject(self):
        self._hotline_check_finance()
        if self.filtered(lambda r: r.state == "invoiced"):
            raise UserError(self.env._("An invoiced meter reading cannot be rejected."))
        self.write({"state": "rejected"})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_create_invoices(self):
        """Draft customer invoices of the selected accepted readings."""
        moves = self._hotline_create_invoices()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action

    # -- invoicing --------------------------------------------------------------
    @api.model
    def _hotline_invoice_domain(self, before=None):
        domain = [("state", "=", "accepted"), ("invoice_id", "=", False)]
        if before:
            domain.append(("month", "<", before))
        return domain

    def _hotline_year_usage_before(self):
        """Usage of the meter in the reading's year before its month."""
        self.ensure_one()
        earlier = self.search(
            [
                ("site_id", "=", self.site_id.id),
                ("month", ">=", self.month.replace(month=1)),
                ("month", "<", self.month),
                ("state", "in", COUNTED_STATES),
            ]
        )
        return sum(earlier.mapped("consumption"))

    def _hotline_create_invoices(self):
        """One draft customer invoice per customer and month, one line per
        meter and price tier (the month's usage split at the tier bounds of
        the year's cumulative usage). Finance only."""
        self._hotline_check_finance()
        readings = self.filtered(
            lambda r: r.state == "accepted" and not r.invoice_id
        ).sorted(lambda r: (r.month, r.site_id.id))
        if not readings:
            raise UserError(self.env._("No accepted reading left to invoice."))
        groups = defaultdict(lambda: self.browse())
        for reading in readings:
            groups[(reading.company_id, reading.partner_id, reading.month)] |= reading
        Tariff = self.env["hotline.meter.tariff"]
        moves = self.env["account.move"]
        for (company, partner, month), group in groups.items():
            lines = []
            amounts = {}
            for reading in group:
                tariff = Tariff._hotline_for(company, reading.site_id.site_category)
                pieces = tariff._hotline_split(
                    month.year,
                    reading._hotline_year_usage_before(),
                    reading.consumption,
                )
                amounts[reading] = sum(q * p for q, p in pieces)
                for index, (quantity, price) in enumerate(pieces, 1):
                    lines.append(
                        fields.Command.create(
                            {
                                "product_id": tariff.product_id.id,
                                "name": self.env._(
                                    "%(meter)s, %(month)s: usage %(first)s to "
                                    "%(last)s m³, tier %(tier)s",
                                    meter=reading.site_id.display_name,
                                    month=month.strftime("%Y-%m"),
                                    first=float_round(reading.previous_value, 3),
                                    last=float_round(reading.value, 3),
                                    tier=index,
                                )
                                if len(pieces) > 1
                                else self.env._(
                                    "%(meter)s, %(month)s: usage %(first)s to "
                                    "%(last)s m³",
                                    meter=reading.site_id.display_name,
                                    month=month.strftime("%Y-%m"),
                                    first=float_round(reading.previous_value, 3),
                                    last=float_round(reading.value, 3),
                                ),
                                "quantity": quantity,
                                "price_unit": price,
                            }
                        )
                    )
            move = (
                self.env["account.move"]
                .with_company(company)
                .create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "invoice_date": month + relativedelta(months=1, days=-1),
                        "invoice_origin": self.env._(
                            "Meter readings %s", month.strftime("%Y-%m")
                        ),
                        "invoice_line_ids": lines,
                    }
                )
            )
            for reading in group:
                reading.with_context(hotline_invoicing=True).write(
                    {
                        "state": "invoiced",
                        "invoice_id": move.id,
                        "amount": company.currency_id.round(amounts[reading]),
                    }
                )
            moves |= move
        return moves

    @api.model
    def _cron_hotline_create_invoices(self):
        """Monthly: draft invoices of the accepted readings of past months, per
        company; a customer whose meter has no tariff is left for the next run
        (logged)."""
        for company in self.env["res.company"].search([]):
            readings = self.with_company(company).search(
                self._hotline_invoice_domain(
                    before=self._hotline_today(company).replace(day=1)
                )
                + [("company_id", "=", company.id)]
            )
            by_partner = defaultdict(lambda: self.browse())
            for reading in readings:
                by_partner[reading.partner_id] |= reading
            for partner, group in by_partner.items():
                try:
                    with self.env.cr.savepoint():
                        group.with_company(company).sudo()._hotline_create_invoices()
                except UserError as exc:
                    _logger.info(
                        "Meter readings of %s not invoiced: %s",
                        partner.display_name,
                        exc,
                    )
