# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.hotline_wallboard import WALLBOARD_NOTIFICATION, WALLBOARD_SUBCHANNEL
from .common import CallCenterCommon

# 10:00 in Beijing: "today" began at 2026-03-09 16:00 UTC
NOW = datetime(2026, 3, 10, 2, 0, 0)


def at(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def epoch(text):
    return (at(text) - datetime(1970, 1, 1)).total_seconds()


@tagged("post_install", "-at_install")
class TestWallboard(CallCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.partner_id.tz = "Asia/Shanghai"
        Queue = cls.env["hotline.queue"]
        cls.gas = Queue.create(
            {"name": "Gas", "code": "wb_gas", "sequence": 1, "service_level": 20}
        )
        cls.bill = Queue.create(
            {"name": "Billing", "code": "wb_bill", "sequence": 2, "service_level": 20}
        )
        users = {}
        for login, name in (
            ("wb_agent2", "Agent B"),
            ("wb_agent3", "Agent C"),
            ("wb_agent4", "Agent D"),
        ):
            users[login] = new_test_user(
                cls.env,
                login=login,
                name=name,
                groups="base.group_user,hotline_base.group_agent",
            )
        cls.agent.name = "Agent A"
        cls.agent2 = users["wb_agent2"]
        cls.agent3 = users["wb_agent3"]
        cls.agent4 = users["wb_agent4"]
        Member = cls.env["hotline.queue.member"]
        for queue, user in (
            (cls.gas, cls.agent),
            (cls.bill, cls.agent),
            (cls.gas, cls.agent2),
            (cls.bill, cls.agent3),
            (cls.gas, cls.agent4),
        ):
            Member.create({"queue_id": queue.id, "user_id": user.id})
        cls.wallboard_user = new_test_user(
            cls.env,
            login="wb_tv",
            groups="base.group_user,hotline_callcenter.group_wallboard",
        )

    def setUp(self):
        super().setUp()
        self.Wallboard = self.env["hotline.wallboard"]
        self.env.cr.execute("DELETE FROM hotline_wallboard_mark")

    def _call(self, queue, started, wait, disposition, answered=True, **extra):
        started = at(started)
        vals = {
            "linkedid": f"wb-{queue.code}-{started.isoformat()}-{wait}",
            "pbx_id": self.pbx.id,
            "direction": "inbound",
            "caller_number": "13800138000",
            "queue_id": queue.id,
            "started_at": started,
            "queued_at": started,
            "wait_seconds": wait,
            "disposition": disposition,
        }
        if disposition == "answered" and answered:
            vals["answered_at"] = started + timedelta(seconds=wait)
        if disposition != "ringing":
            vals["ended_at"] = started + timedelta(seconds=wait + 60)
        vals.update(extra)
        return self.env["hotline.call"].create(vals)

    def _dataset(self):
        # today (Beijing) on Gas: answered in 10 s and 30 s, a short abandon
        # (4 s, the queue's threshold is 5 s) and an abandon at 6 s
        self._call(self.gas, "2026-03-10 01:00:00", 10, "answered")
        self._call(self.gas, "2026-03-10 01:10:00", 30, "answered")
        self._call(self.gas, "2026-03-10 01:20:00", 4, "abandoned_queue")
        self._call(self.gas, "2026-03-10 01:30:00", 6, "abandoned_queue")
        # before midnight in Beijing, answered after it: yesterday's call
        self._call(self.gas, "2026-03-09 15:59:30", 50, "answered")
        # an outbound call of the queue is no inbound figure
        self._call(self.gas, "2026-03-10 01:40:00", 0, "answered", direction="outbound")
        # waiting now: two callers, and one an agent picked up (not waiting
        # for anyone any more)
        self._call(self.gas, "2026-03-10 01:58:20", 0, "ringing")
        self._call(self.gas, "2026-03-10 01:59:30", 0, "ringing")
        self._call(
            self.gas, "2026-03-10 01:57:00", 0, "ringing", user_id=self.agent2.id
        )
        self._call(self.bill, "2026-03-10 01:00:00", 5, "answered")
        # the agents' states, written last (the calls above move them)
        states = (
            (self.agent, "on_call", "available", "", "2026-03-10 01:50:00"),
            (self.agent2, "paused", "paused", "Lunch", "2026-03-10 01:30:00"),
            (self.agent3, "logged_out", "logged_out", "", False),
            (self.agent4, "wrapup", "available", "", "2026-03-10 01:59:00"),
        )
        for user, state, presence, reason, since in states:
            user.sudo().write(
                {
                    "hotline_agent_state": state,
                    "hotline_agent_presence": presence,
                    "hotline_pause_reason": reason,
                    "hotline_agent_state_since": since and at(since),
                }
            )

    def _notifications(self, since_id):
        rows = self.env["bus.bus"].sudo().search([("id", ">", since_id)], order="id")
        return [
            (json.loads(row.channel), json.loads(row.message))
            for row in rows
            if json.loads(row.message)["type"] == WALLBOARD_NOTIFICATION
        ]

    def _last_bus_id(self):
        self.env.cr.precommit.run()
        return self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id or 0

    # ------------------------------------------------------------------
    # The payload
    # ------------------------------------------------------------------
    def test_payload_figures(self):
        with freeze_time(NOW):
            self._dataset()
            payload = self.Wallboard.with_user(
                self.supervisor
            ).hotline_wallboard_payload()
        self.assertEqual(payload["company_id"], self.company.id)
        self.assertEqual(payload["day"], "2026-03-10")
        # (the demo's queues may be there too: the tests do not rely on them)
        queues = {q["code"]: q for q in payload["queues"] if q["code"][:3] == "wb_"}
        self.assertEqual(list(queues), ["wb_gas", "wb_bill"])
        gas = queues["wb_gas"]
        self.assertEqual(gas["waiting"], 2)
        self.assertEqual(gas["oldest_queued_at"], epoch("2026-03-10 01:58:20"))
        # offered: the answered, the abandon at 6 s and the three queued now
        self.assertEqual((gas["offered"], gas["answered"], gas["abandoned"]), (6, 2, 1))
        self.assertEqual(gas["service_level"], 50.0)
        self.assertEqual(gas["asa"], 20.0)
        self.assertEqual(
            gas["agents"],
            {"logged_in": 3, "available": 0, "on_call": 1, "wrapup": 1, "paused": 1},
        )
        self.assertEqual(
            gas["thresholds"],
            {
                "wait_warning": 30,
                "wait_alert": 60,
                "waiting_alert": 0,
                "service_level_target": 80.0,
            },
        )
        bill = queues["wb_bill"]
        self.assertEqual(
            (bill["waiting"], bill["oldest_queued_at"], bill["offered"]), (0, False, 1)
        )
        self.assertEqual((bill["service_level"], bill["asa"]), (100.0, 5.0))
        self.assertEqual(
            bill["agents"],
            {"logged_in": 1, "available": 0, "on_call": 1, "wrapup": 0, "paused": 0},
        )
        agents = {a["name"]: a for a in payload["agents"] if a["name"][:6] == "Agent "}
        self.assertEqual(list(agents), ["Agent A", "Agent B", "Agent C", "Agent D"])
        self.assertEqual(agents["Agent A"]["state"], "on_call")
        self.assertEqual(agents["Agent A"]["since"], epoch("2026-03-10 01:50:00"))
        self.assertEqual(agents["Agent A"]["queue_ids"], [self.gas.id, self.bill.id])
        self.assertEqual(
            (agents["Agent B"]["state"], agents["Agent B"]["reason"]),
            ("paused", "Lunch"),
        )
        self.assertEqual(
            (agents["Agent C"]["state"], agents["Agent C"]["since"]),
            ("logged_out", False),
        )
        self.assertEqual(agents["Agent D"]["state"], "wrapup")
        # nothing of a caller in it: a TV shows it to the floor
        self.assertNotIn("13800138000", json.dumps(payload))

    def test_payload_empty_day(self):
        with freeze_time(NOW):
            payload = self.Wallboard._hotline_payload(self.company)
        gas = next(q for q in payload["queues"] if q["code"] == "wb_gas")
        self.assertEqual(
            (gas["waiting"], gas["offered"], gas["service_level"], gas["asa"]),
            (0, 0, False, False),
        )

    def test_day_follows_company_timezone(self):
        # 23:59:30 in Beijing belongs to the day before midnight
        with freeze_time("2026-03-10 15:59:30"):
            day, start, end = self.Wallboard._hotline_day_bounds(self.company)
        self.assertEqual(str(day), "2026-03-10")
        self.assertEqual(
            (start, end), (at("2026-03-09 16:00:00"), at("2026-03-10 16:00:00"))
        )
        with freeze_time("2026-03-10 16:00:00"):
            day, _start, _end = self.Wallboard._hotline_day_bounds(self.company)
        self.assertEqual(str(day), "2026-03-11")

    # ------------------------------------------------------------------
    # Channel per company, coalescing
    # ------------------------------------------------------------------
    def test_channel_per_company(self):
        other = self.env["res.company"].create({"name": "Other gas company"})
        other_pbx = self.env["hotline.pbx"].create(
            {
                "name": "Other PBX",
                "host": "127.0.0.2",
                "ami_secret": "secret",
                "company_id": other.id,
            }
        )
        other_queue = self.env["hotline.queue"].create(
            {"name": "Other queue", "code": "wb_other", "company_id": other.id}
        )
        last = self._last_bus_id()
        with freeze_time(NOW):
            self.env["hotline.call"].hotline_ingest(
                other_pbx.id,
                [
                    {
                        "linkedid": "wb-other-1",
                        "direction": "inbound",
                        "queue": "wb_other",
                        "started_at": NOW,
                        "queued_at": NOW,
                    }
                ],
            )
            self.env["hotline.call"].hotline_ingest(
                self.pbx.id,
                [
                    {
                        "linkedid": "wb-own-1",
                        "direction": "inbound",
                        "queue": "wb_gas",
                        "started_at": NOW,
                        "queued_at": NOW,
                    }
                ],
            )
            self.env.cr.precommit.run()
            sent = self.Wallboard._cron_hotline_wallboard(delay=0)
            self.env.cr.precommit.run()
        self.assertEqual(sent, sorted((self.company | other).ids))
        notes = self._notifications(last)
        self.assertEqual(len(notes), 2)
        by_channel = {tuple(channel): note["payload"] for channel, note in notes}
        dbname = self.env.cr.dbname
        own = by_channel[(dbname, "res.company", self.company.id, WALLBOARD_SUBCHANNEL)]
        theirs = by_channel[(dbname, "res.company", other.id, WALLBOARD_SUBCHANNEL)]
        self.assertEqual([q["code"] for q in theirs["queues"]], ["wb_other"])
        self.assertEqual(theirs["queues"][0]["waiting"], 1)
        self.assertEqual(theirs["agents"], [])
        self.assertNotIn(other_queue.id, [q["id"] for q in own["queues"]])
        gas = next(q for q in own["queues"] if q["code"] == "wb_gas")
        self.assertEqual(gas["waiting"], 1)
        # the RPC answers for the company the browser shows
        payload = self.Wallboard.with_user(self.supervisor).hotline_wallboard_payload()
        self.assertEqual(payload["company_id"], self.company.id)

    def test_websocket_channels(self):
        Websocket = self.env["ir.websocket"]
        channel = (self.company, WALLBOARD_SUBCHANNEL)
        for user in (
            self.wallboard_user,
            self.supervisor,
            self.role_users["leader"],
        ):
            self.assertIn(
                channel,
                Websocket.with_user(user)._hotline_wallboard_channels(),
                user.login,
            )
        for user in (self.agent, self.role_users["handler"], self.user_internal):
            self.assertNotIn(
                channel,
                Websocket.with_user(user)._hotline_wallboard_channels(),
                user.login,
            )

    def test_coalescing(self):
        self.env.cr.precommit.run()
        Mark = self.env["hotline.wallboard.mark"]
        cron = self.env.ref("hotline_callcenter.ir_cron_hotline_wallboard")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        last = self._last_bus_id()
        with freeze_time(NOW):
            # one transaction, many changes: one mark
            self.env["hotline.call"].hotline_ingest(
                self.pbx.id,
                [
                    {
                        "linkedid": f"wb-burst-{i}",
                        "direction": "inbound",
                        "queue": "wb_gas",
                        "started_at": NOW,
                        "queued_at": NOW,
                    }
                    for i in range(10)
                ],
            )
            self.agent.sudo().hotline_agent_state = "available"
            self.env.cr.precommit.run()
            self.assertEqual(Mark.search_count([]), 1)
            # twenty more transactions within the second: twenty marks
            for i in range(20):
                self.env["hotline.call"].hotline_ingest(
                    self.pbx.id,
                    [
                        {
                            "linkedid": f"wb-more-{i}",
                            "direction": "inbound",
                            "queue": "wb_gas",
                            "started_at": NOW,
                            "queued_at": NOW,
                        }
                    ],
                )
                self.env.cr.precommit.run()
            self.assertEqual(Mark.search_count([]), 21)
            # nothing is sent by the transactions themselves
            self.assertEqual(self._notifications(last), [])
            new_triggers = (
                self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
                - triggers
            )
            self.assertEqual(len(new_triggers), 21)
            # the cron's run: one notification with the whole picture
            self.Wallboard._cron_hotline_wallboard(delay=0)
            self.env.cr.precommit.run()
        notes = self._notifications(last)
        self.assertEqual(len(notes), 1)
        gas = next(q for q in notes[0][1]["payload"]["queues"] if q["code"] == "wb_gas")
        self.assertEqual(gas["waiting"], 30)
        self.assertEqual(Mark.search_count([]), 0)
        # nothing marked: the next run sends nothing
        last = self._last_bus_id()
        self.assertFalse(self.Wallboard._cron_hotline_wallboard(delay=0))
        self.assertEqual(self._notifications(last), [])

    def test_changes_that_mark(self):
        Mark = self.env["hotline.wallboard.mark"]
        self.env.cr.precommit.run()
        # an agent's state (the status bar's presence)
        self.env["hotline.agent.status"]._hotline_set_presence(
            self.agent2, "paused", "Lunch"
        )
        self.env.cr.precommit.run()
        self.assertEqual(Mark.search([]).company_id, self.company)
        Mark.search([]).unlink()
        # a queue's thresholds
        self.gas.wallboard_wait_alert = 90
        self.env.cr.precommit.run()
        self.assertEqual(Mark.search_count([]), 1)
        Mark.search([]).unlink()
        # something else of a queue (the PBX's settings) or a user's login:
        # the wallboard shows none of it
        self.gas.ring_timeout = 20
        self.agent2.sudo().signature = "B"
        self.env.cr.precommit.run()
        self.assertEqual(Mark.search_count([]), 0)

    # ------------------------------------------------------------------
    # Thresholds, access
    # ------------------------------------------------------------------
    def test_thresholds_checked(self):
        with self.assertRaises(ValidationError):
            self.gas.write({"wallboard_wait_warning": 90, "wallboard_wait_alert": 60})
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.gas.write({"wallboard_waiting_alert": -1})
            self.env.flush_all()
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.gas.write({"wallboard_service_level_target": 120})
            self.env.flush_all()
        self.gas.invalidate_recordset()
        self.assertEqual(
            (self.gas.wallboard_wait_warning, self.gas.wallboard_wait_alert), (30, 60)
        )
        # 0 turns a colour off; amber alone is fine
        self.gas.write({"wallboard_wait_alert": 0, "wallboard_wait_warning": 45})
        self.assertEqual(self.gas._hotline_wallboard_thresholds()["wait_alert"], 0)

    def test_access_per_role(self):
        Wallboard = self.env["hotline.wallboard"]
        for role in ("supervisor", "leader", "hotline_admin"):
            payload = Wallboard.with_user(
                self.role_users[role]
            ).hotline_wallboard_payload()
            self.assertEqual(payload["company_id"], self.company.id, role)
        payload = Wallboard.with_user(self.wallboard_user).hotline_wallboard_payload()
        self.assertIn("wb_gas", [q["code"] for q in payload["queues"]])
        for user in (
            self.agent,
            self.role_users["handler"],
            self.role_users["finance"],
            self.user_internal,
        ):
            with self.assertRaises(AccessError, msg=user.login):
                Wallboard.with_user(user).hotline_wallboard_payload()
        # the TV's user reads the payload, not the records behind it
        for model in ("hotline.call", "hotline.queue", "hotline.agent.session"):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.wallboard_user).search([])
        with self.assertRaises(AccessError):
            self.env["hotline.wallboard.mark"].with_user(self.wallboard_user).search([])

    def test_menus_per_role(self):
        root = self.env.ref("hotline_callcenter.hotline_wallboard_root_menu")
        supervisors = self.env.ref("hotline_callcenter.hotline_wallboard_menu")
        hotline = self.env.ref("hotline_base.hotline_root_menu")
        visible = self.visible_menus(self.wallboard_user)
        self.assertIn(root, visible)
        self.assertNotIn(hotline, visible)
        self.assertIn(supervisors, self.visible_menus(self.supervisor))
        self.assertIn(root, self.visible_menus(self.role_users["leader"]))
        agent_menus = self.visible_menus(self.agent)
        self.assertNotIn(root, agent_menus)
        self.assertNotIn(supervisors, agent_menus)
