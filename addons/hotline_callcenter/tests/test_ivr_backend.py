# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""End to end: the simulator plays Asterisk's side of FastAGI against the
connector's IVR handler, which reads this test's database.

The FastAGI server runs the handler in its own worker thread; the registry is
put in test mode on the test's cursor (``enter_test_mode``), so every short
cursor the handler opens is a ``TestCursor`` on the test transaction and all
of it is rolled back at the end. The test thread waits on the simulated call
while the handler works, so the two never use the cursor at the same time.
"""

from datetime import UTC, datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from ..cli.ivr_backend import calendar_is_open, make_agi_handler
from ..pbx.ami_protocol import AmiMessage
from ..pbx.correlator import CallCorrelator
from ..pbx.fastagi import FastAgiServer
from ..pbx.simulator.agi_caller import AgiCaller
from ..pbx.simulator.dialplan import SHIPPED_DIALPLAN
from .ivr_common import IvrCommon

ENGINE_LOGGER = "odoo.addons.hotline_callcenter.pbx.ivr_engine"
BACKEND_LOGGER = "odoo.addons.hotline_callcenter.cli.ivr_backend"
DID = "4008123456"


@tagged("post_install", "-at_install")
class TestIvrBackend(IvrCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hotline.did"].create(
            {"number": DID, "kind": "400", "flow_id": cls.flow.id}
        )
        cls.calendar.attendance_ids = [(5, 0, 0)] + [
            (
                0,
                0,
                {
                    "name": f"Day {day}",
                    "dayofweek": str(day),
                    "hour_from": 0,
                    "hour_to": 24,
                },
            )
            for day in range(7)
        ]

    def setUp(self):
        super().setUp()
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.handler = make_agi_handler(self.registry, False)
        self.server = FastAgiServer("127.0.0.1", 0, self.handler)
        self.server.start()
        self.addCleanup(self.server.stop)

    def call(self, dtmf="", caller="13800138000", did=DID, **variables):
        caller_sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={did}",
            caller=caller,
            did=did,
            dtmf=dtmf,
            variables=variables,
        )
        self.env.flush_all()  # the handler reads the database, not this cache
        caller_sim.run()
        self.env.invalidate_all()
        return caller_sim

    @staticmethod
    def played(sim):
        return [
            c.split()[2]
            for c in sim.commands
            if c.startswith(("STREAM FILE", "GET DATA"))
        ]

    def test_menu_queue_and_rating(self):
        call = self.env["hotline.call"].create(
            {"linkedid": "placeholder", "caller_number": "13800138000"}
        )
        caller = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            dtmf="11",
            variables={"QUEUESTATUS": "CONTINUE"},
        )
        call.linkedid = caller.uniqueid
        self.env.flush_all()
        caller.run()
        self.env.invalidate_all()
        self.assertEqual(
            self.played(caller),
            [
                "hotline/zh_CN/welcome",
                "hotline/zh_CN/menu",
                "hotline/zh_CN/rate",
                "hotline/zh_CN/bye",
            ],
        )
        self.assertEqual(caller.executed, [("Queue", "billing,ct")])
        self.assertEqual(call.rating, "satisfied")
        self.assertEqual(call.queue_id, self.q_billing)
        self.assertTrue(call.queued_at)  # agents saw the caller waiting
        self.assertEqual(call.ivr_flow_id, self.flow)
        self.assertEqual(call.queue_options, "ct")

    def test_queue_options_of_the_queue(self):
        """The IVR's Queue() carries the queue's options (issue 10: without
        "t" the agent cannot transfer) and the call keeps them."""
        self.q_billing.write(
            {"agent_transfer": False, "caller_park": True, "waiting_sound": "ringing"}
        )
        call = self.env["hotline.call"].create(
            {"linkedid": "placeholder", "caller_number": "13800138000"}
        )
        caller = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            dtmf="11",
            variables={"QUEUESTATUS": "CONTINUE"},
        )
        call.linkedid = caller.uniqueid
        self.env.flush_all()
        caller.run()
        self.env.invalidate_all()
        self.assertEqual(caller.executed[0], ("Queue", "billing,cKr"))
        self.assertEqual(
            caller.queue_entries, [{"queue": "billing", "options": {"c", "K", "r"}}]
        )
        self.assertFalse(caller.warnings)
        self.assertEqual(call.queue_options, "cKr")

    def test_language_switch(self):
        sim = self.call(dtmf="92", QUEUESTATUS="CONTINUE")
        self.assertEqual(
            self.played(sim)[:3],
            ["hotline/zh_CN/welcome", "hotline/zh_CN/menu", "hotline/en_US/menu"],
        )
        # the channel already speaks English (agi_language: en): Asterisk's own
        # sounds follow the caller's language without a SET VARIABLE
        self.assertNotIn('SET VARIABLE CHANNEL(language) "en"', sim.commands)
        self.assertEqual(sim.executed[0], ("Queue", "repair,ct,,,60"))

    def test_no_input_retries_exhausted_to_fallback(self):
        sim = self.call(dtmf="")
        self.assertEqual(self.played(sim).count("hotline/zh_CN/menu"), 2)
        self.assertEqual(sim.executed, [("Queue", "repair,ct")])

    def test_invalid_input_retries_exhausted(self):
        sim = self.call(dtmf="77")
        self.assertIn("hotline/zh_CN/invalid", self.played(sim))
        self.assertEqual(sim.executed, [("Queue", "repair,ct")])

    def test_overflow_after_max_wait(self):
        sim = self.call(dtmf="2", QUEUESTATUS="TIMEOUT")
        self.assertEqual(
            sim.executed, [("Queue", "repair,ct,,,60"), ("VoiceMail", "100@default,u")]
        )

    def test_public_holiday_goes_to_voicemail(self):
        now = fields.Datetime.now()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "National Day",
                "calendar_id": self.calendar.id,
                "date_from": now - timedelta(hours=2),
                "date_to": now + timedelta(hours=2),
            }
        )
        sim = self.call(dtmf="1")
        self.assertEqual(sim.executed, [("VoiceMail", "100@default,u")])
        self.assertNotIn("hotline/zh_CN/welcome", self.played(sim))

    def test_after_hours_and_adjusted_working_day(self):
        self.calendar.attendance_ids = [(5, 0, 0)]  # never open
        sim = self.call()
        self.assertEqual(sim.executed, [("VoiceMail", "100@default,u")])
        # an adjusted working day (调休): a calendar entry of type "other"
        now = fields.Datetime.now()
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Working Sunday",
                "calendar_id": self.calendar.id,
                "time_type": "other",
                "date_from": now - timedelta(hours=1),
                "date_to": now + timedelta(hours=8),
            }
        )
        sim = self.call(dtmf="2", QUEUESTATUS="CONTINUE")
        self.assertEqual(sim.executed[0], ("Queue", "repair,ct,,,60"))

    def test_vip_to_vip_queue(self):
        category = self.env["hotline.customer.category"].create(
            {"name": "Key account", "is_vip": True}
        )
        self.env["res.partner"].create(
            {
                "name": "Big Client",
                "phone": "13800138000",
                "hotline_category_id": category.id,
            }
        )
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE")
        self.assertEqual(sim.executed, [("Queue", "vip,ct")])
        self.assertEqual(sim.variables.get("QUEUE_PRIO"), "10")

    def test_blacklist_warn_and_refuse(self):
        # out of the box: the shipped prompts, nothing to configure
        entry = (
            self.env["hotline.blacklist"]
            .sudo()
            .create(
                {
                    "number": "13800138000",
                    "reason": "Abusive calls",
                    "action": "warn_continue",
                    "duration": "1day",
                }
            )
        )
        self.assertTrue(
            self.env["hotline.blacklist"].hotline_check_number("13800138000")
        )
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE")
        self.assertIn("hotline/zh_CN/blacklist_warning", self.played(sim))
        self.assertEqual(sim.executed, [("Queue", "billing,ct")])
        entry.action = "refuse"
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE")
        self.assertEqual(self.played(sim)[-1], "hotline/zh_CN/blacklist_refused")
        self.assertEqual(sim.executed, [])
        self.assertIn("HANGUP", sim.commands)
        # the node's own refusal prompt (a new snapshot: this transaction's
        # writes all carry the same write_date, the flow version)
        self.nodes["To billing"].refuse_prompt_id = self.prompts["warning"]
        self.handler.cache.by_flow.clear()
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE")
        self.assertEqual(self.played(sim)[-1], "hotline/zh_CN/warning")
        # another caller is not affected
        sim = self.call(dtmf="1", caller="13900000000", QUEUESTATUS="CONTINUE")
        self.assertEqual(sim.executed, [("Queue", "billing,ct")])

    def ingest(self, sim):
        """The call's AMI side through the correlator into hotline.call."""
        pbx = self.env["hotline.pbx"].create({"name": "IVR PBX"})
        calls, _live = CallCorrelator().feed_many(
            AmiMessage(pairs) for pairs in sim.ami_events
        )
        self.env["hotline.call"].hotline_ingest(pbx.id, calls)
        return self.env["hotline.call"].search(
            [("pbx_id", "=", pbx.id), ("linkedid", "=", sim.uniqueid)]
        )

    def test_calls_the_ivr_ended_are_not_abandoned(self):
        """Refused by the blacklist, or sent off by the IVR (a hang-up node
        after the rating): recorded as such, never as abandoned in the IVR,
        and not counted as abandoned or missed."""
        self.env["hotline.blacklist"].sudo().create(
            {
                "number": "13800138000",
                "reason": "Threatens agents",
                "action": "refuse",
                "duration": "1day",
            }
        )
        refused = self.ingest(self.call(dtmf="1"))
        self.assertEqual(refused.disposition, "refused_blacklist")
        self.assertTrue(refused.ended_at)
        # the menu's caller who hangs up is abandoned in the IVR, as before
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            caller="13900000000",
            did=DID,
            hangup_after=3,
        )
        self.env.flush_all()
        sim.run()
        abandoned = self.ingest(sim)
        self.assertEqual(abandoned.disposition, "abandoned_ivr")
        # the IVR's goodbye without an agent: a flow ending on a hang-up node
        self.nodes["Main menu"].option_ids = [
            (0, 0, {"digit": "3", "target_node_id": self.nodes["Bye"].id})
        ]
        self.handler.cache.by_flow.clear()
        ended = self.ingest(self.call(dtmf="3", caller="13900000001"))
        self.assertEqual(ended.disposition, "ended_by_ivr")
        calls = refused | abandoned | ended
        missed = self.env.ref("hotline_callcenter.hotline_call_view_search")
        self.assertIn("abandoned_ivr", missed.arch)
        self.assertEqual(
            calls.filtered_domain(
                [
                    (
                        "disposition",
                        "in",
                        ("abandoned_ivr", "abandoned_queue", "no_answer", "voicemail"),
                    )
                ]
            ),
            abandoned,
        )
        self.env.flush_all()
        report = self.env["hotline.call.report"].search([("call_id", "in", calls.ids)])
        self.assertEqual(len(report), 3)
        self.assertEqual(sum(report.mapped("abandoned_count")), 0)
        self.assertEqual(sum(report.mapped("offered_count")), 0)

    def test_first_contact_agent(self):
        self.agent.hotline_agent_state = "available"
        yesterday = fields.Datetime.now() - timedelta(days=1)
        self.env["hotline.call"].create(
            {
                "linkedid": "earlier",
                "caller_number": "13800138000",
                "user_id": self.agent.id,
                "answered_at": yesterday,
                "ended_at": yesterday + timedelta(minutes=3),
            }
        )
        sim = self.call(dtmf="1", DIALSTATUS="ANSWER")
        self.assertEqual(sim.executed, [("Dial", "PJSIP/8101,30,g")])
        # paused: the queue, with priority
        self.agent.hotline_agent_state = "paused"
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE")
        self.assertEqual(sim.executed, [("Queue", "billing,ct")])
        self.assertEqual(sim.variables.get("QUEUE_PRIO"), "5")
        # older than the first-contact window: plain queue
        self.env["hotline.call"].search([("linkedid", "=", "earlier")]).answered_at = (
            fields.Datetime.now() - timedelta(days=30)
        )
        self.agent.hotline_agent_state = "available"
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE")
        self.assertNotIn("QUEUE_PRIO", sim.variables)

    def test_first_contact_agent_paused_for_wrapup(self):
        """A wrap-up until Ready pauses the agent in their queues: the first
        contact goes to the queue with priority, as for a pause."""
        yesterday = fields.Datetime.now() - timedelta(days=1)
        self.env["hotline.call"].create(
            {
                "linkedid": "earlier-paused-wrapup",
                "caller_number": "13800138000",
                "user_id": self.agent.id,
                "answered_at": yesterday,
                "ended_at": yesterday + timedelta(minutes=3),
            }
        )
        self.agent.write(
            {"hotline_agent_state": "wrapup", "hotline_wrapup_paused": True}
        )
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE")
        self.assertEqual(sim.executed, [("Queue", "billing,ct")])
        self.assertEqual(sim.variables.get("QUEUE_PRIO"), "5")

    def test_first_contact_agent_in_wrapup_time(self):
        """首问负责制 with wrap-up: the agent gets the call only once out of the
        queue's wrap-up time after their last call; before, the queue with
        priority."""
        self.agent.hotline_agent_state = "available"
        self.q_billing.wrapup_time = 120
        now = fields.Datetime.now()
        earlier = self.env["hotline.call"].create(
            {
                "linkedid": "earlier-wrapup",
                "caller_number": "13800138000",
                "user_id": self.agent.id,
                "answered_at": now - timedelta(minutes=5),
                "ended_at": now - timedelta(seconds=30),
            }
        )
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE", DIALSTATUS="ANSWER")
        self.assertEqual(sim.executed, [("Queue", "billing,ct")])
        self.assertEqual(sim.variables.get("QUEUE_PRIO"), "5")
        # the agent's last call of any caller counts, not only this caller's
        earlier.ended_at = now - timedelta(minutes=4)
        self.env["hotline.call"].create(
            {
                "linkedid": "other-caller",
                "caller_number": "13900000000",
                "user_id": self.agent.id,
                "answered_at": now - timedelta(minutes=1),
                "ended_at": now - timedelta(seconds=20),
            }
        )
        sim = self.call(dtmf="1", QUEUESTATUS="CONTINUE", DIALSTATUS="ANSWER")
        self.assertEqual(sim.executed, [("Queue", "billing,ct")])
        # out of wrap-up: straight to the agent
        self.q_billing.wrapup_time = 10
        sim = self.call(dtmf="1", DIALSTATUS="ANSWER")
        self.assertEqual(sim.executed, [("Dial", "PJSIP/8101,30,g")])

    def test_unknown_service_goes_to_fallback(self):
        """A business query whose add-on is gone: logged, the caller reaches the
        fallback queue (draft flows are not validated)."""
        self.flow.action_draft()
        query = self.env["hotline.ivr.node"].create(
            {
                "flow_id": self.flow.id,
                "name": "Gone query",
                "node_type": "service",
                "service_code": "uninstalled_service",
                "next_node_id": self.nodes["Bye"].id,
            }
        )
        self.nodes["Main menu"].option_ids = [
            (0, 0, {"digit": "5", "target_node_id": query.id})
        ]
        with self.assertLogs(ENGINE_LOGGER, "ERROR") as logs:
            sim = self.call(dtmf="5")
        self.assertIn("uninstalled_service", "\n".join(logs.output))
        self.assertEqual(sim.executed, [("Queue", "repair,ct")])
        self.assertNotIn("HANGUP", sim.commands)

    def test_change_applies_to_next_call(self):
        # one transaction, one now(): age the rows so a change is newer
        self.env.flush_all()
        for table in (
            "hotline_ivr_flow",
            "hotline_ivr_node",
            "hotline_ivr_node_option",
            "hotline_ivr_prompt",
        ):
            self.env.cr.execute(
                f"UPDATE {table} SET write_date = write_date - interval '1 minute'"
            )
        self.env.invalidate_all()
        sim = self.call(dtmf="2", QUEUESTATUS="CONTINUE")
        self.assertEqual(sim.executed[0], ("Queue", "repair,ct,,,60"))
        builds = self.handler.cache.builds
        sim = self.call(dtmf="2", QUEUESTATUS="CONTINUE")
        self.assertEqual(self.handler.cache.builds, builds)  # cached snapshot
        self.flow.action_draft()  # "To repairs" becomes unreachable
        option = self.nodes["Main menu"].option_ids.filtered(lambda o: o.digit == "2")
        option.target_node_id = self.nodes["To billing"]
        self.env.flush_all()
        sim = self.call(dtmf="2", QUEUESTATUS="CONTINUE")
        self.assertEqual(sim.executed[0], ("Queue", "billing,ct"))
        self.assertEqual(self.handler.cache.builds, builds + 1)

    def test_error_in_flow_goes_to_fallback(self):
        self.flow.action_draft()
        self.nodes["Open?"].write(
            {"condition_type": "first_contact", "condition_value": "not a number"}
        )
        with self.assertLogs(ENGINE_LOGGER, "ERROR") as logs:
            sim = self.call(dtmf="1")
        self.assertIn("sending the call to the fallback", logs.output[0])
        self.assertEqual(sim.executed, [("Queue", "repair,ct")])

    def test_unknown_number_back_to_dialplan(self):
        with self.assertLogs(BACKEND_LOGGER, "WARNING"):
            sim = self.call(did="95588")
        self.assertEqual(sim.variables.get("HOTLINE_AGI_ERROR"), "NoFlow")
        self.assertEqual(sim.executed, [])

    def test_unknown_number_reaches_the_fallback_of_the_shipped_dialplan(self):
        """A DID without a flow: the AGI ends with success and HOTLINE_AGI_ERROR;
        the shipped dialplan sends the caller to the queue, then voicemail,
        instead of hanging up (the caller was cut off in 13 ms)."""
        caller = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script="ivr?did=95588",
            did="95588",
            dialplan=SHIPPED_DIALPLAN,
        )
        with self.assertLogs(BACKEND_LOGGER, "WARNING"):
            caller.run()
        self.assertEqual(caller.variables["AGISTATUS"], "SUCCESS")
        self.assertEqual(
            caller.after_agi,
            [
                ("Queue", "support,t,,,300"),
                ("VoiceMail", "8000@default,u"),
                ("Hangup", ""),
            ],
        )
        # a number with a flow: the IVR served the caller and hung up
        caller = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            dtmf="1",
            variables={"QUEUESTATUS": "CONTINUE"},
            dialplan=SHIPPED_DIALPLAN,
        )
        self.env.flush_all()
        caller.run()
        self.assertEqual(caller.executed[0], ("Queue", "billing,ct"))
        self.assertEqual(caller.variables["AGISTATUS"], "HANGUP")
        self.assertEqual(caller.after_agi, [])

    def test_transfers_dial_the_pbx_agent_channel(self):
        """First-contact transfer rings the agent through the PBX's agent
        channel template, not a hard-coded PJSIP/."""
        pbx = self.env["hotline.pbx"].create(
            {
                "name": "Local PBX",
                "agent_channel_template": "Local/{extension}@agents",
            }
        )
        handler = make_agi_handler(self.registry, pbx.id)
        server = FastAgiServer("127.0.0.1", 0, handler).start()
        self.addCleanup(server.stop)
        self.agent.hotline_agent_state = "available"
        yesterday = fields.Datetime.now() - timedelta(days=1)
        self.env["hotline.call"].create(
            {
                "linkedid": "earlier-local",
                "caller_number": "13800138000",
                "user_id": self.agent.id,
                "answered_at": yesterday,
                "ended_at": yesterday + timedelta(minutes=3),
            }
        )
        caller = AgiCaller(
            "127.0.0.1",
            server.port,
            script=f"ivr?did={DID}",
            dtmf="1",
            variables={"DIALSTATUS": "ANSWER"},
        )
        self.env.flush_all()
        caller.run()
        self.assertEqual(caller.executed, [("Dial", "Local/8101@agents,30,g")])

    def test_caller_hangs_up_in_menu(self):
        caller = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            hangup_after=3,
        )
        caller.run()
        self.assertEqual(caller.executed, [])
        self.assertEqual(self.server.errors, 0)

    def test_subflow_and_government_intake(self):
        sub = self.env["hotline.ivr.flow"].create(
            {
                "name": "Balance",
                "is_subflow": True,
                "fallback_type": "voicemail",
                "fallback_mailbox": "1@default",
            }
        )
        back = self.env["hotline.ivr.node"].create(
            {"flow_id": sub.id, "name": "Back", "node_type": "return", "sequence": 2}
        )
        self.env["hotline.ivr.node"].create(
            {
                "flow_id": sub.id,
                "name": "Balance",
                "node_type": "play",
                "prompt_id": self.prompts["warning"].id,
                "next_node_id": back.id,
                "sequence": 1,
            }
        )
        sub.start_node_id = sub.node_ids.filtered(lambda n: n.name == "Balance")
        sub.action_publish()
        intake = self.env["hotline.ivr.flow"].create(
            {
                "name": "12345",
                "fallback_type": "queue",
                "fallback_queue_id": self.q_repair.id,
            }
        )
        to_agent = self.env["hotline.ivr.node"].create(
            {
                "flow_id": intake.id,
                "name": "Agent",
                "node_type": "transfer",
                "queue_id": self.q_billing.id,
                "sequence": 2,
            }
        )
        self.env["hotline.ivr.node"].create(
            {
                "flow_id": intake.id,
                "name": "Self-service",
                "node_type": "subflow",
                "subflow_id": sub.id,
                "next_node_id": to_agent.id,
                "sequence": 1,
            }
        )
        intake.start_node_id = intake.node_ids.filtered(
            lambda n: n.name == "Self-service"
        )
        intake.action_publish()
        self.env["hotline.did"].create(
            {"number": "12345", "kind": "local", "flow_id": intake.id}
        )
        sim = self.call(did="12345", QUEUESTATUS="CONTINUE")
        self.assertEqual(self.played(sim), ["hotline/zh_CN/warning"])
        self.assertEqual(sim.executed, [("Queue", "billing,ct")])

    def test_calendar_is_open(self):
        calendar = self.env["resource.calendar"].create(
            {"name": "Office", "tz": "Asia/Shanghai"}
        )  # Odoo's default: Monday to Friday, 8-12 and 13-17
        monday_9 = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
        monday_noon = datetime(2026, 11, 23, 4, 30, tzinfo=UTC)  # lunch
        saturday_9 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
        self.assertTrue(calendar_is_open(calendar, monday_9))
        self.assertFalse(calendar_is_open(calendar, monday_noon))
        self.assertFalse(calendar_is_open(calendar, saturday_9))
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Adjusted working Saturday",
                "calendar_id": calendar.id,
                "time_type": "other",
                "date_from": datetime(2026, 11, 28, 0, 0),
                "date_to": datetime(2026, 11, 28, 9, 0),
            }
        )
        self.assertTrue(calendar_is_open(calendar, saturday_9))
