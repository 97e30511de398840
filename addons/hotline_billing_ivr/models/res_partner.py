# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

PAYMENT_GROUPS = "hotline_base.group_agent,hotline_base.group_finance"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # compute_sudo: agents have no accounting rights; they see the figures on
    # the customer, never the journal items or invoices behind them.
    hotline_arrears_currency_id = fields.Many2one(
        "res.currency",
        string="Arrears Currency",
        compute="_compute_hotline_arrears",
        compute_sudo=True,
        groups=PAYMENT_GROUPS,
    )
    hotline_amount_due = fields.Monetary(
        string="Amount Due",
        currency_field="hotline_arrears_currency_id",
        compute="_compute_hotline_arrears",
        compute_sudo=True,
        groups=PAYMENT_GROUPS,
        help="Open receivable of the customer in the current company "
        "(posted, unreconciled journal items; payments not yet matched lower it).",
    )
    hotline_amount_overdue = fields.Monetary(
        string="Overdue Amount",
        currency_field="hotline_arrears_currency_id",
        compute="_compute_hotline_arrears",
        compute_sudo=True,
        groups=PAYMENT_GROUPS,
        help="Part of the amount due whose due date is past.",
    )
    hotline_is_overdue = fields.Boolean(
        string="In Arrears",
        compute="_compute_hotline_arrears",
        compute_sudo=True,
        groups=PAYMENT_GROUPS,
    )
    hotline_last_payment_date = fields.Date(
        string="Last Payment",
        compute="_compute_hotline_arrears",
        compute_sudo=True,
        groups=PAYMENT_GROUPS,
        help="Date of the latest confirmed incoming customer payment.",
    )

    @api.depends_context("company")
    def _compute_hotline_arrears(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        MoveLine = self.env["account.move.line"].sudo()
        Payment = self.env["account.payment"].sudo()
        for partner in self:
            partner.hotline_arrears_currency_id = company.currency_id
            commercial = partner.commercial_partner_id
            if not commercial.id:
                partner.hotline_amount_due = 0.0
                partner.hotline_amount_overdue = 0.0
                partner.hotline_is_overdue = False
                partner.hotline_last_payment_date = False
                continue
            lines = MoveLine.search(
                [
                    ("partner_id", "child_of", commercial.id),
                    ("company_id", "=", company.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                ]
            )
            due = sum(lines.mapped("amount_residual"))
            overdue = sum(
                line.amount_residual
                for line in lines
                if line.amount_residual > 0
                and line.date_maturity
                and line.date_maturity < today
            )
            # unmatched payments and credit notes lower what is overdue too
            credits = -sum(
                line.amount_residual for line in lines if line.amount_residual < 0
            )
            overdue = max(overdue - credits, 0.0)
            currency = company.currency_id
            partner.hotline_amount_due = currency.round(due)
            partner.hotline_amount_overdue = currency.round(overdue)
            partner.hotline_is_overdue = currency.compare_amounts(overdue, 0.0) > 0
            payment = Payment.search(
                [
                    ("partner_id", "child_of", commercial.id),
                    ("company_id", "=", company.id),
                    ("payment_type", "=", "inbound"),
                    ("partner_type", "=", "customer"),
                    ("state", "in", ("in_process", "paid")),
                ],
                order="date desc, id desc",
                limit=1,
            )
            partner.hotline_last_payment_date = payment.date

    def _hotline_arrears_info(self):
        """Arrears of one customer as JSON-serialisable data (caller card)."""
        self.ensure_one()
        partner = self.sudo()
        return {
            "amount_due": partner.hotline_amount_due,
            "amount_overdue": partner.hotline_amount_overdue,
            "currency": partner.hotline_arrears_currency_id.name or "",
            "overdue": partner.hotline_is_overdue,
        }

    def action_hotline_open_invoices(self):
        """Open (unpaid or partly paid) customer invoices, for finance."""
        self.ensure_one()
        # agents see the figures, not the invoices
        self.env["account.move"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("partner_id", "child_of", self.commercial_partner_id.id),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        action["context"] = {
            "default_move_type": "out_invoice",
            "default_partner_id": self.commercial_partner_id.id,
        }
        action["name"] = self.env._("Open invoices of %s", self.display_name)
        return action
