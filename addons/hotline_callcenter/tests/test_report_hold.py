# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import date, datetime, timedelta

from odoo.tests import tagged

from .test_call_ingest import CallLogCommon, call_dict

# local (Asia/Shanghai) 10:00 on 2 March 2026
T0 = datetime(2026, 3, 2, 2, 0, 0)


@tagged("post_install", "-at_install")
class TestAgentHold(CallLogCommon):
    """Issue 19: hold time per agent leg, from AMI to the agent call detail
    and the agent work report (talk + hold + wrap-up in the occupancy)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent.tz = "Asia/Shanghai"
        cls.agent2 = cls.env["res.users"].create(
            {
                "name": "Agent Two",
                "login": "hl_hold_two",
                "tz": "Asia/Shanghai",
                "hotline_extension": "8002",
                "groups_id": [(4, cls.env.ref("hotline_base.group_agent").id)],
            }
        )

    def legs(self, call):
        return call.agent_line_ids.sorted("sequence")

    def test_attended_transfer_capture_holds_the_transferer(self):
        """The atxfer's Hold on the transferer's channel lasts until it hangs
        up (capture attended_transfer): the first leg's hold, not the
        second's."""
        calls, live = self.correlate("attended_transfer")
        self.connector_write(calls, live)
        call = self.Call.search([("linkedid", "=", calls[0]["linkedid"])])
        first, second = self.legs(call)
        self.assertEqual((first.user_id, second.user_id), (self.agent, self.agent2))
        seconds, count = calls[0]["agent_holds"]["8101"]
        self.assertGreater(seconds, 0)
        self.assertEqual((first.hold_seconds, first.hold_count), (seconds, count))
        self.assertEqual((second.hold_seconds, second.hold_count), (0, 0))
        self.assertEqual(first.next_user_id, self.agent2)
        self.assertEqual(second.previous_user_id, self.agent)
        self.assertEqual(first.call_hold_seconds, seconds)

    def test_hold_updated_by_a_later_dict_and_replay_unchanged(self):
        self.ingest(call_dict("hold-1"))
        call = self.Call.search([("linkedid", "=", "hold-1")])
        self.assertEqual(call.agent_line_ids.hold_seconds, 0)
        held = call_dict("hold-1", agent_holds={"8101": [45, 2]})
        self.assertEqual(self.ingest(held)["updated"], 1)
        self.assertEqual(
            (call.agent_line_ids.hold_seconds, call.agent_line_ids.hold_count), (45, 2)
        )
        self.assertEqual(call.agent_line_ids.call_hold_seconds, 45)
        self.assertEqual(self.ingest(held)["unchanged"], 1)
        # a hold of an extension that is not a leg of the call is ignored
        other = call_dict("hold-1", agent_holds={"8101": [45, 2], "8999": [5, 1]})
        self.assertEqual(self.ingest(other)["unchanged"], 1)

    def test_bad_hold_times_rejected(self):
        with self.assertLogs(
            "odoo.addons.hotline_callcenter.models.hotline_call", "WARNING"
        ):
            result = self.ingest(
                call_dict("hold-2", agent_holds={"8101": ["long", 1]}),
                call_dict("hold-3", agent_holds=[45]),
                call_dict("hold-4", agent_holds={"8101": [-5, 1]}),
            )
        self.assertEqual(
            [reason for _lid, reason in result["rejected"]], ["bad hold times"] * 3
        )
        self.assertFalse(
            self.Call.search([("linkedid", "in", ["hold-2", "hold-3", "hold-4"])])
        )

    def _transferred_call(self):
        """Answered at T0 + 10 s, 600 s after the answer: agent one held the
        caller twice (30 s), transferred to agent two who held 20 s and kept
        the call; 40 s of wrap-up."""
        answered = T0 + timedelta(seconds=10)
        return self.Call.create(
            {
                "linkedid": "hold-x",
                "pbx_id": self.pbx.id,
                "direction": "inbound",
                "disposition": "answered",
                "started_at": T0,
                "queued_at": T0 + timedelta(seconds=2),
                "answered_at": answered,
                "ended_at": answered + timedelta(seconds=600),
                "wait_seconds": 8,
                "talk_seconds": 600,
                "user_id": self.agent2.id,
                "wrapup_started_at": answered + timedelta(seconds=600),
                "wrapup_ended_at": answered + timedelta(seconds=640),
                "agent_line_ids": [
                    (0, 0, {"sequence": 1, "extension": "8101",
                            "user_id": self.agent.id, "hold_seconds": 30,
                            "hold_count": 2}),
                    (0, 0, {"sequence": 2, "extension": "8002",
                            "user_id": self.agent2.id, "hold_seconds": 20,
                            "hold_count": 1}),
                ],
            }
        )  # fmt: skip

    def test_agent_call_detail_and_work_with_hold(self):
        call = self._transferred_call()
        Session = self.env["hotline.agent.session"]
        # agent two: logged in 10:00-11:00 local, paused 10 minutes
        Session.create(
            [
                {
                    "user_id": self.agent2.id,
                    "kind": "login",
                    "started_at": T0,
                    "ended_at": T0 + timedelta(hours=1),
                },
                {
                    "user_id": self.agent2.id,
                    "kind": "pause",
                    "reason": "Break",
                    "started_at": T0 + timedelta(minutes=30),
                    "ended_at": T0 + timedelta(minutes=40),
                },
            ]
        )
        self.env.flush_all()
        first, second = self.env["hotline.agent.call.report"].search(
            [("call_id", "=", call.id)], order="leg_sequence"
        )
        self.assertEqual((first.hold_seconds, first.hold_count), (30, 2))
        self.assertEqual((second.hold_seconds, second.hold_count), (20, 1))
        # the call's 600 s after the answer: 550 s talk on the last leg plus
        # both legs' hold
        self.assertEqual((first.talk_seconds, second.talk_seconds), (0, 550))
        self.assertEqual((first.transfer_to_id, second.transfer_from_id),
                         (self.agent2, self.agent))  # fmt: skip
        self.assertEqual((first.wrapup_seconds, second.wrapup_seconds), (0, 40))
        Work = self.env["hotline.agent.work.report"]
        day = [("day", "=", date(2026, 3, 2))]
        (two,) = Work.search([("user_id", "=", self.agent2.id)] + day)
        self.assertEqual((two.talk_seconds, two.hold_seconds), (550, 20))
        self.assertEqual((two.logged_in_seconds, two.pause_seconds), (3600, 600))
        self.assertEqual(two.available_seconds, 3600 - 600 - 550 - 20 - 40)
        self.assertAlmostEqual(two.occupancy, 100.0 * (550 + 20 + 40) / 3000)
        self.assertAlmostEqual(two.handle_time, 610.0)
        (one,) = Work.search([("user_id", "=", self.agent.id)] + day)
        self.assertEqual((one.talk_seconds, one.hold_seconds, one.handled_count),
                         (0, 30, 1))  # fmt: skip
        # the whole view (not searched by day) says the same
        (whole,) = Work.search([("user_id", "=", self.agent2.id)]).filtered(
            lambda row: row.day == date(2026, 3, 2)
        )
        self.assertEqual(whole.hold_seconds, 20)
        self.assertAlmostEqual(whole.occupancy, two.occupancy)
        # grouped (the pivot) without JIT, the sums stay exact
        ((hold, talk),) = Work._read_group(
            [("user_id", "in", (self.agent | self.agent2).ids)] + day,
            [],
            ["hold_seconds:sum", "talk_seconds:sum"],
        )
        self.assertEqual((hold, talk), (50, 550))
        self.env.cr.execute("SELECT current_setting('jit')")
        self.assertEqual(self.env.cr.fetchone()[0], "on")

    def test_legs_relinked_when_added_moved_or_removed(self):
        call = self._transferred_call()
        first, second = self.legs(call)
        self.assertEqual(
            (first.is_first_leg, first.is_last_leg, second.is_last_leg),
            (True, False, True),
        )
        third = self.env["hotline.call.agent"].create(
            {"call_id": call.id, "sequence": 3, "extension": "9000",
             "user_id": self.supervisor.id, "hold_seconds": 5}
        )  # fmt: skip
        self.assertFalse(second.is_last_leg)
        self.assertEqual(second.next_user_id, self.supervisor)
        self.assertEqual(third.previous_user_id, self.agent2)
        self.assertEqual(first.call_hold_seconds, 55)
        first.sequence = 4
        self.assertEqual(
            (second.is_first_leg, first.is_last_leg, first.previous_user_id),
            (True, True, self.supervisor),
        )
        (first | third).unlink()
        self.assertTrue(second.is_first_leg and second.is_last_leg)
        self.assertFalse(second.previous_user_id or second.next_user_id)
        self.assertEqual(second.call_hold_seconds, 20)
