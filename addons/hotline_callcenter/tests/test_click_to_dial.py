# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import socket

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SimulatorCommon


@tagged("post_install", "-at_install")
class TestClickToDial(SimulatorCommon):
    def _dial(self, number, user=None, **kwargs):
        Pbx = self.env["hotline.pbx"].with_user(user or self.agent)
        return Pbx.hotline_click_to_dial(number, **kwargs)

    def test_agent_phone_first_then_customer(self):
        action = self._dial("+86 138-0013-8000", partner_id=self.customer.id)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(action["params"]["message"], "13800138000 answered.")
        (originate,) = self._sent("Originate")
        self.assertEqual(originate.get("Channel"), "Local/8001@agents")
        self.assertEqual(originate.get("Context"), "click2dial")
        self.assertEqual(originate.get("Exten"), "13800138000")
        self.assertEqual(originate.get("Async"), "true")
        self.assertEqual(originate.get("Timeout"), "5000")
        variables = originate.get_all("Variable")
        self.assertIn("__HOTLINE_AGENT=8001", variables)
        self.assertIn(f"__HOTLINE_PARTNER_ID={self.customer.id}", variables)
        self.assertTrue(any(v.startswith("__CRM_CALL_ID=odoo-u") for v in variables))

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

    def test_customer_busy(self):
        with self.assertRaisesRegex(UserError, "13900139000 is busy"):
            self._dial("13900139000")

    def test_customer_no_answer(self):
        with self.assertRaisesRegex(UserError, "13700137000 did not answer"):
            self._dial("13700137000")

    def test_originate_fails(self):
        with self.assertRaisesRegex(
            UserError, r"could not place the call: your phone \(8001\) did not answer"
        ):
            self._dial("13600136000")

    def test_agent_phone_busy(self):
        self.agent.hotline_extension = "8008"
        with self.assertRaisesRegex(UserError, r"your phone \(8008\) is busy"):
            self._dial("13800138000")

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
