# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .test_outage_notice import NoticeCommon

# 22:30 in Shanghai, and 08:05 the next morning (naive UTC)
NIGHT = datetime(2026, 6, 15, 14, 30)
MORNING = datetime(2026, 6, 16, 0, 5)


@tagged("post_install", "-at_install")
class TestOutageCare(NoticeCommon):
    """Outage notices (停气通知) go through the care messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write(
            {"hotline_care_quiet_hours": True, "hotline_care_outage": True}
        )
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.Care = cls.env["hotline.care.message"]

    def sms_to(self, notice):
        return self.env["sms.sms"].sudo().search([("body", "like", notice.name)])

    def care_of(self, notice):
        return self.Care.search(
            [("res_model", "=", notice._name), ("res_id", "=", notice.id)]
        )

    def test_published_at_night_sent_in_the_morning(self):
        with freeze_time(NIGHT):
            notice = self.new_notice(name="夜间停气", notify_sms=True)
            notice.action_publish()
            self.assertEqual(notice.sms_count, 2)
            self.assertFalse(self.sms_to(notice))
            self.assertEqual(set(self.care_of(notice).mapped("state")), {"queued"})
        with freeze_time(MORNING):
            self.Care._cron_send_queued()
        self.assertEqual(
            sorted(self.sms_to(notice).mapped("number")),
            ["+8613800000001", "+8613800000002"],
        )
        self.assertEqual(set(self.care_of(notice).mapped("state")), {"sent"})

    def test_switched_off(self):
        self.env.company.hotline_care_outage = False
        with freeze_time(MORNING):
            notice = self.new_notice(name="关闭停气短信", notify_sms=True)
            notice.action_publish()
        self.assertFalse(self.sms_to(notice))
        self.assertEqual(notice.sms_count, 0)
        self.assertEqual(set(self.care_of(notice).mapped("skip_reason")), {"disabled"})
