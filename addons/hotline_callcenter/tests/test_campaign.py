# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Outbound campaigns: the connector's dialer against the simulator.

The clock is the dialer's ``now`` (a test's datetime), the database the
test's cursor; the simulator answers the Originates with scripted outcomes.
Calendar: Mon-Fri 8-12 and 13-17 Asia/Shanghai; 2026-10-01 (Thursday) is a
public holiday, Saturday 2026-10-10 an adjusted working day (调休) 9-17.
"""

import threading
import time
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import pytz

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase

from ..cli.connector import EnvSink, PbxWorker
from ..cli.dialer import CampaignDialer, EnvDialerStore
from ..cli.ivr_backend import make_agi_handler
from ..pbx.fastagi import FastAgiServer
from ..pbx.simulator import CAPTURE_PBX_SETTINGS, AmiSimulator
from ..pbx.simulator.agi_caller import AgiCaller
from .common import CallCenterCommon, bus_pump
from .ivr_common import IvrCommon

SHANGHAI = pytz.timezone("Asia/Shanghai")
AMI_LOGGER = "odoo.addons.hotline_callcenter.pbx.ami_client"


def local(*args):
    """An aware UTC datetime from a Shanghai wall-clock time."""
    return SHANGHAI.localize(datetime(*args)).astimezone(UTC)


# Friday 2026-10-09, 10:00 in Beijing
FRIDAY = local(2026, 10, 9, 10, 0)


class CampaignCommon(CallCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.pbx.write(dict(CAPTURE_PBX_SETTINGS))
        cls.calendar = cls.env["resource.calendar"].create(
            {"name": "Calling hours", "tz": "Asia/Shanghai"}
        )
        Leave = cls.env["resource.calendar.leaves"]
        Leave.create(
            {
                "name": "National Day",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 9, 30, 16, 0),  # 10-01 00:00 +08
                "date_to": datetime(2026, 10, 1, 16, 0),
                "time_type": "leave",
            }
        )
        Leave.create(
            {
                "name": "Adjusted working day",
                "calendar_id": cls.calendar.id,
                "date_from": datetime(2026, 10, 10, 1, 0),  # 09:00 +08
                "date_to": datetime(2026, 10, 10, 9, 0),  # 17:00 +08
                "time_type": "other",
            }
        )
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Outbound", "code": "outbound-q", "pbx_id": cls.pbx.id}
        )
        cls.flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Reminder",
                "fallback_type": "queue",
                "fallback_queue_id": cls.queue.id,
            }
        )
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Callee {i}", "mobile": f"1380000000{i}"} for i in range(1, 7)]
        )

    def make_campaign(self, count=3, **values):
        vals = {
            "name": "Reminders",
            "pbx_id": self.pbx.id,
            "mode": "automated",
            "flow_id": self.flow.id,
            "calendar_id": self.calendar.id,
            "max_channels": 2,
            "max_attempts": 3,
            "ring_timeout": 20,
            "retry_busy_minutes": 5,
            "retry_no_answer_minutes": 60,
            "retry_failed_minutes": 30,
            "contact_ids": [
                (0, 0, {"partner_id": p.id, "variables": {"amount": "12.50"}})
                for p in self.partners[:count]
            ],
        }
        vals.update(values)
        campaign = self.env["hotline.campaign"].create(vals)
        campaign.with_user(self.supervisor).action_start()
        return campaign

    def start_simulator(self, speed=0, **delays):
        sim = AmiSimulator(speed=speed, auth_fail_delay=0).start()
        self.addCleanup(sim.stop)
        sim.campaign.mix = {"answer": 1}
        if delays:
            sim.campaign.delays = delays
        self.pbx.ami_port = sim.port
        return sim

    def start_dialer(self, sim, clock):
        """A connector's worker and dialer on the test cursor; ``clock`` a
        one-item list holding the dialer's now."""
        worker = PbxWorker(
            self.pbx.id,
            self.pbx.name,
            "127.0.0.1",
            sim.port,
            "odoo",
            "secret",
            EnvSink(self.env),
            timeout=2.0,
            contexts=self.pbx._hotline_correlator_contexts(),
        )
        worker.start(process=False)
        self.addCleanup(worker.stop)
        self.assertTrue(worker.client.wait_connected(5))
        dialer = self.new_dialer(worker, clock)
        return worker, dialer

    def new_dialer(self, worker, clock):
        dialer = CampaignDialer(
            self.pbx.id,
            self.pbx.name,
            worker.client,
            EnvDialerStore(self.env),
            now=lambda: clock[0],
        )
        worker.event_listeners[:] = [dialer.feed]
        return dialer

    def settle(self, worker, dialer, until, timeout=10.0):
        """Process the AMI events (calls and dialer) until ``until()``."""

        def check():
            worker.process_pending(block=True, timeout=0.05)
            dialer.process_events()
            self.env.invalidate_all()
            return until()

        for _i in range(int(timeout / 0.05)):
            if check():
                return True
        self.fail("the simulated calls did not end in time")

    def results(self, campaign):
        return sorted(campaign.attempt_ids.mapped("result"))


@tagged("post_install", "-at_install")
class TestCampaignPacing(CampaignCommon):
    def test_windows_holiday_and_adjusted_working_day(self):
        campaign = self.make_campaign(count=1, max_channels=1)
        Campaign = self.env["hotline.campaign"]
        windows = campaign._hotline_windows(
            local(2026, 10, 9, 0, 0), local(2026, 10, 9, 23, 59)
        )
        self.assertEqual(
            windows,
            [
                (local(2026, 10, 9, 8, 0), local(2026, 10, 9, 12, 0)),
                (local(2026, 10, 9, 13, 0), local(2026, 10, 9, 17, 0)),
            ],
        )
        closed = [
            local(2026, 10, 1, 10, 0),  # National Day, a Thursday
            local(2026, 10, 11, 10, 0),  # Sunday
            local(2026, 10, 9, 7, 59),  # before the hours
            local(2026, 10, 9, 12, 30),  # lunch
            local(2026, 10, 9, 17, 0),  # after
            local(2026, 10, 10, 8, 30),  # adjusted day, before its hours
        ]
        for when in closed:
            self.assertEqual(Campaign.hotline_dialer_plan(self.pbx.id, now=when), [])
        self.assertFalse(campaign.attempt_ids)
        # the adjusted working day (a Saturday) is a calling window
        specs = Campaign.hotline_dialer_plan(
            self.pbx.id, now=local(2026, 10, 10, 9, 30)
        )
        self.assertEqual(len(specs), 1)
        spec = specs[0]
        self.assertEqual(spec["channel"], "Local/13800000001@pstn-out")
        self.assertEqual(spec["context"], "hotline-campaign")
        self.assertEqual(spec["exten"], "ivr")
        self.assertEqual(spec["variables"]["HOTLINE_FLOW"], self.flow.id)
        self.assertEqual(spec["variables"]["CRM_CALL_ID"], spec["channel_id"])
        attempt = campaign.attempt_ids
        self.assertEqual(attempt.action_id, spec["action_id"])
        self.assertEqual(attempt.started_at, datetime(2026, 10, 10, 1, 30))

    def test_never_more_than_the_maximum_channels(self):
        sim = self.start_simulator(speed=1, ring=0.2, talk=0.6)
        campaign = self.make_campaign(count=6, max_channels=2)
        clock = [FRIDAY]
        worker, dialer = self.start_dialer(sim, clock)
        peak = 0
        for _round in range(60):
            dialer.tick()
            self.env.invalidate_all()
            in_use = campaign.in_progress_count
            peak = max(peak, in_use)
            self.assertLessEqual(in_use, 2)
            if campaign.reached_count == 6:
                break
            worker.process_pending(block=True, timeout=0.1)
            dialer.process_events()
        self.assertEqual(campaign.reached_count, 6)
        self.assertEqual(peak, 2)
        self.assertEqual(len(sim.campaign_originates), 6)
        self.assertEqual(self.results(campaign), ["answered"] * 6)
        self.settle(
            worker, dialer, lambda: all(campaign.attempt_ids.mapped("ended_at"))
        )
        attempt = campaign.attempt_ids[0]
        self.assertEqual(attempt.hangup_cause, "16")
        # the answered call is in the call log, linked
        self.assertTrue(attempt.call_id)
        self.assertEqual(attempt.call_id.linkedid, attempt.channel_id)
        self.assertEqual(attempt.call_id.direction, "outbound")
        self.assertEqual(attempt.call_id.disposition, "answered")
        self.assertEqual(attempt.call_id.called_number, attempt.number)

    def test_attempts_and_intervals(self):
        sim = self.start_simulator()
        sim.campaign.script = {"13800000001": "busy"}
        campaign = self.make_campaign(count=1, max_attempts=3)
        contact = campaign.contact_ids
        clock = [FRIDAY]
        worker, dialer = self.start_dialer(sim, clock)
        self.assertEqual(dialer.tick(), 1)
        self.settle(worker, dialer, lambda: contact.state == "retry")
        self.assertEqual(contact.last_result, "busy")
        self.assertEqual(contact.attempt_count, 1)
        # busy: again after 5 minutes, not before
        self.assertEqual(contact.next_attempt_at, datetime(2026, 10, 9, 2, 5))
        clock[0] = FRIDAY + timedelta(minutes=4)
        self.assertEqual(dialer.tick(), 0)
        clock[0] = FRIDAY + timedelta(minutes=5)
        sim.campaign.script["13800000001"] = "no_answer"
        # edited while running: applies from the next result on
        campaign.retry_no_answer_minutes = 30
        self.assertEqual(dialer.tick(), 1)
        self.settle(worker, dialer, lambda: contact.state == "retry")
        # no answer: half an hour later (the interval as edited)
        self.assertEqual(contact.last_result, "no_answer")
        self.assertEqual(contact.next_attempt_at, datetime(2026, 10, 9, 2, 35))
        clock[0] = FRIDAY + timedelta(minutes=34)
        self.assertEqual(dialer.tick(), 0)
        clock[0] = FRIDAY + timedelta(minutes=35)
        self.assertEqual(dialer.tick(), 1)
        self.settle(worker, dialer, lambda: contact.state == "failed")
        # three attempts, then no more
        self.assertEqual(contact.attempt_count, 3)
        clock[0] = FRIDAY + timedelta(hours=3)
        self.assertEqual(dialer.tick(), 0)
        self.assertEqual(len(sim.campaign_originates), 3)

    def test_each_outcome_mapped(self):
        sim = self.start_simulator()
        outcomes = {
            "13800000001": ("busy", "busy", "17", "retry"),
            "13800000002": ("no_answer", "no_answer", "19", "retry"),
            "13800000003": ("invalid", "invalid_number", "1", "failed"),
            "13800000004": ("rejected", "rejected", "21", "retry"),
            "13800000005": ("congestion", "congestion", "34", "retry"),
            "13800000006": ("failure", "failed", False, "retry"),
        }
        sim.campaign.script = {n: o[0] for n, o in outcomes.items()}
        campaign = self.make_campaign(count=6, max_channels=6)
        clock = [FRIDAY]
        worker, dialer = self.start_dialer(sim, clock)
        self.assertEqual(dialer.tick(), 6)
        self.settle(worker, dialer, lambda: all(campaign.attempt_ids.mapped("result")))
        for attempt in campaign.attempt_ids:
            _outcome, result, cause, state = outcomes[attempt.number]
            self.assertEqual(attempt.result, result, attempt.number)
            self.assertEqual(attempt.hangup_cause, cause, attempt.number)
            self.assertEqual(attempt.contact_id.state, state, attempt.number)
        invalid = campaign.attempt_ids.filtered(lambda a: a.result == "invalid_number")
        self.assertEqual(invalid.hangup_cause_code, "1")
        self.assertEqual(invalid.contact_id.invalid_numbers, "13800000003")
        self.assertEqual(campaign.busy_count, 1)
        self.assertEqual(campaign.no_answer_count, 1)
        self.assertEqual(campaign.invalid_count, 1)
        self.assertEqual(campaign.other_result_count, 3)

    def test_invalid_number_moves_to_the_next_number(self):
        sim = self.start_simulator()
        partner = self.partners[0]
        partner.phone = "010 6555 0000"
        sim.campaign.script = {"13800000001": "invalid", "01065550000": "answer"}
        campaign = self.make_campaign(count=1)
        contact = campaign.contact_ids
        self.assertEqual(contact.numbers, "13800000001,01065550000")
        clock = [FRIDAY]
        worker, dialer = self.start_dialer(sim, clock)
        dialer.tick()
        self.settle(worker, dialer, lambda: contact.state == "retry")
        clock[0] = FRIDAY + timedelta(minutes=30)
        dialer.tick()
        self.settle(worker, dialer, lambda: contact.state == "done")
        self.assertEqual(
            contact.attempt_ids.sorted("id").mapped("number"),
            ["13800000001", "01065550000"],
        )

    def test_restart_neither_loses_nor_doubles_an_attempt(self):
        sim = self.start_simulator()
        campaign = self.make_campaign(count=2, max_channels=2)
        first, second = campaign.contact_ids.sorted("id")
        clock = [FRIDAY]
        worker, dialer = self.start_dialer(sim, clock)
        # the first connector wrote (committed) its attempts and died before
        # sending the Originates
        specs = EnvDialerStore(self.env).run(
            "hotline_dialer_plan", self.pbx.id, now=FRIDAY
        )
        self.assertEqual(len(specs), 2)
        # the new connector: the contacts are being called, nothing is redialled
        dialer = self.new_dialer(worker, clock)
        self.assertEqual(dialer.tick(), 0)
        self.assertEqual(sim.campaign_originates, [])
        self.assertEqual(set(campaign.contact_ids.mapped("state")), {"in_progress"})
        # still inside the ring time: still open
        clock[0] = FRIDAY + timedelta(seconds=60)
        self.assertEqual(dialer.tick(), 0)
        # after the ring time and margin: resolved from the call log (no call
        # there: unknown), then retried after the failure interval
        clock[0] = FRIDAY + timedelta(seconds=81)
        self.assertEqual(dialer.tick(), 0)
        self.assertEqual(self.results(campaign), ["unknown", "unknown"])
        self.assertEqual(first.state, "retry")
        self.assertEqual(first.attempt_count, 1)
        clock[0] = FRIDAY + timedelta(minutes=31, seconds=21)
        self.assertEqual(dialer.tick(), 2)
        self.settle(worker, dialer, lambda: second.state == "done")
        self.assertEqual(len(campaign.attempt_ids), 4)
        self.assertEqual(len(sim.campaign_originates), 2)
        self.assertEqual(first.attempt_count, 2)

    def test_restart_between_originate_and_result(self):
        """The Originate went out, the connector restarted, the result comes
        to the new one: recorded once, by the attempt its ActionID names."""
        sim = self.start_simulator(speed=1, ring=0.3, talk=0.2)
        campaign = self.make_campaign(count=1)
        contact = campaign.contact_ids
        clock = [FRIDAY]
        worker, dialer = self.start_dialer(sim, clock)
        self.assertEqual(dialer.tick(), 1)
        dialer = self.new_dialer(worker, clock)  # forgets everything
        self.assertEqual(dialer.tick(), 0)
        self.settle(worker, dialer, lambda: contact.state == "done")
        self.settle(worker, dialer, lambda: campaign.attempt_ids.ended_at)
        self.assertEqual(len(campaign.attempt_ids), 1)
        self.assertEqual(campaign.attempt_ids.result, "answered")
        self.assertEqual(len(sim.campaign_originates), 1)

    def test_ami_link_dropping_mid_campaign(self):
        """Calls under way when the link drops: their events are lost, the
        contacts wait (no redial), then the attempts are resolved from the
        call log; nothing is dialled while the link is down."""
        sim = self.start_simulator(speed=1, ring=0.2, talk=0.2)
        campaign = self.make_campaign(count=3, max_channels=2)
        clock = [FRIDAY]
        worker, dialer = self.start_dialer(sim, clock)
        worker.client.backoff_initial = 2.0
        self.assertEqual(dialer.tick(), 2)
        with self.assertLogs(AMI_LOGGER, "WARNING"):
            sim.drop_connections()  # the PBX is cut off before the calls end
            for _i in range(100):
                if not worker.client.connected:
                    break
                time.sleep(0.01)
            self.assertFalse(worker.client.connected)
            self.assertEqual(dialer.tick(), 0)
            self.assertEqual(len(campaign.attempt_ids), 2)
            # back: the limits hold (two open attempts)
            self.assertTrue(worker.client.wait_connected(10))
        self.assertEqual(dialer.tick(), 0)
        # after the ring time: resolved as unknown (their calls were closed
        # at resynchronisation), retried after the failure interval only
        clock[0] = FRIDAY + timedelta(seconds=81)
        self.assertEqual(dialer.tick(), 1)
        first_two = campaign.attempt_ids.sorted("id")[:2]
        self.assertEqual(first_two.mapped("result"), ["unknown", "unknown"])
        self.assertEqual(set(first_two.contact_id.mapped("state")), {"retry"})
        self.assertEqual(len(sim.campaign_originates), 3)
        self.assertEqual(
            sorted(campaign.contact_ids.mapped("attempt_count")), [1, 1, 1]
        )

    def test_pbx_refusing_the_originate(self):
        sim = self.start_simulator()
        self.pbx.campaign_context = "no-such-context"
        campaign = self.make_campaign(count=2, max_channels=1)
        clock = [FRIDAY]
        _worker, dialer = self.start_dialer(sim, clock)
        with self.assertLogs("odoo.addons.hotline_callcenter.cli.dialer", "WARNING"):
            self.assertEqual(dialer.tick(), 0)
        attempt = campaign.attempt_ids
        self.assertEqual(attempt.result, "refused")
        self.assertEqual(attempt.hangup_cause, "Extension does not exist.")
        self.assertEqual(campaign.state, "paused")
        self.assertIn("Extension does not exist.", campaign.last_error)
        contact = attempt.contact_id
        # not an attempt at the callee: dialled again once the PBX is fixed
        self.assertEqual((contact.state, contact.attempt_count), ("retry", 0))
        self.assertEqual(dialer.tick(), 0)  # paused
        self.assertEqual(len(campaign.attempt_ids), 1)

    def test_campaign_edited_while_running(self):
        sim = self.start_simulator(speed=1, ring=5, talk=5)
        campaign = self.make_campaign(count=5, max_channels=1)
        clock = [FRIDAY]
        _worker, dialer = self.start_dialer(sim, clock)
        self.assertEqual(dialer.tick(), 1)
        self.assertEqual(dialer.tick(), 0)
        campaign.max_channels = 3
        self.assertEqual(dialer.tick(), 2)
        campaign.max_channels = 1
        self.assertEqual(dialer.tick(), 0)
        self.assertEqual(len(campaign.attempt_ids), 3)
        campaign.with_user(self.supervisor).action_pause()
        campaign.max_channels = 10
        self.assertEqual(dialer.tick(), 0)

    def test_contact_without_a_valid_number_shows_why(self):
        blocked = self.env["res.partner"].create(
            {"name": "Blocked", "mobile": "17012340000"}
        )
        self.env["hotline.blacklist"].create(
            {
                "number": "17012340000",
                "reason": "Abuse",
                "action": "refuse",
                "state": "active",
            }
        )
        nophone = self.env["res.partner"].create({"name": "No phone"})
        optout = self.env["res.partner"].create(
            {"name": "Opt out", "mobile": "13900000009", "hotline_do_not_call": True}
        )
        campaign = self.make_campaign(count=1)
        campaign.action_pause()
        campaign.write(
            {
                "contact_ids": [
                    (0, 0, {"partner_id": p.id}) for p in (blocked, nophone, optout)
                ]
            }
        )
        campaign.with_user(self.supervisor).action_start()
        reasons = {
            c.partner_id: c.exclusion_reason
            for c in campaign.contact_ids
            if c.state == "excluded"
        }
        self.assertEqual(
            reasons,
            {
                blocked: "17012340000 is on the blacklist",
                nophone: "The customer has no phone number.",
                optout: "The customer asked not to be called.",
            },
        )
        self.assertEqual(campaign.excluded_count, 3)
        specs = self.env["hotline.campaign"].hotline_dialer_plan(
            self.pbx.id, now=FRIDAY
        )
        self.assertEqual([s["number"] for s in specs], ["13800000001"])

    def test_progressive_dials_for_ready_agents_only(self):
        agent2 = self.env["res.users"].create(
            {
                "name": "Agent Three",
                "login": "agent_three_campaign",
                "groups_id": [(6, 0, [self.env.ref("hotline_base.group_agent").id])],
            }
        )
        self.env["hotline.queue.member"].create(
            [
                {"queue_id": self.queue.id, "user_id": self.agent.id},
                {"queue_id": self.queue.id, "user_id": agent2.id},
            ]
        )
        self.agent.hotline_agent_state = "available"
        agent2.hotline_agent_state = "paused"
        campaign = self.make_campaign(
            count=4, mode="progressive", queue_id=self.queue.id, max_channels=5
        )
        Campaign = self.env["hotline.campaign"]
        specs = Campaign.hotline_dialer_plan(self.pbx.id, now=FRIDAY)
        self.assertEqual(len(specs), 1)
        self.assertEqual(specs[0]["exten"], "agent")
        self.assertEqual(specs[0]["variables"]["HOTLINE_QUEUE"], "outbound-q")
        # the callee still rings: the ready agent is spoken for
        self.assertEqual(Campaign.hotline_dialer_plan(self.pbx.id, now=FRIDAY), [])
        agent2.hotline_agent_state = "available"
        self.assertEqual(len(Campaign.hotline_dialer_plan(self.pbx.id, now=FRIDAY)), 1)
        self.assertEqual(len(campaign.attempt_ids), 2)


@tagged("post_install", "-at_install")
class TestCampaignLiveCounters(CampaignCommon):
    """The supervisors' campaign forms reload their counters on a bus
    notification sent when the dialer writes an attempt."""

    COUNTERS = "hotline/campaign_counters"

    def _counters(self, company=None):
        company = company or self.env.company
        return self._bus_payloads(
            ["res.company", company.id, "hotline_campaign"], self.COUNTERS
        )

    def _mark(self):
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
        self._bus_marker = self.env.cr.fetchone()[0]

    def test_attempt_start_and_results_notify_once_per_campaign(self):
        campaign = self.make_campaign(count=3, max_channels=3)
        other = self.make_campaign(count=1, name="Other")
        Campaign = self.env["hotline.campaign"]
        self._mark()
        specs = Campaign.hotline_dialer_plan(self.pbx.id, now=FRIDAY)
        self.assertEqual(len(specs), 4)
        # one transaction, four attempts of two campaigns: one each
        self.assertEqual(
            sorted(p["campaign_id"] for p in self._counters()),
            sorted([campaign.id, other.id]),
        )
        self._mark()
        attempts = campaign.attempt_ids
        Campaign.hotline_dialer_results(
            [
                {"attempt_id": attempts[0].id, "kind": "result", "result": "busy"},
                {"attempt_id": attempts[1].id, "kind": "result", "result": "answered"},
            ],
            now=FRIDAY,
        )
        self.assertEqual(
            self._counters(), [{"campaign_id": campaign.id, "state": "running"}]
        )
        self.assertEqual(campaign.busy_count, 1)
        self.assertEqual(campaign.in_progress_count, 2)
        # the answered call hangs up: "in progress" changes again
        self._mark()
        Campaign.hotline_dialer_results(
            [{"attempt_id": attempts[1].id, "kind": "ended", "cause": "16"}],
            now=FRIDAY,
        )
        self.assertEqual([p["campaign_id"] for p in self._counters()], [campaign.id])
        # a result reported twice changes nothing and says nothing
        self._mark()
        Campaign.hotline_dialer_results(
            [{"attempt_id": attempts[0].id, "kind": "result", "result": "busy"}],
            now=FRIDAY,
        )
        self.assertEqual(self._counters(), [])

    def test_only_supervisors_listen(self):
        campaign = self.make_campaign(count=1)
        self._mark()
        (spec,) = self.env["hotline.campaign"].hotline_dialer_plan(
            self.pbx.id, now=FRIDAY
        )
        self.env["hotline.campaign"].hotline_dialer_results(
            [{"attempt_id": spec["attempt_id"], "kind": "result", "result": "busy"}],
            now=FRIDAY,
        )
        self.assertEqual([p["campaign_id"] for p in self._counters()], [campaign.id])
        Websocket = self.env["ir.websocket"]
        self.assertEqual(
            Websocket.with_user(self.supervisor)._hotline_campaign_channels(),
            [(self.env.company, "hotline_campaign")],
        )
        for role in ("agent", "handler", "finance", "leader"):
            user = self.role_users[role]
            self.assertEqual(
                Websocket.with_user(user)._hotline_campaign_channels(), [], role
            )
            # nor on their own channel
            self.assertFalse(self._bus_messages(user, self.COUNTERS), role)


@tagged("post_install", "-at_install")
class TestCampaignRoles(CampaignCommon):
    def test_configuration_is_checked(self):
        with self.assertRaisesRegex(ValidationError, "needs the IVR flow"):
            self.make_campaign(flow_id=False)
        with self.assertRaisesRegex(ValidationError, "needs a queue"):
            self.make_campaign(mode="progressive")

    def test_who_runs_campaigns(self):
        campaign = self.make_campaign(count=1)
        Campaign = self.env["hotline.campaign"]
        # supervisors create, start and pause
        own = Campaign.with_user(self.supervisor).create(
            {
                "name": "Supervisor's",
                "pbx_id": self.pbx.id,
                "flow_id": self.flow.id,
                "calendar_id": self.calendar.id,
                "contact_ids": [(0, 0, {"partner_id": self.partners[1].id})],
            }
        )
        own.action_start()
        own.action_pause()
        self.assertEqual(own.state, "paused")
        # agents neither create nor start
        with self.assertRaises(AccessError):
            Campaign.with_user(self.agent).create({"name": "No"})
        with self.assertRaisesRegex(UserError, "Only supervisors run campaigns"):
            campaign.with_user(self.agent).action_pause()
        # admins configure (delete too); supervisors do not delete
        with self.assertRaises(AccessError):
            own.with_user(self.supervisor).unlink()
        own.with_user(self.role_users["hotline_admin"]).unlink()
        # the dialer's methods are the connector's, not RPC for users
        for user in (self.agent, self.supervisor):
            with self.assertRaisesRegex(AccessError, "Only the PBX connector"):
                Campaign.with_user(user).hotline_dialer_plan(self.pbx.id)
            with self.assertRaisesRegex(AccessError, "Only the PBX connector"):
                self.env["hotline.campaign.contact"].with_user(
                    user
                ).hotline_flow_variables(campaign.attempt_ids[:1].id or 0)
        # other roles see nothing (finance reads the dunning campaigns once
        # hotline_billing_ivr is installed: its test_dunning covers finance)
        for role in ("handler", "leader"):
            with self.assertRaises(AccessError, msg=role):
                campaign.with_user(self.role_users[role]).read(["name"])
        with self.assertRaises(AccessError):
            self.env["hotline.campaign.attempt"].with_user(self.supervisor).create(
                {
                    "contact_id": campaign.contact_ids.id,
                    "number": "1",
                    "started_at": FRIDAY.replace(tzinfo=None),
                }
            )

    def test_agents_see_only_their_preview_tasks(self):
        agent2 = self.env["res.users"].create(
            {
                "name": "Agent Two",
                "login": "agent_two_campaign",
                "groups_id": [(6, 0, [self.env.ref("hotline_base.group_agent").id])],
                "hotline_extension": "8002",
            }
        )
        self.env["hotline.queue.member"].create(
            [
                {"queue_id": self.queue.id, "user_id": self.agent.id},
                {"queue_id": self.queue.id, "user_id": agent2.id},
            ]
        )
        campaign = self.make_campaign(
            count=4, mode="preview", queue_id=self.queue.id, flow_id=False
        )
        Contact = self.env["hotline.campaign.contact"]
        mine = Contact.with_user(self.agent).search([])
        self.assertEqual(len(mine), 2)
        self.assertEqual(mine.user_id, self.agent)
        self.assertEqual(len(Contact.with_user(agent2).search([])), 2)
        self.assertEqual(len(Contact.with_user(self.supervisor).search([])), 4)
        theirs = campaign.contact_ids - mine
        with self.assertRaises(AccessError):
            theirs.with_user(self.agent).read(["partner_id"])
        with self.assertRaises(AccessError):
            mine[0].with_user(self.agent).write({"numbers": "110"})
        # the systray's list: the agent's own tasks only
        tasks = Contact.with_user(self.agent).hotline_my_tasks()
        self.assertEqual(tasks["count"], 2)
        self.assertEqual({t["id"] for t in tasks["tasks"]}, set(mine.ids))
        self.assertEqual(tasks["tasks"][0]["number"], mine[0].numbers)
        # the preview dialer never originates by itself
        self.assertEqual(
            self.env["hotline.campaign"].hotline_dialer_plan(self.pbx.id, now=FRIDAY),
            [],
        )
        # the agent dials their task with click-to-dial: one attempt recorded
        Pbx = type(self.env["hotline.pbx"])
        with patch.object(Pbx, "hotline_click_to_dial", return_value=True) as dial:
            mine[0].with_user(self.agent).action_preview_dial()
        dial.assert_called_once()
        self.assertEqual(dial.call_args.args[0], mine[0].numbers.split(",")[0])
        attempt = mine[0].attempt_ids
        self.assertEqual((attempt.user_id, attempt.state), (self.agent, "dialing"))
        seen = attempt.with_user(self.agent).read(["number"])
        self.assertEqual(seen[0]["number"], attempt.number)
        with self.assertRaisesRegex(UserError, "another agent's task"):
            theirs[0].with_user(self.supervisor).action_preview_dial()
        # the click-to-dial result is the attempt's
        tag = self.env["hotline.pbx"]._hotline_action_tag()
        self.env["hotline.pbx"]._hotline_click_to_dial_results(
            self.pbx,
            [
                {
                    "action_id": f"hotline-c2d-{self.agent.id}-{tag}abc",
                    "user_id": self.agent.id,
                    "number": attempt.number,
                    "leg": "customer",
                    "outcome": "busy",
                    "cause": ["17", "User busy"],
                }
            ],
        )
        self.assertEqual(attempt.result, "busy")
        self.assertEqual(mine[0].state, "retry")


@tagged("post_install", "-at_install")
class TestCampaignFlow(IvrCommon):
    """The automated flow of an answered callee, over FastAGI as the
    ``hotline-campaign`` context runs it: the contact's variables are the
    flow's, and what the callee did lands on the attempt."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Node = cls.env["hotline.ivr.node"]
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Reminder flow",
                "fallback_type": "queue",
                "fallback_queue_id": cls.q_repair.id,
            }
        )

        def node(name, node_type, **vals):
            return Node.create(
                dict(flow_id=flow.id, name=name, node_type=node_type, **vals)
            )

        notice = node("Notice", "play", sequence=1, prompt_id=cls.prompts["welcome"].id)
        menu = node(
            "Again?",
            "menu",
            sequence=2,
            prompt_id=cls.prompts["menu"].id,
            invalid_prompt_id=cls.prompts["invalid"].id,
            retries_no_input=0,
            retries_invalid=0,
        )
        bye = node("Bye", "hangup", sequence=3, prompt_id=cls.prompts["bye"].id)
        notice.next_node_id = menu
        menu.write(
            {
                "option_ids": [(0, 0, {"digit": "1", "target_node_id": bye.id})],
                "on_fail_node_id": bye.id,
            }
        )
        flow.action_publish()
        cls.flow = flow
        cls.calendar = cls.env["resource.calendar"].create({"name": "Hours"})
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Flow PBX", "host": "127.0.0.1", "ami_secret": "x"}
        )
        partner = cls.env["res.partner"].create(
            {"name": "Callee", "mobile": "13800000001"}
        )
        cls.campaign = cls.env["hotline.campaign"].create(
            {
                "name": "Flow",
                "pbx_id": cls.pbx.id,
                "flow_id": flow.id,
                "calendar_id": cls.calendar.id,
                "contact_ids": [
                    (0, 0, {"partner_id": partner.id, "variables": {"amount": 125}})
                ],
            }
        )

    def setUp(self):
        super().setUp()
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        self.server = FastAgiServer(
            "127.0.0.1", 0, make_agi_handler(self.registry, self.pbx.id)
        )
        self.server.start()
        self.addCleanup(self.server.stop)

    def answered_call(self, **options):
        contact = self.campaign.contact_ids
        contact._hotline_prepare_numbers()
        spec = contact._hotline_start_attempt(FRIDAY)
        self.assertEqual(
            self.env["hotline.campaign.contact"].hotline_flow_variables(
                spec["attempt_id"]
            ),
            {"amount": "125"},
        )
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"campaign?flow={self.flow.id}&attempt={spec['attempt_id']}",
            caller="13800000001",
            did="ivr",
            context="hotline-campaign",
            **options,
        )
        self.env.flush_all()
        sim.run()
        self.env.invalidate_all()
        return self.env["hotline.campaign.attempt"].browse(spec["attempt_id"]), sim

    def test_pressed_a_key(self):
        attempt, _sim = self.answered_call(dtmf="1")
        self.assertEqual(attempt.flow_result, "pressed_key")
        self.assertEqual(attempt.flow_digits, "1")

    def test_heard_all(self):
        attempt, _sim = self.answered_call()
        self.assertEqual(attempt.flow_result, "heard_all")
        self.assertFalse(attempt.flow_digits)

    def test_hung_up_early(self):
        attempt, _sim = self.answered_call(hangup_after=1)
        self.assertEqual(attempt.flow_result, "hung_up_early")


@tagged("post_install", "-at_install")
class TestCallTasksTour(HttpCase):
    def test_call_tasks_systray(self):
        agent = new_test_user(
            self.env,
            login="hl_tasks_agent",
            groups="base.group_user,hotline_base.group_agent",
        )
        pbx = self.env["hotline.pbx"].create(
            {"name": "Tasks PBX", "host": "127.0.0.1", "ami_secret": "x"}
        )
        queue = self.env["hotline.queue"].create(
            {"name": "Tasks", "code": "tour_tasks", "pbx_id": pbx.id}
        )
        self.env["hotline.queue.member"].create(
            {"queue_id": queue.id, "user_id": agent.id}
        )
        partner = self.env["res.partner"].create(
            {"name": "Tour callee", "mobile": "13800000077"}
        )
        self.env.company.country_id = self.env.ref("base.cn")
        campaign = self.env["hotline.campaign"].create(
            {
                "name": "Tour calls",
                "pbx_id": pbx.id,
                "mode": "preview",
                "queue_id": queue.id,
                "calendar_id": self.env.company.resource_calendar_id.id,
                "contact_ids": [(0, 0, {"partner_id": partner.id})],
            }
        )
        campaign.action_start()
        self.assertEqual(campaign.contact_ids.user_id, agent)
        self.start_tour("/odoo", "hotline_call_tasks_tour", login="hl_tasks_agent")


@tagged("post_install", "-at_install")
class TestCampaignLiveTour(WebsocketCase):
    """A supervisor's campaign form shows the dialer's result without being
    reloaded: the ``hotline/campaign_counters`` notification reloads it.

    The test cursor drops the bus's NOTIFY: ``bus_pump`` wakes the websockets.
    """

    def test_campaign_live_counters_tour(self):
        self.env.company.country_id = self.env.ref("base.cn")
        pbx = self.env["hotline.pbx"].create(
            {"name": "Tour PBX", "host": "127.0.0.1", "ami_secret": "x"}
        )
        queue = self.env["hotline.queue"].create(
            {"name": "Outbound", "code": "tour_live_q", "pbx_id": pbx.id}
        )
        flow = self.env["hotline.ivr.flow"].create(
            {
                "name": "Reminder",
                "fallback_type": "queue",
                "fallback_queue_id": queue.id,
            }
        )
        partner = self.env["res.partner"].create(
            {"name": "Callee", "mobile": "13800000001"}
        )
        campaign = self.env["hotline.campaign"].create(
            {
                "name": "Live reminders",
                "pbx_id": pbx.id,
                "flow_id": flow.id,
                "calendar_id": self.env["resource.calendar"]
                .create({"name": "Hours"})
                .id,
                "contact_ids": [(0, 0, {"partner_id": partner.id})],
            }
        )
        campaign.action_start()
        spec = campaign.contact_ids._hotline_start_attempt(FRIDAY)
        new_test_user(
            self.env,
            login="hl_live_supervisor",
            groups="base.group_user,hotline_base.group_supervisor",
        )

        Campaign = type(self.env["hotline.campaign"])
        original = Campaign.web_read
        loaded = threading.Event()
        reads = []

        def spy(records, *args, **kwargs):
            res = original(records, *args, **kwargs)
            reads.append(res)
            loaded.set()
            return res

        errors = []
        stop = threading.Event()

        def connector():
            # the result comes once the form is shown: only the bus can
            # bring it there
            try:
                if loaded.wait(120):
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        env["hotline.campaign"].hotline_dialer_results(
                            [
                                {
                                    "attempt_id": spec["attempt_id"],
                                    "kind": "result",
                                    "result": "busy",
                                }
                            ],
                            now=FRIDAY,
                        )
            except Exception as exc:  # noqa: BLE001 - the test thread reports it
                errors.append(exc)

        threads = [
            threading.Thread(target=connector),
            threading.Thread(target=bus_pump, args=(stop,)),
        ]
        with patch.object(Campaign, "web_read", spy):
            for thread in threads:
                thread.start()
            try:
                self.start_tour(
                    f"/odoo/action-hotline_callcenter.hotline_campaign_action/{campaign.id}",
                    "hotline_campaign_live_tour",
                    login="hl_live_supervisor",
                )
            finally:
                stop.set()
                loaded.set()
                for thread in threads:
                    thread.join(10)
        self.assertEqual(errors, [])
        # the page loaded the counters before the result: the bus brought it
        self.assertEqual(reads[0][0]["busy_count"], 0)
        self.assertEqual(reads[0][0]["in_progress_count"], 1)
        self.env.invalidate_all()
        self.assertEqual(campaign.busy_count, 1)
