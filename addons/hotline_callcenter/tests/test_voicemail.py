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

    def test_activity_in_the_assignee_language_and_missing_audio(self):
        """The connector (no language) records a voicemail for a Chinese
        supervisor: the call-back activity is in Chinese, the chatter has no
        English creation line, and the player says the file is missing."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_callcenter"], ["zh_CN"], overwrite=True
        )
        self.supervisor.lang = "zh_CN"
        vm = (
            self.env["hotline.voicemail"]
            .with_context(lang=None)
            .create(
                {
                    "pbx_id": self.pbx.id,
                    "caller_number": "13800138000",
                    "queue": "support",
                    "file_path": "default/8000/INBOX/msg0000.wav",
                }
            )
        )
        self.assertEqual(vm.name, "来自 13800138000 的语音留言")
        self.assertEqual(vm.activity_ids.summary, "回拨 13800138000")
        self.assertFalse(vm.message_ids.filtered(lambda m: "created" in m.body))
        self.assertNotIn("<audio", vm.player_html)
        self.assertIn("Voicemail not found", vm.player_html)

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
        with (
            self.assertRaisesRegex(
                ValidationError, "must stay inside the PBX voicemail folder"
            ),
            self.env.cr.savepoint(),
        ):
            self._voicemail(file_path="../../../etc/shadow")
        vm = self._voicemail()
        with self.assertRaises(AccessError):
            vm.with_user(self.role_users["finance"]).read(["caller_number"])
        with self.assertRaises(AccessError):
            vm.with_user(self.agent).unlink()

    def test_company_is_moved_only_by_a_hotline_admin(self):
        """Issue 11 item 8: an agent moved a voicemail to their other company
        and it vanished from the call-back queue of the first."""
        other = self.env["res.company"].create({"name": "Other gas company"})
        vm = self._voicemail()
        companies = [self.env.company.id, other.id]
        for role in ("agent", "supervisor", "handler", "leader", "finance"):
            user = self.role_users[role]
            user.company_ids |= other
            with self.subTest(role=role), self.assertRaises(AccessError):
                vm.with_user(user).with_context(allowed_company_ids=companies).write(
                    {"company_id": other.id}
                )
            self.assertEqual(vm.company_id, self.env.company)
        admin = self.role_users["hotline_admin"]
        admin.company_ids |= other
        as_admin = vm.with_user(admin).with_context(allowed_company_ids=companies)
        as_admin.write({"company_id": other.id})
        self.assertEqual(vm.company_id, other)
        # check_company: the call of the first company does not follow
        linked = self._voicemail(call_id=self._new_call().id)
        with (
            self.assertRaisesRegex(UserError, "Incompatible companies on records"),
            self.env.cr.savepoint(),
        ):
            linked.with_user(admin).with_context(allowed_company_ids=companies).write(
                {"company_id": other.id}
            )
        self.assertEqual(linked.company_id, self.env.company)
        # an agent still writes the fields of their work, the company unchanged
        vm2 = self._voicemail()
        vm2.with_user(self.role_users["agent"]).write(
            {"company_id": self.env.company.id}
        )

    def test_company_guard_on_every_hotline_model(self):
        """Each hotline model with a stored company (call, recording, queue,
        IVR, DID, ... and any added later) takes the guard and check_company."""
        guarded = [
            name
            for name, model in self.env.registry.items()
            if name.startswith("hotline.")
            and "company_id" in model._fields
            and not model._abstract
            and model._auto
            and model._fields["company_id"].store
        ]
        self.assertIn("hotline.voicemail", guarded)
        for name in guarded:
            with self.subTest(model=name):
                self.assertIn("hotline.company.guard", self.env[name]._inherit_module)
                self.assertTrue(self.env[name]._check_company_auto)
