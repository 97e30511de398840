# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhook events of the cases (created, step changed, closed) and the
confidentiality of every payload: a confidential case, a hidden caller's call
or voicemail never carries the reporter's name, number or contact."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.webhook_common import WebhookCommon
from odoo.addons.hotline_base.tools import webhook

from .test_confidentiality import NAME, NUMBER, ConfidentialCommon

EMAIL = "li@example.com"


class IntakeFailed(Exception):
    """The intake's transaction fails after the case was created."""


@tagged("post_install", "-at_install")
class TestCaseWebhook(WebhookCommon, ConfidentialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscribe(
            "case.created",
            "case.state_changed",
            "case.closed",
            "call.ended",
            "voicemail.received",
        )
        cls.pbx = cls.env["hotline.pbx"].search([("name", "=", "PBX")], limit=1)

    def assertNoIdentity(self, text):
        for secret in (NAME, NUMBER, EMAIL, NUMBER[-8:]):
            self.assertNotIn(secret, text)

    def _new_report(self, **vals):
        call = self.env["hotline.call"].create(
            {"linkedid": "556.1", "caller_number": NUMBER}
        )
        values = {
            "name": "举报非法充装",
            "case_type_id": self.type_report.id,
            "partner_id": self.reporter_partner.id,
            "caller_number": NUMBER,
            "call_ids": [Command.set(call.ids)],
            "team_id": self.team_gas.id,
        }
        values.update(vals)
        return self.new_case(**values), call

    def test_case_created(self):
        case = self.new_case(partner_id=self.customer.id, caller_number="13800138000")
        (payload,) = self._payloads("case.created", case)
        data = payload["data"]["case"]
        self.assertEqual(data["id"], case.id)
        self.assertEqual(data["number"], case.number)
        self.assertEqual(data["state"], "new")
        self.assertEqual(data["channel"], "phone")
        self.assertEqual(data["case_type"]["code"], self.type_complaint.code)
        self.assertEqual(data["urgency"], case.urgency)
        self.assertEqual(data["title"], "燃气表漏气")
        self.assertFalse(data["is_confidential"])
        self.assertEqual(
            data["reporter"],
            {
                "partner_id": self.customer.id,
                "name": "王小明",
                "phone": "13800138000",
                "email": "wang@example.com",
                "customer_number": None,
            },
        )
        self.assertEqual(data["intake_date"], webhook.iso(case.intake_date))
        (body,) = self._deliver()
        self.assertEqual(body["data"]["case"]["number"], case.number)

    def test_confidential_case_never_carries_the_reporter(self):
        report, _call = self._new_report()
        self.assertTrue(report.is_confidential)
        (delivery,) = self._deliveries("case.created", report)
        data = webhook_data = self._payloads("case.created", report)[0]["data"]
        self.assertIsNone(data["case"]["reporter"])
        self.assertIsNone(data["case"]["title"])
        self.assertTrue(webhook_data["case"]["is_confidential"])
        self.assertEqual(data["case"]["number"], report.number)
        self.assertNoIdentity(delivery.payload)
        report.with_user(self.role_users["agent"]).action_hotline_accept()
        for code in ("case.created", "case.state_changed"):
            for delivery in self._deliveries(code, report):
                self.assertNoIdentity(delivery.payload)
        self._deliver()
        self.assertEqual(len(self.receiver.requests), 2)
        for request in self.receiver.requests:
            self.assertNoIdentity(request["raw"].decode())

    def test_state_changed_and_closed(self):
        case = self.new_case()
        case.with_user(self.role_users["agent"]).action_hotline_accept()
        (changed,) = self._payloads("case.state_changed", case)
        self.assertEqual(
            (changed["data"]["from_state"], changed["data"]["to_state"]),
            ("new", "accepted"),
        )
        self.assertEqual(changed["data"]["case"]["state"], "accepted")
        self.assertFalse(self._deliveries("case.closed", case))
        # a stage set directly (kanban) is a step change too
        case.sudo().write({"stage_id": case._hotline_stage("closed").id})
        changes = self._payloads("case.state_changed", case)
        self.assertEqual(
            [(c["data"]["from_state"], c["data"]["to_state"]) for c in changes],
            [("new", "accepted"), ("accepted", "closed")],
        )
        (closed,) = self._payloads("case.closed", case)
        self.assertEqual(closed["data"]["case"]["state"], "closed")
        # a write that keeps the step sends nothing
        case.sudo().write({"urgency": "outage"})
        self.assertEqual(len(self._deliveries("case.state_changed", case)), 2)
        bodies = self._deliver()
        self.assertEqual(
            sorted(b["event"] for b in bodies),
            ["case.closed", "case.created", "case.state_changed", "case.state_changed"],
        )

    def test_case_turned_confidential_before_delivery(self):
        case = self.new_case(
            partner_id=self.reporter_partner.id,
            caller_number=NUMBER,
            case_type_id=self.type_complaint.id,
        )
        (delivery,) = self._deliveries("case.created", case)
        self.assertIn(NAME, delivery.payload)
        case.sudo().write({"is_confidential": True})
        self.assertNoIdentity(delivery.payload)
        (body,) = self._deliver()
        self.assertIsNone(body["data"]["case"]["reporter"])

    def test_rolled_back_case_sends_nothing(self):
        with self.assertRaises(IntakeFailed), self.env.cr.savepoint():
            self.new_case(name="回滚")
            raise IntakeFailed()
        self.assertFalse(
            self.env["helpdesk.ticket"].sudo().search([("name", "=", "回滚")])
        )
        self.assertFalse(self._deliver())
        self.assertFalse(self._deliveries("case.created"))

    def test_agent_makes_events_but_cannot_read_them(self):
        agent = self.role_users["agent"]
        case = self.new_case()
        self.assertEqual(len(self._deliveries("case.created", case)), 1)
        with self.assertRaises(AccessError):
            self.env["hotline.webhook.delivery"].with_user(agent).search([])

    # ------------------------------------------------ calls and voicemails
    def test_hidden_caller_call_and_voicemail(self):
        _report, call = self._new_report()
        self.assertTrue(call._hotline_caller_hidden())
        call.sudo().write(
            {"ended_at": "2026-11-25 08:01:10", "disposition": "answered"}
        )
        (payload,) = self._payloads("call.ended", call)
        self.assertTrue(payload["data"]["call"]["caller_hidden"])
        self.assertIsNone(payload["data"]["call"]["party"])
        # a later call from the reporter's number, not linked to the case yet
        again = self.env["hotline.call"].create(
            {
                "linkedid": "557.1",
                "caller_number": NUMBER,
                "ended_at": "2026-11-26 09:00:00",
                "disposition": "answered",
            }
        )
        (again_payload,) = self._payloads("call.ended", again)
        self.assertIsNone(again_payload["data"]["call"]["party"])
        vm = self.env["hotline.voicemail"].create(
            {
                "pbx_id": self.pbx.id,
                "call_id": call.id,
                "caller_number": NUMBER,
                "file_path": "default/8000/INBOX/msg0009.wav",
            }
        )
        (vm_payload,) = self._payloads("voicemail.received", vm)
        self.assertIsNone(vm_payload["data"]["voicemail"]["caller"])
        self._deliver()
        self.assertEqual(len(self.receiver.requests), 4)
        for request in self.receiver.requests:
            self.assertNoIdentity(request["raw"].decode())

    def test_call_turned_confidential_before_delivery(self):
        call = self.env["hotline.call"].create(
            {
                "linkedid": "558.1",
                "caller_number": "13700000001",
                "ended_at": "2026-11-25 08:01:10",
            }
        )
        vm = self.env["hotline.voicemail"].create(
            {
                "pbx_id": self.pbx.id,
                "call_id": call.id,
                "caller_number": "13700000001",
                "file_path": "default/8000/INBOX/msg0010.wav",
            }
        )
        (delivery,) = self._deliveries("call.ended", call)
        self.assertIn("13700000001", delivery.payload)
        # the caller reports confidentially: the case takes the call
        self.new_case(
            case_type_id=self.type_report.id,
            caller_number="13700000001",
            call_ids=[Command.set(call.ids)],
        )
        self.assertTrue(call._hotline_caller_hidden())
        for delivery in self._deliveries("call.ended", call) | self._deliveries(
            "voicemail.received", vm
        ):
            self.assertNotIn("13700000001", delivery.payload)
        self._deliver()
        for request in self.receiver.requests:
            self.assertNotIn("13700000001", request["raw"].decode())
