# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import SimulatorCommon


@tagged("post_install", "-at_install")
class TestVoicemail(SimulatorCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx.voicemail_user_id = cls.supervisor
        cls.env.company.hotline_voicemail_reminder_hours = 4

    def _voicemail(self, **vals):
        values = {
            "pbx_id": self.pbx.id,
            "caller_number": "13800138000",
            "queue": "support",
            "file_path": "default/8000/INBOX/msg0000.wav",
        }
        values.update(vals)
        return self.env["hotline.voicemail"].create(values)

    def test_creation_identifies_and_assigns(self):
        with freeze_time("2026-03-02 22:10:00"):
            vm = self._voicemail()
        self.assertEqual(vm.partner_id, self.customer)
        self.assertEqual(vm.team_user_id, self.supervisor)
        self.assertEqual(vm.name, "Voicemail from 13800138000")
        (activity,) = vm.activity_ids
        self.assertEqual(activity.user_id, self.supervisor)
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        self.assertEqual(activity.summary, "Call back 13800138000")
        unknown = self._voicemail(caller_number="02199999999")
        self.assertFalse(unknown.partner_id)

    def test_reminder_after_n_hours(self):
        with freeze_time("2026-03-02 22:10:00"):
            vm = self._voicemail()
            handled = self._voicemail(caller_number="13900139000")
            handled.with_user(self.agent).action_mark_handled()
        Voicemail = self.env["hotline.voicemail"]
        with freeze_time("2026-03-03 01:00:00"):  # 2 h 50 later: too early
            Voicemail._cron_hotline_remind()
        self.assertEqual(len(vm.activity_ids), 1)
        with freeze_time("2026-03-03 02:30:00"):  # 4 h 20 later
            Voicemail._cron_hotline_remind()
        self.assertEqual(len(vm.activity_ids), 2)
        reminder = vm.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(reminder.summary, "Reminder: voicemail not handled")
        self.assertEqual(str(vm.reminded_at), "2026-03-03 02:30:00")
        self.assertFalse(handled.activity_ids, "handled: no reminder")
        with freeze_time("2026-03-03 09:00:00"):  # only one reminder
            Voicemail._cron_hotline_remind()
        self.assertEqual(len(vm.activity_ids), 2)

    def test_call_back_and_handle(self):
        vm = self._voicemail()
        action = vm.with_user(self.agent).action_call_back()
        self.assertEqual(action["params"]["type"], "success")
        (originate,) = self._sent("Originate")
        self.assertEqual(originate.get("Exten"), "13800138000")
        self.assertEqual(originate.get("Channel"), "Local/8001@agents")
        vm.with_user(self.agent).action_mark_handled()
        self.assertEqual(vm.state, "handled")
        self.assertEqual(vm.handled_by_id, self.agent)
        self.assertFalse(vm.activity_ids)
        with self.assertRaisesRegex(UserError, "already handled"):
            vm.with_user(self.agent).action_call_back()

    def test_bad_input_and_access(self):
        with self.assertRaises(ValidationError):
            self._voicemail(file_path="../../../etc/shadow")
        vm = self._voicemail()
        with self.assertRaises(AccessError):
            vm.with_user(self.role_users["finance"]).read(["caller_number"])
        with self.assertRaises(AccessError):
            vm.with_user(self.agent).unlink()
