# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..cli.hotline_connector import SIMULATOR_PBX, Connector
from ..pbx import queues_conf
from .common import SimulatorCommon

INTERFACE = "Local/8001@agents"


@tagged("post_install", "-at_install")
class TestQueuePushState(SimulatorCommon):
    """A queue changed in Odoo but not sent to the PBX says so; the agent whose
    login fails on it is told what to do; the demo's simulator gets the queues."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "燃气报修", "code": "qps_repairs", "pbx_id": cls.pbx.id}
        )

    def setUp(self):
        super().setUp()
        from ..pbx.simulator.ami_server import default_config_files

        sim = self.simulator
        sim.config_files = default_config_files()
        sim.config_save_fails.clear()
        saved = {q: dict(m) for q, m in sim.queues.items()}

        def restore():
            sim.queues.clear()
            sim.queues.update(saved)
            sim.queue_config.clear()

        self.addCleanup(restore)
        sim.queues["support"].pop(INTERFACE, None)

    def push(self):
        return self.queue.with_user(self.supervisor).action_push_config()

    def test_pbx_settings_changed_need_a_push_and_a_push_clears_it(self):
        queue = self.queue.with_user(self.supervisor)
        self.assertTrue(queue.needs_push, "a new queue is not on the PBX")
        self.assertFalse(queue.pushed_at)
        self.push()
        self.assertFalse(queue.needs_push)
        self.assertTrue(queue.pushed_at)
        self.assertIn("qps_repairs", self.simulator.queues)
        # what Odoo alone uses leaves the queue as pushed
        queue.write({"name": "燃气报修（白班）", "sequence": 5, "agent_record": True})
        queue.action_sync_members()
        self.assertFalse(queue.needs_push)
        # what the PBX holds waits for the next push
        for vals in (
            {"strategy": "linear"},
            {"ring_timeout": 25},
            {"announce_position": False},
            {"code": "qps_repairs2"},
            {"pbx_id": False},
        ):
            self.push()
            self.assertFalse(queue.needs_push)
            queue.write(vals)
            self.assertTrue(queue.needs_push, vals)
        self.push()
        self.assertFalse(queue.needs_push)
        self.assertEqual(
            self.simulator.queue_config["qps_repairs2"]["strategy"], "linear"
        )

    def test_failed_push_keeps_the_mark(self):
        self.simulator.config_save_fails.add(queues_conf.CONF_FILENAME)
        with (
            self.assertRaisesRegex(
                UserError,
                "Asterisk refused the queue configuration: Save of config failed",
            ),
            self.env.cr.savepoint(),
        ):
            self.push()
        self.assertTrue(self.queue.needs_push)

    def test_login_to_a_queue_not_on_the_pbx_says_what_to_do(self):
        self.env["hotline.queue.member"].create(
            {"queue_id": self.queue.id, "user_id": self.agent.id}
        )
        Me = self.agent.with_user(self.agent)
        with self.assertRaisesRegex(
            UserError,
            r"^Queue 燃气报修 \(qps_repairs\) is not on the PBX yet: ask a "
            r"supervisor to send the queues to the PBX \(Hotline > Call centre > "
            r"Queues, button Send to PBX\), then log in again\.$",
        ):
            Me.action_hotline_login()
        self.assertEqual(self.agent.hotline_agent_state, "logged_out")
        self.push()
        Me.action_hotline_login()
        self.assertIn(INTERFACE, self.simulator.queues["qps_repairs"])
        self.assertEqual(self.agent.hotline_agent_state, "available")

    def test_login_message_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_callcenter"], ["zh_CN"], overwrite=True
        )
        self.env["hotline.queue.member"].create(
            {"queue_id": self.queue.id, "user_id": self.agent.id}
        )
        # the web client sends the user's language in the context
        Me = self.agent.with_user(self.agent)
        with self.assertRaisesRegex(
            UserError,
            r"^队列 燃气报修 \(qps_repairs\) 尚未下发到 PBX：请班长将队列下发到 PBX",
        ):
            Me.with_context(lang="zh_CN").action_hotline_login()

    def test_demo_simulator_gets_the_queues(self):
        """``make run`` starts the connector with its simulator: the queues of
        Odoo are sent to it, so that the demo agents can log in at once."""
        self.queue.pbx_id = False
        self.env.flush_all()
        self.registry.enter_test_mode(self.env.cr)
        self.addCleanup(self.registry.leave_test_mode)
        connector = Connector(self.registry, simulator=True, simulator_rate=0)
        connector.start_simulator()
        self.addCleanup(connector.simulator.stop)
        self.env.invalidate_all()
        pbx = self.env["hotline.pbx"].search([("name", "=", SIMULATOR_PBX)])
        self.assertEqual(pbx.ami_port, connector.simulator.port)
        self.assertIn("qps_repairs", connector.simulator.queues)
        self.assertFalse(self.queue.needs_push)
