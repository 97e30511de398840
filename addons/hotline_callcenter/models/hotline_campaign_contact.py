# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import UTC

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..pbx import dialer

CONTACT_STATES = [
    ("pending", "To call"),
    ("in_progress", "Calling"),
    ("retry", "To call again"),
    ("done", "Reached"),
    ("failed", "Unreachable"),
    ("excluded", "Not dialled"),
]


class HotlineCampaignContact(models.Model):
    _name = "hotline.campaign.contact"
    _description = "Contact of an outbound campaign"
    _order = "campaign_id, id"
    _rec_name = "partner_id"
    _inherit = ["hotline.company.guard"]
    _check_company_auto = True

    campaign_id = fields.Many2one(
        "hotline.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    mode = fields.Selection(related="campaign_id.mode")
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    numbers = fields.Char(
        help="Numbers dialled, comma-separated, in order (one per attempt in "
        "turn). Empty: the customer's numbers in the campaign's order.",
    )
    invalid_numbers = fields.Char(
        readonly=True, help="Numbers the network said do not exist."
    )
    variables = fields.Json(
        help="Variables of the automated flow for this contact (amount, "
        "months...), a JSON object."
    )
    state = fields.Selection(
        CONTACT_STATES, default="pending", required=True, index=True, readonly=True
    )
    exclusion_reason = fields.Char(string="Why not dialled", readonly=True)
    attempt_count = fields.Integer(string="Attempts", readonly=True)
    next_attempt_at = fields.Datetime(string="Next attempt", readonly=True)
    last_result = fields.Selection(dialer.RESULTS, readonly=True)
    attempt_ids = fields.One2many("hotline.campaign.attempt", "contact_id")
    user_id = fields.Many2one(
        "res.users", string="Agent", index=True, help="Preview: the agent who calls."
    )

    _sql_constraints = [
        (
            "partner_once",
            "UNIQUE(campaign_id, partner_id)",
            "A customer is once in a campaign.",
        )
    ]

    # ------------------------------------------------------------------
    # Numbers and do-not-call
    # ------------------------------------------------------------------
    def _hotline_partner_numbers(self):
        self.ensure_one()
        partner = self.partner_id
        order = self.campaign_id.number_order
        mobile = [partner.mobile] if partner.mobile else []
        phone = [partner.phone] if partner.phone else []
        if order == "mobile_only":
            raw = mobile + [
                p.number for p in partner.hotline_phone_ids if p.kind == "mobile"
            ]
        else:
            first = mobile + phone if order == "mobile_first" else phone + mobile
            raw = first + partner.hotline_phone_ids.mapped("number")
        return raw

    def _hotline_prepare_numbers(self):
        """The dialable numbers of each contact, without do-not-call ones; a
        contact left without any is not dialled, with the reason."""
        Blacklist = self.env["hotline.blacklist"].sudo()
        for contact in self:
            pbx = contact.campaign_id.pbx_id
            if contact.partner_id.hotline_do_not_call:
                contact._hotline_exclude(
                    self.env._("The customer asked not to be called.")
                )
                continue
            raw = (
                contact.numbers.split(",")
                if contact.numbers
                else contact._hotline_partner_numbers()
            )
            numbers, problems = [], []
            for number in dict.fromkeys((n or "").strip() for n in raw):
                if not number:
                    continue
                try:
                    digits = pbx._hotline_dialable(number)
                except UserError:
                    problems.append(self.env._("“%s” is not a phone number", number))
                    continue
                block = Blacklist.hotline_check_number(digits)
                if block and block["action"] == "refuse":
                    problems.append(self.env._("%s is on the blacklist", digits))
                    continue
                if digits not in numbers:
                    numbers.append(digits)
            if not numbers:
                contact._hotline_exclude(
                    "; ".join(problems)
                    or self.env._("The customer has no phone number.")
                )
                continue
            contact.numbers = ",".join(numbers)

    def _hotline_exclude(self, reason):
        self.write(
            {"state": "excluded", "exclusion_reason": reason, "next_attempt_at": False}
        )
        self.campaign_id._hotline_notify_counters()
        self._hotline_on_finished()

    def _hotline_number_list(self):
        self.ensure_one()
        return [n for n in (self.numbers or "").split(",") if n]

    # ------------------------------------------------------------------
    # Attempts
    # ------------------------------------------------------------------
    def _hotline_start_attempt(self, now, user=None):
        """Write the contact's next attempt (state dialing) and return its
        Originate spec; ``None`` (and the contact set aside with the reason)
        when no valid number is left."""
        self.ensure_one()
        if not self.numbers and self.state in ("pending", "retry"):
            self._hotline_prepare_numbers()
            if self.state == "excluded":
                return None
        invalid = set((self.invalid_numbers or "").split(",")) - {""}
        number = dialer.pick_number(
            self._hotline_number_list(), self.attempt_count, invalid
        )
        if number is None:
            self._hotline_exclude(self.env._("No valid number left."))
            return None
        attempt = (
            self.env["hotline.campaign.attempt"]
            .sudo()
            .create(
                {
                    "contact_id": self.id,
                    "number": number,
                    "started_at": now.astimezone(UTC).replace(tzinfo=None),
                    "user_id": user.id if user else False,
                }
            )
        )
        self.write(
            {
                "state": "in_progress",
                "attempt_count": self.attempt_count + 1,
                "next_attempt_at": False,
            }
        )
        return self.campaign_id._hotline_originate_spec(attempt)

    def _hotline_after_result(self, attempt, now):
        """The contact's state after ``attempt``'s result."""
        self.ensure_one()
        result = attempt.result
        campaign = self.campaign_id
        values = {"last_result": result}
        if result == "refused":
            # the PBX refused to dial: not an attempt at the callee
            values.update(
                state="retry",
                attempt_count=max(self.attempt_count - 1, 0),
                next_attempt_at=attempt.started_at,
            )
            self.write(values)
            return
        if result == "invalid_number":
            invalid = set((self.invalid_numbers or "").split(",")) - {""}
            invalid.add(attempt.number)
            values["invalid_numbers"] = ",".join(sorted(invalid))
            left = [n for n in self._hotline_number_list() if n not in invalid]
            if not left:
                values.update(state="failed", next_attempt_at=False)
                self.write(values)
                self._hotline_on_finished()
                return
        if result == "answered":
            values.update(state="done", next_attempt_at=False)
            self.write(values)
            self._hotline_on_finished()
            return
        if self.attempt_count >= campaign.max_attempts:
            values.update(state="failed", next_attempt_at=False)
            self.write(values)
            self._hotline_on_finished()
            return
        when = dialer.next_attempt_at(now, result, campaign._hotline_intervals())
        values.update(
            state="retry", next_attempt_at=when.astimezone(UTC).replace(tzinfo=None)
        )
        self.write(values)

    def _hotline_on_finished(self):
        """Hook: the contacts reached a final state (done, failed, excluded)."""
        return True

    # ------------------------------------------------------------------
    # Preview: the agent dials
    # ------------------------------------------------------------------
    def action_preview_dial(self):
        """The agent calls the contact with click-to-dial; the attempt is
        recorded and followed like the dialer's."""
        self.ensure_one()
        if self.campaign_id.mode != "preview" or self.campaign_id.state != "running":
            raise UserError(self.env._("This campaign is not running in preview mode."))
        if self.user_id != self.env.user:
            raise UserError(self.env._("This contact is another agent's task."))
        if self.state not in ("pending", "retry"):
            raise UserError(self.env._("This contact is not waiting for a call."))
        contact = self.sudo()
        spec = contact._hotline_start_attempt(
            self.env["hotline.campaign"]._hotline_now(), user=self.env.user
        )
        if spec is None:
            return True
        return self.env["hotline.pbx"].hotline_click_to_dial(
            spec["number"], partner_id=self.partner_id.id
        )

    @api.model
    def hotline_my_tasks(self, limit=10):
        """The current agent's preview tasks due now (the systray): the
        count and the first ``limit`` (customer, campaign, next number)."""
        domain = [
            ("user_id", "=", self.env.uid),
            ("campaign_id.mode", "=", "preview"),
            ("campaign_id.state", "=", "running"),
            ("state", "in", ("pending", "retry")),
            "|",
            ("next_attempt_at", "=", False),
            ("next_attempt_at", "<=", fields.Datetime.now()),
        ]
        tasks = self.search(domain, order="next_attempt_at asc nulls first, id")
        return {
            "count": len(tasks),
            "tasks": [
                {
                    "id": task.id,
                    "partner": task.partner_id.display_name,
                    "campaign": task.campaign_id.display_name,
                    "number": dialer.pick_number(
                        task._hotline_number_list(),
                        task.attempt_count,
                        set((task.invalid_numbers or "").split(",")) - {""},
                    )
                    or "",
                }
                for task in tasks[:limit]
            ],
        }

    @api.model
    def hotline_flow_variables(self, attempt_id):
        """The flow variables of the contact of attempt ``attempt_id`` (the
        automated flow's collected variables): a dict of strings."""
        self.env["hotline.campaign"]._hotline_check_connector()
        attempt = self.env["hotline.campaign.attempt"].sudo().browse(int(attempt_id))
        variables = attempt.exists().contact_id.variables or {}
        return {str(k): str(v) for k, v in variables.items()}
