# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Meter reading by phone: the simulator plays Asterisk's side of FastAGI
against the connector's IVR handler running a flow like the demo's sub-flow
(meters, month, reading with * as decimal point, read back, 1 confirms and 2
re-enters), after a login recorded for the call (as in
``hotline_complaints/tests/test_ivr_case_query.py``)."""

from dateutil.relativedelta import relativedelta

from odoo.tests import tagged

from odoo.addons.hotline_base.tests.common import HotlineCommon
from odoo.addons.hotline_callcenter.pbx.simulator.agi_caller import AgiCaller
from odoo.addons.hotline_callcenter.tests.ivr_common import start_fastagi

DID = "4008765499"
CALLER = "13700000099"
REFUSALS = (
    "invalid",
    "bad_meter",
    "bad_month",
    "future_month",
    "below_previous",
    "invoiced",
)


def sound(code):
    return f"hotline/zh_CN/meter_{code}"


@tagged("post_install", "-at_install")
class TestIvrMeterReading(HotlineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Reading = cls.env["hotline.meter.reading"]
        cls.env.company.hotline_meter_plausibility_factor = 3.0
        cls.env.company.hotline_meter_check_user_id = False
        cls.finance = cls.role_users["finance"]
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Meter service", "code": "mr_service"}
        )
        cls.fallback_queue = cls.env["hotline.queue"].create(
            {"name": "Meter duty", "code": "mr_duty"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "抄表客户"})
        cls.site = cls.env["hotline.service.site"].create(
            {
                "name": "1号楼",
                "partner_id": cls.customer.id,
                "meter_number": "M-TEST-4711",
            }
        )
        cls.landlord = cls.env["res.partner"].create({"name": "房东"})
        cls.sites = cls.env["hotline.service.site"].create(
            [
                {
                    "name": f"出租房{n}",
                    "partner_id": cls.landlord.id,
                    "meter_number": f"M-TEST-900{n}",
                    "sequence": n,
                }
                for n in (1, 2)
            ]
        )
        cls.other = cls.env["hotline.service.site"].create(
            {
                "name": "别人的表",
                "partner_id": cls.env["res.partner"].create({"name": "别人"}).id,
                "meter_number": "M-TEST-5555",
            }
        )
        cls.this_month = cls.Reading._hotline_today().replace(day=1)
        # a year of 30 m³ a month up to last month: 1000 m³ last month
        for site in (cls.site, *cls.sites, cls.other):
            for back in range(12, 0, -1):
                cls.Reading.create(
                    {
                        "site_id": site.id,
                        "month": cls.this_month - relativedelta(months=back),
                        "previous_value": 1000 - 30 * back,
                        "value": 1000 - 30 * (back - 1),
                    }
                )
        cls.subflow = cls._make_meter_flow()
        main = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Gas line",
                "fallback_type": "queue",
                "fallback_queue_id": cls.fallback_queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]
        agent = Node.create(
            {
                "flow_id": main.id,
                "name": "To an agent",
                "node_type": "transfer",
                "queue_id": cls.queue.id,
                "sequence": 2,
            }
        )
        main.start_node_id = Node.create(
            {
                "flow_id": main.id,
                "name": "Meter reading",
                "node_type": "subflow",
                "subflow_id": cls.subflow.id,
                "next_node_id": agent.id,
                "sequence": 1,
            }
        )
        main.action_publish()
        cls.env["hotline.did"].create(
            {"number": DID, "kind": "400", "flow_id": main.id}
        )

    @classmethod
    def _make_meter_flow(cls):
        """The sub-flow as shipped in demo/hotline_meter_demo.xml."""
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Meter reading",
                "is_subflow": True,
                "fallback_type": "queue",
                "fallback_queue_id": cls.fallback_queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]

        def prompt(code):
            return cls.env.ref(
                f"hotline_billing_ivr.hotline_ivr_prompt_meter_{code}"
            ).id

        def node(name, **vals):
            return Node.create(dict(flow_id=flow.id, name=name, **vals))

        back = node("Back", node_type="return", sequence=90)
        agent = node(
            "Agent",
            node_type="transfer",
            queue_id=cls.queue.id,
            sequence=85,
        )

        def play(code, target):
            return node(
                code,
                node_type="play",
                prompt_id=prompt(code),
                next_node_id=target.id,
            )

        collect = {
            "node_type": "collect",
            "terminator": "#",
            "on_fail_node_id": back.id,
            "retries_no_input": 0,
        }
        reading = node(
            "Reading",
            prompt_id=prompt("reading_enter"),
            invalid_prompt_id=prompt("invalid"),
            max_digits=13,
            decimal_star=True,
            variable_name="reading",
            **collect,
        )
        month = node(
            "Month",
            prompt_id=prompt("month_enter"),
            invalid_prompt_id=prompt("bad_month"),
            min_digits=6,
            max_digits=6,
            variable_name="reading_month",
            next_node_id=reading.id,
            **collect,
        )
        month_menu = node(
            "This month or another",
            node_type="menu",
            prompt_id=prompt("month_menu"),
            on_fail_node_id=back.id,
            retries_no_input=0,
            option_ids=[
                (0, 0, {"digit": "1", "target_node_id": reading.id}),
                (0, 0, {"digit": "2", "target_node_id": month.id}),
            ],
        )
        plays = {
            "not_identified": play("not_identified", back),
            "no_meter": play("no_meter", agent),
            "saved": play("saved", back),
            "to_check": play("to_check", agent),
            "invalid": play("invalid", reading),
            "below_previous": play("below_previous", reading),
            "bad_meter": play("bad_meter", back),
            "bad_month": play("bad_month", month_menu),
            "future_month": play("future_month", month_menu),
            "invoiced": play("invoiced", back),
        }
        refused = [
            (0, 0, {"outcome": code, "target_node_id": plays[code].id})
            for code in (*REFUSALS, "not_identified")
        ]
        confirm = node(
            "Store",
            node_type="service",
            service_code="meter_reading_confirm",
            next_node_id=back.id,
            option_ids=[
                (0, 0, {"outcome": "accepted", "target_node_id": plays["saved"].id}),
                (0, 0, {"outcome": "to_check", "target_node_id": plays["to_check"].id}),
            ]
            + refused,
        )
        confirm_menu = node(
            "Confirm or re-enter",
            node_type="menu",
            prompt_id=prompt("confirm"),
            on_fail_node_id=back.id,
            retries_no_input=0,
            option_ids=[
                (0, 0, {"digit": "1", "target_node_id": confirm.id}),
                (0, 0, {"digit": "2", "target_node_id": reading.id}),
            ],
        )
        check = node(
            "Check",
            node_type="service",
            service_code="meter_reading_check",
            next_node_id=back.id,
            option_ids=[(0, 0, {"outcome": "ok", "target_node_id": confirm_menu.id})]
            + refused,
        )
        reading.next_node_id = check
        choose = node(
            "Choose the meter",
            prompt_id=prompt("choose"),
            invalid_prompt_id=prompt("bad_meter"),
            max_digits=1,
            variable_name="meter_index",
            next_node_id=month_menu.id,
            **collect,
        )
        flow.start_node_id = node(
            "Meters",
            node_type="service",
            service_code="meter_list",
            sequence=1,
            next_node_id=back.id,
            option_ids=[
                (0, 0, {"outcome": "one", "target_node_id": month_menu.id}),
                (0, 0, {"outcome": "several", "target_node_id": choose.id}),
                (0, 0, {"outcome": "no_meter", "target_node_id": plays["no_meter"].id}),
                (
                    0,
                    0,
                    {
                        "outcome": "not_identified",
                        "target_node_id": plays["not_identified"].id,
                    },
                ),
            ],
        )
        flow.action_publish()
        return flow

    def setUp(self):
        super().setUp()
        self.server = start_fastagi(self)

    def call(self, dtmf, partner=None):
        """A call whose caller logged in as ``partner`` (customer by default,
        False: nobody) and then types ``dtmf``."""
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            caller=CALLER,
            did=DID,
            dtmf=dtmf,
            variables={"QUEUESTATUS": "CONTINUE"},
        )
        if partner is not False:
            self.env["hotline.selfservice.transaction"]._hotline_log(
                {"caller": CALLER, "linkedid": sim.uniqueid},
                "login",
                "served",
                partner or self.customer,
            )
        self.env.flush_all()  # the handler reads the database, not this cache
        sim.run()
        self.env.invalidate_all()
        sim.linkedid = sim.uniqueid
        return sim

    def spoken(self, value):
        """What ``heard`` shows for the speller's read-back of ``value``."""
        files = self.env["hotline.ivr.flow"]._hotline_speak_quantity(value, "zh_CN")
        return "digits:" + "".join(f.rsplit("_", 1)[1] for f in files)

    @staticmethod
    def heard(sim):
        """Prompts played and digits said, in order."""
        out = []
        for command in sim.commands:
            if command.startswith(("STREAM FILE", "GET DATA")):
                out.append(command.split()[2])
            elif command.startswith("EXEC Playback"):
                files = command.split(None, 2)[2].strip('"').split("&")
                out.append("digits:" + "".join(f.rsplit("_", 1)[1] for f in files))
        return out

    @staticmethod
    def queued(sim):
        return [app for app in sim.executed if app[0] == "Queue"]

    def readings(self, site=None, month=None):
        return self.Reading.search(
            [
                ("site_id", "=", (site or self.site).id),
                ("month", "=", month or self.this_month),
            ]
        )

    def transactions(self, sim):
        return self.env["hotline.selfservice.transaction"].search(
            [("linkedid", "=", sim.linkedid), ("service", "=", "meter_reading")],
            order="id",
        )

    def test_good_reading_confirmed(self):
        sim = self.call("1" + "1030*5#" + "1")
        heard = self.heard(sim)
        self.assertEqual(
            heard,
            [
                sound("month_menu"),
                sound("reading_enter"),
                sound("readback"),
                self.spoken(1030.5),
                sound("confirm"),
                sound("saved"),
            ],
        )
        reading = self.readings()
        self.assertEqual(len(reading), 1)
        self.assertEqual(reading.value, 1030.5)
        self.assertEqual(reading.previous_value, 1000)
        self.assertAlmostEqual(reading.consumption, 30.5)
        self.assertEqual((reading.source, reading.state), ("phone", "accepted"))
        self.assertEqual(
            self.transactions(sim).mapped("outcome"), ["served", "served", "served"]
        )
        self.assertEqual(self.transactions(sim).partner_id, self.customer)
        # back in the main flow: on to an agent
        self.assertEqual(self.queued(sim), [("Queue", "mr_service,ct")])

    def test_reentered_reading_stores_the_second(self):
        sim = self.call("1" + "1050#" + "2" + "1031#" + "1")
        self.assertEqual(self.heard(sim).count(sound("reading_enter")), 2)
        self.assertEqual(self.heard(sim)[-1], sound("saved"))
        self.assertEqual(self.readings().mapped("value"), [1031.0])

    def test_two_decimal_points_are_refused(self):
        sim = self.call("1" + "12*3*4#" + "1030#" + "1")
        heard = self.heard(sim)
        self.assertIn(sound("invalid"), heard)
        self.assertLess(heard.index(sound("invalid")), heard.index(sound("readback")))
        self.assertEqual(self.readings().mapped("value"), [1030.0])
        self.assertEqual(self.transactions(sim)[1].outcome, "invalid")

    def test_meter_not_of_the_customer(self):
        sim = self.call("3" + "1" + "1030#", partner=self.landlord)
        heard = self.heard(sim)
        # the list: press 1 for the meter ending in 9001, 2 ... 9002
        self.assertEqual(
            heard[:8],
            [
                sound("press"),
                "digits:1",
                sound("number_ending"),
                "digits:9001",
                sound("press"),
                "digits:2",
                sound("number_ending"),
                "digits:9002",
            ],
        )
        self.assertEqual(heard[-1], sound("bad_meter"))
        self.assertFalse(
            self.Reading.search([("month", "=", self.this_month)]),
            "nothing stored",
        )
        # the services themselves: another customer's meter is never reachable
        Flow = self.env["hotline.ivr.flow"]
        request = {"linkedid": sim.linkedid, "variables": {"meter_index": "0"}}
        request["variables"]["reading"] = "1030"
        self.assertEqual(
            Flow._hotline_ivr_meter_reading_confirm(request)["outcome"], "bad_meter"
        )
        request["variables"]["meter_index"] = "2"
        self.assertEqual(
            Flow._hotline_ivr_meter_reading_confirm(request)["outcome"], "accepted"
        )
        self.assertEqual(self.readings(self.sites[1]).value, 1030)
        self.assertFalse(self.readings(self.other))

    def test_below_previous_is_refused(self):
        sim = self.call("1" + "990#" + "1030#" + "1")
        heard = self.heard(sim)
        self.assertIn(sound("below_previous"), heard)
        self.assertEqual(heard[-1], sound("saved"))
        self.assertEqual(self.readings().mapped("value"), [1030.0])

    def test_after_a_meter_change_a_lower_reading_is_accepted(self):
        self.site.write(
            {"meter_change_date": self.this_month, "meter_start_value": 2.0}
        )
        sim = self.call("1" + "7*25#" + "1")
        self.assertEqual(self.heard(sim)[-1], sound("saved"))
        reading = self.readings()
        self.assertEqual(reading.value, 7.25)
        self.assertTrue(reading.meter_change)
        self.assertEqual(reading.previous_value, 2.0)
        self.assertAlmostEqual(reading.consumption, 5.25)

    def test_implausible_reading_is_stored_to_check(self):
        sim = self.call("1" + "1200#" + "1")
        heard = self.heard(sim)
        self.assertEqual(heard[-1], sound("to_check"))
        self.assertEqual(self.queued(sim), [("Queue", "mr_service,ct")])
        reading = self.readings()
        self.assertEqual((reading.value, reading.state), (1200, "to_check"))
        self.assertIn("30", reading.check_reason)
        activity = reading.activity_ids.filtered(lambda a: a.user_id == self.finance)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.summary, "Check meter reading")
        self.assertEqual(self.transactions(sim)[-1].detail[-8:], "to_check")
        # a configured responsible gets it instead of every Finance user
        self.env.company.hotline_meter_check_user_id = self.role_users["hotline_admin"]
        self.readings().action_reject()
        self.call("1" + "1190#" + "1")
        reading = self.readings().filtered(lambda r: r.state == "to_check")
        self.assertEqual(reading.activity_ids.user_id, self.role_users["hotline_admin"])

    def test_future_month_is_refused(self):
        future = self.this_month + relativedelta(months=1)
        sim = self.call("2" + future.strftime("%Y%m") + "1030#" + "1" + "1030#" + "1")
        heard = self.heard(sim)
        self.assertIn(sound("future_month"), heard)
        self.assertEqual(heard[-1], sound("saved"), (heard, sim.commands))
        self.assertFalse(self.readings(month=future))
        self.assertEqual(self.readings().mapped("value"), [1030.0])
        # a month before the meter's last reading (last month) is refused;
        # 13 is no month
        before_last = self.this_month - relativedelta(months=2)
        for typed in ("202613", before_last.strftime("%Y%m")):
            sim = self.call("2" + typed + "1030#")
            self.assertIn(sound("bad_month"), self.heard(sim), typed)

    def test_second_reading_replaces_the_first_not_invoiced(self):
        first = self.Reading.create(
            {"site_id": self.site.id, "month": self.this_month, "value": 1020}
        )
        sim = self.call("1" + "1030#" + "1")
        self.assertEqual(self.heard(sim)[-1], sound("saved"))
        self.assertEqual(first.state, "rejected")
        self.assertEqual(
            self.readings().filtered(lambda r: r.state == "accepted").value, 1030
        )

    def test_refused_when_the_month_is_invoiced(self):
        first = self.Reading.create(
            {"site_id": self.site.id, "month": self.this_month, "value": 1020}
        )
        first.state = "invoiced"
        sim = self.call("1" + "1030#")
        self.assertEqual(self.heard(sim)[-1], sound("invoiced"))
        self.assertEqual(self.readings(), first)
        self.assertEqual(self.transactions(sim)[-1].outcome, "invalid")

    def test_not_identified_caller(self):
        sim = self.call("1" + "1030#", partner=False)
        self.assertEqual(self.heard(sim), [sound("not_identified")])
        self.assertFalse(self.readings())

    def test_readback_speaks_the_value(self):
        """The check answers "you entered" and the value's sounds (played by
        the engine's ``sounds`` items)."""
        sim = self.call("1" + "1030*5#" + "2", partner=self.customer)
        result = self.env["hotline.ivr.flow"]._hotline_ivr_meter_reading_check(
            {
                "linkedid": sim.linkedid,
                "language": "zh_CN",
                "variables": {"reading": "1030*5"},
            }
        )
        self.assertEqual(result["outcome"], "ok")
        self.assertEqual(
            result["play"][0],
            {
                "prompt": {
                    "zh_CN": sound("readback"),
                    "en_US": "hotline/en_US/meter_readback",
                }
            },
        )
        sounds = result["play"][1]["sounds"]
        self.assertEqual(
            sounds,
            self.env["hotline.ivr.flow"]._hotline_speak_quantity(1030.5, "zh_CN"),
        )
        self.assertTrue(sounds)
        self.assertTrue(all(s.startswith("hotline/zh_CN/") for s in sounds))
