# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhook events of the call centre: call ended, voicemail received."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.webhook_common import WebhookCommon
from odoo.addons.hotline_base.tools import webhook

from .test_call_ingest import T0, CallLogCommon, call_dict


@tagged("post_install", "-at_install")
class TestCallWebhook(WebhookCommon, CallLogCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscribe("call.ended", "voicemail.received")

    def test_call_ended_once_with_its_facts(self):
        ringing = call_dict(
            "pbx-w.1",
            answered_at=None,
            ended_at=None,
            disposition="ringing",
            talk_seconds=0,
            hangup_cause=None,
        )
        call = self.ingest(ringing)["calls"]
        self.assertFalse(self._deliveries("call.ended", call))
        self.ingest(call_dict("pbx-w.1"))
        (payload,) = self._payloads("call.ended", call)
        self.assertEqual(payload["event"], "call.ended")
        data = payload["data"]["call"]
        self.assertEqual(data["id"], call.id)
        self.assertEqual(data["linkedid"], "pbx-w.1")
        self.assertEqual(data["direction"], "inbound")
        self.assertEqual(data["disposition"], "answered")
        self.assertEqual(data["ended_at"], "2026-11-25T08:01:10Z")
        self.assertEqual((data["wait_seconds"], data["talk_seconds"]), (7, 60))
        self.assertEqual(data["agent"], {"id": self.agent.id, "name": self.agent.name})
        self.assertTrue(data["has_recording"])
        self.assertFalse(data["caller_hidden"])
        self.assertEqual(data["party"]["number"], "13800138000")
        self.assertEqual(data["party"]["partner_id"], self.customer.id)
        # the connector's replay of the same call sends nothing more
        self.ingest(call_dict("pbx-w.1"))
        self.ingest(call_dict("pbx-w.1", ended_at=T0 + timedelta(seconds=80)))
        self.assertEqual(len(self._deliveries("call.ended", call)), 1)
        # delivered after the commit, signed
        (body,) = self._deliver()
        self.assertEqual(body["data"]["call"]["id"], call.id)
        request = self.receiver.requests[0]
        self.assertTrue(
            webhook.verify(
                "test-secret",
                request["headers"]["x-hotline-signature"],
                request["headers"]["x-hotline-timestamp"],
                request["raw"],
            )
        )

    def test_call_created_ended_and_outbound_party(self):
        call = self.ingest(
            call_dict(
                "pbx-w.2",
                direction="outbound",
                caller_number="8101",
                called_number="13800138000",
                did=None,
                queue=None,
            )
        )["calls"]
        (payload,) = self._payloads("call.ended", call)
        data = payload["data"]["call"]
        self.assertEqual(data["direction"], "outbound")
        self.assertEqual(data["party"]["number"], "13800138000")

    def test_voicemail_received(self):
        vm = self.env["hotline.voicemail"].create(
            {
                "pbx_id": self.pbx.id,
                "caller_number": "13800138000",
                "queue": "support",
                "file_path": "default/8000/INBOX/msg0000.wav",
                "duration_seconds": 12,
            }
        )
        (payload,) = self._payloads("voicemail.received", vm)
        data = payload["data"]["voicemail"]
        self.assertEqual((data["id"], data["duration_seconds"]), (vm.id, 12))
        self.assertEqual(data["caller"]["number"], "13800138000")
        self.assertEqual(data["caller"]["partner_id"], self.customer.id)
        self.assertEqual(self._deliver()[0]["event"], "voicemail.received")

    def test_no_subscription_no_delivery(self):
        self.sub.event_ids = self.env.ref(
            "hotline_callcenter.hotline_webhook_event_voicemail_received"
        )
        call = self.ingest(call_dict("pbx-w.3"))["calls"]
        self.assertFalse(self._deliveries("call.ended", call))

    def test_event_from_a_supervisor_without_webhook_access(self):
        """Users make events; the outbox is written as superuser, the
        deliveries stay out of their reach."""
        supervisor = self.role_users["supervisor"]
        call = self.ingest(call_dict("pbx-w.4", ended_at=None, disposition="answered"))[
            "calls"
        ]
        call.with_user(supervisor).write(
            {"ended_at": (T0 + timedelta(seconds=90)).replace(tzinfo=None)}
        )
        self.assertEqual(len(self._deliveries("call.ended", call)), 1)
        with self.assertRaises(AccessError):
            self.env["hotline.webhook.delivery"].with_user(supervisor).search([])
