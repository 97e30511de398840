# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading

from odoo.tests import tagged

from odoo.addons.bus.tests.common import WebsocketCase

from ..cli.connector import PbxWorker, RegistrySink
from ..pbx.simulator import CAPTURE_PBX_SETTINGS, AmiSimulator
from .common import bus_pump


@tagged("post_install", "-at_install")
class TestClickToDialChineseTour(WebsocketCase):
    """Issue 12: the demo agent, working in Chinese, dials the demo customer
    王建华's mobile ``138 1001 0001`` from the customer's form; the PBX (the
    AMI simulator) receives an Originate for ``13810010001`` and the agent
    reads, in Chinese, that the call is being placed, then (from the
    connector, over the bus) that the customer answered.

    The demo data is what the tour works on: the Chinese demo company makes
    the number a Chinese mobile. A pump dispatches the bus notifications (the
    test cursor drops the post-commit ``NOTIFY``), as in the waiting-callers
    tour.
    """

    def test_click_to_dial_chinese_mobile_tour(self):
        env = self.env
        customer = env.ref("hotline_base.customer_01_demo", raise_if_not_found=False)
        if not customer:
            # installed without demo data: there is no demo customer to dial
            module = env["ir.module.module"]._get("hotline_callcenter")
            self.assertFalse(module.demo)
            return
        self.assertEqual(customer.mobile, "138 1001 0001")
        env["res.lang"]._activate_lang("zh_CN")
        modules = env["ir.module.module"].search(
            [("state", "=", "installed"), ("name", "like", "hotline_%")]
        )
        env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["zh_CN"], overwrite=True
        )
        agent = env.ref("hotline_base.user_agent_demo")
        agent.write({"lang": "zh_CN", "hotline_extension": "8001"})

        simulator = AmiSimulator(speed=0, auth_fail_delay=0).start()
        self.addCleanup(simulator.stop)
        pbx = env["hotline.pbx"].create(
            {
                "name": "Tour PBX",
                # before any other PBX of the company: click-to-dial takes the first
                "sequence": min(env["hotline.pbx"].search([]).mapped("sequence") or [0])
                - 1,
                "host": "127.0.0.1",
                "ami_port": simulator.port,
                "ami_secret": "secret",
                "ami_timeout": 3.0,
                "originate_timeout": 5,
                **CAPTURE_PBX_SETTINGS,
            }
        )
        # the connector on the simulated PBX follows the Originate and tells
        # the agent how it ended (its own transactions, like the service)
        worker = PbxWorker(
            pbx.id,
            pbx.name,
            "127.0.0.1",
            simulator.port,
            "odoo",
            "secret",
            RegistrySink(self.registry),
            timeout=2.0,
            prompt_sync_interval=0,
        )
        worker.start()
        self.addCleanup(worker.stop)
        self.assertTrue(worker.client.wait_connected(5))

        stop = threading.Event()

        thread = threading.Thread(target=bus_pump, args=(stop,))
        thread.start()
        try:
            self.start_tour(
                f"/odoo/action-hotline_base.res_partner_action_hotline/{customer.id}",
                "hotline_click_to_dial_zh_tour",
                login=agent.login,
            )
        finally:
            stop.set()
            thread.join(10)

        (originate,) = [
            m for m in simulator.actions_seen if m.get("Action") == "Originate"
        ]
        self.assertEqual(originate.get("Exten"), "13810010001")
        self.assertEqual(originate.get("Channel"), "Local/8001@agents")
        self.assertEqual(originate.get("Context"), "click2dial")
        self.assertIn(
            f"__HOTLINE_PARTNER_ID={customer.id}", originate.get_all("Variable")
        )
