# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import logging
import uuid
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools import webhook

_logger = logging.getLogger(__name__)

STATES = [
    ("pending", "Pending"),
    ("sent", "Sent"),
    ("failed", "Failed, will retry"),
    ("dead", "Dead letter"),
]
# deliveries one cron run sends (each waits at most its subscription's timeout)
BATCH = 20
RETRY_CAP = 3600
KEEP_SENT_DAYS = 30
TRIGGERED_KEY = "hotline_webhook_triggered"
# payload keys holding a person's identity: emptied when the record turns
# confidential before the delivery left
IDENTITY_KEYS = frozenset({"reporter", "caller", "party"})


class HotlineWebhookDelivery(models.Model):
    """One event for one subscription: the outbox, the delivery log and the
    dead letters.

    The event's transaction writes the delivery (``_hotline_emit``) and a
    trigger of the delivery cron, both rolled back with it: a transaction that
    fails sends nothing, and none waits on a receiver. After the commit the
    cron POSTs the due deliveries (a batch, ``FOR UPDATE SKIP LOCKED`` so that
    cron workers never send one twice at once), retries the failed ones with
    exponential backoff and moves the last failure to the dead letters, which
    a Hotline admin can replay.
    """

    _name = "hotline.webhook.delivery"
    _inherit = ["hotline.company.guard"]
    _description = "Webhook delivery"
    _order = "id desc"
    _rec_name = "uuid"

    uuid = fields.Char(
        "Delivery ID",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: str(uuid.uuid4()),
        help="Sent as X-Hotline-Delivery: the same on every try.",
    )
    subscription_id = fields.Many2one(
        "hotline.webhook.subscription",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    event_id = fields.Many2one(
        "hotline.webhook.event", required=True, readonly=True, ondelete="cascade"
    )
    event_code = fields.Char(related="event_id.code", string="Event code")
    res_model = fields.Char("Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        "Record ID", model_field="res_model", readonly=True, index="btree_not_null"
    )
    payload = fields.Text(readonly=True, help="The JSON body sent.")
    state = fields.Selection(
        STATES, default="pending", required=True, readonly=True, index=True
    )
    tries = fields.Integer(readonly=True)
    max_tries = fields.Integer(readonly=True)
    next_try_at = fields.Datetime("Next try", readonly=True, index=True)
    last_try_at = fields.Datetime("Last try", readonly=True)
    sent_at = fields.Datetime(readonly=True)
    last_status = fields.Integer("HTTP status", readonly=True)
    last_error = fields.Char(readonly=True)
    response_ms = fields.Integer("Response time (ms)", readonly=True)
    response_excerpt = fields.Text("Response", readonly=True)
    log = fields.Text(readonly=True, help="One line per try.")

    # ------------------------------------------------------------------ emit
    @api.model
    def _hotline_emit(self, code, record, data, company=None, subscriptions=None):
        """Queue event ``code`` about ``record`` (payload ``data``, a JSON-able
        dict) for the active subscriptions of the record's company to it.

        Call it in the transaction that makes the event: nothing is sent
        before it commits, nothing at all if it rolls back. Returns the
        deliveries (sudo)."""
        company = company or record.company_id
        if subscriptions is None:
            subscriptions = (
                self.env["hotline.webhook.subscription"]
                .sudo()
                .search(
                    [
                        ("company_id", "=", company.id),
                        ("event_ids.code", "=", code),
                    ]
                )
            )
        subscriptions = subscriptions.sudo().filtered("active")
        if not subscriptions:
            return self.sudo().browse()
        event = self.env["hotline.webhook.event"].sudo().search([("code", "=", code)])
        if not event:
            raise UserError(self.env._("Unknown webhook event %s.", code))
        now = fields.Datetime.now()
        vals_list = []
        for subscription in subscriptions:
            delivery_id = str(uuid.uuid4())
            envelope = {
                "id": delivery_id,
                "event": code,
                "created_at": webhook.iso(now),
                "company": {"id": company.id, "name": company.name},
                "data": data,
            }
            vals_list.append(
                {
                    "uuid": delivery_id,
                    "subscription_id": subscription.id,
                    "company_id": company.id,
                    "event_id": event.id,
                    "res_model": record._name,
                    "res_id": record.id,
                    "payload": webhook.encode_body(envelope).decode(),
                    "max_tries": subscription.max_tries,
                    "next_try_at": now,
                }
            )
        deliveries = self.sudo().create(vals_list)
        self._hotline_trigger()
        return deliveries

    @api.model
    def _hotline_emit_records(self, code, records, build):
        """Emit ``code`` about each of ``records`` whose company has
        subscribers, with ``build(record)`` as data: the payload is built
        only when someone listens."""
        records = records.sudo()
        if not records:
            return self.sudo().browse()
        subscriptions = (
            self.env["hotline.webhook.subscription"]
            .sudo()
            .search(
                [
                    ("company_id", "in", records.company_id.ids),
                    ("event_ids.code", "=", code),
                ]
            )
        )
        deliveries = self.sudo().browse()
        for record in records if subscriptions else ():
            mine = subscriptions.filtered(
                lambda s, r=record: s.company_id == r.company_id
            )
            if mine:
                deliveries |= self._hotline_emit(
                    code, record, build(record), subscriptions=mine
                )
        return deliveries

    @api.model
    def _hotline_identity_hidden(self, partner, record, number):
        """Whether a person (contact ``partner``, phone ``number``) met about
        ``record`` must not be named in a payload: the care messages' rule
        (a confidential case's reporter, a hidden caller, any number or
        contact of a confidential reporter), extended by hotline_complaints."""
        return bool(
            self.env["hotline.care.message"]
            .sudo()
            ._hotline_care_refusal(partner, record, number)
        )

    @api.model
    def _hotline_trigger(self, at=None):
        """Wake the delivery cron once this transaction commits: one trigger
        per transaction, written at its commit (precommit: a savepoint rolled
        back in between does not lose it) and rolled back with it; Odoo
        notifies the cron workers after the commit."""
        cron = self.env.ref("hotline_base.hotline_webhook_delivery_cron").sudo()
        if at:
            cron._trigger(at)
            return
        data = self.env.cr.precommit.data
        if not data.get(TRIGGERED_KEY):
            data[TRIGGERED_KEY] = True
            self.env.cr.precommit.add(cron._trigger)

    @api.model
    def _hotline_redact(self, records):
        """``records`` turned confidential: their deliveries not sent yet lose
        the identity they carried (reporter, caller)."""
        if not records:
            return
        pending = self.sudo().search(
            [
                ("res_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("state", "!=", "sent"),
            ]
        )
        for delivery in pending:
            body = webhook.redact(json.loads(delivery.payload), IDENTITY_KEYS)
            delivery.payload = webhook.encode_body(body).decode()

    # ------------------------------------------------------------------ send
    @api.model
    def _cron_deliver(self, batch=BATCH):
        """Send the due deliveries, a batch at a time."""
        now = fields.Datetime.now()
        self.env["hotline.webhook.delivery"].flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM hotline_webhook_delivery "
                "WHERE state IN ('pending', 'failed') AND next_try_at <= %s "
                "ORDER BY next_try_at, id LIMIT %s FOR UPDATE SKIP LOCKED",
                now,
                batch,
            )
        )
        deliveries = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        for delivery in deliveries:
            delivery._hotline_send()
        due = self.sudo().search_count(
            [("state", "in", ("pending", "failed")), ("next_try_at", "<=", now)]
        )
        cron = self.env.ref("hotline_base.hotline_webhook_delivery_cron").sudo()
        # remaining > 0: the cron runs again at once for the next batch
        cron._notify_progress(done=len(deliveries), remaining=due)
        later = self.sudo().search(
            [("state", "=", "failed"), ("next_try_at", ">", now)],
            order="next_try_at",
            limit=1,
        )
        if later:
            cron._trigger(later.next_try_at)
        return deliveries

    def _hotline_send(self):
        """One try of this delivery (locked by the caller)."""
        self.ensure_one()
        subscription = self.subscription_id.sudo()
        now = fields.Datetime.now()
        tries = self.tries + 1
        if not subscription.active:
            self.write(
                {
                    "state": "dead",
                    "next_try_at": False,
                    "last_error": self.env._("The subscription is archived."),
                }
            )
            return
        body = self.payload.encode()
        headers = webhook.build_headers(
            subscription.secret, self.event_code, self.uuid, body
        )
        result = webhook.post(subscription.url, body, headers, subscription.timeout)
        values = {
            "tries": tries,
            "last_try_at": now,
            "last_status": result.status or 0,
            "last_error": result.error or False,
            "response_ms": result.elapsed_ms,
            "response_excerpt": result.excerpt or False,
            "log": "{}{} #{}: {} {} ms {}\n".format(
                self.log or "",
                webhook.iso(now),
                tries,
                result.status or "-",
                result.elapsed_ms,
                result.error or "OK",
            ),
        }
        if result.ok:
            values.update(state="sent", sent_at=now, next_try_at=False)
        elif webhook.is_retryable(result.status) and tries < self.max_tries:
            delay = webhook.backoff(tries, base=subscription.retry_delay, cap=RETRY_CAP)
            if result.retry_after:
                delay = max(delay, result.retry_after)
            values.update(state="failed", next_try_at=now + timedelta(seconds=delay))
        else:
            values.update(state="dead", next_try_at=False)
        _logger.info(
            "webhook %s %s to subscription %s: try %s, %s",
            self.event_code,
            self.uuid,
            subscription.id,
            tries,
            values["state"],
        )
        self.write(values)

    @api.autovacuum
    def _gc_sent(self):
        """Sent deliveries are kept ``KEEP_SENT_DAYS`` days (the log), dead
        letters until an admin replays or deletes them."""
        limit = fields.Datetime.now() - timedelta(days=KEEP_SENT_DAYS)
        self.sudo().search([("state", "=", "sent"), ("sent_at", "<", limit)]).unlink()

    # ---------------------------------------------------------------- replay
    def action_replay(self):
        """Send these dead (or failed) deliveries again, from a first try."""
        wrong = self.filtered(lambda d: d.state not in ("dead", "failed"))
        if wrong:
            raise UserError(
                self.env._(
                    "Only dead letters and failed deliveries can be replayed: %s.",
                    ", ".join(wrong.mapped("uuid")),
                )
            )
        archived = self.subscription_id.filtered(lambda s: not s.active)
        if archived:
            raise UserError(
                self.env._(
                    "Restore the archived subscription %s before replaying its "
                    "deliveries.",
                    ", ".join(archived.mapped("name")),
                )
            )
        for delivery in self:
            delivery.write(
                {
                    "state": "pending",
                    "tries": 0,
                    "max_tries": delivery.subscription_id.max_tries,
                    "next_try_at": fields.Datetime.now(),
                    "log": "{}{} {}\n".format(
                        delivery.log or "",
                        webhook.iso(fields.Datetime.now()),
                        self.env._("replayed by %s", self.env.user.name),
                    ),
                }
            )
        self._hotline_trigger()
        return True
