# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged

from ..models import hotline_queue as queue_model
from ..pbx import queues_conf
from .common import SimulatorCommon

CONF = queues_conf.CONF_FILENAME


@tagged("post_install", "-at_install")
class TestQueuePush(SimulatorCommon):
    """hotline_push_config end to end: GetConfig / CreateConfig / UpdateConfig /
    Reload against the simulator's in-memory /etc/asterisk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Queue = cls.env["hotline.queue"]
        cls.q_gas = Queue.create(
            {
                "name": "Gas repairs",
                "code": "qp_gas",
                "pbx_id": cls.pbx.id,
                "strategy": "rrmemory",
                "ring_timeout": 20,
            }
        )
        cls.q_bill = Queue.create(
            {
                "name": "Billing",
                "code": "qp_bill",
                "pbx_id": cls.pbx.id,
                "strategy": "fewestcalls",
            }
        )
        other_pbx = cls.env["hotline.pbx"].create({"name": "Other", "host": "10.0.0.9"})
        cls.q_elsewhere = Queue.create(
            {"name": "Elsewhere", "code": "qp_else", "pbx_id": other_pbx.id}
        )

    def setUp(self):
        super().setUp()
        from ..pbx.simulator.ami_server import default_config_files

        sim = self.simulator
        sim.config_files = default_config_files()
        sim.config_save_fails.clear()
        sim.config_saves_left = None
        sim.reloads.clear()
        saved = {q: dict(m) for q, m in sim.queues.items()}

        def restore():
            sim.queues.clear()
            sim.queues.update(saved)
            sim.queue_config.clear()

        self.addCleanup(restore)

    def _file(self, filename=CONF):
        """``{category: [(var, value)]}`` of queues_hotline.conf on the PBX."""
        cats = self.simulator.config_files[filename]["categories"]
        names = [c["name"] for c in cats]
        self.assertEqual(len(names), len(set(names)), "a category is duplicated")
        return {c["name"]: [tuple(x) for x in c["lines"]] for c in cats}

    def _pushed_queues(self):
        """What the push must write: the PBX's company's queues of this PBX
        or of no PBX (demo queues included)."""
        return self.env["hotline.queue"].search(
            [
                ("company_id", "=", self.pbx.company_id.id),
                ("pbx_id", "in", [self.pbx.id, False]),
            ]
        )

    def test_push_writes_reloads_and_a_second_push_replaces(self):
        result = (
            (self.q_gas | self.q_bill).with_user(self.supervisor).action_push_config()
        )
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(
            [
                m.get("Action")
                for m in self.simulator.actions_seen
                if m.get("Action") not in ("Login", "Logoff")
            ],
            ["GetConfig", "CreateConfig", "GetConfig", "CreateConfig"]
            + ["UpdateConfig"] * len(self._sent("UpdateConfig"))
            + ["Reload"],
        )
        # every action within Asterisk's 128 header lines (issue 10: one
        # UpdateConfig of 149 lines for 2 queues was refused)
        self.assertGreater(len(self._sent("UpdateConfig")), 2)
        for action in self._sent("UpdateConfig"):
            self.assertLessEqual(len(action.pairs), 128)
        content = self._file()
        self.assertEqual(set(content), set(self._pushed_queues().mapped("code")))
        self.assertNotIn("qp_else", content)
        self.assertEqual(
            content["qp_gas"],
            [
                (k, v)
                for k, v in queues_conf.queue_settings(self.q_gas._hotline_conf_dict())
            ],
        )
        self.assertIn(("timeout", "20"), content["qp_gas"])
        # app_queue reloaded: the simulated PBX now has the queues
        self.assertIn("app_queue", self.simulator.reloads)
        self.assertIn("qp_gas", self.simulator.queues)
        self.assertEqual(
            self.simulator.queue_config["qp_bill"]["strategy"], "fewestcalls"
        )

        # second push: changed strategy, one queue archived
        self.q_bill.with_user(self.supervisor).write({"strategy": "linear"})
        self.q_gas.with_user(self.supervisor).action_archive()
        self.simulator.actions_seen.clear()
        self.env["hotline.queue"].with_user(self.supervisor).hotline_push_config(
            self.pbx
        )
        sent = [m.get("Action") for m in self.simulator.actions_seen]
        self.assertNotIn("CreateConfig", sent)
        content = self._file()
        self.assertEqual(set(content), set(self._pushed_queues().mapped("code")))
        self.assertNotIn("qp_gas", content)
        self.assertIn(("strategy", "linear"), content["qp_bill"])
        self.assertEqual(
            [v for k, v in content["qp_bill"] if k == "strategy"], ["linear"]
        )
        self.assertNotIn("qp_gas", self.simulator.queues)
        self.assertEqual(self.simulator.queue_config["qp_bill"]["strategy"], "linear")
        # the queues.conf categories (and their members) are left alone
        self.assertIn("support", self.simulator.queues)

    def test_refusal_is_a_user_error_and_changes_nothing(self):
        self.env["hotline.queue"].with_user(self.supervisor).hotline_push_config(
            self.pbx
        )
        before = self.simulator.config_text(CONF)
        reloads = list(self.simulator.reloads)
        self.simulator.config_save_fails.add(CONF)
        self.q_bill.with_user(self.supervisor).write({"strategy": "random"})
        self.simulator.actions_seen.clear()
        with self.assertRaisesRegex(UserError, "Save of config failed"):
            self.q_bill.with_user(self.supervisor).action_push_config()
        self.assertEqual(self.simulator.config_text(CONF), before)
        self.assertEqual(self.simulator.reloads, reloads)
        self.assertFalse(self._sent("Reload"))
        self.assertEqual(
            self.simulator.queue_config["qp_bill"]["strategy"], "fewestcalls"
        )
        self.assertEqual(self.q_bill.strategy, "random")  # Odoo keeps the edit

    def test_unreachable_pbx_is_a_user_error(self):
        dead = self.env["hotline.pbx"].create(
            {"name": "Dead", "host": "127.0.0.1", "ami_port": 1, "ami_timeout": 1}
        )
        with self.assertRaisesRegex(
            UserError, r"^Connection refused by 127\.0\.0\.1:1: is Asterisk running\?$"
        ):
            self.env["hotline.queue"].with_user(self.supervisor).hotline_push_config(
                dead
            )
        self.assertNotIn(CONF, self.simulator.config_files)

    def test_agents_cannot_push(self):
        with self.assertRaisesRegex(UserError, "Only supervisors"):
            self.env["hotline.queue"].with_user(self.agent).hotline_push_config(
                self.pbx
            )
        with self.assertRaisesRegex(UserError, "Only supervisors"):
            self.q_gas.with_user(self.agent).action_push_config()
        with self.assertRaises(AccessError):
            self.q_gas.with_user(self.agent).write({"strategy": "random"})
        self.assertFalse(self._sent("UpdateConfig"))
        self.assertNotIn(CONF, self.simulator.config_files)

    def test_refusal_midway_leaves_the_pbx_as_it_was(self):
        """A push refused after some of its actions ran: the live file and the
        running queues are untouched and no Reload is sent."""
        Queue = self.env["hotline.queue"]
        Queue.with_user(self.supervisor).hotline_push_config(self.pbx)
        before = self.simulator.config_text(CONF)
        reloads = list(self.simulator.reloads)
        Queue.create(
            [
                {"name": f"Extra {n}", "code": f"qp_extra{n}", "pbx_id": self.pbx.id}
                for n in range(4)
            ]
        )
        self.simulator.actions_seen.clear()
        self.simulator.config_saves_left = 1  # the second UpdateConfig fails
        with self.assertRaisesRegex(
            UserError, "Asterisk refused the queue configuration: Save of config failed"
        ):
            Queue.with_user(self.supervisor).hotline_push_config(self.pbx)
        self.assertEqual(len(self._sent("UpdateConfig")), 2)
        self.assertEqual(self.simulator.config_text(CONF), before)
        self.assertEqual(self.simulator.reloads, reloads)
        self.assertNotIn("qp_extra0", self.simulator.queues)
        self.assertFalse(self._sent("Reload"))
        # the next push goes through and brings every queue
        self.simulator.config_saves_left = None
        Queue.with_user(self.supervisor).hotline_push_config(self.pbx)
        self.assertEqual(set(self._file()), set(self._pushed_queues().mapped("code")))
        self.assertIn("qp_extra3", self.simulator.queues)

    def test_reload_refused_after_the_switch_is_said_so(self):
        from ..pbx.simulator import ami_server

        self.addCleanup(ami_server.RELOADABLE_MODULES.add, "app_queue")
        ami_server.RELOADABLE_MODULES.discard("app_queue")
        with self.assertRaisesRegex(
            UserError,
            "written on the PBX but Asterisk did not reload it: No such module",
        ):
            self.env["hotline.queue"].with_user(self.supervisor).hotline_push_config(
                self.pbx
            )
        self.assertIn("qp_gas", self._file())

    def test_concurrent_push_refused(self):
        """A second push to the same PBX while one holds the lock is refused."""
        # another connection (another web worker) holds the push lock
        with db_connect(self.env.cr.dbname).cursor() as cr:
            cr.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                (queue_model.PUSH_LOCK_KEY, self.pbx.id),
            )
            with self.assertRaisesRegex(UserError, "by someone else"):
                self.env["hotline.queue"].with_user(
                    self.supervisor
                ).hotline_push_config(self.pbx)
        self.assertFalse(self._sent("GetConfig"))
