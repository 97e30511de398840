# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common import ApiCommon


@tagged("post_install", "-at_install")
class TestApiReadings(ApiCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.hotline_meter_plausibility_factor = 0.0
        cls.customer = cls.env["res.partner"].create(
            {"name": "抄表客户", "hotline_customer_number": "API-R-1"}
        )
        cls.site = cls.env["hotline.service.site"].create(
            {"name": "Home", "partner_id": cls.customer.id, "meter_number": "API-RM-1"}
        )
        this_month = fields.Date.context_today(cls.env["res.partner"]).replace(day=1)
        cls.month = this_month - relativedelta(months=1)
        cls.earlier = this_month - relativedelta(months=2)
        cls.future = this_month + relativedelta(months=1)
        cls.env["hotline.meter.reading"].create(
            {"site_id": cls.site.id, "month": cls.earlier, "value": 100.0}
        )

    def readings(self):
        return self.env["hotline.meter.reading"].search(
            [("site_id", "=", self.site.id), ("month", "=", self.month)]
        )

    def push(self, value, month=None, headers=None, role="business"):
        body = {"month": (month or self.month).strftime("%Y-%m"), "value": value}
        return self.api(
            "POST", "/meters/API-RM-1/readings", role, body, headers=headers
        )

    def test_push_and_resend(self):
        status, payload, _r = self.push(130.5)
        self.assertEqual(status, 201, payload)
        self.assertEqual(payload["state"], "accepted")
        self.assertEqual(payload["previous_value"], 100.0)
        self.assertAlmostEqual(payload["consumption"], 30.5)
        self.assertEqual(payload["source"], "system")
        reading = self.readings()
        self.assertEqual(reading.create_uid, self.api_users["business"])
        # the same reading again: the stored one, no second reading
        status, again, _r = self.push(130.5)
        self.assertEqual((status, again["id"]), (200, payload["id"]))
        self.assertEqual(len(self.readings()), 1)
        # another value for the month: refused, the first one stays
        status, conflict, _r = self.push(140.0)
        self.assertEqual(status, 409)
        self.assertEqual(conflict["detail"]["error"], "reading_exists")
        self.assertEqual(self.readings().value, 130.5)
        status, listed, _r = self.api("GET", "/meters/API-RM-1/readings")
        self.assertEqual(status, 200)
        self.assertEqual(
            [r["month"] for r in listed],
            [self.month.strftime("%Y-%m"), self.earlier.strftime("%Y-%m")],
        )

    def test_validation_of_the_reading(self):
        for value, month in ((90.0, None), (150.0, self.future)):
            with self.subTest(value=value, month=month):
                status, payload, _r = self.push(value, month)
                self.assertEqual(status, 400, payload)
                self.assertEqual(payload["detail"]["error"], "invalid_reading")
        self.assertFalse(self.readings())
        for body in (
            {"month": "2026-13", "value": 1},
            {"month": "2026-01-05", "value": 1},
            {"month": "2026-01", "value": -1},
            {"month": "2026-01"},
            {"month": "2026-01", "value": "many"},
        ):
            with self.subTest(body=body):
                status = self.api(
                    "POST", "/meters/API-RM-1/readings", "business", body
                )[0]
                self.assertEqual(status, 422)
        status = self.api(
            "POST",
            "/meters/NOPE/readings",
            "business",
            {"month": "2026-01", "value": 1},
        )[0]
        self.assertEqual(status, 404)

    def test_implausible_reading_waits_for_a_check(self):
        self.env.company.hotline_meter_plausibility_factor = 3.0
        older = self.earlier - relativedelta(months=1)
        self.env["hotline.meter.reading"].search(
            [("site_id", "=", self.site.id)]
        ).unlink()
        Reading = self.env["hotline.meter.reading"]
        Reading.create({"site_id": self.site.id, "month": older, "value": 100.0})
        Reading.create({"site_id": self.site.id, "month": self.earlier, "value": 110.0})
        status, payload, _r = self.push(500.0)
        self.assertEqual(status, 201)
        self.assertEqual(payload["state"], "to_check")
        self.assertTrue(payload["check_reason"])

    def test_idempotency_key(self):
        headers = {"Idempotency-Key": "reading-2026-a"}
        status, first, _r = self.push(120.0, headers=headers)
        self.assertEqual(status, 201)
        status, second, response = self.push(120.0, headers=headers)
        self.assertEqual((status, second), (201, first))
        self.assertEqual(response.headers["Idempotent-Replayed"], "true")
        self.assertEqual(len(self.readings()), 1)
        # the same key for another request
        status, payload, _r = self.push(125.0, headers=headers)
        self.assertEqual(status, 409)
        self.assertEqual(payload["detail"]["error"], "idempotency_conflict")
        self.assertEqual(self.readings().value, 120.0)
        # keys belong to one API key: another key may use the same string
        self.api_users["read"].groups_id = [
            (4, self.env.ref("hotline_api.group_api_business").id)
        ]
        status, payload, _r = self.push(120.0, headers=headers, role="read")
        self.assertEqual(status, 200)
        too_long = {"Idempotency-Key": "k" * 200}
        self.assertEqual(self.push(120.0, headers=too_long)[0], 422)
