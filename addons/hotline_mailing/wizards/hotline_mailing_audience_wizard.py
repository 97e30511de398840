# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from odoo.addons.hotline_billing_ivr.models.hotline_service_site import (
    SITE_CATEGORIES,
)

MONTHS = [(str(m), str(m)) for m in range(1, 13)]
SENDER_GROUPS = ("hotline_base.group_supervisor", "hotline_base.group_finance")


class HotlineMailingAudienceWizard(models.TransientModel):
    """Customers chosen by area, category, VIP, arrears, service-site type and
    birthday month: a mass SMS or e-mail (mass_mailing) whose recipients are
    this domain on the customers, evaluated when it is sent."""

    _name = "hotline.mailing.audience.wizard"
    _description = "Mailing to selected customers"

    mailing_type = fields.Selection(
        [("sms", "SMS"), ("mail", "E-mail")], required=True, default="sms"
    )
    subject = fields.Char(required=True)
    area_ids = fields.Many2many(
        "hotline.area",
        string="Areas",
        help="Customers living in these areas (or their sub-areas), or with a "
        "service site there.",
    )
    category_ids = fields.Many2many("hotline.customer.category", string="Categories")
    vip = fields.Selection([("vip", "VIP only"), ("not_vip", "Not VIP")], string="VIP")
    in_arrears = fields.Boolean(string="In arrears")
    site_category = fields.Selection(SITE_CATEGORIES, string="Service-site type")
    birth_month = fields.Selection(MONTHS, string="Birthday month")
    recipient_count = fields.Integer(
        string="Customers", compute="_compute_recipient_count"
    )

    @api.model
    def _hotline_check_sender(self):
        if not any(self.env.user.has_group(g) for g in SENDER_GROUPS):
            raise AccessError(
                self.env._("Only supervisors and finance send mailings to customers.")
            )

    def _hotline_domain(self):
        self.ensure_one()
        domain = [("hotline_is_customer", "=", True)]
        if self.area_ids:
            domain = expression.AND(
                [
                    domain,
                    [
                        "|",
                        ("hotline_area_id", "child_of", self.area_ids.ids),
                        ("hotline_site_ids.area_id", "child_of", self.area_ids.ids),
                    ],
                ]
            )
        if self.category_ids:
            domain.append(("hotline_category_id", "in", self.category_ids.ids))
        if self.vip:
            domain.append(("hotline_is_vip", "=", self.vip == "vip"))
        if self.in_arrears:
            domain.append(("hotline_is_overdue", "=", True))
        if self.site_category:
            domain.append(("hotline_site_ids.site_category", "=", self.site_category))
        if self.birth_month:
            domain.append(("hotline_birth_month", "=", int(self.birth_month)))
        return domain

    @api.depends(
        "area_ids",
        "category_ids",
        "vip",
        "in_arrears",
        "site_category",
        "birth_month",
    )
    def _compute_recipient_count(self):
        Partner = self.env["res.partner"]
        for wizard in self:
            wizard.recipient_count = Partner.search_count(wizard._hotline_domain())

    def action_create_mailing(self):
        """The mailing (draft), opened to write it, preview, test and send."""
        self.ensure_one()
        self._hotline_check_sender()
        if not self.recipient_count:
            raise UserError(self.env._("No customer matches this selection."))
        values = {
            "mailing_type": self.mailing_type,
            "subject": self.subject,
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            "mailing_domain": repr(self._hotline_domain()),
        }
        mailing = self.env["mailing.mailing"].create(values)
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": mailing.id,
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "current",
        }
