# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import calendar
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

CARE_KINDS = [
    ("case_ack", "Case acknowledgement"),
    ("callback", "Callback notice"),
    ("work_order", "Work order on its way"),
    ("arrears", "Arrears reminder"),
    ("birthday", "Birthday greeting"),
    ("outage", "Outage notice"),
]
SKIP_REASONS = [
    ("confidential", "Confidential reporter"),
    ("disabled", "Switched off"),
    ("no_contact", "No mobile number or e-mail"),
    ("blacklisted", "Opted out"),
    ("no_text", "No text"),
]
# a birthday greeting goes once a year: none when one was sent this long ago
BIRTHDAY_GAP_DAYS = 300


class HotlineCareMessage(models.Model):
    """Care messages (关怀短信): one row per message the hotline sends on its
    own (acknowledgements, callback notices, work orders on their way, arrears
    reminders, birthday greetings, outage notices).

    ``_hotline_send_care`` is the one door: it refuses confidential reporters,
    honours the company's switch and template of the kind, and holds the
    message during the company's quiet hours (a cron sends it in the morning).
    """

    _name = "hotline.care.message"
    _description = "Care Message"
    _inherit = ["hotline.company.guard"]
    _order = "id desc"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    kind = fields.Selection(CARE_KINDS, required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", readonly=True, ondelete="set null"
    )
    channel = fields.Selection([("sms", "SMS"), ("email", "E-mail")], readonly=True)
    number = fields.Char(readonly=True)
    email = fields.Char(string="E-mail", readonly=True)
    subject = fields.Char(readonly=True)
    body = fields.Text(readonly=True)
    res_model = fields.Char(string="Document model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Document", model_field="res_model", readonly=True
    )
    state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("skipped", "Not sent")],
        required=True,
        default="queued",
        readonly=True,
        index=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS, string="Reason", readonly=True)
    scheduled_at = fields.Datetime(
        string="Send at",
        readonly=True,
        index=True,
        help="Held during the quiet hours: sent when they end.",
    )
    sent_at = fields.Datetime(readonly=True)
    sms_uuid = fields.Char(string="SMS UUID", readonly=True, index="btree_not_null")
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")

    # ------------------------------------------------------------------ hooks
    @api.model
    def _hotline_care_refusal(self, partner, record, number):
        """A reason (``confidential``) never to send to this person, or False.

        hotline_complaints adds the confidential reporters and hidden callers.
        """
        return False

    # ------------------------------------------------------------ quiet hours
    @api.model
    def _hotline_company_tz(self, company):
        return pytz.timezone(
            company.partner_id.tz or company.resource_calendar_id.tz or "UTC"
        )

    @api.model
    def _hotline_quiet_until(self, company, now=None):
        """End of the quiet hours (naive UTC) when ``now`` is in them, or False."""
        start = company.hotline_care_quiet_start
        end = company.hotline_care_quiet_end
        if not company.hotline_care_quiet_hours or start == end:
            return False
        now = now or fields.Datetime.now()
        tz = self._hotline_company_tz(company)
        local = pytz.utc.localize(now).astimezone(tz)
        hour = local.hour + local.minute / 60 + local.second / 3600
        quiet = (hour >= start or hour < end) if start > end else start <= hour < end
        if not quiet:
            return False
        end_time = time(int(end) % 24, round((end % 1) * 60) % 60)
        day = local.date() if hour < end else local.date() + timedelta(days=1)
        wake = tz.localize(datetime.combine(day, end_time))
        return wake.astimezone(pytz.utc).replace(tzinfo=None)

    # ------------------------------------------------------------------ sending
    @api.model
    def _hotline_send_care(
        self,
        kind,
        partner,
        record,
        template=None,
        body=None,
        number=None,
        mail_template=None,
        company=None,
    ):
        """Send (or queue, or log as not sent) the care message ``kind``.

        :param partner: the customer (may be empty when only ``number`` is known)
        :param record: the document the message is about (its template's model)
        :param template: default ``sms.template``
        :param body: ready text instead of a template (the company's template
            of the kind, when it is made for ``record``'s model, wins over both)
        :param number: the number to text (default: the customer's mobile)
        :param mail_template: ``mail.template`` used when there is no mobile
            number but an e-mail address
        :return: the ``hotline.care.message``
        """
        if kind not in dict(CARE_KINDS):
            raise UserError(self.env._("Unknown kind of care message: %s", kind))
        company = company or self.env.company
        partner = partner or self.env["res.partner"]
        values = {
            "kind": kind,
            "company_id": company.id,
            "res_model": record._name if record else False,
            "res_id": record.id if record else False,
        }
        if self._hotline_care_refusal(partner, record, number):
            # nothing about the person is kept: the log must not reveal them
            return self.sudo().create(
                dict(values, state="skipped", skip_reason="confidential")
            )
        values["partner_id"] = partner.id
        if not company[f"hotline_care_{kind}"]:
            return self.sudo().create(
                dict(values, state="skipped", skip_reason="disabled")
            )
        number = number or partner.mobile
        if number:
            number = partner._phone_format(number=number) or number
        blacklisted = bool(
            number
            and self.env["phone.blacklist"]
            .sudo()
            .search_count([("number", "=", number), ("active", "=", True)], limit=1)
        )
        email = partner.email if mail_template else False
        own = company[f"hotline_care_{kind}_template_id"]
        if own and record and own.model == record._name:
            # the company's own text wins over the caller's default
            template, body = own, None
        if number and not blacklisted:
            values.update(channel="sms", number=number)
            if body is None and template and record:
                body = template.sudo()._render_field(
                    "body", record.ids, compute_lang=True
                )[record.id]
            values["body"] = body
        elif email:
            rendered = mail_template.sudo()._generate_template(
                record.ids, ("subject", "body_html")
            )[record.id]
            values.update(
                channel="email",
                email=email,
                subject=rendered.get("subject"),
                body=rendered.get("body_html"),
            )
        else:
            reason = "blacklisted" if blacklisted else "no_contact"
            return self.sudo().create(
                dict(values, number=number, state="skipped", skip_reason=reason)
            )
        if not values.get("body"):
            return self.sudo().create(
                dict(values, state="skipped", skip_reason="no_text")
            )
        wake = self._hotline_quiet_until(company)
        message = self.sudo().create(
            dict(values, state="queued", scheduled_at=wake or fields.Datetime.now())
        )
        if not wake:
            message._hotline_dispatch()
        return message

    def _hotline_document(self):
        self.ensure_one()
        if not (self.res_model and self.res_id):
            return None
        return self.env[self.res_model].browse(self.res_id).exists()

    def _hotline_dispatch(self):
        """Send queued messages now (checked again: a case may have become
        confidential, or the company switched the kind off, in the night)."""
        texts = False
        mails = False
        for message in self.filtered(lambda m: m.state == "queued"):
            record = message._hotline_document()
            if self._hotline_care_refusal(message.partner_id, record, message.number):
                message.write(
                    {
                        "state": "skipped",
                        "skip_reason": "confidential",
                        "partner_id": False,
                        "number": False,
                        "email": False,
                        "body": False,
                        "subject": False,
                    }
                )
                continue
            if not message.company_id[f"hotline_care_{message.kind}"]:
                message.write({"state": "skipped", "skip_reason": "disabled"})
                continue
            vals = {"state": "sent", "sent_at": fields.Datetime.now()}
            if message.channel == "sms":
                sms = (
                    self.env["sms.sms"]
                    .sudo()
                    .create(
                        {
                            "number": message.number,
                            "partner_id": message.partner_id.id,
                            "body": message.body,
                            "state": "outgoing",
                        }
                    )
                )
                vals["sms_uuid"] = sms.uuid
                texts = True
            else:
                company = message.company_id
                vals["mail_id"] = (
                    self.env["mail.mail"]
                    .sudo()
                    .create(
                        {
                            "email_from": company.partner_id.email_formatted,
                            "email_to": message.email,
                            "recipient_ids": [
                                fields.Command.link(message.partner_id.id)
                            ],
                            "subject": message.subject,
                            "body_html": Markup(message.body),
                            "auto_delete": False,
                        }
                    )
                    .id
                )
                mails = True
            message.write(vals)
        if texts and not self.env.context.get("hotline_care_no_trigger"):
            # bulk senders (outage notices) trigger Odoo's SMS queue once
            self.env.ref("sms.ir_cron_sms_scheduler_action").sudo()._trigger()
        if mails:
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        return True

    @api.model
    def _cron_send_queued(self):
        """Send the messages held during the quiet hours once they are over."""
        due = self.sudo().search(
            [("state", "=", "queued"), ("scheduled_at", "<=", fields.Datetime.now())],
            order="scheduled_at, id",
        )
        due._hotline_dispatch()
        return True

    # ------------------------------------------------------------------ birthdays
    @api.model
    def _cron_birthday(self):
        """Birthday greetings to the customers born today (birth date from the
        resident ID number), once a year, in each company's own date."""
        template = self.env.ref(
            "hotline_base.sms_template_care_birthday", raise_if_not_found=False
        )
        Partner = self.env["res.partner"].sudo()
        for company in self.env["res.company"].sudo().search([]):
            if not company.hotline_care_birthday:
                continue
            tz = self._hotline_company_tz(company)
            today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
            days = [today.day]
            if today.month == 2 and today.day == 28 and not calendar.isleap(today.year):
                days.append(29)
            partners = Partner.search(
                [
                    ("hotline_is_customer", "=", True),
                    ("hotline_birth_month", "=", today.month),
                    ("company_id", "in", [company.id, False]),
                    ("mobile", "!=", False),
                ]
            ).filtered(lambda p, days=days: p.hotline_birth_date.day in days)
            if not partners:
                continue
            since = fields.Datetime.now() - timedelta(days=BIRTHDAY_GAP_DAYS)
            greeted = (
                self.sudo()
                .search(
                    [
                        ("kind", "=", "birthday"),
                        ("company_id", "=", company.id),
                        ("partner_id", "in", partners.ids),
                        ("create_date", ">=", since),
                    ]
                )
                .partner_id
            )
            for partner in partners - greeted:
                self.with_company(company)._hotline_send_care(
                    "birthday", partner, partner, template=template, company=company
                )
        return True
