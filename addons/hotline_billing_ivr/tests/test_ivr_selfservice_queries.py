# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Self-service queries by phone: the simulator plays Asterisk's side of
FastAGI against the connector's IVR handler running the "Self-service queries"
sub-flow (as shipped in demo/hotline_ivr_selfservice_demo.xml) for a customer
who logged in (the call's ``login`` transaction), as
hotline_complaints/tests/test_ivr_case_query.py does for the case query."""

import logging

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import TransactionCase, tagged

from odoo.addons.hotline_callcenter.pbx.simulator.agi_caller import AgiCaller
from odoo.addons.hotline_callcenter.tests.ivr_common import start_fastagi

from ..tools import speller

_logger = logging.getLogger(__name__)
DID = "4008100177"
CALLER = "13910010001"
PROMPTS = (
    "selfservice_menu",
    "selfservice_invalid_input",
    "selfservice_enter_month",
    "selfservice_enter_usage_month",
    "selfservice_not_identified",
    "selfservice_no_arrears",
    "selfservice_no_bill",
    "selfservice_invalid_month",
    "selfservice_future_month",
    "selfservice_no_reading",
    "selfservice_no_credit",
)


def zh(*parts):
    """The sounds a Chinese caller hears for prompt codes and token lists."""
    tokens = []
    for part in parts:
        tokens += [part] if isinstance(part, str) else part
    return speller.sounds(tokens, "zh_CN")


@tagged("post_install", "-at_install")
class TestIvrSelfserviceQueries(TransactionCase):
    """As the connector: superuser, in the main company (its chart of
    accounts, the shipped prompts)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.prompts = {
            code: cls.env.ref(f"hotline_billing_ivr.hotline_ivr_prompt_{code}")
            for code in PROMPTS
        }
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Gas service", "code": "ss_service"}
        )
        cls.subflow = cls._make_selfservice_flow()
        main = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Gas line",
                "lang_en_us": True,
                "fallback_type": "queue",
                "fallback_queue_id": cls.queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]
        bye = Node.create(
            {"flow_id": main.id, "name": "Bye", "node_type": "hangup", "sequence": 2}
        )
        main.start_node_id = Node.create(
            {
                "flow_id": main.id,
                "name": "Self-service",
                "node_type": "subflow",
                "subflow_id": cls.subflow.id,
                "next_node_id": bye.id,
                "sequence": 1,
            }
        )
        main.action_publish()
        cls.main = main
        cls.env["hotline.did"].create(
            {"number": DID, "kind": "400", "flow_id": main.id}
        )
        cls.customer = cls.env["res.partner"].create({"name": "燃气用户王芳"})
        cls.contact = cls.env["res.partner"].create(
            {"name": "王芳（家）", "parent_id": cls.customer.id, "type": "invoice"}
        )
        cls.site = cls.env["hotline.service.site"].create(
            {
                "name": "朝阳区1号楼",
                "partner_id": cls.customer.id,
                "meter_number": "SS-M1",
            }
        )
        # the services' today: in the company's time zone
        cls.today = cls.env["hotline.ivr.flow"]._hotline_selfservice_today(cls.company)
        cls.this_month = cls.today.replace(day=1)
        cls.Transaction = cls.env["hotline.selfservice.transaction"]

    @classmethod
    def _make_selfservice_flow(cls):
        """The sub-flow as shipped in demo/hotline_ivr_selfservice_demo.xml."""
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Self-service queries",
                "is_subflow": True,
                "lang_en_us": True,
                "fallback_type": "queue",
                "fallback_queue_id": cls.queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]
        prompts = cls.prompts

        def node(name, **vals):
            return Node.create(dict(flow_id=flow.id, name=name, **vals))

        back = node("Back", node_type="return", sequence=90)
        menu = node(
            "Menu",
            node_type="menu",
            sequence=10,
            prompt_id=prompts["selfservice_menu"].id,
            invalid_prompt_id=prompts["selfservice_invalid_input"].id,
            on_fail_node_id=back.id,
        )

        def play(code, target):
            return node(
                code, node_type="play", prompt_id=prompts[code].id, next_node_id=target
            )

        plays = {
            "not_identified": play("selfservice_not_identified", back.id),
            "no_arrears": play("selfservice_no_arrears", menu.id),
            "no_bill": play("selfservice_no_bill", menu.id),
            "future_month": play("selfservice_future_month", menu.id),
            "no_reading": play("selfservice_no_reading", menu.id),
            "no_credit": play("selfservice_no_credit", menu.id),
        }

        def service(code, outcomes):
            return node(
                code,
                node_type="service",
                service_code=code,
                next_node_id=menu.id,
                option_ids=[
                    (0, 0, {"outcome": outcome, "target_node_id": target.id})
                    for outcome, target in outcomes.items()
                ],
            )

        common = {"not_identified": plays["not_identified"]}
        arrears = service("arrears", {"no_arrears": plays["no_arrears"], **common})
        last_bill = service("last_bill", {"no_bill": plays["no_bill"], **common})
        prepaid = service("prepaid", {"no_credit": plays["no_credit"], **common})
        month_bill = service("month_bill", {})
        usage = service("usage", {})
        collect = {
            "node_type": "collect",
            "terminator": "#",
            "invalid_prompt_id": prompts["selfservice_invalid_input"].id,
            "on_fail_node_id": menu.id,
        }
        bill_month = node(
            "Month of the bill",
            prompt_id=prompts["selfservice_enter_month"].id,
            min_digits=6,
            max_digits=6,
            variable_name="bill_month",
            next_node_id=month_bill.id,
            **collect,
        )
        usage_month = node(
            "Month of the gas use",
            prompt_id=prompts["selfservice_enter_usage_month"].id,
            min_digits=1,
            max_digits=6,
            variable_name="usage_month",
            next_node_id=usage.id,
            **collect,
        )
        month_common = {
            "future_month": plays["future_month"],
            "not_identified": plays["not_identified"],
        }
        month_bill.option_ids = [
            (0, 0, {"outcome": outcome, "target_node_id": target.id})
            for outcome, target in {
                "no_bill": plays["no_bill"],
                "invalid_month": play("selfservice_invalid_month", bill_month.id),
                **month_common,
            }.items()
        ]
        usage.option_ids = [
            (0, 0, {"outcome": outcome, "target_node_id": target.id})
            for outcome, target in {
                "no_reading": plays["no_reading"],
                "invalid_month": play("selfservice_invalid_month", usage_month.id),
                **month_common,
            }.items()
        ]
        menu.option_ids = [
            (0, 0, {"digit": digit, "target_node_id": target.id})
            for digit, target in {
                "1": arrears,
                "2": last_bill,
                "3": bill_month,
                "4": usage_month,
                "5": prepaid,
                "0": back,
            }.items()
        ]
        flow.start_node_id = menu
        flow.action_publish()
        return flow

    def setUp(self):
        super().setUp()
        self.server = start_fastagi(self)

    # -- helpers --------------------------------------------------------------------
    def month(self, months_ago):
        return self.this_month - relativedelta(months=months_ago)

    def bill(self, month, amount, due=None, partner=None):
        """A posted gas bill dated the 5th of ``month``, due ``due`` (default
        the 25th)."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_date": month.replace(day=5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "管道天然气费",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.invoice_date_due = due or month.replace(day=25)
        move.action_post()
        return move

    def pay(self, amount, invoice=None, partner=None):
        """A payment, matched to ``invoice`` or left unallocated (credit)."""
        if invoice:
            return (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create({"amount": amount, "payment_date": self.today})
                ._create_payments()
            )
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": (partner or self.customer).id,
                "amount": amount,
                "date": self.today,
            }
        )
        payment.action_post()
        return payment

    def reading(self, month, consumption, invoice=None, state="accepted"):
        return self.env["hotline.meter.reading"].create(
            {
                "site_id": self.site.id,
                "month": month,
                "previous_value": 1000.0,
                "value": 1000.0 + consumption,
                "invoice_id": invoice.id if invoice else False,
                "state": state,
            }
        )

    def request(self, language="zh_CN", linkedid="ss-test.1", **variables):
        return {
            "caller": CALLER,
            "did": DID,
            "language": language,
            "linkedid": linkedid,
            "flow_id": self.main.id,
            "variables": variables,
        }

    def login(self, linkedid, partner=None):
        self.Transaction._hotline_log(
            {"caller": CALLER, "linkedid": linkedid},
            "login",
            "served",
            partner or self.customer,
        )

    def call(self, dtmf, logged_in=True):
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            caller=CALLER,
            did=DID,
            dtmf=dtmf,
        )
        if logged_in:  # the login sub-flow ran before, in the same call
            self.login(sim.uniqueid)
        self.env.flush_all()  # the handler reads the database, not this cache
        sim.run()
        self.env.invalidate_all()
        sim.linkedid = sim.uniqueid
        return sim

    @staticmethod
    def heard(sim):
        """Prompts played, and the list of sounds of each Playback."""
        out = []
        for command in sim.commands:
            if command.startswith(("STREAM FILE", "GET DATA")):
                out.append(command.split()[2])
            elif command.startswith("EXEC Playback"):
                out.append(command.split(None, 2)[2].strip('"').split("&"))
        return out

    def transactions(self, sim):
        return self.Transaction.search([("linkedid", "=", sim.linkedid)])

    def said(self, sim):
        """The figures said (the services' Playbacks)."""
        return [item for item in self.heard(sim) if isinstance(item, list)]

    # -- arrears ----------------------------------------------------------------------
    def test_arrears_two_unpaid_months_and_a_partial_payment(self):
        m3, m2 = self.month(3), self.month(2)
        first = self.bill(m3, 100.0)
        self.bill(m2, 23.4)
        self.bill(self.this_month, 50.0, due=self.today + relativedelta(days=20))
        sim = self.call("10")
        self.assertEqual(
            self.said(sim),
            [
                zh(
                    "selfservice_arrears_months",
                    speller.months([m3, m2]),
                    "selfservice_total",
                    speller.amount("123.40"),
                )
            ],
        )
        # back in the menu, 0: back to the main flow, which hangs up
        heard = self.heard(sim)
        self.assertEqual(heard[0], "hotline/zh_CN/selfservice_menu")
        self.assertEqual(heard[-1], "hotline/zh_CN/selfservice_menu")
        self.assertIn("HANGUP", sim.commands[-1])
        logged = self.transactions(sim).filtered(lambda t: t.service == "arrears")
        self.assertEqual(logged.outcome, "served")
        self.assertEqual(logged.partner_id, self.customer)
        self.assertEqual(logged.company_id, self.company)
        self.assertEqual(logged.detail, "123.40")
        # the same figure as the customer's form
        self.assertEqual(
            self.customer.with_company(self.company).sudo().hotline_amount_overdue,
            123.4,
        )
        # a partial payment of the oldest bill: both months still owed
        self.pay(30.0, invoice=first)
        sim = self.call("10")
        self.assertEqual(
            self.said(sim),
            [
                zh(
                    "selfservice_arrears_months",
                    speller.months([m3, m2]),
                    "selfservice_total",
                    speller.amount("93.40"),
                )
            ],
        )
        # the oldest one paid off: one month left
        self.pay(70.0, invoice=first)
        sim = self.call("10")
        self.assertEqual(
            self.said(sim)[0][: 1 + len(speller.months([m2]))],
            zh("selfservice_arrears_months", speller.months([m2])),
        )

    def test_no_arrears_and_credit_covering_them(self):
        sim = self.call("10")
        self.assertIn("hotline/zh_CN/selfservice_no_arrears", self.heard(sim))
        self.assertFalse(self.said(sim))
        self.assertEqual(self.transactions(sim)[:1].outcome, "served")
        # a bill not yet due is no arrears
        self.bill(self.this_month, 80.0, due=self.today + relativedelta(days=10))
        sim = self.call("10")
        self.assertIn("hotline/zh_CN/selfservice_no_arrears", self.heard(sim))
        # an overdue bill, then a payment not matched to it covering it
        self.bill(self.month(2), 60.0)
        self.assertEqual(
            self.env["hotline.ivr.flow"]._hotline_ivr_arrears(self._logged_request())[
                "outcome"
            ],
            "in_arrears",
        )
        self.pay(60.0)
        sim = self.call("10")
        self.assertIn("hotline/zh_CN/selfservice_no_arrears", self.heard(sim))

    def _logged_request(self, **kw):
        request = self.request(**kw)
        if not self.Transaction._hotline_authenticated_partner(request):
            self.login(request["linkedid"])
        return request

    # -- not identified ---------------------------------------------------------------
    def test_every_query_needs_the_login(self):
        self.bill(self.month(2), 10.0)
        for dtmf in ("1", "2", "3" + self.month(2).strftime("%Y%m"), "40#", "5"):
            sim = self.call(dtmf, logged_in=False)
            heard = self.heard(sim)
            self.assertEqual(
                heard[-1], "hotline/zh_CN/selfservice_not_identified", dtmf
            )
            self.assertFalse(self.said(sim), dtmf)
            (logged,) = self.transactions(sim)
            self.assertEqual(logged.outcome, "not_identified")
            self.assertFalse(logged.partner_id)
        # a login of another call does not count
        self.login("another-call")
        Flow = self.env["hotline.ivr.flow"]
        for method in (
            Flow._hotline_ivr_arrears,
            Flow._hotline_ivr_last_bill,
            Flow._hotline_ivr_month_bill,
            Flow._hotline_ivr_usage,
            Flow._hotline_ivr_prepaid,
        ):
            answer = method(self.request(linkedid="this-call"))
            self.assertEqual(answer, {"outcome": "not_identified", "play": []})

    # -- bills ------------------------------------------------------------------------
    def test_last_bill_with_consumption_due_date_and_payment_state(self):
        due = self.today + relativedelta(days=15)
        self.bill(self.month(1), 70.0)
        bill = self.bill(self.this_month, 52.6, due=due)
        self.reading(self.this_month, 20.0, invoice=bill, state="invoiced")
        head = zh(
            "selfservice_bill_intro",
            speller.months([self.this_month]),
            "selfservice_bill_amount",
            speller.amount("52.60"),
            "selfservice_bill_usage",
            speller.quantity(20),
            "selfservice_bill_due",
            speller.date(due),
        )
        sim = self.call("20")
        self.assertEqual(
            self.said(sim), [head + zh("selfservice_bill_unpaid")], "not paid"
        )
        self.pay(20.0, invoice=bill)
        sim = self.call("20")
        self.assertEqual(
            self.said(sim),
            [head + zh("selfservice_bill_partial", speller.amount("32.60"))],
        )
        logged = self.transactions(sim).filtered(lambda t: t.service == "last_bill")
        self.assertEqual(
            (logged.outcome, logged.detail),
            ("served", bill.invoice_date.strftime("%Y%m")),
        )
        self.pay(32.6, invoice=bill)
        sim = self.call("20")
        self.assertEqual(self.said(sim), [head + zh("selfservice_bill_paid")])

    def test_last_bill_none(self):
        sim = self.call("20")
        self.assertIn("hotline/zh_CN/selfservice_no_bill", self.heard(sim))
        logged = self.transactions(sim).filtered(lambda t: t.service == "last_bill")
        self.assertEqual(logged.outcome, "not_found")
        # a bill of another customer is not theirs
        other = self.env["res.partner"].create({"name": "其他用户"})
        self.bill(self.month(1), 12.0, partner=other)
        sim = self.call("20")
        self.assertIn("hotline/zh_CN/selfservice_no_bill", self.heard(sim))

    def test_bill_of_a_month(self):
        month = self.month(2)
        # addressed to the customer's invoicing contact: still theirs
        bill = self.bill(month, 1005.5, partner=self.contact)
        self.bill(self.month(1), 9.0)
        typed = month.strftime("%Y%m")
        sim = self.call("3" + typed + "0")
        self.assertEqual(
            self.said(sim),
            [
                zh(
                    "selfservice_bill_intro",
                    speller.months([month]),
                    "selfservice_bill_amount",
                    ["say_1", "say_1000", "say_0", "say_5", "say_yuan"]
                    + ["say_5", "say_jiao"],
                    "selfservice_bill_due",
                    speller.date(bill.invoice_date_due),
                    "selfservice_bill_unpaid",
                )
            ],
        )
        logged = self.transactions(sim).filtered(lambda t: t.service == "month_bill")
        self.assertEqual((logged.outcome, logged.detail), ("served", typed))

    def test_bill_month_bad_input(self):
        self.bill(self.month(2), 10.0)
        future = self.month(-2).strftime("%Y%m")
        cases = {
            # 13th month, then a good month: the caller is asked again
            f"3201313{self.month(2).strftime('%Y%m')}0": (
                "selfservice_invalid_month",
                "invalid",
            ),
            f"3{future}0": ("selfservice_future_month", "invalid"),
            "3199912": ("selfservice_invalid_month", "invalid"),
            "32000010": ("selfservice_no_bill", "not_found"),
        }
        for dtmf, (prompt, outcome) in cases.items():
            sim = self.call(dtmf)
            self.assertIn(f"hotline/zh_CN/{prompt}", self.heard(sim), dtmf)
            logged = self.transactions(sim).filtered(
                lambda t: t.service == "month_bill"
            )
            self.assertEqual(logged[-1:].outcome, outcome, dtmf)
        # the retry after the 13th month found the bill
        sim = self.call(f"3201313{self.month(2).strftime('%Y%m')}0")
        heard = self.heard(sim)
        invalid = heard.index("hotline/zh_CN/selfservice_invalid_month")
        self.assertEqual(heard[invalid + 1], "hotline/zh_CN/selfservice_enter_month")
        self.assertEqual(len(self.said(sim)), 1)
        # letters, too short, too long: only through another channel than DTMF
        Flow = self.env["hotline.ivr.flow"]
        for typed in ("2026ab", "20269", "2026091", "", "202600", " 2026-9"):
            answer = Flow._hotline_ivr_month_bill(
                self._logged_request(bill_month=typed)
            )
            self.assertEqual(answer["outcome"], "invalid_month", typed)
            self.assertFalse(answer["play"])

    # -- usage ------------------------------------------------------------------------
    def test_usage_of_a_month_with_last_year(self):
        last = self.month(1)
        self.reading(last, 31.25)
        self.reading(last - relativedelta(years=1), 28.0)
        self.reading(self.month(2), 999.0, state="to_check")  # not counted
        self.reading(self.month(3), 12.0)
        # 0#: last month
        sim = self.call("40#0")
        self.assertEqual(
            self.said(sim),
            [
                zh(
                    "selfservice_usage_intro",
                    speller.months([last]),
                    "selfservice_usage_is",
                    speller.quantity("31.25"),
                    "selfservice_usage_last_year",
                    speller.quantity(28),
                )
            ],
        )
        # a month without last year's reading
        sim = self.call("4" + self.month(3).strftime("%Y%m") + "0")
        self.assertEqual(
            self.said(sim),
            [
                zh(
                    "selfservice_usage_intro",
                    speller.months([self.month(3)]),
                    "selfservice_usage_is",
                    speller.quantity(12),
                )
            ],
        )
        # a reading to check is no usage yet
        sim = self.call("4" + self.month(2).strftime("%Y%m") + "0")
        self.assertIn("hotline/zh_CN/selfservice_no_reading", self.heard(sim))
        self.assertFalse(self.said(sim))
        logged = self.transactions(sim).filtered(lambda t: t.service == "usage")
        self.assertEqual(logged.outcome, "not_found")
        # bad months
        sim = self.call("4" + self.month(-2).strftime("%Y%m") + "0")
        self.assertIn("hotline/zh_CN/selfservice_future_month", self.heard(sim))
        sim = self.call("4202600" + "0#0")
        heard = self.heard(sim)
        self.assertIn("hotline/zh_CN/selfservice_invalid_month", heard)
        self.assertEqual(len(self.said(sim)), 1, "then last month")

    # -- prepaid ----------------------------------------------------------------------
    def test_prepaid_balance(self):
        sim = self.call("50")
        self.assertIn("hotline/zh_CN/selfservice_no_credit", self.heard(sim))
        self.pay(200.0)
        self.bill(self.month(1), 50.0)  # owed, not matched: still credit
        sim = self.call("50")
        self.assertEqual(
            self.said(sim), [zh("selfservice_prepaid_is", speller.amount(200))]
        )
        logged = self.transactions(sim).filtered(lambda t: t.service == "prepaid")
        self.assertEqual((logged.outcome, logged.detail), ("served", "200.00"))

    # -- language, registration, speed ------------------------------------------------
    def test_english_caller_hears_english_figures(self):
        self.bill(self.month(2), 1005.5)
        answer = self.env["hotline.ivr.flow"]._hotline_ivr_arrears(
            self._logged_request(language="en_US")
        )
        self.assertEqual(
            answer["play"],
            [
                {
                    "sounds": speller.sounds(
                        ["selfservice_arrears_months"]
                        + speller.months([self.month(2)], "en_US")
                        + ["selfservice_total"]
                        + speller.amount("1005.50", "en_US"),
                        "en_US",
                    )
                }
            ],
        )
        self.assertTrue(
            all(s.startswith("hotline/en_US/") for s in answer["play"][0]["sounds"])
        )

    def test_registered_services_and_outcomes(self):
        Flow = self.env["hotline.ivr.flow"]
        services = Flow._hotline_ivr_services()
        outcomes = Flow._hotline_ivr_service_outcomes()
        for code in ("arrears", "last_bill", "month_bill", "usage", "prepaid"):
            self.assertIn(code, services)
            self.assertIn("not_identified", dict(outcomes[code]))
        self.assertIn("invalid_month", dict(outcomes["month_bill"]))
        self.assertIn("future_month", dict(outcomes["usage"]))

    def test_query_counts(self):
        """Few queries whatever the number of bills: no per-line ORM loops."""
        for months_ago in range(12, 0, -1):
            bill = self.bill(self.month(months_ago), 40.0 + months_ago)
            if months_ago > 3:
                self.pay(bill.amount_total, invoice=bill)
        self.pay(15.0)
        self.reading(self.month(1), 10.0)
        self.reading(self.month(13), 9.0)
        Flow = self.env["hotline.ivr.flow"]
        request = self._logged_request()
        bill_request = self._logged_request(bill_month=self.month(2).strftime("%Y%m"))
        # what a call costs: the connector gives each service a new cursor
        expected = {
            "arrears": 7,
            "last_bill": 8,
            "month_bill": 7,
            "usage": 7,
            "prepaid": 7,
        }
        for service, req in (
            ("arrears", request),
            ("last_bill", request),
            ("month_bill", bill_request),
            ("usage", request),
            ("prepaid", request),
        ):
            self.env.flush_all()
            self.env.invalidate_all()
            self.cr.cache.pop("hotline_selfservice_company", None)
            with self.assertQueryCount(expected[service]):
                answer = getattr(Flow, f"_hotline_ivr_{service}")(req)
            self.assertTrue(answer["play"], service)
        _logger.info("self-service queries, queries per call: %s", expected)
