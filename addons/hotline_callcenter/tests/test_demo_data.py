# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo is a Chinese gas company whose simulated callers are its customers.

These tests read the demo data on purpose (issue 12): the demo must show the
product from the first install.
"""

from unittest.mock import patch

from odoo.tests import Form, TransactionCase, tagged

from ..cli.hotline_connector import Connector
from ..pbx.simulator import AmiSimulator, CallerMix


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_company_is_chinese_on_beijing_time(self):
        company = self.env.ref("base.main_company")
        self.assertEqual(company.country_id.code, "CN")
        users = (
            self.env.ref("base.user_admin")
            | self.env.ref("hotline_base.user_agent_demo")
            | self.env.ref("hotline_base.user_supervisor_demo")
        )
        self.assertEqual(set(users.mapped("tz")), {"Asia/Shanghai"})

    def test_click_to_dial_sends_the_chinese_mobile(self):
        Pbx = self.env["hotline.pbx"].with_company(self.env.ref("base.main_company"))
        self.assertEqual(Pbx._hotline_dialable("138 1001 0001"), "13810010001")
        self.assertEqual(Pbx._hotline_dialable("010-6470 1001"), "01064701001")

    def test_customer_created_from_the_pop_gets_plus_86(self):
        # the pop opens the partner form with the caller's number as default
        Partner = self.env["res.partner"].with_context(default_phone="13810010099")
        with Form(Partner) as form:
            form.name = "新来电客户"
        self.assertEqual(form.record.phone, "+86 138 1001 0099")

    def test_demo_traffic_calls_from_known_numbers_on_demo_dids(self):
        traffic = self.env["hotline.pbx"]._hotline_simulator_traffic()
        known = set(traffic["known"])
        # a VIP, the blacklisted customer, a customer in arrears, a landline
        for number in ("13901138888", "17012340000", "18610010004", "01064701001"):
            self.assertIn(number, known)
        self.assertNotIn("", known)
        vip = self.env.ref("hotline_base.customer_vip_demo")
        self.assertTrue(vip.hotline_category_id.is_vip)
        entry = self.env["hotline.blacklist"].hotline_check_number("17012340000")
        self.assertTrue(entry)
        demo_dids = {
            self.env.ref(f"hotline_callcenter.hotline_did_{name}_demo").number
            for name in ("service", "free", "repair")
        }
        self.assertEqual(demo_dids, {"4008100100", "8008100100", "4008100119"})
        self.assertLessEqual(demo_dids, set(traffic["dids"]))
        # the card of a known caller shows their last calls from the first ring
        last = self.env["hotline.screen.pop"]._hotline_last_calls(
            "13901138888", vip, self.env["hotline.call"]
        )
        # this add-on's two demo calls of the VIP (other add-ons' demo data may
        # add more), newest first
        self.assertGreaterEqual(len(last), 2)
        started = [row["started_at"] for row in last]
        self.assertEqual(started, sorted(started, reverse=True))
        self.assertIn("王丽（坐席）", {row["agent"] for row in last})
        flow = self.env.ref("hotline_callcenter.hotline_ivr_flow_main_demo")
        self.assertEqual(flow.state, "published")

    def test_connector_simulator_gives_the_traffic_the_demo_callers(self):
        self.registry.enter_test_mode(self.env.cr)
        self.addCleanup(self.registry.leave_test_mode)
        connector = Connector(self.registry, simulator=True, simulator_rate=0.5)
        with (
            patch.object(AmiSimulator, "generate_traffic") as generate,
            patch.object(AmiSimulator, "generate_ivr_traffic"),
        ):
            connector.start_simulator()
        self.addCleanup(connector.simulator.stop)
        (rate,), kwargs = generate.call_args
        self.assertEqual(rate, 0.5)
        self.assertIsInstance(kwargs["callers"], CallerMix)
        self.assertIn("13901138888", kwargs["callers"].known)
        self.assertIn("17012340000", kwargs["callers"].known)
        self.assertIn("4008100100", kwargs["dids"])
