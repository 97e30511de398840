# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Self-service identification by phone: the simulator plays Asterisk's side
of FastAGI against the connector's IVR handler running a "Self-service login"
sub-flow built as the demo one (calling number + PIN, else customer number +
PIN, retries), as ``hotline_complaints/tests/test_ivr_case_query.py`` does."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hotline_callcenter.pbx.simulator.agi_caller import AgiCaller
from odoo.addons.hotline_callcenter.tests.ivr_common import start_fastagi

PARTNER_LOGGER = "odoo.addons.hotline_billing_ivr.models.res_partner"
DID = "4008765001"
DID_PIN_CHANGE = "4008765002"
UNKNOWN = "13700000001"  # a number no customer has
PIN = "135790"
PROMPTS = (
    "customer_number",
    "pin",
    "invalid",
    "not_found",
    "no_pin",
    "wrong_pin",
    "locked",
    "several",
    "identified",
    "new_pin",
    "new_pin_again",
    "pin_changed",
    "pin_mismatch",
    "pin_weak",
)


def heard(sim):
    return [
        command.split()[2]
        for command in sim.commands
        if command.startswith(("STREAM FILE", "GET DATA"))
    ]


def said(code):
    return f"hotline/zh_CN/selfservice_{code}"


@tagged("post_install", "-at_install")
class TestIvrSelfserviceLogin(TransactionCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prompts = {
            code: cls.env.ref(
                f"hotline_billing_ivr.hotline_ivr_prompt_selfservice_{code}"
            )
            for code in PROMPTS
        }
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Gas service", "code": "ss_service"}
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create(
            {
                "name": "自助测试客户",
                "hotline_is_customer": True,
                "hotline_customer_number": "BJ00009001",
                "mobile": "13900009001",
            }
        )
        cls.customer._hotline_set_pin(PIN)
        cls.no_pin = Partner.create(
            {
                "name": "没有密码的客户",
                "hotline_is_customer": True,
                "hotline_customer_number": "BJ00009002",
                "mobile": "13900009002",
            }
        )
        # two customers sharing one phone number
        cls.shared = Partner.create(
            [
                {
                    "name": name,
                    "hotline_is_customer": True,
                    "hotline_customer_number": number,
                    "phone": "13900009999",
                }
                for name, number in (("合租甲", "BJ00009003"), ("合租乙", "BJ00009004"))
            ]
        )
        for customer in cls.shared:
            customer._hotline_set_pin(PIN)
        cls.subflow = cls._make_login_flow()
        cls._make_main_flow(DID, cls._transfer_tail)
        cls._make_main_flow(DID_PIN_CHANGE, cls._pin_change_tail)

    @classmethod
    def _make_login_flow(cls):
        """The sub-flow as shipped in demo/hotline_ivr_selfservice_login_demo.xml."""
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Self-service login",
                "is_subflow": True,
                "lang_en_us": True,
                "fallback_type": "queue",
                "fallback_queue_id": cls.queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]

        def node(name, **vals):
            return Node.create(dict(flow_id=flow.id, name=name, **vals))

        def play(code, target):
            return node(
                code,
                node_type="play",
                prompt_id=cls.prompts[code].id,
                next_node_id=target.id,
            )

        def collect(name, prompt, variable, minimum, maximum):
            return node(
                name,
                node_type="collect",
                prompt_id=cls.prompts[prompt].id,
                invalid_prompt_id=cls.prompts["invalid"].id,
                min_digits=minimum,
                max_digits=maximum,
                terminator="#",
                variable_name=variable,
            )

        back = node("Back", node_type="return", sequence=90)
        identified = play("identified", back)
        no_pin = play("no_pin", back)
        locked = play("locked", back)
        number = collect("Customer number", "customer_number", "customer_number", 1, 20)
        # 7: the # after six digits ends the input instead of waiting in the
        # line (a seventh digit is a PIN too long: the service says invalid)
        number_pin = collect("PIN (number)", "pin", "pin", 6, 7)
        caller_pin = collect("PIN (caller)", "pin", "pin", 6, 7)
        not_found = play("not_found", number)

        def service(code, wrong_pin_target, extra):
            branches = {
                "served": identified,
                "wrong_pin": play("wrong_pin", wrong_pin_target),
                "no_pin": no_pin,
                "locked": locked,
                **extra,
            }
            return node(
                code,
                node_type="service",
                service_code=code,
                next_node_id=back.id,
                option_ids=[
                    (0, 0, {"outcome": outcome, "target_node_id": target.id})
                    for outcome, target in branches.items()
                ],
            )

        by_caller = service(
            "selfservice_login_caller",
            caller_pin,
            {
                "several": play("several", number),
                "not_found": number,
                "invalid": play("invalid", caller_pin),
            },
        )
        by_number = service(
            "selfservice_login",
            number_pin,
            {"not_found": not_found, "invalid": play("invalid", number)},
        )
        for step, after in (
            (number, number_pin),
            (number_pin, by_number),
            (caller_pin, by_caller),
        ):
            step.write({"next_node_id": after.id, "on_fail_node_id": back.id})
        flow.start_node_id = node(
            "Known caller?",
            sequence=1,
            node_type="condition",
            condition_type="known_caller",
            then_node_id=caller_pin.id,
            else_node_id=number.id,
        )
        flow.action_publish()
        return flow

    @classmethod
    def _transfer_tail(cls, flow, node):
        return node("To an agent", node_type="transfer", queue_id=cls.queue.id)

    @classmethod
    def _pin_change_tail(cls, flow, node):
        end = node("End", node_type="hangup", sequence=99)
        results = {
            code: node(
                code,
                node_type="play",
                prompt_id=cls.prompts[prompt].id,
                next_node_id=end.id,
            )
            for code, prompt in (
                ("served", "pin_changed"),
                ("mismatch", "pin_mismatch"),
                ("weak", "pin_weak"),
                ("invalid", "invalid"),
                ("not_identified", "not_found"),
            )
        }
        change = node(
            "Change the PIN",
            node_type="service",
            service_code="pin_change",
            next_node_id=end.id,
            option_ids=[
                (0, 0, {"outcome": code, "target_node_id": target.id})
                for code, target in results.items()
            ],
        )
        again = node(
            "New PIN again",
            node_type="collect",
            prompt_id=cls.prompts["new_pin_again"].id,
            terminator="#",
            min_digits=1,
            max_digits=10,
            variable_name="new_pin_again",
            next_node_id=change.id,
            on_fail_node_id=end.id,
        )
        return node(
            "New PIN",
            node_type="collect",
            prompt_id=cls.prompts["new_pin"].id,
            terminator="#",
            min_digits=1,
            max_digits=10,
            variable_name="new_pin",
            next_node_id=again.id,
            on_fail_node_id=end.id,
        )

    @classmethod
    def _make_main_flow(cls, did, tail):
        main = cls.env["hotline.ivr.flow"].create(
            {
                "name": f"Gas line {did}",
                "lang_en_us": True,
                "fallback_type": "queue",
                "fallback_queue_id": cls.queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]

        def node(name, **vals):
            return Node.create(
                dict({"flow_id": main.id, "name": name, "sequence": 10}, **vals)
            )

        after = tail(main, node)
        main.start_node_id = Node.create(
            {
                "flow_id": main.id,
                "name": "Login",
                "node_type": "subflow",
                "subflow_id": cls.subflow.id,
                "next_node_id": after.id,
                "sequence": 1,
            }
        )
        main.action_publish()
        cls.env["hotline.did"].create(
            {"number": did, "kind": "400", "flow_id": main.id}
        )

    def setUp(self):
        super().setUp()
        self.server = start_fastagi(self)
        self.Transaction = self.env["hotline.selfservice.transaction"]

    def sim(self, dtmf, caller=UNKNOWN, did=DID):
        return AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={did}",
            caller=caller,
            did=did,
            dtmf=dtmf,
            variables={"QUEUESTATUS": "CONTINUE"},
        )

    def run_sim(self, sim):
        self.env.flush_all()  # the handler reads the database, not this cache
        sim.run()
        self.env.invalidate_all()
        return sim

    def call(self, dtmf, caller=UNKNOWN, did=DID):
        return self.run_sim(self.sim(dtmf, caller, did))

    def logins(self, sim):
        return self.Transaction.search(
            [("linkedid", "=", sim.uniqueid), ("service", "=", "login")], order="id"
        )

    # -- customer number + PIN ------------------------------------------------
    def test_customer_number_and_good_pin(self):
        sim = self.call("9001#" + PIN + "#")
        self.assertEqual(
            heard(sim), [said("customer_number"), said("pin"), said("identified")]
        )
        login = self.logins(sim)
        self.assertEqual(login.mapped("outcome"), ["served"])
        self.assertEqual(login.partner_id, self.customer)
        self.assertEqual(login.caller, UNKNOWN)
        self.assertEqual(
            self.Transaction._hotline_authenticated_partner({"linkedid": sim.uniqueid}),
            self.customer,
        )
        self.assertNotIn(PIN, login.detail or "")

    def test_wrong_pin_then_retry(self):
        sim = self.call("9001#111112#" + PIN + "#")
        self.assertEqual(
            heard(sim),
            [
                said("customer_number"),
                said("pin"),
                said("wrong_pin"),
                said("pin"),
                said("identified"),
            ],
        )
        self.assertEqual(self.logins(sim).mapped("outcome"), ["wrong_pin", "served"])
        # a good PIN clears the customer's count
        row = self.env["hotline.attempt.limit"].search(
            [("key", "=", f"pin_customer:{self.customer.id}")]
        )
        self.assertEqual(row.failures, 0)

    def test_no_pin_says_how_to_get_one(self):
        sim = self.call("9002#" + PIN + "#")
        self.assertEqual(heard(sim)[-1], said("no_pin"))
        self.assertEqual(self.logins(sim).mapped("outcome"), ["no_pin"])
        self.assertEqual(self.logins(sim).partner_id, self.no_pin)

    def test_unknown_customer_number(self):
        sim = self.call("8888#" + PIN + "#")
        self.assertEqual(
            heard(sim)[:4],
            [
                said("customer_number"),
                said("pin"),
                said("not_found"),
                said("customer_number"),
            ],
        )
        self.assertEqual(self.logins(sim)[:1].mapped("outcome"), ["not_found"])
        self.assertFalse(self.logins(sim).partner_id)

    def test_non_digits_are_refused(self):
        # the collect node refuses "*" before any service runs
        sim = self.call("90*1#9001#" + PIN + "#")
        self.assertEqual(
            heard(sim)[:3],
            [said("customer_number"), said("invalid"), said("customer_number")],
        )
        self.assertEqual(self.logins(sim).mapped("outcome"), ["served"])
        # the service itself: non-digits, too long, a short PIN
        Flow = self.env["hotline.ivr.flow"]
        for variables in (
            {"customer_number": "90a1", "pin": PIN},
            {"customer_number": "9" * 21, "pin": PIN},
            {"customer_number": "9001", "pin": "12345"},
            {"customer_number": "9001", "pin": "1234567"},
        ):
            with self.subTest(variables=variables):
                result = Flow._hotline_ivr_selfservice_login(
                    {"caller": UNKNOWN, "linkedid": "x.1", "variables": variables}
                )
                self.assertEqual(result["outcome"], "invalid")
        self.assertEqual(
            set(self.Transaction.search([("linkedid", "=", "x.1")]).mapped("outcome")),
            {"invalid"},
        )

    # -- calling number + PIN -------------------------------------------------
    def test_calling_number_and_pin(self):
        sim = self.call(PIN + "#", caller="13900009001")
        self.assertEqual(heard(sim), [said("pin"), said("identified")])
        self.assertEqual(self.logins(sim).partner_id, self.customer)

    def test_several_customers_on_the_number_ask_the_customer_number(self):
        sim = self.call(f"{PIN}#9004#{PIN}#", caller="13900009999")
        self.assertEqual(
            heard(sim),
            [
                said("pin"),
                said("several"),
                said("customer_number"),
                said("pin"),
                said("identified"),
            ],
        )
        self.assertEqual(self.logins(sim).mapped("outcome"), ["several", "served"])
        self.assertEqual(self.logins(sim)[-1].partner_id, self.shared[1])

    # -- lockouts -------------------------------------------------------------
    @mute_logger(PARTNER_LOGGER)  # the lock is a warning in the log
    def test_five_wrong_pins_lock_the_customer_for_fifteen_minutes(self):
        start = datetime(2026, 11, 2, 2, 0, 0)
        with freeze_time(start, tick=True):
            # 2 + 2 wrong PINs from two numbers, then the fifth locks
            for caller in ("13600000001", "13600000002"):
                sim = self.call("9001#000001#000002#", caller=caller)
                self.assertEqual(
                    self.logins(sim).mapped("outcome"), ["wrong_pin", "wrong_pin"]
                )
            sim = self.call("9001#000003#", caller="13600000003")
            self.assertEqual(heard(sim)[-1], said("locked"))
            self.assertEqual(self.logins(sim).mapped("outcome"), ["wrong_pin"])
            # the right PIN from any number is refused while locked
            sim = self.call("9001#" + PIN + "#", caller="13600000004")
            self.assertEqual(heard(sim)[-1], said("locked"))
            self.assertEqual(self.logins(sim).mapped("outcome"), ["locked"])
            self.assertFalse(
                self.Transaction._hotline_authenticated_partner(
                    {"linkedid": sim.uniqueid}
                )
            )
            self.assertAlmostEqual(
                self.customer.hotline_pin_locked_until,
                start + timedelta(minutes=15),
                delta=timedelta(minutes=1),
                msg="locked 15 minutes from the fifth wrong PIN",
            )
            self.assertIn(
                "locked until",
                self.customer.message_ids[:1].body,
                "the lock is said on the customer",
            )
        with freeze_time(start + timedelta(minutes=14), tick=True):
            sim = self.call("9001#" + PIN + "#", caller="13600000004")
            self.assertEqual(heard(sim)[-1], said("locked"))
        with freeze_time(start + timedelta(minutes=16), tick=True):
            sim = self.call("9001#" + PIN + "#", caller="13600000004")
            self.assertEqual(heard(sim)[-1], said("identified"))
            self.customer.invalidate_recordset()
            self.assertFalse(self.customer.hotline_pin_locked_until)

    @mute_logger(PARTNER_LOGGER)
    def test_ten_wrong_pins_from_one_number_lock_the_number(self):
        Partner = self.env["res.partner"]
        others = Partner.create(
            [
                {
                    "name": f"客户{n}",
                    "hotline_is_customer": True,
                    "hotline_customer_number": f"BJ0000910{n}",
                }
                for n in range(3)
            ]
        )
        others._hotline_demo_set_pins(PIN)  # one hash for the three
        caller = "13600000009"
        start = datetime(2026, 11, 2, 3, 0, 0)
        with freeze_time(start, tick=True):
            # 4 + 4 + 2 wrong PINs on three customers: none of them is locked
            for customer, wrong in zip(others, (4, 4, 2), strict=True):
                number = customer.hotline_customer_number[2:].lstrip("0")
                dtmf = f"{number}#" + "".join(f"00000{n}#" for n in range(wrong))
                sim = self.call(dtmf, caller=caller)
            self.assertEqual(heard(sim)[-1], said("locked"))
            self.assertFalse(others.filtered("hotline_pin_locked_until"))
            # the number is locked, even with the right PIN of another customer
            sim = self.call("9001#" + PIN + "#", caller=caller)
            self.assertEqual(heard(sim)[-1], said("locked"))
            # another number is not
            sim = self.call("9001#" + PIN + "#", caller="13600000010")
            self.assertEqual(heard(sim)[-1], said("identified"))
        row = self.env["hotline.attempt.limit"].search(
            [("key", "=", f"pin_caller:{caller}")]
        )
        self.assertEqual(row.failures, 10)
        self.assertAlmostEqual(
            row.blocked_until, start + timedelta(minutes=15), delta=timedelta(minutes=1)
        )
        wrong = self.Transaction.search(
            [("caller", "=", caller), ("outcome", "=", "wrong_pin")]
        )
        self.assertEqual(len(wrong), 10, "every attempt is a transaction")
        with freeze_time(start + timedelta(minutes=16), tick=True):
            sim = self.call("9001#" + PIN + "#", caller=caller)
            self.assertEqual(heard(sim)[-1], said("identified"))

    # -- PIN change -----------------------------------------------------------
    def test_pin_change_after_login(self):
        for n, (dtmf, outcome, prompt) in enumerate(
            (
                ("123456#123456#", "weak", "pin_weak"),
                ("246810#246811#", "mismatch", "pin_mismatch"),
                ("2468#2468#", "invalid", "invalid"),
                ("246810#246810#", "served", "pin_changed"),
            )
        ):
            with self.subTest(outcome=outcome):
                sim = self.call(
                    "9001#" + PIN + "#" + dtmf,
                    did=DID_PIN_CHANGE,
                    caller=f"1360001{n:04d}",
                )
                self.assertEqual(heard(sim)[-1], said(prompt))
                change = self.Transaction.search(
                    [("linkedid", "=", sim.uniqueid), ("service", "=", "pin_change")]
                )
                self.assertEqual(
                    change.outcome, "served" if outcome == "served" else "invalid"
                )
        self.assertTrue(self.customer._hotline_check_pin("246810"))
        self.assertFalse(self.customer._hotline_check_pin(PIN))
        # without a login in the call: not identified, nothing changed
        variables = {"new_pin": "975310", "new_pin_again": "975310"}
        result = self.env["hotline.ivr.flow"]._hotline_ivr_pin_change(
            {"caller": UNKNOWN, "linkedid": "x.2", "variables": variables}
        )
        self.assertEqual(result["outcome"], "not_identified")
        change = self.Transaction.search([("linkedid", "=", "x.2")])
        self.assertEqual(change.outcome, "not_identified")
        self.assertTrue(self.customer._hotline_check_pin("246810"))

    # -- how the caller left --------------------------------------------------
    def test_transfer_after_self_service_is_said(self):
        sim = self.sim("9001#" + PIN + "#")
        call = self.env["hotline.call"].create(
            {"linkedid": sim.uniqueid, "caller_number": UNKNOWN}
        )
        self.run_sim(sim)
        self.assertEqual(call.queue_id, self.queue)
        login = self.logins(sim)
        self.assertEqual(login.outcome, "transferred")
        self.assertEqual(login.previous_outcome, "served")
        self.assertEqual(
            self.Transaction._hotline_authenticated_partner({"linkedid": sim.uniqueid}),
            self.customer,
        )

    def test_hang_up_after_self_service_is_said(self):
        sim = self.call("8888#" + PIN + "#9001#111112#")
        logins = self.logins(sim)
        self.assertEqual(logins.mapped("outcome"), ["not_found", "wrong_pin"])
        call = self.env["hotline.call"].create(
            {"linkedid": sim.uniqueid, "caller_number": UNKNOWN}
        )
        call.write({"disposition": "abandoned_ivr"})
        self.assertEqual(logins[-1].outcome, "hung_up")
        self.assertEqual(logins[0].outcome, "not_found", "only the last one")
        # once per call
        call.write({"disposition": "answered"})
        self.assertEqual(logins[-1].outcome, "hung_up")
        # the flow ended the call after the query: the caller is done too; a
        # call stored at its end (one ingest) counts as well
        sim = self.call("9001#" + PIN + "#")
        self.env["hotline.call"].create(
            {
                "linkedid": sim.uniqueid,
                "caller_number": UNKNOWN,
                "disposition": "ended_by_ivr",
            }
        )
        self.assertEqual(self.logins(sim).outcome, "hung_up")
        self.assertEqual(self.logins(sim).previous_outcome, "served")
