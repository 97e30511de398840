# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Webhook events of billing: dunning call results, rejected meter readings."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.webhook_common import WebhookCommon
from odoo.addons.hotline_base.tools import webhook
from odoo.addons.hotline_callcenter.tests.test_campaign import CampaignCommon


@tagged("post_install", "-at_install")
class TestBillingWebhook(WebhookCommon, CampaignCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscribe("dunning.result", "meter_reading.rejected")
        cls.finance = cls.role_users["finance"]
        cls.env.company.hotline_meter_plausibility_factor = 0.0
        cls.site = cls.env["hotline.service.site"].create(
            {
                "name": "住宅",
                "partner_id": cls.partners[0].id,
                "meter_number": "M-WH-1",
                "site_category": "residential",
            }
        )

    def test_dunning_results(self):
        campaign = self.make_campaign(count=2, hotline_dunning=True)
        first, second = campaign.contact_ids.sorted("id")
        first.sudo().hotline_dunning_amount = 230.5
        first._hotline_dunning_heard(fields.Datetime.now())
        promise_day = fields.Date.context_today(first) + timedelta(days=5)
        first._hotline_dunning_promise(promise_day)
        # the same result again is no event
        first.sudo().hotline_dunning_outcome = "promise"
        payloads = self._payloads("dunning.result", first)
        self.assertEqual(
            [
                (
                    p["data"]["dunning"]["previous_outcome"],
                    p["data"]["dunning"]["outcome"],
                )
                for p in payloads
            ],
            [(None, "heard"), ("heard", "promise")],
        )
        data = payloads[1]["data"]["dunning"]
        self.assertEqual(data["contact_id"], first.id)
        self.assertEqual(data["campaign"]["id"], campaign.id)
        self.assertEqual(data["amount"], 230.5)
        self.assertEqual(data["promise_date"], webhook.iso(promise_day))
        self.assertEqual(data["customer"]["partner_id"], first.partner_id.id)
        self.assertFalse(self._deliveries("dunning.result", second))
        bodies = self._deliver()
        self.assertEqual([b["event"] for b in bodies], ["dunning.result"] * 2)

    def test_meter_reading_rejected(self):
        Reading = self.env["hotline.meter.reading"]
        reading = Reading.create(
            {
                "site_id": self.site.id,
                "month": "2025-01-01",
                "value": 300,
                "source": "phone",
            }
        )
        self.assertFalse(self._deliveries("meter_reading.rejected", reading))
        with self.assertRaises(AccessError):
            reading.with_user(self.role_users["agent"]).action_reject()
        self.assertFalse(self._deliveries("meter_reading.rejected", reading))
        reading.with_user(self.finance).action_reject()
        (payload,) = self._payloads("meter_reading.rejected", reading)
        data = payload["data"]["meter_reading"]
        self.assertEqual(data["id"], reading.id)
        self.assertEqual(data["meter_number"], "M-WH-1")
        self.assertEqual(data["month"], "2025-01-01")
        self.assertEqual(
            (data["value"], data["state"], data["source"]), (300.0, "rejected", "phone")
        )
        self.assertEqual(data["customer"]["partner_id"], self.partners[0].id)
        # rejecting again is no new event
        reading.with_user(self.finance).write({"state": "rejected"})
        self.assertEqual(len(self._deliveries("meter_reading.rejected", reading)), 1)
        (body,) = self._deliver()
        self.assertEqual(body["event"], "meter_reading.rejected")
        with self.assertRaises(AccessError):
            self.env["hotline.webhook.delivery"].with_user(self.finance).search([])
