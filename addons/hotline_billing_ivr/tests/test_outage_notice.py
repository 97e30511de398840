# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outage notices (停气通知): who they are for (an area includes its
sub-areas), when they are current, the caller card, the SMS on publishing,
who publishes and who reads."""

import base64
import contextlib
from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon
from odoo.addons.hotline_callcenter.pbx.sound_files import wav_bytes

WAV = base64.b64encode(wav_bytes(b"\x01\x00" * 400))
NOW = "2026-06-10 08:00:00"


class NoticeCommon(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # outage SMS go through the care messages: no quiet hours here, the
        # tests run at any time of day (quiet hours: hotline_base's care tests)
        cls.env.company.hotline_care_quiet_hours = False
        Area = cls.env["hotline.area"]
        cls.district = Area.create({"name": "区", "area_type": "district"})
        cls.street = Area.create(
            {"name": "街道", "area_type": "street", "parent_id": cls.district.id}
        )
        cls.estate = Area.create(
            {"name": "小区", "area_type": "estate", "parent_id": cls.street.id}
        )
        cls.elsewhere = Area.create({"name": "别区", "area_type": "district"})
        Partner = cls.env["res.partner"]
        # in the estate (inside the street)
        cls.inside = Partner.create(
            {
                "name": "区内客户",
                "hotline_customer_number": "NT00000001",
                "mobile": "138 0000 0001",
                "hotline_area_id": cls.estate.id,
            }
        )
        # lives elsewhere, but a service site in the street
        cls.site_owner = Partner.create(
            {
                "name": "网点客户",
                "mobile": "138 0000 0002",
                "hotline_area_id": cls.elsewhere.id,
            }
        )
        cls.env["hotline.service.site"].create(
            {
                "name": "门店",
                "partner_id": cls.site_owner.id,
                "area_id": cls.street.id,
                "meter_number": "NT-0002",
            }
        )
        cls.outside = Partner.create(
            {
                "name": "区外客户",
                "mobile": "138 0000 0003",
                "hotline_area_id": cls.elsewhere.id,
            }
        )
        cls.prompt = cls.env["hotline.ivr.prompt"].create(
            {
                "name": "停气通知",
                "code": "notice_test_outage",
                "audio_zh_cn": WAV,
                "audio_zh_cn_filename": "outage.wav",
            }
        )

    @classmethod
    def new_notice(cls, **vals):
        now = fields.Datetime.now()
        values = {
            "name": "望京停气",
            "body": "6月10日9时至17时停气检修。",
            "notice_type": "planned",
            "area_ids": [fields.Command.set(cls.street.ids)],
            "date_start": now - timedelta(hours=1),
            "date_end": now + timedelta(hours=8),
            "prompt_id": cls.prompt.id,
        }
        values.update(vals)
        return cls.env["hotline.outage.notice"].create(values)


@tagged("post_install", "-at_install")
class TestOutageNotice(NoticeCommon):
    def current(self, partner):
        return self.env["hotline.outage.notice"]._hotline_current_for(
            partner, self.env.company
        )

    @freeze_time(NOW)
    def test_area_includes_its_children_and_service_sites(self):
        notice = self.new_notice()
        notice.action_publish()
        self.assertEqual(self.current(self.inside), notice, "estate inside the street")
        self.assertEqual(self.current(self.site_owner), notice, "a site in the street")
        self.assertFalse(self.current(self.outside))
        # a notice for the estate does not reach the street above it
        estate_only = self.new_notice(area_ids=[fields.Command.set(self.estate.ids)])
        estate_only.action_publish()
        self.assertEqual(self.current(self.inside), notice | estate_only)
        self.assertEqual(self.current(self.site_owner), notice)
        # whole district: everyone in it
        self.assertEqual(self.current(self.inside | self.outside), notice | estate_only)

    @freeze_time(NOW)
    def test_only_published_notices_within_their_validity(self):
        now = fields.Datetime.now()
        draft = self.new_notice()
        self.assertFalse(self.current(self.inside), "a draft is not current")
        future = self.new_notice(
            date_start=now + timedelta(hours=2), date_end=now + timedelta(hours=4)
        )
        future.action_publish()
        open_ended = self.new_notice(date_end=now + timedelta(days=30))
        open_ended.action_publish()
        self.assertEqual(self.current(self.inside), open_ended)
        with freeze_time(now + timedelta(hours=3)):
            self.assertEqual(self.current(self.inside), future | open_ended)
            self.assertTrue(future.is_current)
        with freeze_time(now + timedelta(hours=5)):
            self.assertEqual(self.current(self.inside), open_ended)
            self.env["hotline.outage.notice"]._cron_expire()
            self.assertEqual(future.state, "expired")
            self.assertEqual(open_ended.state, "published")
        open_ended.action_expire()
        self.assertFalse(self.current(self.inside))
        self.assertEqual(
            self.env["hotline.outage.notice"].search(
                [("is_current", "=", True), ("id", "in", (draft | future).ids)]
            ),
            self.env["hotline.outage.notice"],
        )

    def test_bad_input(self):
        now = fields.Datetime.now()
        with self.assertRaisesRegex(ValidationError, "must come after its start"):
            self.new_notice(date_end=now - timedelta(days=2))
        notice = self.new_notice(area_ids=[fields.Command.clear()])
        with self.assertRaisesRegex(UserError, "choose the areas"):
            notice.action_publish()
        self.assertEqual(notice.state, "draft")
        ended = self.new_notice(
            date_start=now - timedelta(days=2), date_end=now - timedelta(days=1)
        )
        with self.assertRaisesRegex(UserError, "validity has ended"):
            ended.action_publish()
        ended.action_draft()
        ok = self.new_notice()
        ok.action_publish()
        with self.assertRaisesRegex(UserError, "Only draft notices are deleted"):
            ok.unlink()
        ended.unlink()

    def test_roles(self):
        notice = self.new_notice()
        draft = self.new_notice(name="草稿")
        notice.action_publish()
        for role in ("supervisor", "finance", "hotline_admin"):
            with self.subTest(role=role):
                user = self.role_users[role]
                mine = self.new_notice(name=f"{role} notice").with_user(user)
                mine.action_publish()
                self.assertEqual(mine.state, "published")
                mine.action_expire()
                Notice = self.env["hotline.outage.notice"].with_user(user)
                self.assertIn(draft, Notice.search([]))
        for role in ("agent", "handler", "leader"):
            with self.subTest(role=role):
                user = self.role_users[role]
                Notice = self.env["hotline.outage.notice"].with_user(user)
                seen = Notice.search([])
                self.assertIn(notice, seen)
                self.assertNotIn(draft, seen, "drafts are the publishers'")
                self.assertEqual(notice.with_user(user).name, "望京停气")
                with self.assertRaises(AccessError):
                    Notice.create({"name": "x", "body": "y"})
                with self.assertRaises(AccessError):
                    notice.with_user(user).write({"name": "改"})
                with self.assertRaises(UserError):
                    draft.with_user(user).action_publish()
        self.assertEqual(draft.state, "draft")
        menu = self.env.ref("hotline_billing_ivr.hotline_outage_notice_menu")
        for role in ("agent", "supervisor", "finance", "hotline_admin", "handler"):
            self.assertIn(menu, self.visible_menus(self.role_users[role]), role)
        self.assertNotIn(menu, self.visible_menus(self.user_internal))
        with self.assertRaises(AccessError):
            self.env["hotline.outage.notice"].with_user(self.user_internal).search([])


@tagged("post_install", "-at_install")
class TestOutageNoticeSms(NoticeCommon):
    def sms_to(self, notice):
        return self.env["sms.sms"].sudo().search([("body", "like", notice.name)])

    def test_publishing_queues_one_sms_per_customer_mobile(self):
        # a second customer sharing the first one's mobile: one text
        self.env["res.partner"].create(
            {
                "name": "同号家属",
                "mobile": "+86 138 0000 0001",
                "hotline_area_id": self.estate.id,
            }
        )
        notice = self.new_notice(name="短信停气", notify_sms=True)
        with self.mock_cron_trigger() as triggered:
            notice.with_user(self.role_users["finance"]).action_publish()
        sms = self.sms_to(notice)
        self.assertEqual(
            sorted(sms.mapped("number")), ["+8613800000001", "+8613800000002"]
        )
        self.assertEqual(set(sms.mapped("state")), {"outgoing"})
        self.assertIn("6月10日", sms[0].body)
        self.assertEqual(notice.sms_count, 2)
        self.assertTrue(
            triggered(self.env.ref("sms.ir_cron_sms_scheduler_action")),
            "the SMS queue sends them in the background",
        )
        # published again later: no second round
        notice.action_draft()
        notice.action_publish()
        self.assertEqual(len(self.sms_to(notice)), 2)

    def test_blacklisted_numbers_are_skipped(self):
        self.env["phone.blacklist"].sudo().add("+8613800000001")
        self.env["hotline.blacklist"].create(
            {
                "number": "13800000002",
                "action": "refuse",
                "reason": "骚扰",
                "duration": "permanent",
                "state": "active",
            }
        )
        notice = self.new_notice(name="黑名单", notify_sms=True)
        notice.action_publish()
        self.assertFalse(self.sms_to(notice))
        self.assertEqual(notice.sms_count, 0)

    def test_no_sms_without_the_checkbox(self):
        notice = self.new_notice(name="不发短信")
        notice.action_publish()
        self.assertFalse(self.sms_to(notice))
        self.assertFalse(notice.sms_queued_at)

    def mock_cron_trigger(self):
        """Records the crons triggered (``ir.cron._trigger``)."""
        Cron = type(self.env["ir.cron"])
        calls = []
        original = Cron._trigger

        def _trigger(cron, at=None):
            calls.append(cron.id)
            return original(cron, at)

        @contextlib.contextmanager
        def patched():
            with patch.object(Cron, "_trigger", _trigger):
                yield lambda cron: cron.id in calls

        return patched()


@tagged("post_install", "-at_install")
class TestOutageNoticeCard(NoticeCommon):
    def card(self, partner, user):
        call = (
            self.env["hotline.call"]
            .sudo()
            .create({"caller_number": "+8613800000001", "partner_id": partner.id})
        )
        pop = self.env["hotline.screen.pop"].with_user(user)
        return pop._hotline_card_extra(partner.with_user(user), call)

    def notice_lines(self, extra):
        return [
            line
            for section in extra.get("sections", [])
            if section["title"] == "Outage notices"
            for line in section["lines"]
        ]

    def test_card_shows_the_current_notices_of_the_callers_area(self):
        agent = self.role_users["agent"]
        self.assertFalse(self.notice_lines(self.card(self.inside, agent)))
        notice = self.new_notice(notice_type="unplanned", name="抢修停气")
        notice.action_publish()
        self.new_notice(name="草稿通知")  # drafts never show
        lines = self.notice_lines(self.card(self.inside, agent))
        self.assertEqual(len(lines), 1)
        self.assertIn("Unplanned outage: 抢修停气", lines[0])
        self.assertIn("until", lines[0])
        self.assertFalse(self.notice_lines(self.card(self.outside, agent)))
        # the notices cost the card one query
        pop = self.env["hotline.screen.pop"].with_user(agent)
        extra = {}
        self.env.flush_all()
        with self.assertQueryCount(1):
            pop._hotline_card_notices(self.inside, extra)
        self.assertEqual(len(extra["sections"][0]["lines"]), 1)
        # someone without the right to read notices gets no section
        extra = {}
        pop.with_user(self.user_internal)._hotline_card_notices(self.inside, extra)
        self.assertFalse(extra)
