# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CallCenterCommon


@tagged("post_install", "-at_install")
class TestRatingPerTeam(CallCenterCommon):
    """Satisfaction rates per agent and per team (the agent's skill group)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent2 = new_test_user(
            cls.env, login="hl_rt_agent2", groups="hotline_base.group_agent"
        )
        cls.agent3 = new_test_user(
            cls.env, login="hl_rt_agent3", groups="hotline_base.group_agent"
        )
        Group = cls.env["hotline.skill.group"]
        cls.team_gas = Group.create(
            {"name": "RT Gas team", "user_ids": [cls.agent.id, cls.agent2.id]}
        )
        cls.team_bill = Group.create({"name": "RT Billing team"})
        cls.team_bill.user_ids = cls.agent3 | cls.agent
        cls.queue = cls.env["hotline.queue"].create(
            {
                "name": "RT gas",
                "code": "rt_gas",
                "skill_group_ids": [cls.team_gas.id],
            }
        )
        cls.queue.action_sync_members()
        cls.queue_bill = cls.env["hotline.queue"].create(
            {
                "name": "RT billing",
                "code": "rt_billing",
                "skill_group_ids": [cls.team_bill.id],
            }
        )
        cls.queue_bill.action_sync_members()
        cls.n = 0

    def _rated_call(self, user, digit, queue=None):
        self.__class__.n += 1
        start = datetime(2026, 11, 20, 9) + timedelta(minutes=self.n)
        call = self._new_call(
            linkedid=f"rt-{self.n}",
            queue_id=(queue or self.queue).id,
            user_id=user.id,
            disposition="answered",
            started_at=start,
            queued_at=start,
            answered_at=start + timedelta(seconds=5),
            ended_at=start + timedelta(seconds=90),
            wait_seconds=5,
        )
        if digit:
            call._hotline_store_rating(digit)
        return call

    def _rates(self, groupby):
        self.env.flush_all()
        rows = self.env["hotline.call.report"]._read_group(
            [("queue_id", "in", (self.queue | self.queue_bill).ids)],
            [groupby],
            ["rated_count:sum", "satisfaction_rate:avg", "call_count:sum"],
        )
        return {group: (rated, rate, count) for group, rated, rate, count in rows}

    def test_rates_per_agent_and_team(self):
        # agent: 1 satisfied + 1 neutral (+ 1 not rated) in the gas team
        self._rated_call(self.agent, "1")
        self._rated_call(self.agent, "2")
        self._rated_call(self.agent, None)
        # agent2: 2 satisfied + 1 dissatisfied in the gas team
        self._rated_call(self.agent2, "1")
        self._rated_call(self.agent2, "1")
        self._rated_call(self.agent2, "3")
        # agent3: 1 dissatisfied in the billing team
        self._rated_call(self.agent3, "3", self.queue_bill)
        # agent serving the billing queue counts for the billing team there
        self._rated_call(self.agent, "1", self.queue_bill)

        per_agent = self._rates("user_id")
        # agent: 2 satisfied of 3 rated, 4 calls (one not rated)
        self.assertEqual(per_agent[self.agent][0], 3)
        self.assertAlmostEqual(per_agent[self.agent][1], 200.0 / 3, places=6)
        self.assertEqual(per_agent[self.agent][2], 4)
        self.assertEqual(per_agent[self.agent2][0], 3)
        self.assertAlmostEqual(per_agent[self.agent2][1], 200.0 / 3, places=6)
        self.assertEqual(per_agent[self.agent3][:2], (1, 0.0))

        per_team = self._rates("team_id")
        # gas: agent 1 of 2 rated + agent2 2 of 3 = 3 satisfied of 5 rated
        self.assertEqual(per_team[self.team_gas][0], 5)
        self.assertAlmostEqual(per_team[self.team_gas][1], 60.0, places=6)
        # billing: agent3 dissatisfied, agent satisfied = 1 of 2
        self.assertEqual(per_team[self.team_bill][0], 2)
        self.assertAlmostEqual(per_team[self.team_bill][1], 50.0, places=6)

    def test_team_is_the_membership_of_the_queue_and_stays(self):
        gas = self._rated_call(self.agent, "1")
        bill = self._rated_call(self.agent, "1", self.queue_bill)
        self.assertEqual(gas.team_id, self.team_gas)
        self.assertEqual(bill.team_id, self.team_bill)
        # a queue the agent is no member of: the agent's first team by name
        other = self.env["hotline.queue"].create({"name": "RT other", "code": "rt_o"})
        self.assertEqual(
            self._rated_call(self.agent, "2", other).team_id, self.team_bill
        )
        # the agent moves to another team: past ratings keep their team
        self.team_gas.user_ids = self.agent2
        self.env.flush_all()
        gas.invalidate_recordset()
        self.assertEqual(gas.team_id, self.team_gas)
        # no agent: no team
        unanswered = self._new_call(linkedid="rt-none", queue_id=self.queue.id)
        self.assertFalse(unanswered.team_id)

    def test_calls_from_the_connector_carry_the_team(self):
        """Calls as the connector records them (agent by extension, queue by
        name), rated by the caller's key: the team follows."""
        self.agent2.hotline_extension = "8012"
        base = datetime(2026, 11, 21, 10)
        calls = [
            {
                "linkedid": f"rt-ingest-{n}",
                "uniqueid": f"rt-ingest-{n}",
                "direction": "inbound",
                "caller_number": f"1390000000{n}",
                "called_number": "4008123456",
                "queue": "rt_gas",
                "agents": [ext],
                "started_at": base,
                "queued_at": base,
                "answered_at": base + timedelta(seconds=4),
                "ended_at": base + timedelta(seconds=64),
                "wait_seconds": 4,
                "talk_seconds": 60,
                "disposition": "answered",
            }
            for n, ext in enumerate(["8001", "8001", "8012"])
        ]
        result = self.env["hotline.call"].hotline_ingest(self.pbx.id, calls)
        records = result["calls"].sorted("linkedid")
        self.assertEqual(records.user_id, self.agent | self.agent2)
        self.assertEqual(records.team_id, self.team_gas)
        for call, digit in zip(records, ["1", "3", "1"], strict=True):
            call._hotline_store_rating(digit)
        self.env.flush_all()
        rows = self.env["hotline.call.report"]._read_group(
            [("call_id", "in", records.ids)],
            ["team_id"],
            ["rated_count:sum", "satisfaction_rate:avg"],
        )
        self.assertEqual(len(rows), 1)
        team, rated, rate = rows[0]
        self.assertEqual((team, rated), (self.team_gas, 3))
        self.assertAlmostEqual(rate, 200.0 / 3, places=6)

    def test_only_supervisors_read_the_rates(self):
        self._rated_call(self.agent, "1")
        self.env.flush_all()
        Report = self.env["hotline.call.report"]
        with self.assertRaises(AccessError):
            Report.with_user(self.agent).read_group([], ["rated_count"], ["team_id"])
        rows = Report.with_user(self.supervisor).read_group(
            [("team_id", "=", self.team_gas.id)],
            ["satisfaction_rate:avg"],
            ["team_id"],
        )
        self.assertEqual(rows[0]["satisfaction_rate"], 100.0)
