# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import secrets
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import ValidationError

ADMIN = "hotline_base.group_admin"
MAX_TRIES_LIMIT = 20
TIMEOUT_LIMIT = 30


class HotlineWebhookSubscription(models.Model):
    """An outside system (CRM, ERP, OA, the business system) told of hotline
    events: each event it subscribes to becomes a signed POST to its URL,
    sent after the transaction that caused it commits (see
    ``hotline.webhook.delivery``). Hotline admins only; the secret is
    readable by them only."""

    _name = "hotline.webhook.subscription"
    _inherit = ["hotline.company.guard"]
    _description = "Webhook subscription"
    _order = "name, id"

    name = fields.Char(required=True)
    url = fields.Char(
        "URL", required=True, help="Where the events are POSTed (https recommended)."
    )
    secret = fields.Char(
        groups=ADMIN,
        required=True,
        copy=False,
        default=lambda self: secrets.token_urlsafe(32),
        help="Key of the HMAC-SHA256 signature (header X-Hotline-Signature); "
        "give it to the receiving system.",
    )
    event_ids = fields.Many2many(
        "hotline.webhook.event",
        string="Events",
        required=True,
        help="Events sent to this URL.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="Only the events of this company's records are sent.",
    )
    active = fields.Boolean(default=True)
    max_tries = fields.Integer(
        "Maximum tries",
        default=6,
        help="Tries of a delivery (the first one included) before it goes to the "
        "dead letters.",
    )
    retry_delay = fields.Integer(
        "First retry after (s)",
        default=30,
        help="Seconds before the first retry; each later retry waits twice as "
        "long (at most an hour), plus a little at random.",
    )
    timeout = fields.Integer(
        "Timeout (s)", default=5, help="Seconds to wait for the receiver's answer."
    )
    delivery_ids = fields.One2many(
        "hotline.webhook.delivery", "subscription_id", string="Deliveries"
    )
    delivery_count = fields.Integer(compute="_compute_delivery_counts")
    dead_count = fields.Integer("Dead letters", compute="_compute_delivery_counts")

    @api.depends("delivery_ids.state")
    def _compute_delivery_counts(self):
        groups = self.env["hotline.webhook.delivery"]._read_group(
            [("subscription_id", "in", self.ids)],
            ["subscription_id", "state"],
            ["__count"],
        )
        totals, dead = {}, {}
        for subscription, state, count in groups:
            totals[subscription.id] = totals.get(subscription.id, 0) + count
            if state == "dead":
                dead[subscription.id] = count
        for subscription in self:
            subscription.delivery_count = totals.get(subscription.id, 0)
            subscription.dead_count = dead.get(subscription.id, 0)

    @api.constrains("url")
    def _check_url(self):
        for subscription in self:
            split = urlsplit(subscription.url or "")
            if split.scheme not in ("http", "https") or not split.hostname:
                raise ValidationError(
                    self.env._(
                        "The webhook URL %s is not an http(s) address.",
                        subscription.url,
                    )
                )

    @api.constrains("max_tries", "timeout", "retry_delay")
    def _check_limits(self):
        for subscription in self:
            if not 1 <= subscription.max_tries <= MAX_TRIES_LIMIT:
                raise ValidationError(
                    self.env._(
                        "The maximum tries must be between 1 and %s.", MAX_TRIES_LIMIT
                    )
                )
            if not 1 <= subscription.timeout <= TIMEOUT_LIMIT:
                raise ValidationError(
                    self.env._(
                        "The timeout must be between 1 and %s seconds.", TIMEOUT_LIMIT
                    )
                )
            if subscription.retry_delay < 1:
                raise ValidationError(
                    self.env._("The first retry delay must be at least a second.")
                )

    def action_rotate_secret(self):
        """A new secret (the receiver must be given it)."""
        for subscription in self:
            subscription.secret = secrets.token_urlsafe(32)

    def action_ping(self):
        """Send a ``ping`` event to these subscriptions (a delivery like any
        other, sent by the cron right after this click)."""
        Delivery = self.env["hotline.webhook.delivery"]
        for subscription in self:
            Delivery._hotline_emit(
                "ping",
                subscription,
                {"subscription": {"id": subscription.id, "name": subscription.name}},
                company=subscription.company_id,
                subscriptions=subscription,
            )
        return self.action_view_deliveries()

    def action_view_deliveries(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hotline_base.hotline_webhook_delivery_action"
        )
        action["domain"] = [("subscription_id", "in", self.ids)]
        action["context"] = {}
        return action

    def action_view_dead(self):
        action = self.action_view_deliveries()
        action["domain"] = [("subscription_id", "in", self.ids), ("state", "=", "dead")]
        return action
