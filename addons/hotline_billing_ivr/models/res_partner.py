# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import itertools
import logging
import re
import secrets

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

PAYMENT_GROUPS = "hotline_base.group_agent,hotline_base.group_finance"
PIN_GROUPS = (
    "hotline_base.group_agent,hotline_base.group_finance,hotline_base.group_supervisor"
)
PIN_LENGTH = 6
PIN_RE = re.compile(rf"[0-9]{{{PIN_LENGTH}}}")
# phone self-service failures in hotline.attempt.limit
PIN_CUSTOMER_KEY = "pin_customer:"
PIN_CALLER_KEY = "pin_caller:"


def pin_is_weak(pin):
    """A PIN anyone would try first: one digit repeated (000000), a run up or
    down (123456, 654321, 890123), two digits alternating (121212) or a
    three-digit pattern twice (123123)."""
    digits = [int(c) for c in pin]
    steps = {(b - a) % 10 for a, b in itertools.pairwise(digits)}
    return (
        len(set(pin)) <= 2
        and pin[:2] * (len(pin) // 2) == pin
        or len(steps) == 1
        and steps <= {0, 1, 9}
        or pin[:3] * 2 == pin
    )


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
    # the PIN of phone self-service (自助服务密码), as res.users stores
    # passwords: a hash of its CryptContext, written only by the methods below
    # and readable by no hotline role (agents set it without seeing it)
    hotline_pin_hash = fields.Char(
        string="Self-service PIN (hash)",
        groups="base.group_system",
        copy=False,
        prefetch=False,
    )
    hotline_customer_digits = fields.Char(
        compute="_compute_hotline_customer_digits",
        store=True,
        index="btree_not_null",
        help="The digits of the customer number without leading zeros, as a "
        "caller types it on the phone (BJ00001001: 1001).",
    )
    hotline_pin_set = fields.Boolean(
        string="Self-service PIN set",
        compute="_compute_hotline_pin_state",
        groups=PIN_GROUPS,
    )
    hotline_pin_locked_until = fields.Datetime(
        string="Phone self-service locked until",
        compute="_compute_hotline_pin_state",
        groups=PIN_GROUPS,
        help="Too many wrong PINs: phone self-service is refused until then.",
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

    # -- phone self-service PIN ---------------------------------------------------
    @api.depends("hotline_customer_number")
    def _compute_hotline_customer_digits(self):
        for partner in self:
            digits = "".join(
                c for c in partner.hotline_customer_number or "" if c.isdigit()
            )
            partner.hotline_customer_digits = digits.lstrip("0") or digits or False

    @api.depends_context("uid")
    def _compute_hotline_pin_state(self):
        now = fields.Datetime.now()
        commercials = self.commercial_partner_id
        hashed = {
            partner.id: bool(partner.hotline_pin_hash) for partner in commercials.sudo()
        }
        rows = (
            self.env["hotline.attempt.limit"]
            .sudo()
            .search([("key", "in", [f"{PIN_CUSTOMER_KEY}{p.id}" for p in commercials])])
        )
        until = {
            row.key: row.blocked_until
            for row in rows
            if row.blocked_until and row.blocked_until > now
        }
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.hotline_pin_set = hashed.get(commercial.id, False)
            partner.hotline_pin_locked_until = until.get(
                f"{PIN_CUSTOMER_KEY}{commercial.id}", False
            )

    def _hotline_pin_key(self):
        self.ensure_one()
        return f"{PIN_CUSTOMER_KEY}{self.commercial_partner_id.id}"

    def _hotline_set_pin(self, pin):
        """Store the hash of ``pin`` on the customer (the commercial partner)."""
        self.ensure_one()
        if not PIN_RE.fullmatch(pin or ""):
            raise UserError(self.env._("A PIN has exactly 6 digits."))
        if pin_is_weak(pin):
            raise UserError(
                self.env._("This PIN is too easy to guess: choose another one.")
            )
        crypt = self.env["res.users"]._crypt_context()
        self.commercial_partner_id.sudo().hotline_pin_hash = crypt.hash(pin)

    def _hotline_check_pin(self, pin):
        """True when ``pin`` is the customer's PIN (False without a PIN)."""
        self.ensure_one()
        hashed = self.commercial_partner_id.sudo().hotline_pin_hash
        if not hashed or not PIN_RE.fullmatch(pin or ""):
            return False
        return self.env["res.users"]._crypt_context().verify(pin, hashed)

    def _hotline_has_pin(self):
        self.ensure_one()
        return bool(self.commercial_partner_id.sudo().hotline_pin_hash)

    @api.model
    def _hotline_new_pin(self):
        while True:
            pin = f"{secrets.randbelow(10**PIN_LENGTH):0{PIN_LENGTH}d}"
            if not pin_is_weak(pin):
                return pin

    def action_hotline_send_pin(self):
        """Give the customer a new random PIN by SMS to the registered mobile:
        only its hash is stored, the SMS is deleted once sent and the chatter
        says that a PIN was sent, never which."""
        self.ensure_one()
        customer = self.commercial_partner_id
        number = customer.mobile and (
            customer._phone_format(fname="mobile") or customer.mobile
        )
        if not number:
            raise UserError(
                self.env._(
                    "%s has no mobile number: register one before sending a PIN.",
                    customer.display_name,
                )
            )
        pin = self._hotline_new_pin()
        customer._hotline_set_pin(pin)
        lang = customer.lang or self.env.lang
        body = customer.with_context(lang=lang).env._(
            "Your phone self-service PIN is %(pin)s. Keep it secret: our staff "
            "will never ask for it.",
            pin=pin,
        )
        self.env["sms.sms"].sudo().create(
            {
                "number": number,
                "body": body,
                "partner_id": customer.id,
                "to_delete": True,
            }
        )
        customer.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "A new phone self-service PIN was sent by SMS to %s.",
                number[:3] + "****" + number[-4:],
            )
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("A new PIN is on its way by SMS."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_hotline_unlock_pin(self):
        """Lift the lockout of phone self-service early (supervisor, finance)."""
        if not self.env.user.has_group(
            "hotline_base.group_supervisor"
        ) and not self.env.user.has_group("hotline_base.group_finance"):
            raise UserError(
                self.env._("Only supervisors and finance unlock phone self-service.")
            )
        Attempt = self.env["hotline.attempt.limit"].sudo()
        for customer in self.commercial_partner_id:
            rows = Attempt.search([("key", "=", customer._hotline_pin_key())])
            rows._hotline_reset()
            customer.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Phone self-service unlocked by %s.", self.env.user.name)
            )
            _logger.info(
                "phone self-service of partner %s unlocked by user %s",
                customer.id,
                self.env.uid,
            )
        return True

    def _hotline_demo_set_pins(self, pin):
        """Demo data: the same PIN for these customers, hashed once."""
        crypt = self.env["res.users"]._crypt_context()
        self.commercial_partner_id.sudo().write({"hotline_pin_hash": crypt.hash(pin)})

    def _hotline_log_pin_lock(self, reason, until):
        """A lockout began: said on the customer's chatter and in the log."""
        self.ensure_one()
        self.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "Phone self-service locked until %(until)s: %(reason)s",
                until=fields.Datetime.to_string(until),
                reason=reason,
            )
        )
        _logger.warning(
            "phone self-service of partner %s locked until %s: %s",
            self.id,
            until,
            reason,
        )
