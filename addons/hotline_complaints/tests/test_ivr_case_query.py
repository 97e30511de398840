# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Result query by phone: the simulator plays Asterisk's side of FastAGI
against the connector's IVR handler running the "Case result query" sub-flow
(case number + # , query code, the case_query business query, the step's
prompt), as in ``hotline_callcenter/tests/test_ivr_backend.py``."""

from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.hotline_callcenter.pbx.simulator.agi_caller import AgiCaller
from odoo.addons.hotline_callcenter.tests.ivr_common import start_fastagi

from .common import CaseCommon

ENGINE_LOGGER = "odoo.addons.hotline_callcenter.pbx.ivr_engine"
DID = "4008765432"
CALLER = "13700000001"
PROMPTS = (
    "number",
    "code",
    "invalid",
    "received",
    "in_progress",
    "replied",
    "closed",
    "not_found",
    "locked",
)


@tagged("post_install", "-at_install")
class TestIvrCaseQuery(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.prompts = {
            code: cls.env.ref(
                f"hotline_complaints.hotline_ivr_prompt_case_query_{code}"
            )
            for code in PROMPTS
        }
        cls.queue = cls.env["hotline.queue"].create(
            {"name": "Complaints", "code": "cq_complaints"}
        )
        cls.fallback_queue = cls.env["hotline.queue"].create(
            {"name": "Duty", "code": "cq_duty"}
        )
        cls.subflow = cls._make_case_query_flow()
        main = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Complaint line",
                "lang_en_us": True,
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
                "name": "Result query",
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
    def _make_case_query_flow(cls):
        """The sub-flow as shipped in demo/hotline_ivr_case_query_demo.xml."""
        flow = cls.env["hotline.ivr.flow"].create(
            {
                "name": "Case result query",
                "is_subflow": True,
                "lang_en_us": True,
                "fallback_type": "queue",
                "fallback_queue_id": cls.fallback_queue.id,
            }
        )
        Node = cls.env["hotline.ivr.node"]

        def node(name, **vals):
            return Node.create(dict(flow_id=flow.id, name=name, **vals))

        back = node("Back", node_type="return", sequence=90)
        plays = {
            code: node(
                code,
                node_type="play",
                prompt_id=cls.prompts[code].id,
                next_node_id=back.id,
            )
            for code in ("received", "in_progress", "replied", "closed")
            + ("not_found", "locked")
        }
        query = node(
            "Query the case",
            node_type="service",
            sequence=30,
            service_code="case_query",
            next_node_id=plays["not_found"].id,
            option_ids=[
                (0, 0, {"outcome": f"found_{code}", "target_node_id": plays[code].id})
                for code in ("received", "in_progress", "replied", "closed")
            ]
            + [
                (0, 0, {"outcome": code, "target_node_id": plays[code].id})
                for code in ("not_found", "locked")
            ],
        )
        collect = {
            "node_type": "collect",
            "terminator": "#",
            "invalid_prompt_id": cls.prompts["invalid"].id,
            "on_fail_node_id": back.id,
        }
        code = node(
            "Query code",
            sequence=20,
            prompt_id=cls.prompts["code"].id,
            min_digits=6,
            max_digits=6,
            variable_name="query_code",
            next_node_id=query.id,
            **collect,
        )
        flow.start_node_id = node(
            "Case number",
            sequence=10,
            prompt_id=cls.prompts["number"].id,
            max_digits=20,
            variable_name="case_number",
            next_node_id=code.id,
            **collect,
        )
        flow.action_publish()
        return flow

    def setUp(self):
        super().setUp()
        self.server = start_fastagi(self)

    def call(self, dtmf, caller=CALLER):
        sim = AgiCaller(
            "127.0.0.1",
            self.server.port,
            script=f"ivr?did={DID}",
            caller=caller,
            did=DID,
            dtmf=dtmf,
            variables={"QUEUESTATUS": "CONTINUE"},
        )
        self.env.flush_all()  # the handler reads the database, not this cache
        sim.run()
        self.env.invalidate_all()
        return sim

    @staticmethod
    def heard(sim):
        """Prompts played and digits said, in order: ``digits:<language>:123``
        for the shipped digit prompts (hotline/<language>/digit_N)."""
        out = []
        for command in sim.commands:
            if command.startswith(("STREAM FILE", "GET DATA")):
                out.append(command.split()[2])
            elif command.startswith("SAY DIGITS"):
                out.append("digits:asterisk:" + command.split()[2])
            elif command.startswith("EXEC Playback"):
                files = command.split(None, 2)[2].strip('"').split("&")
                langs = {f.split("/")[1] for f in files}
                digits = "".join(f.rsplit("_", 1)[1] for f in files)
                out.append(f"digits:{','.join(sorted(langs))}:{digits}")
        return out

    @staticmethod
    def queued(sim):
        return [app for app in sim.executed if app[0] != "Playback"]

    @staticmethod
    def typed(case):
        """The case number as a caller types it: HT00012 -> 12#."""
        return str(int("".join(c for c in case.number if c.isdigit()))) + "#"

    def set_state(self, case, state):
        case = case.sudo()
        case.stage_id = case._hotline_stage(state)
        self.assertEqual(case.hotline_state, state)

    def test_good_number_and_code_hear_the_step(self):
        case = self.new_case()
        code = case.sudo().query_code
        digits = "".join(c for c in case.number if c.isdigit())
        for state, group in (
            ("new", "received"),
            ("dispatched", "in_progress"),
            ("instruction", "in_progress"),
            ("replied", "replied"),
            ("callback", "replied"),
            ("closed", "closed"),
        ):
            self.set_state(case, state)
            sim = self.call(self.typed(case) + code)
            self.assertEqual(
                self.heard(sim),
                [
                    "hotline/zh_CN/case_query_number",
                    "hotline/zh_CN/case_query_code",
                    "hotline/zh_CN/case_query_result",
                    f"digits:zh_CN:{digits}",
                    f"hotline/zh_CN/case_query_{group}",
                ],
                state,
            )
            # back in the main flow: on to an agent
            self.assertEqual(self.queued(sim), [("Queue", "cq_complaints,ct")])
        # one counter row per key: right answers count no failure
        attempts = self.env["hotline.attempt.limit"].sudo()
        self.assertFalse(
            sum(
                attempts.search([("key", "=", f"case_query:caller:{CALLER}")]).mapped(
                    "failures"
                )
            )
        )

    def test_wrong_code_or_number_is_not_found(self):
        case = self.new_case()
        code = case.sudo().query_code
        wrong = f"{(int(code) + 1) % 10**6:06d}"
        for dtmf in (self.typed(case) + wrong, "999999999#" + code):
            sim = self.call(dtmf)
            self.assertEqual(
                self.heard(sim)[-1], "hotline/zh_CN/case_query_not_found", dtmf
            )
            self.assertNotIn("case_query_result", " ".join(self.heard(sim)))
            self.assertEqual(self.queued(sim), [("Queue", "cq_complaints,ct")])
        attempts = self.env["hotline.attempt.limit"].sudo()
        caller_row = attempts.search([("key", "=", f"case_query:caller:{CALLER}")])
        self.assertEqual(caller_row.failures, 2)

    def test_too_many_wrong_codes_from_one_caller_lock(self):
        cases = [self.new_case() for _i in range(6)]
        for case in cases[:5]:  # guessing codes, one case after the other
            sim = self.call(self.typed(case) + "000000")
            self.assertEqual(self.heard(sim)[-1], "hotline/zh_CN/case_query_not_found")
        good = cases[5]
        sim = self.call(self.typed(good) + good.sudo().query_code)
        self.assertEqual(self.heard(sim)[-1], "hotline/zh_CN/case_query_locked")
        self.assertNotIn("case_query_result", " ".join(self.heard(sim)))
        # another caller holding the code gets the result
        sim = self.call(self.typed(good) + good.sudo().query_code, caller="13911112222")
        self.assertEqual(self.heard(sim)[-1], "hotline/zh_CN/case_query_received")

    def test_english_caller_hears_english_prompts(self):
        case = self.new_case()
        self.set_state(case, "replied")
        self.subflow.action_draft()
        english = self.env["hotline.ivr.node"].create(
            {
                "flow_id": self.subflow.id,
                "name": "English",
                "node_type": "language",
                "language": "en_US",
                "next_node_id": self.subflow.start_node_id.id,
            }
        )
        self.subflow.start_node_id = english
        self.subflow.action_publish()
        sim = self.call(self.typed(case) + case.sudo().query_code)
        self.assertEqual(
            self.heard(sim)[-3:],
            [
                "hotline/en_US/case_query_result",
                "digits:en_US:" + "".join(c for c in case.number if c.isdigit()),
                "hotline/en_US/case_query_replied",
            ],
        )

    def test_service_error_goes_to_fallback(self):
        case = self.new_case()
        Ticket = type(self.env["helpdesk.ticket"])
        with (
            patch.object(
                Ticket,
                "hotline_query_result",
                side_effect=RuntimeError("query database unavailable"),
            ),
            self.assertLogs(ENGINE_LOGGER, "ERROR") as logs,
        ):
            sim = self.call(self.typed(case) + case.sudo().query_code)
        self.assertIn("query database unavailable", "\n".join(logs.output))
        self.assertEqual(self.queued(sim), [("Queue", "cq_duty,ct")])
        self.assertNotIn("HANGUP", sim.commands)

    def test_registered_service_and_validation(self):
        Flow = self.env["hotline.ivr.flow"]
        self.assertIn("case_query", Flow._hotline_ivr_services())
        self.assertIn(
            ("case_query", "Case result query"),
            self.env["hotline.ivr.node"]._selection_service_code(),
        )
        query = self.subflow.node_ids.filtered(lambda n: n.node_type == "service")
        self.assertIn("found_replied", query.service_outcomes)
        with self.assertRaisesRegex(
            ValidationError, "Query the case: the service Case result query has no "
        ):
            query.option_ids[:1].outcome = "found_lost"
        with self.assertRaisesRegex(ValidationError, "Query the case has no service"):
            query.service_code = False

    def test_case_number_typed_as_digits(self):
        case = self.new_case()
        Flow = self.env["hotline.ivr.flow"]
        digits = "".join(c for c in case.number if c.isdigit())
        self.assertEqual(Flow._hotline_ivr_case_number(digits), case.number)
        self.assertEqual(Flow._hotline_ivr_case_number(digits.lstrip("0")), case.number)
        self.assertEqual(Flow._hotline_ivr_case_number("0"), "0")
        self.assertEqual(Flow._hotline_ivr_case_number(""), "")
        # cases of another prefix (an earlier sequence) are found by suffix;
        # when two end with the digits typed, the one whose code was typed wins
        older = self.new_case()
        older.sudo().number = f"OLD-2025{digits}"
        twin = self.new_case()
        twin.sudo().number = f"X-2025{digits}"
        code = older.sudo().query_code
        typed = f"2025{digits}"
        self.assertEqual(Flow._hotline_ivr_case_number(typed, code), older.number)
        twin_code = twin.sudo().query_code
        self.assertEqual(Flow._hotline_ivr_case_number(typed, twin_code), twin.number)
        self.assertIn(
            Flow._hotline_ivr_case_number(typed, "x"), (older | twin).mapped("number")
        )
        sim = self.call(f"{typed}#{code}")
        self.assertEqual(self.heard(sim)[-1], "hotline/zh_CN/case_query_received")
        self.assertIn(f"digits:zh_CN:{typed}", self.heard(sim))
