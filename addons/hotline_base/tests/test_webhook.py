# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound webhooks against a local receiver (tests/webhook_fake.py): the
outbox, the signature, retries, dead letters and replay, access."""

import json
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..tools import webhook
from .webhook_common import WebhookCommon


class EventFailed(Exception):
    """The transaction of an event fails after the event."""


@tagged("post_install", "-at_install")
class TestWebhook(WebhookCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.sub = cls._subscribe("ping", max_tries=3, retry_delay=30)
        cls.partner = cls.env["res.partner"].create({"name": "接收测试"})
        cls.cron = cls.env.ref("hotline_base.hotline_webhook_delivery_cron")

    def _emit(self, data=None, **kwargs):
        return self.Delivery._hotline_emit(
            "ping",
            self.partner,
            data if data is not None else {"n": 1, "text": "燃气"},
            company=self.company,
            **kwargs,
        )

    def _make_due(self, deliveries):
        deliveries.write({"next_try_at": fields.Datetime.now() - timedelta(seconds=1)})

    def _triggers(self):
        return (
            self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.cron.id)])
        )

    # ------------------------------------------------------------ the outbox
    def test_emit_queues_and_triggers_without_sending(self):
        triggers = self._triggers()
        self.receiver.push(200, delay=3)  # a slow receiver would block
        delivery = self._emit()
        self.assertEqual(delivery.state, "pending")
        self.assertEqual(delivery.subscription_id, self.sub)
        self.assertEqual(
            (delivery.res_model, delivery.res_id), ("res.partner", self.partner.id)
        )
        self.assertEqual(delivery.max_tries, 3)
        # a second event of the transaction adds no second trigger
        self._emit()
        # nothing went out in the event's transaction; its commit wakes the cron
        self.assertFalse(self.receiver.requests)
        self.assertEqual(self._triggers(), triggers)
        self.env.cr.precommit.run()  # what the commit runs
        self.assertEqual(len(self._triggers() - triggers), 1)

    def test_signature_verifies_with_the_secret(self):
        delivery = self._emit()
        bodies = self._deliver()
        self.assertEqual(len(bodies), 1)
        (request,) = self.receiver.requests
        headers = request["headers"]
        self.assertTrue(
            webhook.verify(
                "test-secret",
                headers["x-hotline-signature"],
                headers["x-hotline-timestamp"],
                request["raw"],
            )
        )
        self.assertFalse(
            webhook.verify(
                "wrong",
                headers["x-hotline-signature"],
                headers["x-hotline-timestamp"],
                request["raw"],
            )
        )
        self.assertEqual(headers["x-hotline-event"], "ping")
        self.assertEqual(headers["x-hotline-delivery"], delivery.uuid)
        self.assertEqual(request["raw"], delivery.payload.encode())
        body = bodies[0]
        self.assertEqual(body["id"], delivery.uuid)
        self.assertEqual(body["event"], "ping")
        self.assertEqual(
            body["company"], {"id": self.company.id, "name": self.company.name}
        )
        self.assertEqual(body["data"], {"n": 1, "text": "燃气"})
        self.assertTrue(body["created_at"].endswith("Z"))
        self.assertEqual(delivery.state, "sent")
        self.assertEqual((delivery.tries, delivery.last_status), (1, 200))
        self.assertTrue(delivery.sent_at)
        self.assertIn("#1: 200", delivery.log)
        # sent once only
        self._deliver()
        self.assertEqual(len(self.receiver.requests), 1)

    def test_rolled_back_transaction_sends_nothing(self):
        with self.assertRaises(EventFailed), self.env.cr.savepoint():
            self._emit()
            raise EventFailed()
        self.assertFalse(self._deliveries("ping"))
        self._deliver()
        self.assertFalse(self.receiver.requests)

    def test_no_subscriber_no_delivery(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        self.assertFalse(
            self.Delivery._hotline_emit("ping", self.partner, {}, company=other)
        )
        self.sub.active = False
        self.assertFalse(self._emit())

    # ---------------------------------------------------------- retries
    def test_retry_on_server_error(self):
        delivery = self._emit()
        self.receiver.push(500)
        before = fields.Datetime.now()
        self._deliver()
        self.assertEqual(delivery.state, "failed")
        self.assertEqual((delivery.tries, delivery.last_status), (1, 500))
        self.assertIn("500", delivery.last_error)
        # first retry after 30 s plus at most 20 % jitter
        wait = (delivery.next_try_at - before).total_seconds()
        self.assertTrue(29 <= wait <= 37, wait)
        # a trigger wakes the cron for the retry
        self.assertIn(delivery.next_try_at, self._triggers().mapped("call_at"))
        # not due yet: nothing sent
        self._deliver()
        self.assertEqual(len(self.receiver.requests), 1)
        self._make_due(delivery)
        self._deliver()
        self.assertEqual(len(self.receiver.requests), 2)
        self.assertEqual((delivery.state, delivery.tries), ("sent", 2))
        # the same delivery id and body on every try
        first, second = self.receiver.requests
        self.assertEqual(first["raw"], second["raw"])
        self.assertEqual(
            first["headers"]["x-hotline-delivery"],
            second["headers"]["x-hotline-delivery"],
        )

    def test_retry_on_timeout(self):
        self.sub.timeout = 1
        delivery = self._emit()
        self.receiver.push(200, delay=2)
        self._deliver()
        self.assertEqual(delivery.state, "failed")
        self.assertEqual(delivery.last_status, 0)
        self.assertTrue(delivery.last_error.startswith("timeout"))
        self._make_due(delivery)
        self._deliver()
        self.assertEqual(delivery.state, "sent")

    def test_retry_after_of_a_throttling_receiver(self):
        delivery = self._emit()
        self.receiver.push(429, headers={"Retry-After": "600"})
        before = fields.Datetime.now()
        self._deliver()
        self.assertEqual(delivery.state, "failed")
        self.assertGreaterEqual((delivery.next_try_at - before).total_seconds(), 599)

    def test_client_error_is_dead_at_once(self):
        delivery = self._emit()
        self.receiver.push(400)
        self._deliver()
        self.assertEqual((delivery.state, delivery.tries), ("dead", 1))
        self.assertFalse(delivery.next_try_at)

    def test_dead_letter_after_the_last_try_then_replay(self):
        delivery = self._emit()
        for _try in range(3):
            self.receiver.push(503)
            self._make_due(delivery)
            self._deliver()
        self.assertEqual((delivery.state, delivery.tries), ("dead", 3))
        self.assertEqual(len(self.receiver.requests), 3)
        self.assertEqual(len(delivery.log.splitlines()), 3)
        self.assertIn("#3: 503", delivery.log)
        # dead letters are not sent again by the cron
        self._make_due(delivery)
        self._deliver()
        self.assertEqual(len(self.receiver.requests), 3)
        # the admin replays it from the dead-letter list
        admin = self.role_users["hotline_admin"]
        dead = (
            self.env["hotline.webhook.delivery"]
            .with_user(admin)
            .search([("state", "=", "dead")])
        )
        self.assertIn(delivery.id, dead.ids)
        dead.filtered(lambda d: d.id == delivery.id).action_replay()
        self.assertEqual((delivery.state, delivery.tries), ("pending", 0))
        self.assertIn("replayed by", delivery.log)
        self._deliver()
        self.assertEqual((delivery.state, delivery.tries), ("sent", 1))
        self.assertEqual(len(self.receiver.requests), 4)
        self.assertEqual(
            self.receiver.requests[-1]["headers"]["x-hotline-delivery"], delivery.uuid
        )

    def test_replay_many_with_the_server_action(self):
        deliveries = self._emit() | self._emit()
        self.receiver.push(404)
        self.receiver.push(404)
        self._deliver()
        self.assertEqual(set(deliveries.mapped("state")), {"dead"})
        action = self.env.ref("hotline_base.hotline_webhook_delivery_action_replay")
        admin = self.role_users["hotline_admin"]
        action.with_user(admin).with_context(
            active_model="hotline.webhook.delivery",
            active_ids=deliveries.ids,
            active_id=deliveries[0].id,
        ).run()
        self.assertEqual(set(deliveries.mapped("state")), {"pending"})
        self._deliver()
        self.assertEqual(set(deliveries.mapped("state")), {"sent"})

    def test_replay_refuses_a_sent_delivery(self):
        sent = self._emit()
        self._deliver()
        dead = self._emit()
        self.receiver.push(400)
        self._deliver()
        with self.assertRaises(UserError):
            (sent | dead).action_replay()
        self.assertEqual((sent.state, dead.state), ("sent", "dead"))

    def test_archived_subscription(self):
        delivery = self._emit()
        self.sub.active = False
        self._deliver()
        self.assertFalse(self.receiver.requests)
        self.assertEqual(delivery.state, "dead")
        with self.assertRaises(UserError):
            delivery.action_replay()
        self.sub.active = True
        delivery.action_replay()
        self._deliver()
        self.assertEqual(delivery.state, "sent")

    def test_batch(self):
        deliveries = self._emit() | self._emit() | self._emit()
        sent = self.Delivery._cron_deliver(batch=2)
        self.assertEqual(len(sent), 2)
        self.assertEqual(deliveries.sorted("id")[:2], sent.sorted("id"))
        self.assertEqual(
            sorted(deliveries.mapped("state")), ["pending", "sent", "sent"]
        )
        self.Delivery._cron_deliver(batch=2)
        self.assertEqual(set(deliveries.mapped("state")), {"sent"})

    def test_ping_button(self):
        admin = self.role_users["hotline_admin"]
        action = self.sub.with_user(admin).action_ping()
        self.assertEqual(action["res_model"], "hotline.webhook.delivery")
        bodies = self._deliver()
        self.assertEqual(bodies[0]["event"], "ping")
        self.assertEqual(bodies[0]["data"]["subscription"]["id"], self.sub.id)

    def test_redact_identity_of_records_turned_confidential(self):
        delivery = self._emit(
            {"case": {"number": "HL-1", "reporter": {"name": "王", "phone": "138"}}}
        )
        self.Delivery._hotline_redact(self.partner)
        body = json.loads(delivery.payload)
        self.assertEqual(body["data"], {"case": {"number": "HL-1", "reporter": None}})

    def test_purge_old_sent(self):
        old, recent = self._emit(), self._emit()
        self._deliver()
        old.sent_at = fields.Datetime.now() - timedelta(days=31)
        self.Delivery._gc_sent()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    # ------------------------------------------------------------ bad input
    def test_bad_subscription_values(self):
        Subscription = self.env["hotline.webhook.subscription"]
        event = self.env.ref("hotline_base.hotline_webhook_event_ping")
        base = {
            "name": "X",
            "url": "https://erp.example.com/h",
            "event_ids": [(6, 0, event.ids)],
        }
        for bad in (
            {"url": "ftp://erp.example.com/h"},
            {"url": "erp.example.com"},
            {"max_tries": 0},
            {"max_tries": 21},
            {"timeout": 0},
            {"timeout": 31},
            {"retry_delay": 0},
        ):
            with self.subTest(bad=bad), self.assertRaises(ValidationError):
                Subscription.create(dict(base, **bad))
        self.assertFalse(Subscription.search([("name", "=", "X")]))
        sub = Subscription.create(base)
        self.assertGreaterEqual(len(sub.secret), 32)
        old = sub.secret
        sub.action_rotate_secret()
        self.assertNotEqual(sub.secret, old)

    def test_unknown_event(self):
        with self.assertRaises(UserError):
            self.Delivery._hotline_emit(
                "no.such.event",
                self.partner,
                {},
                company=self.company,
                subscriptions=self.sub,
            )

    # ---------------------------------------------------------------- access
    def test_access_per_role(self):
        delivery = self._emit()
        for role, user in self.role_users.items():
            Subscription = self.env["hotline.webhook.subscription"].with_user(user)
            Delivery = self.env["hotline.webhook.delivery"].with_user(user)
            menus = self.visible_menus(user)
            dead_menu = self.env.ref("hotline_base.hotline_webhook_dead_menu")
            if role == "hotline_admin":
                self.assertEqual(Subscription.search([]), self.sub)
                self.assertEqual(Subscription.browse(self.sub.id).secret, "test-secret")
                self.assertIn(delivery, Delivery.search([]))
                self.assertIn(dead_menu, menus)
                with self.assertRaises(AccessError):
                    Delivery.create(
                        {
                            "subscription_id": self.sub.id,
                            "company_id": self.company.id,
                            "event_id": delivery.event_id.id,
                        }
                    )
                continue
            self.assertNotIn(dead_menu, menus, role)
            with self.subTest(role=role):
                with self.assertRaises(AccessError):
                    Subscription.search([])
                with self.assertRaises(AccessError):
                    Delivery.browse(delivery.id).read(["payload"])
                with self.assertRaises(AccessError):
                    Delivery.browse(delivery.id).action_replay()
                with self.assertRaises(AccessError):
                    Subscription.create(
                        {"name": "Leak", "url": "https://x.example.com"}
                    )
        with self.assertRaises(AccessError):
            self.env["hotline.webhook.subscription"].with_user(
                self.user_internal
            ).search([])

    def test_other_company_admin_sees_nothing(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        admin2 = self.env["res.users"].create(
            {
                "name": "Admin 2",
                "login": "hl_admin2",
                "company_id": other.id,
                "company_ids": [(6, 0, other.ids)],
                "groups_id": [(6, 0, self.env.ref("hotline_base.group_admin").ids)],
            }
        )
        self._emit()
        self.assertFalse(
            self.env["hotline.webhook.subscription"].with_user(admin2).search([])
        )
        self.assertFalse(
            self.env["hotline.webhook.delivery"].with_user(admin2).search([])
        )
