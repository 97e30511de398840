# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from odoo.addons.hotline_base.tools import webhook

from ..tools.dunning import DUNNING_OUTCOMES


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

    def write(self, vals):
        before = (
            {contact.id: contact.hotline_dunning_outcome for contact in self.sudo()}
            if "hotline_dunning_outcome" in vals
            else None
        )
        res = super().write(vals)
        if before:
            changed = self.sudo().filtered(
                lambda c: c.hotline_dunning_outcome != before.get(c.id)
            )
            self.env["hotline.webhook.delivery"]._hotline_emit_records(
                "dunning.result",
                changed,
                lambda c: c._hotline_webhook_data(before.get(c.id)),
            )
        return res

    def _hotline_webhook_data(self, previous_outcome=None):
        """The dunning result in webhook payloads (hotline_base's
        readme/USAGE.md); no customer identity for a confidential reporter."""
        self.ensure_one()
        contact = self.sudo()
        partner = contact.partner_id
        hidden = self.env["hotline.webhook.delivery"]._hotline_identity_hidden(
            partner, contact, partner.mobile or partner.phone
        )
        return {
            "dunning": {
                "contact_id": contact.id,
                "campaign": {
                    "id": contact.campaign_id.id,
                    "name": contact.campaign_id.name,
                },
                "outcome": contact.hotline_dunning_outcome or None,
                "previous_outcome": previous_outcome or None,
                "amount": contact.hotline_dunning_amount,
                "currency": contact.company_id.currency_id.name,
                "promise_date": webhook.iso(contact.hotline_dunning_promise_date),
                "reached_at": webhook.iso(contact.hotline_dunning_reached_at),
                "attempt_count": contact.attempt_count,
                "credit_control_line_ids": contact.hotline_dunning_line_ids.ids,
                "customer": None
                if hidden
                else {
                    "partner_id": partner.id,
                    "name": partner.name,
                    "customer_number": partner.hotline_customer_number or None,
                },
            }
        }

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
        # through the care service: company switch, quiet hours, never to a
        # confidential reporter
        care = self.env["hotline.care.message"]._hotline_send_care(
            "arrears",
            partner,
            self,
            template=template,
            number=number,
            company=self.company_id,
        )
        return care.state != "skipped"

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
