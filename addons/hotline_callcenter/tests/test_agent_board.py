# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from unittest.mock import patch

from odoo import fields
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..cli import connector
from ..cli.connector import PbxWorker
from ..cli.hotline_connector import Connector
from .common import CallCenterCommon


@tagged("post_install", "-at_install")
class TestAgentBoard(CallCenterCommon):
    """Issue 12 item 9: the supervisor's board showed "logged out" beside a
    call the agent was talking on, and listed only some simulated agents."""

    def board(self, user):
        user.invalidate_recordset(["hotline_board_state", "hotline_live_call_id"])
        row = user.with_user(self.supervisor)
        return row.hotline_board_state, row.hotline_live_call_id

    def test_state_follows_the_live_call(self):
        self.assertEqual(self.agent.hotline_agent_state, "logged_out")
        self.assertEqual(
            self.board(self.agent), ("logged_out", self.env["hotline.call"])
        )
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        self.assertEqual(self.board(self.agent), ("ringing", call))
        now = fields.Datetime.now()
        call.write(
            {"answered_at": now, "user_id": self.agent.id, "disposition": "answered"}
        )
        # not logged into a queue (the simulator's agents never are): on a call
        self.assertEqual(self.board(self.agent), ("on_call", call))
        call.ended_at = now
        # the answered call ended: after-call work (the company's wrap-up time)
        self.assertEqual(self.board(self.agent), ("wrapup", self.env["hotline.call"]))
        self.agent.hotline_agent_state = "paused"
        self.assertEqual(self.board(self.agent)[0], "paused")

    def test_another_agent_answered_the_ring(self):
        call = self._new_call()
        self.env["hotline.screen.pop"].hotline_ringing(call, "8001")
        call.write(
            {"answered_at": fields.Datetime.now(), "user_id": self.supervisor.id}
        )
        self.assertEqual(
            self.board(self.agent), ("logged_out", self.env["hotline.call"])
        )
        self.assertEqual(self.board(self.supervisor), ("on_call", call))

    def test_board_lists_every_agent_of_the_simulated_traffic(self):
        """The simulator's traffic rings the extensions of Odoo's agents, all
        of which the board (users with an extension) lists."""
        agent2 = new_test_user(
            self.env, login="hl_agent2", groups="hotline_base.group_agent"
        )
        agent2.hotline_extension = "8003"
        extensions = Connector._simulator_agents(self.env)
        self.assertEqual(extensions, ["8001", "8003"], "no supervisor")
        action = self.env.ref("hotline_callcenter.res_users_action_hotline_agents")
        listed = self.env["res.users"].search(safe_eval(action.domain))
        self.assertEqual(
            set(listed.mapped("hotline_extension")) & set(extensions), set(extensions)
        )


SUMMARY = "PBX %s: %d calls in the last %d min"


@tagged("post_install", "-at_install")
class TestSimulatedCallLog(CallCenterCommon):
    def test_demo_traffic_logs_a_summary_not_a_line_per_call(self):
        worker = PbxWorker(
            1,
            "Simulator",
            "127.0.0.1",
            1,
            "odoo",
            "x",
            sink=None,
            call_log_level=logging.DEBUG,
            call_summary_interval=0,
        )
        call = {"linkedid": "1.1", "direction": "inbound", "disposition": "answered"}
        with patch.object(connector, "_logger") as logger:
            worker._log_call(call)
        # the call's own line at DEBUG, one INFO summary
        ((level, line, *_args),) = [c.args for c in logger.log.call_args_list]
        self.assertEqual(level, logging.DEBUG)
        self.assertIn("PBX %s: call", line)
        ((summary, name, count, _minutes),) = [
            c.args for c in logger.info.call_args_list
        ]
        self.assertEqual((summary, name, count), (SUMMARY, "Simulator", 1))
        # a real PBX: one INFO line per call, no summary
        real = PbxWorker(1, "Asterisk", "127.0.0.1", 1, "odoo", "x", sink=None)
        with patch.object(connector, "_logger") as logger:
            real._log_call(call)
        self.assertEqual(logger.log.call_args.args[0], logging.INFO)
        self.assertFalse(logger.info.called)
