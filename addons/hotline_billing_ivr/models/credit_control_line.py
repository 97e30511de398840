# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


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
            # through the care service: company switch, quiet hours, never to
            # a confidential reporter
            care = self.env["hotline.care.message"]._hotline_send_care(
                "arrears",
                partner,
                partner,
                body=body,
                number=number,
                company=lines.company_id[:1] or self.env.company,
            )
            if care.state == "skipped":
                reasons = dict(care._fields["skip_reason"]._description_selection(env))
                lines.write(
                    {
                        "state": "error",
                        "hotline_dunning_reason": env._(
                            "SMS not sent: %s", reasons[care.skip_reason]
                        ),
                    }
                )
                continue
            lines.write({"state": "sent", "date_sent": today})
