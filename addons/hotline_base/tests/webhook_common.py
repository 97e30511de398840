# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhook tests of every add-on: a local receiver and a subscription to it."""

import json

from .common import HotlineCommon
from .webhook_fake import FakeWebhookReceiver


class WebhookCommon(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = FakeWebhookReceiver().start()
        cls.addClassCleanup(cls.receiver.stop)
        cls.Delivery = cls.env["hotline.webhook.delivery"].sudo()

    def setUp(self):
        super().setUp()
        self.receiver.reset()

    @classmethod
    def _subscribe(cls, *codes, **values):
        events = cls.env["hotline.webhook.event"].search([("code", "in", codes)])
        assert len(events) == len(codes), codes
        return (
            cls.env["hotline.webhook.subscription"]
            .sudo()
            .create(
                {
                    "name": "Receiver",
                    "url": cls.receiver.url,
                    "secret": "test-secret",
                    "event_ids": [(6, 0, events.ids)],
                    "timeout": 2,
                    **values,
                }
            )
        )

    def _deliveries(self, code, record=None):
        domain = [("event_id.code", "=", code)]
        if record is not None:
            domain += [("res_model", "=", record._name), ("res_id", "in", record.ids)]
        return self.Delivery.search(domain, order="id")

    def _payloads(self, code, record=None):
        """The JSON bodies queued for ``code`` (about ``record``)."""
        return [json.loads(d.payload) for d in self._deliveries(code, record)]

    def _deliver(self):
        """Run the delivery cron; the bodies the receiver got."""
        self.Delivery._cron_deliver()
        return self.receiver.bodies()
