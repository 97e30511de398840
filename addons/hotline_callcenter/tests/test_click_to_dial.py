# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket
import time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from ..pbx.simulator import AmiSimulator
from .common import SimulatorCommon

RESULT = "hotline/click_to_dial"


@tagged("post_install", "-at_install")
class TestClickToDial(SimulatorCommon):
    def _dial(self, number, user=None, **kwargs):
        Pbx = self.env["hotline.pbx"].with_user(user or self.agent)
        return Pbx.hotline_click_to_dial(number, **kwargs)

    def _bus_marker_now(self):
        self.env.cr.precommit.run()
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM bus_bus")
        self._bus_marker = self.env.cr.fetchone()[0]

    def _dial_result(self, worker, user=None):
        """The click-to-dial result the connector sent to ``user``."""
        user = user or self.agent
        self.assertTrue(
            worker.drain(until=lambda: self._bus_messages(user, RESULT), timeout=10),
            "no click-to-dial result reached the agent",
        )
        (payload,) = self._bus_messages(user, RESULT)
        return payload

    def test_agent_phone_first_then_customer(self):
        action = self._dial("+86 138-0013-8000", partner_id=self.customer.id)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            action["params"]["message"],
            "Dialling 13800138000: answer your phone when it rings, then the number "
            "is called.",
        )
        (originate,) = self._sent("Originate")
        self.assertEqual(originate.get("Channel"), "Local/8001@agents")
        self.assertEqual(originate.get("Context"), "click2dial")
        self.assertEqual(originate.get("Exten"), "13800138000")
        self.assertEqual(originate.get("Async"), "true")
        self.assertEqual(originate.get("Timeout"), "5000")
        # the connector finds the agent who dialled by the ActionID
        tag = self.env["hotline.pbx"]._hotline_action_tag()
        self.assertRegex(
            originate.get("ActionID"), rf"^hotline-c2d-{self.agent.id}-{tag}[0-9a-f]+$"
        )
        variables = originate.get_all("Variable")
        self.assertIn("__HOTLINE_AGENT=8001", variables)
        self.assertIn(f"__HOTLINE_PARTNER_ID={self.customer.id}", variables)
        self.assertTrue(any(v.startswith("__CRM_CALL_ID=odoo-u") for v in variables))

    def test_returns_before_the_pbx_rings_out(self):
        """A web request does not wait for the phones: with a PBX at real
        speed (customer rings 8 s, then no answer), the request returns as
        soon as Asterisk has queued the Originate."""
        sim = AmiSimulator(speed=1.0, auth_fail_delay=0).start()
        self.addCleanup(sim.stop)
        self.pbx.ami_port = sim.port
        start = time.monotonic()
        action = self._dial("13700137000")
        self.assertLess(time.monotonic() - start, 1.5)
        self.assertEqual(action["params"]["type"], "success")
        sent = [m.get("Action") for m in list(sim.actions_seen)]
        self.assertEqual(sent[:2], ["Login", "Originate"])

    def test_connector_reports_each_outcome(self):
        worker = self._worker()
        busy = "Asterisk could not place the call: your phone (8008) is busy"
        away = "Asterisk could not place the call: your phone (8009) did not answer"
        cases = [
            (
                "8001",
                "13800138000",
                "customer",
                "answered",
                "success",
                "13800138000 answered.",
            ),
            (
                "8001",
                "13900139000",
                "customer",
                "busy",
                "warning",
                "13900139000 is busy.",
            ),
            (
                "8001",
                "13700137000",
                "customer",
                "no_answer",
                "warning",
                "13700137000 did not answer.",
            ),
            ("8008", "13800138000", "agent", "busy", "warning", f"{busy} (reason 5)."),
            (
                "8009",
                "13800138000",
                "agent",
                "no_answer",
                "warning",
                f"{away} (reason 3).",
            ),
        ]
        for extension, number, leg, outcome, kind, message in cases:
            with self.subTest(number=number, extension=extension):
                self.agent.hotline_extension = extension
                self._dial(number)
                payload = self._dial_result(worker)
                self.assertEqual(payload["leg"], leg)
                self.assertEqual(payload["outcome"], outcome)
                self.assertEqual(payload["type"], kind)
                self.assertEqual(payload["message"], message)
                self.assertEqual(payload["title"], "Click-to-dial")
                self.assertEqual(payload["number"], number)
                (originate,) = self._sent("Originate")
                self.assertEqual(payload["action_id"], originate.get("ActionID"))
                self.simulator.actions_seen.clear()
                self._bus_marker_now()

    def test_result_goes_to_the_dialling_agent_only(self):
        worker = self._worker()
        other = new_test_user(
            self.env, login="hl_agent_2", groups="hotline_base.group_agent"
        )
        other.hotline_extension = "8002"
        self._dial("13900139000")
        self.assertEqual(self._dial_result(worker)["outcome"], "busy")
        for user in (other, self.supervisor):
            self.assertFalse(self._bus_messages(user, RESULT))

    def test_result_in_the_agents_language(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.agent.lang = "zh_CN"
        worker = self._worker()
        self._dial("13700137000")
        payload = self._dial_result(worker)
        self.assertEqual(payload["message"], "13700137000 无人接听。")
        self.assertEqual(payload["title"], "点击拨号")

    def test_result_for_no_agent_is_dropped(self):
        """An ActionID naming someone who is not (or no longer) an agent of
        the PBX's company notifies nobody."""
        Pbx = self.env["hotline.pbx"].sudo()
        other_company = self.env["res.company"].create({"name": "Other utility"})
        outsider = new_test_user(
            self.env,
            login="hl_outsider",
            groups="hotline_base.group_agent",
            company_id=other_company.id,
            company_ids=[other_company.id],
        )
        result = {
            "type": "click_to_dial",
            "leg": "customer",
            "outcome": "answered",
            "number": "13800138000",
            "action_id": f"hotline-c2d-0-{Pbx._hotline_action_tag()}ab",
        }
        for user in (outsider, self.role_users["finance"], self.user_internal):
            with self.subTest(user=user.login):
                notified = Pbx._hotline_click_to_dial_results(
                    self.pbx, [dict(result, user_id=user.id)]
                )
                self.assertFalse(notified)
                self.assertFalse(self._bus_messages(user, RESULT))
        # another database on the same PBX (or another AMI client): its ids
        # name other people
        foreign = dict(result, user_id=self.agent.id, action_id="hotline-c2d-0-00ab")
        self.assertFalse(Pbx._hotline_click_to_dial_results(self.pbx, [foreign]))
        self.assertFalse(self._bus_messages(self.agent, RESULT))
        notified = Pbx._hotline_click_to_dial_results(
            self.pbx, [dict(result, user_id=self.agent.id)]
        )
        self.assertEqual(notified, self.agent)

    def test_only_agents_dial(self):
        for number, role in enumerate(("finance", "handler", "leader")):
            user = self.role_users[role]
            # an extension each: they are unique per company
            user.hotline_extension = f"810{number + 2}"
            with (
                self.subTest(role=role),
                self.assertRaisesRegex(AccessError, "Only agents and supervisors"),
            ):
                self._dial("13800138000", user=user)
        self.assertFalse(self._sent("Originate"))
        self.supervisor.hotline_extension = "8101"
        action = self._dial("13800138000", user=self.supervisor)
        self.assertEqual(action["params"]["type"], "success")

    def test_callback_carries_the_call_id(self):
        call = self._new_call(disposition="abandoned_queue")
        self._dial(call.caller_number, call_id=call.id)
        (originate,) = self._sent("Originate")
        self.assertIn(f"__CRM_CALL_ID=odoo-{call.id}", originate.get_all("Variable"))
        self.simulator.actions_seen.clear()
        wizard = Form(
            self.env["hotline.dial.wizard"]
            .with_user(self.agent)
            .with_context(default_call_id=call.id)
        )
        self.assertEqual(wizard.number, "13800138000")
        action = wizard.save().action_dial()
        self.assertEqual(action["params"]["type"], "success")
        (originate,) = self._sent("Originate")
        self.assertEqual(originate.get("Exten"), "13800138000")
        self.assertIn(f"__CRM_CALL_ID=odoo-{call.id}", originate.get_all("Variable"))

    def test_partner_dial_wizard(self):
        customer = self.env["res.partner"].create(
            {"name": "Wang Fang", "phone": "010 6512 3456", "mobile": "139 0013 9000"}
        )
        wizard = Form(
            self.env["hotline.dial.wizard"]
            .with_user(self.agent)
            .with_context(default_partner_id=customer.id)
        )
        self.assertEqual(wizard.number, "139 0013 9000", "mobile first")
        wizard.number = "13800138000"
        action = wizard.save().action_dial()
        self.assertEqual(action["params"]["type"], "success")
        (originate,) = self._sent("Originate")
        self.assertEqual(originate.get("Exten"), "13800138000")
        self.assertIn(
            f"__HOTLINE_PARTNER_ID={customer.id}", originate.get_all("Variable")
        )

    def test_partner_without_phone(self):
        nobody = self.env["res.partner"].create({"name": "No Phone"})
        wizard = Form(
            self.env["hotline.dial.wizard"]
            .with_user(self.agent)
            .with_context(default_partner_id=nobody.id)
        ).save()
        with self.assertRaisesRegex(UserError, "Enter the number to call"):
            wizard.action_dial()
        self.assertFalse(self._sent("Originate"))

    def test_no_extension(self):
        self.agent.hotline_extension = False
        with self.assertRaisesRegex(UserError, "has no phone extension"):
            self._dial("13800138000")
        self.assertFalse(self._sent("Originate"))

    def test_invalid_number(self):
        for number in ("", "abc", "12"):
            with self.assertRaisesRegex(UserError, "not a phone number", msg=number):
                self._dial(number)
        self.assertFalse(self._sent("Originate"))

    def test_international_and_landline(self):
        Pbx = self.env["hotline.pbx"]
        self.assertEqual(Pbx._hotline_dialable("010-6512 3456"), "01065123456")
        self.assertEqual(Pbx._hotline_dialable("+86 10 6512 3456"), "01065123456")
        self.assertEqual(Pbx._hotline_dialable("+1 650 253 0000"), "0016502530000")
        self.assertEqual(Pbx._hotline_dialable("8002"), "8002")

    def test_pbx_down(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.pbx.ami_port = port
        with self.assertRaisesRegex(UserError, "Connection refused"):
            self._dial("13800138000")
