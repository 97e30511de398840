# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The demo gas line (4008100200) walked by the simulator's scripted callers
(``hotline.pbx._hotline_simulator_ivr_scripts``, the calls ``make run``
makes): the simulator plays Asterisk's side of FastAGI against the
connector's IVR handler on the demo database, as the other IVR tests do.

These tests read the demo data on purpose."""

from unittest.mock import patch

from odoo.tests import TransactionCase, tagged

from odoo.addons.hotline_callcenter.cli.hotline_connector import Connector
from odoo.addons.hotline_callcenter.pbx.ivr_engine import validate_snapshot
from odoo.addons.hotline_callcenter.pbx.simulator import AmiSimulator
from odoo.addons.hotline_callcenter.pbx.simulator.callers import IvrScript
from odoo.addons.hotline_callcenter.tests.ivr_common import start_fastagi

SCRIPTS = ("gas_notice_hang_up", "gas_arrears", "gas_meter_reading", "gas_agent")


@tagged("post_install", "-at_install")
class TestDemoGasLine(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.flow = cls.env.ref("hotline_billing_ivr.demo_flow_gas_main")
        cls.menu = cls.env.ref("hotline_billing_ivr.demo_flow_gas_main_node_menu")
        cls.Transaction = cls.env["hotline.selfservice.transaction"]

    def setUp(self):
        super().setUp()
        self.server = start_fastagi(self)

    def scripts(self):
        return {
            script["name"]: script
            for script in self.env["hotline.pbx"]._hotline_simulator_ivr_scripts()
        }

    def call(self, name):
        script = IvrScript.coerce(self.scripts()[name])
        sim = script.agi_caller("127.0.0.1", self.server.port)
        self.env.flush_all()  # the handler reads the database, not this cache
        sim.run()
        self.env.invalidate_all()
        return sim

    def transactions(self, sim):
        return self.Transaction.search([("linkedid", "=", sim.uniqueid)], order="id")

    @staticmethod
    def heard(sim):
        """The sounds played: prompts, and each sound of a Playback."""
        out = []
        for command in sim.commands:
            if command.startswith(("STREAM FILE", "GET DATA")):
                out.append(command.split()[2])
            elif command.startswith("EXEC Playback"):
                out += command.split(None, 2)[2].strip('"').split("&")
        return out

    # -- the flow ---------------------------------------------------------------------
    def test_main_menu_runs_the_sub_flows(self):
        self.assertEqual(self.flow.state, "published")
        self.assertEqual(validate_snapshot(self.flow._hotline_snapshot()), [])
        self.flow._hotline_check_graph()
        keys = {o.digit: o.target_node_id for o in self.menu.option_ids}
        ref = self.env.ref
        login = ref("hotline_billing_ivr.demo_flow_selfservice_login")
        self.assertEqual(keys["1"].subflow_id, login)
        self.assertEqual(
            keys["1"].next_node_id.subflow_id,
            ref("hotline_billing_ivr.demo_flow_selfservice_queries"),
        )
        self.assertEqual(keys["2"].subflow_id, login)
        self.assertEqual(
            keys["2"].next_node_id.subflow_id,
            ref("hotline_billing_ivr.demo_flow_meter_reading"),
        )
        for key in ("1", "2"):
            self.assertEqual(keys[key].next_node_id.next_node_id, self.menu)
        self.assertEqual(keys["0"].node_type, "transfer")
        case_query = ref(
            "hotline_complaints.hotline_ivr_flow_case_query_demo",
            raise_if_not_found=False,
        )
        if case_query:  # whichever add-on was installed second linked it
            self.assertEqual(keys["3"].subflow_id, case_query)
            self.assertEqual(keys["3"].next_node_id, self.menu)
            self.assertEqual(sorted(keys), ["0", "1", "2", "3"])
        else:
            self.assertEqual(sorted(keys), ["0", "1", "2"])
        # the menu prompt says every key, in both languages
        prompt = self.menu.prompt_id
        self.assertEqual(prompt._hotline_languages(), ["zh_CN", "en_US"])
        for key in "1230":
            self.assertIn(f"请按{key}", prompt.description)

    def test_linking_a_sub_flow_key_is_idempotent(self):
        """The call both add-ons make: the second one changes nothing, a
        missing flow changes nothing."""
        Flow = self.env["hotline.ivr.flow"]
        nodes = self.flow.node_ids
        self.assertFalse(
            Flow._hotline_link_subflow_key(
                "hotline_billing_ivr.demo_flow_gas_main_node_menu",
                "1",
                "hotline_billing_ivr.demo_flow_meter_reading",
                "again",
            )
        )
        self.assertFalse(
            Flow._hotline_link_subflow_key(
                "hotline_billing_ivr.demo_flow_gas_main_node_menu",
                "7",
                "no_module.no_flow",
                "missing",
            )
        )
        self.assertEqual(self.flow.node_ids, nodes)
        node = Flow._hotline_link_subflow_key(
            "hotline_billing_ivr.demo_flow_gas_main_node_menu",
            "7",
            "hotline_billing_ivr.demo_flow_meter_reading",
            "Meter again",
        )
        self.assertEqual(node.flow_id, self.flow)
        self.assertEqual(node.next_node_id, self.menu)
        self.assertEqual(
            self.menu.option_ids.filtered(lambda o: o.digit == "7").target_node_id,
            node,
        )
        self.assertEqual(self.flow.state, "published")
        self.assertFalse(
            Flow._hotline_link_subflow_key(
                "hotline_billing_ivr.demo_flow_gas_main_node_menu",
                "7",
                "hotline_billing_ivr.demo_flow_meter_reading",
                "Meter again",
            )
        )
        self.assertEqual(self.flow.node_ids, nodes | node)

    # -- the scripted callers ---------------------------------------------------------
    def test_scripted_callers_of_the_demo_traffic(self):
        scripts = self.scripts()
        self.assertEqual(set(scripts) & set(SCRIPTS), set(SCRIPTS))
        for name in SCRIPTS:
            self.assertEqual(scripts[name]["did"], "4008100200", name)

    def test_notice_caller_hangs_up_during_the_notice(self):
        sim = self.call("gas_notice_hang_up")
        self.assertTrue(sim.dead)
        notice = self.env.ref("hotline_billing_ivr.outage_notice_xiyuan_demo")
        self.assertIn(notice.prompt_id.code, sim.commands[-1])
        tx = self.transactions(sim)
        self.assertEqual(tx.mapped("service"), ["notices"])
        self.assertEqual(tx.outcome, "hung_up")
        self.assertEqual(tx.partner_id, self.env.ref("hotline_base.customer_04_demo"))

    def test_arrears_caller_logs_in_and_hears_the_arrears(self):
        chen = self.env.ref("hotline_base.customer_05_demo")
        sim = self.call("gas_arrears")
        tx = self.transactions(sim)
        # she lives in 望京西园三区: the notice first
        self.assertEqual(tx.mapped("service"), ["notices", "login", "arrears"])
        self.assertEqual(tx.mapped("outcome"), ["served", "served", "served"])
        self.assertEqual(tx[1:].partner_id, chen)
        heard = self.heard(sim)
        self.assertIn("hotline/zh_CN/selfservice_arrears_months", heard)
        # she hung up back in the self-service menu, nobody queued her
        self.assertTrue(sim.dead)
        self.assertIn("selfservice_menu", sim.commands[-1])
        self.assertFalse(sim.queue_entries)

    def test_meter_caller_gives_and_confirms_a_reading(self):
        wang = self.env.ref("hotline_base.customer_01_demo")
        site = self.env.ref("hotline_billing_ivr.site_home_01_demo")
        typed = self.scripts()["gas_meter_reading"]["dtmf"].split("#")[1][1:]
        sim = self.call("gas_meter_reading")
        tx = self.transactions(sim)
        self.assertEqual(tx[0].service, "login")
        self.assertEqual(tx[0].outcome, "served")
        meter = tx.filtered(lambda t: t.service == "meter_reading")
        self.assertTrue(meter)
        self.assertEqual(set(meter.mapped("outcome")), {"served"})
        self.assertEqual(tx.partner_id, wang)
        month = self.env["hotline.meter.reading"]._hotline_today().replace(day=1)
        reading = self.env["hotline.meter.reading"].search(
            [("site_id", "=", site.id), ("month", "=", month)]
        )
        self.assertEqual(reading.state, "accepted")
        self.assertEqual(reading.source, "phone")
        self.assertAlmostEqual(reading.value, float(typed.replace("*", ".")))
        self.assertIn("hotline/zh_CN/meter_saved", self.heard(sim))
        self.assertTrue(sim.dead)  # back in the main menu, done
        self.assertFalse(sim.queue_entries)

    def test_agent_caller_is_queued(self):
        sim = self.call("gas_agent")
        self.assertEqual([q["queue"] for q in sim.queue_entries], ["support"])
        self.assertFalse(self.transactions(sim))

    # -- a service that raises --------------------------------------------------------
    def test_a_service_that_raises_is_a_failed_transaction_and_the_fallback(self):
        Flow = type(self.env["hotline.ivr.flow"])
        with (
            patch.object(
                Flow, "_hotline_ivr_arrears", side_effect=ZeroDivisionError("boom")
            ),
            self.assertLogs("odoo.addons.hotline_callcenter.pbx.ivr_engine", "ERROR"),
        ):
            sim = self.call("gas_arrears")
        tx = self.transactions(sim)
        self.assertEqual(tx.mapped("service"), ["notices", "login", "arrears"])
        failed = tx[-1]
        self.assertEqual(failed.outcome, "failed")
        self.assertEqual(failed.detail, "arrears: ZeroDivisionError")
        self.assertEqual(
            failed.partner_id, self.env.ref("hotline_base.customer_05_demo")
        )
        self.assertEqual(failed.caller, sim.caller)
        # the caller reached the flow's fallback: its queue
        fallback = self.flow.fallback_queue_id
        self.assertEqual([q["queue"] for q in sim.queue_entries], [fallback.code])

    def test_a_failing_service_of_another_add_on_records_nothing(self):
        Flow = self.env["hotline.ivr.flow"]
        request = {"caller": "13700000200", "linkedid": "gasflow-test.1"}
        self.assertFalse(
            Flow._hotline_ivr_service_failed("case_query", request, ValueError())
        )
        self.assertFalse(self.Transaction.search([("linkedid", "=", "gasflow-test.1")]))

    # -- make run ---------------------------------------------------------------------
    def test_connector_simulator_runs_the_scripted_callers(self):
        connector = Connector(self.registry, simulator=True, simulator_rate=0.5)
        with (
            patch.object(AmiSimulator, "generate_traffic"),
            patch.object(AmiSimulator, "generate_ivr_traffic") as generate_ivr,
        ):
            connector.start_simulator()
        self.addCleanup(connector.simulator.stop)
        (host, port, scripts, rate), _kwargs = generate_ivr.call_args
        self.assertEqual(host, "127.0.0.1")
        self.assertTrue(port)
        self.assertEqual(rate, 0.25)
        self.assertLessEqual(set(SCRIPTS), {script["name"] for script in scripts})
