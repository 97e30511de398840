# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CallCenterCommon

T0 = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestOutboundReport(CallCenterCommon):
    """Issue 19, outbound report: campaign attempts and agents' own dials."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = cls.role_users["supervisor"]
        partners = cls.env["res.partner"].create(
            [{"name": "Callee 1", "mobile": "13800000001"}, {"name": "Callee 2"}]
        )
        queue = cls.env["hotline.queue"].create(
            {"name": "Outbound", "code": "out-q", "pbx_id": cls.pbx.id}
        )
        cls.campaign = cls.env["hotline.campaign"].create(
            {
                "name": "Meter reminders",
                "pbx_id": cls.pbx.id,
                "mode": "preview",
                "queue_id": queue.id,
                "calendar_id": cls.env.ref("resource.resource_calendar_std").id,
                "contact_ids": [(0, 0, {"partner_id": p.id}) for p in partners],
            }
        )
        contact1, contact2 = cls.campaign.contact_ids.sorted("id")
        Call = cls.env["hotline.call"]
        answered_call = Call.create(cls._outbound("out-a2", T0, 120, cls.agent))
        Attempt = cls.env["hotline.campaign.attempt"]
        Attempt.create(
            [
                {
                    "contact_id": contact1.id,
                    "number": "13800000001",
                    "user_id": cls.agent.id,
                    "started_at": T0,
                    "ended_at": T0 + timedelta(seconds=20),
                    "state": "done",
                    "result": "busy",
                },
                {
                    "contact_id": contact1.id,
                    "number": "13800000001",
                    "user_id": cls.agent.id,
                    "started_at": T0 + timedelta(hours=1),
                    "answered_at": T0 + timedelta(hours=1, seconds=10),
                    "ended_at": T0 + timedelta(hours=1, seconds=130),
                    "state": "done",
                    "result": "answered",
                    "call_id": answered_call.id,
                },
                {
                    "contact_id": contact2.id,
                    "number": "13800000002",
                    "user_id": cls.agent2.id,
                    "started_at": T0,
                    "state": "done",
                    "result": "no_answer",
                },
            ]
        )
        # the agent's own dials (click-to-dial), no campaign
        Call.create(cls._outbound("out-d1", T0, 60, cls.agent))
        Call.create(cls._outbound("out-d2", T0, 0, cls.agent, "no_answer"))
        # an inbound call is no outbound attempt
        Call.create(
            {
                "linkedid": "in-x",
                "direction": "inbound",
                "disposition": "answered",
                "started_at": T0,
                "answered_at": T0,
                "user_id": cls.agent.id,
            }
        )

    @classmethod
    def _outbound(cls, ref, started, talk, user, disposition="answered"):
        answered = disposition == "answered"
        return {
            "linkedid": ref,
            "pbx_id": cls.pbx.id,
            "direction": "outbound",
            "caller_number": user.hotline_extension or "9000",
            "called_number": "1390000" + ref[-2:],
            "disposition": disposition,
            "started_at": started,
            "answered_at": started + timedelta(seconds=10) if answered else False,
            "ended_at": started + timedelta(seconds=10 + talk),
            "talk_seconds": talk,
            "user_id": user.id,
        }

    def stats(self, groupby, user=None):
        self.env.flush_all()
        report = self.env["hotline.outbound.report"]
        if user:
            report = report.with_user(user)
        aggregates = [
            "attempt_count:sum",
            "connected_count:sum",
            "connection_rate:avg",
            "talk_seconds:sum",
            "avg_talk_seconds:avg",
        ]
        rows = report._read_group(
            [("started_at", ">=", T0), ("started_at", "<", T0 + timedelta(days=1))],
            list(groupby),
            aggregates,
        )
        names = [a.split(":")[0] for a in aggregates]
        return {
            row[: len(groupby)]: dict(zip(names, row[len(groupby) :], strict=True))
            for row in rows
        }

    def test_per_agent(self):
        rows = self.stats(["user_id"])
        agent = rows[(self.agent,)]
        self.assertEqual(agent["attempt_count"], 4)  # 2 campaign + 2 own dials
        self.assertEqual(agent["connected_count"], 2)
        self.assertAlmostEqual(agent["connection_rate"], 50.0)
        # the campaign's answered attempt counts its call once
        self.assertEqual(agent["talk_seconds"], 180)
        self.assertAlmostEqual(agent["avg_talk_seconds"], 90.0)
        other = rows[(self.agent2,)]
        self.assertEqual((other["attempt_count"], other["connected_count"]), (1, 0))

    def test_per_campaign_origin_and_result(self):
        by_campaign = self.stats(["campaign_id"])
        campaign = by_campaign[(self.campaign,)]
        self.assertEqual(campaign["attempt_count"], 3)
        self.assertEqual(campaign["connected_count"], 1)
        self.assertEqual(campaign["talk_seconds"], 120)
        by_origin = {
            k[0]: v["attempt_count"] for k, v in self.stats(["origin"]).items()
        }
        self.assertEqual(by_origin, {"campaign": 3, "agent": 2})
        by_result = {
            k[0]: v["attempt_count"] for k, v in self.stats(["result"]).items()
        }
        self.assertEqual(by_result, {"busy": 1, "answered": 2, "no_answer": 2})
        by_agent_campaign = self.stats(["user_id", "campaign_id"])
        self.assertEqual(
            by_agent_campaign[(self.agent, self.campaign)]["attempt_count"], 2
        )

    def test_access_per_role(self):
        for role in ("supervisor", "leader"):
            user = self.role_users[role]
            rows = self.stats(["origin"], user=user)
            self.assertEqual(sum(r["attempt_count"] for r in rows.values()), 5)
            self.env["hotline.outbound.report"].with_user(user).search([]).read(
                ["user_id", "campaign_id", "team_id", "partner_id", "result"]
            )
            self.assertIn(
                self.env.ref("hotline_callcenter.hotline_outbound_report_menu"),
                self.visible_menus(user),
            )
        for role in ("agent", "handler"):
            with self.assertRaises(AccessError):
                self.env["hotline.outbound.report"].with_user(
                    self.role_users[role]
                ).search_count([])
