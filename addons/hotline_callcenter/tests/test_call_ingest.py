# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
from datetime import UTC, datetime, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon

from ..pbx.ami_protocol import AmiMessage
from ..pbx.correlator import CallCorrelator
from ..pbx.simulator.scenarios import render

T0 = datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)


def call_dict(linkedid, **values):
    """A call dict as ``pbx.correlator.CallCorrelator`` emits it."""
    data = {
        "linkedid": linkedid,
        "uniqueid": linkedid,
        "direction": "inbound",
        "caller_number": "13800138000",
        "called_number": "4008123456",
        "did": "4008123456",
        "queue": "support",
        "agents": ["8101"],
        "started_at": T0,
        "queued_at": T0 + timedelta(seconds=3),
        "answered_at": T0 + timedelta(seconds=10),
        "ended_at": T0 + timedelta(seconds=70),
        "wait_seconds": 7,
        "talk_seconds": 60,
        "disposition": "answered",
        "recording_file": "/var/spool/asterisk/monitor/support-1.wav",
        "hangup_cause": "16 Normal Clearing",
    }
    data.update(values)
    return data


class CallLogCommon(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.cn")
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Ingest PBX", "host": "127.0.0.1", "ami_secret": "secret"}
        )
        cls.agent = cls.role_users["agent"]
        cls.agent.hotline_extension = "8101"
        cls.supervisor = cls.role_users["supervisor"]
        cls.supervisor.hotline_extension = "8102"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Wang Fang", "phone": "+86 138 0013 8000"}
        )
        cls.Call = cls.env["hotline.call"]

    def ingest(self, *calls):
        return self.Call.hotline_ingest(self.pbx.id, list(calls))

    def correlate(self, scenario, correlator=None, **params):
        """Call dicts and live events of a simulator scenario (the captures
        of a real Asterisk 22), as the connector's correlator makes them."""
        params.setdefault("caller", "13800138000")
        params.setdefault("did", "4008123456")
        params.setdefault("agent", "8101")
        events = [AmiMessage(pairs) for _t, pairs in render(scenario, **params)]
        return (correlator or CallCorrelator()).feed_many(events)

    def connector_write(self, calls, live):
        """What the connector's sink does with one batch."""
        if calls:
            self.ingest(*calls)
        if live:
            self.Call.hotline_live_events(self.pbx.id, live)


@tagged("post_install", "-at_install")
class TestCallIngest(CallLogCommon):
    def test_create_maps_everything(self):
        result = self.ingest(call_dict("pbx-1.1", agents=["8101", "8102"]))
        self.assertEqual((result["created"], result["updated"]), (1, 0))
        call = result["calls"]
        self.assertEqual(call.pbx_id, self.pbx)
        self.assertEqual(call.company_id, self.pbx.company_id)
        self.assertEqual(call.direction, "inbound")
        self.assertEqual(
            (call.caller_number, call.called_number, call.did),
            ("13800138000", "4008123456", "4008123456"),
        )
        self.assertEqual(call.partner_id, self.customer)
        self.assertEqual(call.queue_name, "support")
        self.assertEqual(call.started_at, datetime(2026, 11, 25, 8, 0, 0))
        self.assertEqual(call.answered_at, datetime(2026, 11, 25, 8, 0, 10))
        self.assertEqual((call.wait_seconds, call.talk_seconds), (7, 60))
        self.assertEqual(
            call.recording_file, "/var/spool/asterisk/monitor/support-1.wav"
        )
        self.assertEqual(call.hangup_cause, "16 Normal Clearing")
        lines = call.agent_line_ids.sorted("sequence")
        self.assertEqual(lines.mapped("extension"), ["8101", "8102"])
        self.assertEqual(lines.mapped("user_id"), self.agent | self.supervisor)
        self.assertEqual(lines[0].user_id, self.agent)
        self.assertEqual(call.user_id, self.supervisor, "the agent who had it last")
        self.assertEqual(call.agent_extensions, "8101 → 8102")

    def test_replay_changes_nothing(self):
        data = [
            call_dict("pbx-2.1"),
            call_dict("pbx-2.2", agents=[], disposition="voicemail"),
        ]
        first = self.ingest(*data)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hotline_call SET write_date = '2000-01-01' WHERE id IN %s",
            [tuple(first["calls"].ids)],
        )
        self.env.invalidate_all()
        again = self.ingest(*data)
        self.assertEqual(
            (again["created"], again["updated"], again["unchanged"]), (0, 0, 2)
        )
        self.env.flush_all()
        self.assertEqual(
            self.Call.search_count(
                [("pbx_id", "=", self.pbx.id), ("linkedid", "like", "pbx-2.")]
            ),
            2,
        )
        self.env.invalidate_all()
        for call in first["calls"]:
            self.assertEqual(call.write_date, datetime(2000, 1, 1))

    def test_progress_updates_the_same_record(self):
        ringing = call_dict(
            "pbx-3.1",
            agents=[],
            answered_at=None,
            ended_at=None,
            disposition="ringing",
            talk_seconds=0,
            hangup_cause=None,
        )
        call = self.ingest(ringing)["calls"]
        self.assertEqual(call.disposition, "ringing")
        answered = dict(ringing, agents=["8101"], answered_at=T0 + timedelta(seconds=9))
        answered["disposition"] = "answered"
        self.assertEqual(self.ingest(answered)["updated"], 1)
        self.assertEqual(call.user_id, self.agent)
        self.assertFalse(call.ended_at)
        transferred = dict(
            answered, agents=["8101", "8102"], ended_at=T0 + timedelta(60)
        )
        self.ingest(transferred)
        self.assertEqual(
            call.agent_line_ids.sorted("sequence").mapped("extension"), ["8101", "8102"]
        )
        self.assertEqual(self.Call.search_count([("linkedid", "=", "pbx-3.1")]), 1)

    def test_every_disposition(self):
        values = {
            "answered": {},
            "abandoned_ivr": {"agents": [], "queue": None, "answered_at": None},
            "abandoned_queue": {"agents": [], "answered_at": None, "wait_seconds": 42},
            "busy": {"direction": "outbound", "agents": ["8101"], "answered_at": None},
            "no_answer": {"direction": "outbound", "answered_at": None},
            "failed": {
                "direction": "outbound",
                "answered_at": None,
                "hangup_cause": "34 Congestion",
            },
            "voicemail": {"agents": [], "answered_at": None, "queue": "sales"},
            "ringing": {"ended_at": None, "answered_at": None},
        }
        calls = [
            call_dict(f"pbx-4.{n}", disposition=disposition, **extra)
            for n, (disposition, extra) in enumerate(values.items())
        ]
        result = self.ingest(*calls)
        self.assertEqual(result["created"], len(values))
        stored = {c.linkedid: c for c in result["calls"]}
        for n, disposition in enumerate(values):
            self.assertEqual(stored[f"pbx-4.{n}"].disposition, disposition)
        self.assertEqual(stored["pbx-4.2"].wait_seconds, 42)
        self.assertEqual(stored["pbx-4.5"].hangup_cause, "34 Congestion")

    def test_customer_matching_inbound_outbound_and_ambiguous(self):
        outbound = call_dict(
            "pbx-5.1",
            direction="outbound",
            caller_number="8101",
            called_number="+86 138 0013 8000",
        )
        unknown = call_dict("pbx-5.2", caller_number="13999999999")
        result = self.ingest(outbound, unknown)
        stored = {c.linkedid: c for c in result["calls"]}
        self.assertEqual(stored["pbx-5.1"].partner_id, self.customer)
        self.assertFalse(stored["pbx-5.2"].partner_id)
        self.env["res.partner"].create({"name": "Wang Family", "mobile": "13800138000"})
        ambiguous = self.ingest(call_dict("pbx-5.3"))["calls"]
        self.assertFalse(ambiguous.partner_id, "a shared number is not guessed")
        # a number learnt later is identified on the next update, then kept
        later = self.env["res.partner"].create(
            {"name": "Li Na", "phone": "13999999999"}
        )
        self.ingest(dict(unknown, disposition="answered"))
        self.assertEqual(stored["pbx-5.2"].partner_id, later)

    def test_unknown_extension_kept_without_user(self):
        call = self.ingest(call_dict("pbx-6.1", agents=["8999"]))["calls"]
        self.assertEqual(call.agent_line_ids.extension, "8999")
        self.assertFalse(call.agent_line_ids.user_id)
        self.assertFalse(call.user_id)

    def test_queue_linked_when_configured(self):
        Queue = self.env["hotline.queue"]
        # the demo data may already have it (tests must not rely on it either way)
        queue = Queue.search([("code", "=", "support")]) or Queue.create(
            {"name": "Support", "code": "support"}
        )
        call = self.ingest(call_dict("pbx-7.1"))["calls"]
        self.assertEqual(call.queue_id, queue)

    def test_bad_input_rejected_and_others_kept(self):
        with self.assertLogs(
            "odoo.addons.hotline_callcenter.models.hotline_call", "WARNING"
        ) as logs:
            result = self.ingest(
                {"direction": "inbound"},
                call_dict("pbx-8.1", direction="sideways"),
                call_dict("pbx-8.2", disposition="exploded"),
                "not a dict",
                call_dict("pbx-8.3"),
            )
        self.assertEqual(result["created"], 1)
        self.assertEqual(result["calls"].linkedid, "pbx-8.3")
        reasons = [reason for _lid, reason in result["rejected"]]
        self.assertEqual(len(reasons), 4)
        self.assertIn("missing Linkedid", reasons)
        self.assertIn("unknown direction sideways", reasons)
        self.assertEqual(len(logs.output), 4)
        self.assertFalse(self.Call.search([("linkedid", "in", ["pbx-8.1", "pbx-8.2"])]))
        with (
            self.assertRaisesRegex(ValidationError, "Unknown PBX"),
            self.env.cr.savepoint(),
        ):
            self.Call.hotline_ingest(999999, [call_dict("pbx-8.4")])

    def test_only_the_connector_ingests(self):
        for role in ("agent", "supervisor", "handler"):
            with self.assertRaises(AccessError):
                self.Call.with_user(self.role_users[role]).hotline_ingest(
                    self.pbx.id, [call_dict("pbx-9.1")]
                )
            with self.assertRaises(AccessError):
                self.Call.with_user(self.role_users[role]).hotline_live_events(
                    self.pbx.id,
                    [{"type": "ringing", "linkedid": "x", "extension": "8101"}],
                )
        admin = self.role_users["hotline_admin"]
        self.assertEqual(
            self.Call.with_user(admin).hotline_ingest(
                self.pbx.id, [call_dict("pbx-9.2")]
            )["created"],
            1,
        )


@tagged("post_install", "-at_install")
class TestCallAccess(CallLogCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        result = cls.Call.hotline_ingest(
            cls.pbx.id,
            [
                call_dict("acc-1", agents=["8101"]),
                call_dict("acc-2", agents=["8102"]),
                call_dict(
                    "acc-3", agents=[], disposition="abandoned_queue", answered_at=None
                ),
                call_dict("acc-4", agents=["8102", "8101"]),
            ],
        )
        cls.calls = {c.linkedid: c for c in result["calls"]}

    def visible(self, role):
        return set(
            self.Call.with_user(self.role_users[role])
            .search([("pbx_id", "=", self.pbx.id)])
            .mapped("linkedid")
        )

    def test_agent_sees_own_and_unanswered(self):
        self.assertEqual(self.visible("agent"), {"acc-1", "acc-3", "acc-4"})

    def test_supervisor_and_handler_see_all(self):
        everything = {"acc-1", "acc-2", "acc-3", "acc-4"}
        self.assertEqual(self.visible("supervisor"), everything)
        self.assertEqual(self.visible("handler"), everything)

    def test_agents_read_only_supervisor_sets_customer(self):
        call = self.calls["acc-1"].with_user(self.agent)
        with self.assertRaises(AccessError):
            call.partner_id = self.customer
        with self.assertRaises(AccessError):
            self.calls["acc-2"].with_user(self.agent).read(["caller_number"])
        self.calls["acc-2"].with_user(self.supervisor).partner_id = self.customer
        self.assertEqual(self.calls["acc-2"].partner_id, self.customer)

    def test_calls_menu_per_role(self):
        menu = self.env.ref("hotline_callcenter.hotline_call_menu")
        for role in ("agent", "supervisor", "handler", "hotline_admin"):
            self.assertIn(menu, self.visible_menus(self.role_users[role]), role)
        self.assertNotIn(menu, self.visible_menus(self.role_users["finance"]))

    def test_views_and_search(self):
        Call = self.Call.with_user(self.supervisor)
        for view_type in ("list", "form", "pivot", "graph", "search"):
            self.assertTrue(Call.get_view(view_type=view_type)["arch"])
        found = Call.search([("caller_number", "ilike", "13800138")])
        self.assertGreaterEqual(len(found), 4)
        by_agent = Call.search([("agent_line_ids.user_id", "=", self.agent.id)])
        self.assertEqual(set(by_agent.mapped("linkedid")), {"acc-1", "acc-4"})
        groups = Call.read_group(
            [("pbx_id", "=", self.pbx.id)], ["talk_seconds:sum"], ["disposition"]
        )
        self.assertEqual(
            {g["disposition"] for g in groups}, {"answered", "abandoned_queue"}
        )


@tagged("post_install", "-at_install")
class TestLiveEvents(CallLogCommon):
    def _ringing_messages(self, user):
        self.env.cr.precommit.run()
        channel = json.dumps(
            [self.env.cr.dbname, "res.partner", user.partner_id.id],
            separators=(",", ":"),
        )
        notifs = self.env["bus.bus"].sudo().search([("channel", "=", channel)])
        return [
            json.loads(n.message)["payload"]
            for n in notifs
            if json.loads(n.message)["type"] == "hotline/call_ringing"
        ]

    def test_ringing_pops_the_agent_and_creates_the_call(self):
        before = len(self._ringing_messages(self.agent))
        event = {
            "type": "ringing",
            "linkedid": "live-1",
            "extension": "8101",
            "caller_number": "13800138000",
            "did": "4008123456",
            "queue": "support",
        }
        notified = self.Call.hotline_live_events(self.pbx.id, [event])
        self.assertEqual(notified, self.agent)
        call = self.Call.search([("linkedid", "=", "live-1")])
        self.assertEqual(call.disposition, "ringing")
        self.assertEqual(call.partner_id, self.customer)
        payloads = self._ringing_messages(self.agent)[before:]
        self.assertEqual(len(payloads), 1)
        self.assertEqual(payloads[0]["call_id"], call.id)
        # transfer: the card follows to the new agent; hangup/answered pop nobody
        notified = self.Call.hotline_live_events(
            self.pbx.id,
            [
                dict(event, type="answered"),
                dict(event, type="transferred", extension="8102"),
                dict(event, type="hangup"),
            ],
        )
        self.assertEqual(notified, self.supervisor)
        self.assertEqual(self.Call.search_count([("linkedid", "=", "live-1")]), 1)

    def test_transfer_pops_the_target_once_saying_from_whom(self):
        """Issue 10 #6: blind (BlindTransfer), redirect and attended transfers
        to 8102: one card for the target, marked as a transfer from 8101."""
        self.supervisor.hotline_extension = "8002"  # the captures' target
        for scenario in (
            "blind_transfer",
            "blind_transfer_redirect",
            "attended_transfer",
        ):
            with self.subTest(scenario):
                before_agent = len(self._ringing_messages(self.agent))
                before_target = len(self._ringing_messages(self.supervisor))
                calls, live = self.correlate(scenario)
                self.connector_write(calls, live)
                target = self._ringing_messages(self.supervisor)[before_target:]
                self.assertEqual(len(target), 1, "one pop per transfer")
                self.assertEqual(
                    target[0]["transfer"],
                    {"extension": "8101", "name": self.agent.name},
                )
                (first,) = self._ringing_messages(self.agent)[before_agent:]
                self.assertIs(first["transfer"], False)
                self.assertEqual(first["call_id"], target[0]["call_id"])


@tagged("post_install", "-at_install")
class TestOverflowAndSupervision(CallLogCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Queue = cls.env["hotline.queue"].with_context(active_test=False)

        def queue(code):
            # the captures' queues (demo data may have them already)
            domain = [("code", "=", code), ("company_id", "=", cls.pbx.company_id.id)]
            return Queue.search(domain) or Queue.create(
                {"name": code.title(), "code": code}
            )

        cls.q_sales = queue("sales")
        cls.q_support = queue("support")
        cls.supervisor.hotline_extension = "9000"  # the chanspy capture's

    def _call(self, linkedid):
        return self.Call.search(
            [("pbx_id", "=", self.pbx.id), ("linkedid", "=", linkedid)]
        )

    def test_overflowed_call_is_recorded_in_the_queue_that_answered(self):
        """Issue 10 #12: sales times out, support answers."""
        calls, _live = self.correlate("queue_overflow")
        self.ingest(*calls)
        call = self._call(calls[0]["linkedid"])
        self.assertEqual((call.queue_id, call.queue_name), (self.q_support, "support"))
        self.assertEqual(call.queue_path, "sales → support")
        # a connector restarted mid-call saw only the last queue: path kept
        self.ingest(dict(calls[0], queue_path=["support"]))
        self.assertEqual(call.queue_path, "sales → support")
        self.assertEqual((call.disposition, call.user_id), ("answered", self.agent))
        self.assertEqual(call.wait_seconds, 12, "counted from joining sales")
        # a plain call keeps a one-queue path, shown only when there is one
        self.ingest(call_dict("plain-1", queue="sales", queue_path=["sales"]))
        self.assertEqual(self._call("plain-1").queue_path, "sales")

    def test_overflow_in_call_centre_reports(self):
        """The overflowed call counts in support (answered, SL with the
        caller's whole wait); sales sees it as overflowed out only."""
        calls, _live = self.correlate("queue_overflow")
        self.ingest(*calls)
        self.ingest(
            call_dict("plain-2", queue="sales", queue_path=["sales"], wait_seconds=30)
        )
        self.env.flush_all()
        aggregates = [
            "call_count:sum",
            "answered_count:sum",
            "abandoned_count:sum",
            "overflow_count:sum",
            "overflow_in_count:sum",
            "connection_rate:avg",
            "abandon_rate:avg",
            "service_level_20:avg",
            "overflow_rate:avg",
        ]
        names = [a.split(":")[0] for a in aggregates]
        Report = self.env["hotline.call.report"].with_user(self.supervisor)
        domain = [("call_id.pbx_id", "=", self.pbx.id)]
        rows = {
            queue: dict(zip(names, values, strict=True))
            for queue, *values in Report._read_group(domain, ["queue_id"], aggregates)
        }
        sales, support = rows[self.q_sales], rows[self.q_support]
        self.assertEqual(
            (sales["call_count"], sales["answered_count"], sales["abandoned_count"]),
            (1, 1, 0),
        )
        self.assertEqual(sales["overflow_count"], 1)
        self.assertAlmostEqual(sales["connection_rate"], 100.0)
        self.assertAlmostEqual(sales["abandon_rate"], 0.0)
        self.assertAlmostEqual(sales["overflow_rate"], 50.0)
        self.assertAlmostEqual(sales["service_level_20"], 0.0)  # plain-2 waited 30 s
        self.assertEqual(
            (
                support["call_count"],
                support["answered_count"],
                support["overflow_in_count"],
            ),
            (1, 1, 1),
        )
        self.assertEqual(support["overflow_count"], 0)
        self.assertAlmostEqual(support["service_level_20"], 100.0)  # 12 s in all
        ((total,),) = Report._read_group(domain, [], ["call_count:sum"])
        self.assertEqual(total, 2, "every call once")

    def test_supervisor_legs_are_lines_of_the_monitored_call(self):
        """Issue 10 #14: listen, whisper and barge of the chanspy capture, the
        batches written as they come (the supervisor's phone starts as a call
        of its own until ChanSpy names the call it monitors)."""
        correlator = CallCorrelator()
        events = render("supervisor_spy", caller="13800138000", agent="8101")
        spy_start = next(
            n for n, (_t, pairs) in enumerate(events) if pairs[0][1] == "ChanSpyStart"
        )
        for part in (events[:spy_start], events[spy_start:]):
            calls, live = correlator.feed_many(AmiMessage(p) for _t, p in part)
            self.connector_write(calls, live)
            if part is events[0:spy_start]:
                # the supervisor's phone rang: not known as a leg yet
                self.assertEqual(
                    self.Call.search_count([("pbx_id", "=", self.pbx.id)]), 2
                )
        (call,) = self.Call.search([("pbx_id", "=", self.pbx.id)])
        self.assertEqual((call.direction, call.user_id), ("inbound", self.agent))
        legs = call.supervisor_leg_ids
        self.assertEqual(
            [(g.mode, g.user_id, g.extension, g.duration_seconds) for g in legs],
            [
                ("listen", self.supervisor, "9000", 27),
                ("whisper", self.supervisor, "9000", 18),
                ("barge", self.supervisor, "9000", 9),
            ],
        )
        self.assertTrue(all(g.ended_at <= call.ended_at for g in legs))
        # a connector restarted mid-call knows neither the legs nor the
        # first queue: what is recorded stays
        self.ingest(
            call_dict(call.linkedid, supervisor_legs=[], queue_path=["support"])
        )
        self.assertEqual(call.supervisor_leg_ids, legs)
        # replaying the stream changes nothing
        calls, live = correlator.feed_many(AmiMessage(p) for _t, p in events)
        self.assertFalse(calls)
        self.assertEqual(call.supervisor_leg_ids, legs)

    def test_supervisor_legs_access_per_role(self):
        calls, live = self.correlate("supervisor_spy")
        self.connector_write(calls, live)
        (call,) = self.Call.search([("pbx_id", "=", self.pbx.id)])
        Leg = self.env["hotline.call.supervisor.leg"]
        legs = call.supervisor_leg_ids
        self.assertEqual(len(legs), 3)
        self.assertEqual(
            Leg.with_user(self.supervisor).search([("id", "in", legs.ids)]), legs
        )
        admin = self.role_users["hotline_admin"]
        self.assertEqual(Leg.with_user(admin).search([("id", "in", legs.ids)]), legs)
        # the monitored agent sees their call, not who listened in
        self.env.invalidate_all()
        self.assertEqual(
            call.with_user(self.agent).read(["supervisor_leg_ids"])[0][
                "supervisor_leg_ids"
            ],
            [],
        )
        self.assertFalse(Leg.with_user(self.agent).search([]))
        with self.assertRaises(AccessError):
            legs[0].with_user(self.agent).read(["mode"])
        # the leg's name never carries the call's numbers
        self.assertEqual(
            legs[0].with_user(self.supervisor).display_name,
            f"Listen by {self.supervisor.name}",
        )
        # an agent sees the legs they made themselves
        self.supervisor.hotline_extension = False
        self.agent.hotline_extension, ext = "9000", self.agent.hotline_extension
        legs.user_id = self.agent
        self.assertEqual(Leg.with_user(self.agent).search([]), legs)
        self.agent.hotline_extension = ext
        for role in ("handler", "leader", "finance"):
            with self.assertRaises(AccessError, msg=role):
                Leg.with_user(self.role_users[role]).search([])

    def test_bad_supervisor_legs_and_queue_path_rejected(self):
        leg = {
            "mode": "shout",
            "extension": "9000",
            "started_at": T0,
            "linkedid": "s-1",
        }
        for bad in (
            {"supervisor_legs": [leg]},
            {"supervisor_legs": "listen"},
            {"supervisor_legs": [dict(leg, mode="listen", started_at=None)]},
            {"queue_path": "sales"},
            {"queue_path": ["sales", ""]},
        ):
            with (
                self.subTest(bad),
                self.assertLogs(
                    "odoo.addons.hotline_callcenter.models.hotline_call", "WARNING"
                ) as logs,
            ):
                result = self.ingest(call_dict("bad-1", **bad))
                self.assertIn("call bad-1 rejected", logs.output[0])
                self.assertEqual(result["created"], 0)
                self.assertEqual(result["rejected"][0][0], "bad-1")
                self.assertFalse(self._call("bad-1"))
        with self.assertRaises(AccessError):
            self.Call.with_user(self.supervisor).hotline_ingest(
                self.pbx.id, [call_dict("bad-2", supervisor_legs=[])]
            )
