# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 19: the call-centre reports listing calls one by one keep a
confidential reporter's call to the Reporter identity group."""

from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import tagged

from .test_confidentiality import NUMBER, ConfidentialCommon

T0 = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestConfidentialReports(ConfidentialCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        queue = cls.env["hotline.queue"].create({"name": "Reports", "code": "crq"})
        agent = cls.role_users["agent"]
        # the reporter's first call was missed, the second answered
        cls.missed = cls.env["hotline.call"].create(
            {
                "linkedid": "555.0",
                "direction": "inbound",
                "caller_number": NUMBER,
                "queue_id": queue.id,
                "disposition": "abandoned_queue",
                "started_at": T0,
                "queued_at": T0,
                "ended_at": T0 + timedelta(seconds=40),
                "wait_seconds": 40,
            }
        )
        cls.call.write(
            {
                "direction": "inbound",
                "queue_id": queue.id,
                "disposition": "answered",
                "started_at": T0 + timedelta(hours=1),
                "answered_at": T0 + timedelta(hours=1, seconds=5),
                "user_id": agent.id,
                "agent_line_ids": [
                    Command.create({"extension": "8001", "user_id": agent.id})
                ],
            }
        )
        (cls.missed | cls.call).write({"hotline_confidential": True})
        cls.calls = cls.missed | cls.call

    def visible(self, model, user):
        self.env.flush_all()
        return (
            self.env[model].with_user(user).search([("call_id", "in", self.calls.ids)])
        )

    def test_hidden_outside_the_identity_group(self):
        supervisor = self.role_users["supervisor"]
        for model in ("hotline.missed.call.report", "hotline.agent.call.report"):
            self.assertFalse(self.visible(model, supervisor), model)
        # the statistics still count the calls
        inbound = self.visible("hotline.call.report", supervisor)
        self.assertEqual(inbound.call_id, self.calls)

    def test_shown_to_the_identity_group(self):
        missed = self.visible("hotline.missed.call.report", self.identity_user)
        self.assertEqual(missed.call_id, self.missed)
        self.assertEqual(missed.state, "recovered")
        legs = self.visible("hotline.agent.call.report", self.identity_user)
        self.assertEqual(legs.call_id, self.call)
