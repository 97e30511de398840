# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Automated dunning calls (自动欠费催缴) on the outbound campaign engine.

A credit control run's lines of a level whose channel is phone become a
campaign (``hotline.campaign``, automated, the company's dunning flow): one
contact per customer (commercial partner) with the flow variables
``customer_number``, ``amount`` (total overdue of the lines) and ``months``
(the months in arrears, ``YYYYMM`` comma-separated). The build is SQL (one
aggregate, one insert, one update): 100,000 customers in seconds
(bench/bench_dunning_build.py).

The lines follow the contact: heard → sent (with the date), promise → a note
and an activity for Finance with the date, unreachable after every attempt →
error with the reason (and an SMS with the amount when the company wants it),
paid since the run → the contact is closed as paid before dialling.
"""

import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import speller

DUNNING_OUTCOMES = [
    ("heard", "Heard the reminder"),
    ("promise", "Promised a payment date"),
    ("agent", "Asked for an agent"),
    ("hung_up", "Hung up before the end"),
    ("paid", "Paid before the call"),
    ("unreachable", "Unreachable"),
]

# the phone-channel lines of a run, per customer: overdue total, months, number
BUILD_SQL = """
INSERT INTO hotline_campaign_contact (
    campaign_id, company_id, partner_id, variables, state, attempt_count,
    hotline_dunning_amount, create_uid, create_date, write_uid, write_date
)
SELECT %(campaign)s, %(company)s, agg.partner_id,
       jsonb_build_object(
           'customer_number', COALESCE(p.hotline_customer_number, p.ref, ''),
           'amount', to_char(agg.amount, 'FM999999999990.00'),
           'months', agg.months
       ),
       'pending', 0, agg.amount, %(uid)s, now() at time zone 'UTC',
       %(uid)s, now() at time zone 'UTC'
  FROM (
        SELECT l.commercial_partner_id AS partner_id,
               ROUND(SUM(l.balance_due)::numeric, 2) AS amount,
               array_to_string(array_agg(DISTINCT to_char(
                   COALESCE(m.invoice_date, l.date_due), 'YYYYMM')
                   ORDER BY to_char(COALESCE(m.invoice_date, l.date_due),
                   'YYYYMM')), ',') AS months
          FROM credit_control_line l
          LEFT JOIN account_move m ON m.id = l.invoice_id
         WHERE l.id = ANY(%(lines)s)
         GROUP BY l.commercial_partner_id
        HAVING SUM(l.balance_due) > 0
       ) agg
  JOIN res_partner p ON p.id = agg.partner_id
ON CONFLICT (campaign_id, partner_id) DO NOTHING
"""
LINK_SQL = """
UPDATE credit_control_line l
   SET hotline_dunning_contact_id = c.id, state = 'queued',
       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
  FROM hotline_campaign_contact c
 WHERE c.campaign_id = %(campaign)s
   AND c.partner_id = l.commercial_partner_id
   AND l.id = ANY(%(lines)s)
"""
# overdue now of customers (as on the customer's form: overdue items less the
# payments and credit notes not matched yet)
OVERDUE_SQL = """
SELECT p.commercial_partner_id,
       GREATEST(
           COALESCE(SUM(aml.amount_residual) FILTER (
               WHERE aml.amount_residual > 0 AND aml.date_maturity < %(today)s), 0)
           + COALESCE(SUM(aml.amount_residual) FILTER (
               WHERE aml.amount_residual < 0), 0),
           0)
  FROM account_move_line aml
  JOIN res_partner p ON p.id = aml.partner_id
  JOIN account_account a ON a.id = aml.account_id
 WHERE p.commercial_partner_id = ANY(%(partners)s)
   AND aml.company_id = %(company)s
   AND aml.parent_state = 'posted'
   AND aml.reconciled IS NOT TRUE
   AND a.account_type = 'asset_receivable'
 GROUP BY p.commercial_partner_id
"""


class ResCompany(models.Model):
    _inherit = "res.company"

    hotline_dunning_flow_id = fields.Many2one(
        "hotline.ivr.flow",
        string="Dunning flow",
        help="The IVR flow a customer called by a dunning campaign hears.",
    )
    hotline_dunning_pbx_id = fields.Many2one("hotline.pbx", string="Dunning PBX")
    hotline_dunning_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Dunning calling hours",
        help="Calling windows of dunning campaigns; empty: the company's "
        "working hours.",
    )
    hotline_dunning_promise_days = fields.Integer(
        string="Promised payment within (days)",
        default=15,
        help="A payment date a customer promises on the phone is at most this "
        "many days ahead.",
    )
    hotline_dunning_paid_days = fields.Integer(
        string="Paid after a call within (days)",
        default=7,
        help="Dunning statistics: payments within this many days after a "
        "reached call count as paid after the call.",
    )
    hotline_dunning_sms = fields.Boolean(
        string="SMS when unreachable",
        help="A customer the dunning campaign could not reach after every "
        "attempt gets an SMS with the overdue amount.",
    )


class CreditControlPolicyLevel(models.Model):
    _inherit = "credit.control.policy.level"

    channel = fields.Selection(
        selection_add=[("sms", "SMS")], ondelete={"sms": "set phone"}
    )


class CreditControlLine(models.Model):
    _inherit = "credit.control.line"

    channel = fields.Selection(
        selection_add=[("sms", "SMS")], ondelete={"sms": "set phone"}
    )
    hotline_dunning_contact_id = fields.Many2one(
        "hotline.campaign.contact",
        string="Dunning call",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        copy=False,
    )
    hotline_dunning_reason = fields.Char(
        string="Dunning call result", readonly=True, copy=False
    )

    def action_hotline_dunning_campaign(self):
        """Finance: a dunning campaign from the selected lines."""
        self.env["hotline.campaign"]._hotline_check_finance()
        campaign = self.env["hotline.campaign"]._hotline_dunning_build(self)
        return campaign._hotline_dunning_open()

    def _hotline_send_sms(self):
        """One SMS per customer (commercial partner) of the lines, in their
        language, with the total due; the lines are sent, or in error when
        the customer has no mobile number."""
        today = fields.Date.context_today(self)
        for partner in self.commercial_partner_id:
            lines = self.filtered(
                lambda line, p=partner: line.commercial_partner_id == p
            )
            number = partner.mobile or partner.phone
            if not number:
                lines.write(
                    {
                        "state": "error",
                        "hotline_dunning_reason": self.env._(
                            "The customer has no mobile number."
                        ),
                    }
                )
                continue
            total = "{:.2f}".format(sum(lines.mapped("balance_due")))
            env = self.with_context(lang=partner.lang or self.env.lang).env
            body = env._(
                "Dear %(name)s, your gas bills are overdue: %(amount)s yuan in "
                "total (customer number %(number)s). Please pay as soon as "
                "possible.",
                name=partner.name,
                amount=total,
                number=partner.hotline_customer_number or partner.ref or "",
            )
            partner.sudo()._message_sms(
                body,
                partner_ids=partner.ids,
                sms_pid_to_number={partner.id: number},
                put_in_queue=True,
            )
            lines.write({"state": "sent", "date_sent": today})


class CreditControlRun(models.Model):
    _inherit = "credit.control.run"

    hotline_campaign_ids = fields.One2many(
        "hotline.campaign", "hotline_dunning_run_id", string="Dunning campaigns"
    )

    def action_hotline_dunning_campaign(self):
        """Finance: a dunning campaign from the run's phone lines."""
        self.ensure_one()
        self.env["hotline.campaign"]._hotline_check_finance()
        campaign = self.env["hotline.campaign"]._hotline_dunning_build(
            self.line_ids, run=self
        )
        return campaign._hotline_dunning_open()

    def run_channel_action(self):
        """The lines of the SMS channel ready to send: one SMS per customer
        with the total (the other channels as the module does them)."""
        self.ensure_one()
        self.line_ids.filtered(
            lambda line: line.state == "to_be_sent" and line.channel == "sms"
        )._hotline_send_sms()
        return super().run_channel_action()


class HotlineCampaign(models.Model):
    _inherit = "hotline.campaign"

    hotline_dunning = fields.Boolean(
        string="Dunning", readonly=True, copy=False, index=True
    )
    hotline_dunning_run_id = fields.Many2one(
        "credit.control.run", string="Credit control run", readonly=True, copy=False
    )

    @api.model
    def _hotline_check_finance(self):
        if not self.env.su and not self.env.user.has_group(
            "hotline_base.group_finance"
        ):
            raise UserError(self.env._("Only Finance runs dunning campaigns."))

    @api.model
    def _hotline_dunning_build(self, lines, run=None):
        """A draft automated campaign with one contact per customer of the
        ``lines`` whose channel is phone and not dunned yet (SQL: 100,000
        customers in seconds)."""
        self._hotline_check_finance()
        company = run.company_id if run and run.company_id else self.env.company
        flow = company.hotline_dunning_flow_id
        pbx = company.hotline_dunning_pbx_id
        calendar = company.hotline_dunning_calendar_id or company.resource_calendar_id
        if not flow or not pbx or not calendar:
            raise UserError(
                self.env._(
                    "Set the dunning flow, PBX and calling hours of %s first "
                    "(company settings).",
                    company.display_name,
                )
            )
        lines.flush_recordset()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM credit_control_line WHERE id = ANY(%s)"
                " AND channel = 'phone' AND state IN ('draft', 'to_be_sent')"
                " AND hotline_dunning_contact_id IS NULL AND balance_due > 0",
                lines.ids,
            )
        )
        line_ids = [row[0] for row in rows]
        if not line_ids:
            raise UserError(
                self.env._(
                    "No credit control line to call: none of a phone level, "
                    "still to send and not in a dunning campaign yet."
                )
            )
        sudo = self.sudo().with_company(company)
        name = self.env._("Dunning %s", fields.Date.context_today(self))
        if run:
            name = self.env._("Dunning of the run of %s", run.date)
        campaign = sudo.create(
            {
                "name": name,
                "company_id": company.id,
                "pbx_id": pbx.id,
                "mode": "automated",
                "flow_id": flow.id,
                "calendar_id": calendar.id,
                "hotline_dunning": True,
                "hotline_dunning_run_id": run.id if run else False,
            }
        )
        params = {
            "campaign": campaign.id,
            "company": company.id,
            "uid": self.env.uid,
            "lines": line_ids,
        }
        self.env.flush_all()
        self.env.cr.execute(SQL(BUILD_SQL, **params))
        self.env.cr.execute(SQL(LINK_SQL, **params))
        self.env.invalidate_all()
        campaign.message_post(
            body=self.env._(
                "%(contacts)s customers to call, from %(lines)s credit control lines.",
                contacts=len(campaign.contact_ids),
                lines=len(line_ids),
            )
        )
        return campaign.with_env(self.env)

    def _hotline_dunning_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "hotline.campaign",
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_hotline_dunning_start(self):
        """Finance starts its dunning campaigns (supervisors start any)."""
        self._hotline_check_finance()
        if self.filtered(lambda c: not c.hotline_dunning):
            raise UserError(self.env._("Only dunning campaigns are started here."))
        return self.sudo().action_start()

    def _hotline_skip_before_dial(self, contacts):
        """Dunning: customers who paid since the run are not called (their
        overdue amount is read again just before dialling)."""
        skipped = super()._hotline_skip_before_dial(contacts)
        if not self.hotline_dunning or not contacts:
            return skipped
        self.env.flush_all()
        today = fields.Date.context_today(self.with_context(tz=self._hotline_tz().zone))
        rows = self.env.execute_query(
            SQL(
                OVERDUE_SQL,
                today=today,
                partners=contacts.partner_id.ids,
                company=self.company_id.id,
            )
        )
        overdue = dict(rows)
        rounding = self.company_id.currency_id
        paid = contacts.filtered(
            lambda c: rounding.is_zero(overdue.get(c.partner_id.id, 0.0))
        )
        paid.write({"hotline_dunning_outcome": "paid"})
        for contact in paid:
            skipped[contact.id] = self.env._("Paid since the credit control run.")
        return skipped


class HotlineCampaignContact(models.Model):
    _inherit = "hotline.campaign.contact"

    hotline_dunning_amount = fields.Float(
        string="Overdue amount", readonly=True, digits="Account"
    )
    hotline_dunning_outcome = fields.Selection(
        DUNNING_OUTCOMES, string="Dunning result", readonly=True
    )
    hotline_dunning_reached_at = fields.Datetime(string="Reached on", readonly=True)
    hotline_dunning_promise_date = fields.Date(
        string="Promised payment date", readonly=True
    )
    hotline_dunning_line_ids = fields.One2many(
        "credit.control.line", "hotline_dunning_contact_id", string="Dunning lines"
    )

    def _hotline_dunning_lines(self):
        return self.sudo().hotline_dunning_line_ids.filtered(
            lambda line: line.state in ("queued", "to_be_sent", "draft")
        )

    def _hotline_dunning_heard(self, when):
        """The customer heard the reminder: the lines are sent, on that day."""
        for contact in self:
            if contact.hotline_dunning_outcome in (False, "hung_up"):
                contact.hotline_dunning_outcome = "heard"
            contact._hotline_dunning_lines().write(
                {"state": "sent", "date_sent": when, "hotline_dunning_reason": False}
            )

    def _hotline_dunning_promise(self, date):
        """The customer promised to pay on ``date``: a note on the customer and
        an activity for Finance on that day."""
        self.ensure_one()
        contact = self.sudo()
        contact.write(
            {"hotline_dunning_outcome": "promise", "hotline_dunning_promise_date": date}
        )
        partner = contact.partner_id
        amount = f"{contact.hotline_dunning_amount:.2f}"
        partner.message_post(
            body=self.env._(
                "Dunning call: the customer promised to pay %(amount)s by %(date)s.",
                amount=amount,
                date=date,
            ),
            subtype_xmlid="mail.mt_note",
        )
        finance = self.env.ref("hotline_base.group_finance").users.filtered(
            lambda u: contact.company_id in u.company_ids
        )
        user = contact.campaign_id.create_uid
        if user not in finance:
            user = finance[:1] or self.env.ref("base.user_admin")
        partner.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=date,
            summary=self.env._("Payment promised on the phone"),
            note=self.env._(
                "Promised to pay %(amount)s by %(date)s (dunning call).",
                amount=amount,
                date=date,
            ),
            user_id=user.id,
        )

    def _hotline_on_finished(self):
        res = super()._hotline_on_finished()
        for contact in self.filtered(
            lambda c: c.campaign_id.hotline_dunning and c.state == "failed"
        ):
            contact._hotline_dunning_unreachable()
        return res

    def _hotline_dunning_unreachable(self):
        """Every attempt failed: the lines are in error with the reason, and
        the customer gets an SMS with the amount when the company wants it."""
        self.ensure_one()
        contact = self.sudo()
        labels = dict(self._fields["last_result"]._description_selection(self.env))
        reason = self.env._(
            "Unreachable after %(count)s calls: %(result)s",
            count=contact.attempt_count,
            result=labels.get(contact.last_result) or contact.last_result or "",
        )
        contact.hotline_dunning_outcome = "unreachable"
        sms = contact.company_id.hotline_dunning_sms
        if sms and contact._hotline_dunning_send_sms():
            reason = self.env._("%s; SMS sent", reason)
        lines = contact._hotline_dunning_lines()
        lines.write({"state": "error", "hotline_dunning_reason": reason})

    def _hotline_dunning_send_sms(self):
        """The SMS of the company's template (translatable, in the customer's
        language) to the customer's mobile, queued for Odoo's SMS sender."""
        self.ensure_one()
        template = self.env.ref(
            "hotline_billing_ivr.sms_template_dunning", raise_if_not_found=False
        )
        partner = self.partner_id
        number = partner.mobile or partner.phone
        if not template or not number:
            return False
        body = template.sudo()._render_field("body", self.ids, compute_lang=True)[
            self.id
        ]
        partner.sudo()._message_sms(
            body,
            partner_ids=partner.ids,
            sms_pid_to_number={partner.id: number},
            put_in_queue=True,
        )
        return True

    def _hotline_dunning_months_label(self):
        """The months in arrears as text (SMS): 2026-09, 2026-10."""
        self.ensure_one()
        months = ((self.variables or {}).get("months") or "").split(",")
        return "、".join(f"{m[:4]}-{m[4:]}" for m in months if len(m) == 6)

    @api.model
    def hotline_flow_variables(self, attempt_id):
        variables = super().hotline_flow_variables(attempt_id)
        attempt = self.env["hotline.campaign.attempt"].sudo().browse(int(attempt_id))
        if attempt.exists() and attempt.campaign_id.hotline_dunning:
            # the dunning services find the contact by it
            variables["dunning_attempt"] = str(attempt.id)
        return variables


class HotlineCampaignAttempt(models.Model):
    _inherit = "hotline.campaign.attempt"

    def _hotline_on_result(self):
        res = super()._hotline_on_result()
        for attempt in self.filtered(
            lambda a: a.result == "answered" and a.campaign_id.hotline_dunning
        ):
            contact = attempt.contact_id.sudo()
            if not contact.hotline_dunning_reached_at:
                contact.hotline_dunning_reached_at = attempt.answered_at
        return res

    def _hotline_on_flow_result(self):
        res = super()._hotline_on_flow_result()
        for attempt in self.filtered(lambda a: a.campaign_id.hotline_dunning):
            contact = attempt.contact_id.sudo()
            options = [
                k for k in (attempt.flow_digits or "").split(",") if k and "=" not in k
            ]
            if contact.hotline_dunning_outcome == "promise":
                continue
            if "2" in options:
                contact.hotline_dunning_outcome = "agent"
            elif not contact.hotline_dunning_outcome:
                contact.hotline_dunning_outcome = "hung_up"
        return res


def parse_promise(text, today, max_days):
    """``(date, problem)`` of a payment date typed as YYYYMMDD: problem
    ``invalid`` (not a date), ``past`` (before today) or ``too_far`` (more
    than ``max_days`` ahead)."""
    text = (text or "").strip()
    if len(text) != 8 or not text.isdigit():
        return None, "invalid"
    try:
        date = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None, "invalid"
    if date < today:
        return None, "past"
    if max_days and date > today + relativedelta(days=max_days):
        return None, "too_far"
    return date, None


class HotlineIvrFlow(models.Model):
    _inherit = "hotline.ivr.flow"

    @api.model
    def _hotline_ivr_services(self):
        services = super()._hotline_ivr_services()
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
