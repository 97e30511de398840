# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import os
import shutil
import stat
import tempfile
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..cli.connector import EnvSink, PbxWorker
from ..pbx.sound_files import wav_bytes
from .common import CallCenterCommon, serve_sounds

WAV = wav_bytes(b"\x01\x00" * 400)
GSM = b"\xd8" + b"\x20" * 32  # one 33-byte GSM frame


def b64(data):
    return base64.b64encode(data)


@tagged("post_install", "-at_install")
class TestPromptSync(CallCenterCommon):
    """Uploaded prompts reach Asterisk's sounds folder (Sync now and the
    connector), only in formats Asterisk plays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.role_users["hotline_admin"]
        Prompt = cls.env["hotline.ivr.prompt"]
        cls.welcome = Prompt.create(
            {
                "name": "Welcome",
                "code": "ps_welcome",
                "audio_zh_cn": b64(WAV),
                "audio_zh_cn_filename": "welcome-zh.wav",
                "audio_en_us": b64(GSM),
                "audio_en_us_filename": "welcome-en.GSM",
            }
        )
        cls.menu = Prompt.create(
            {
                "name": "Menu",
                "code": "ps_menu",
                "audio_zh_cn": b64(b"\x7f" * 80),
                "audio_zh_cn_filename": "menu.ulaw",
            }
        )

    def setUp(self):
        super().setUp()
        # the folder odoo.conf allows (hotline_sounds_roots), and the PBX's in it
        self.root = tempfile.mkdtemp(prefix="hotline-sounds-")
        self.addCleanup(shutil.rmtree, self.root, True)
        self.enterContext(serve_sounds(self.root))
        self.base = os.path.join(self.root, "sounds")
        os.mkdir(self.base)
        self.pbx.sounds_directory = self.base

    def path(self, lang, name):
        return os.path.join(self.base, "hotline", lang, name)

    def content(self, lang, name):
        with open(self.path(lang, name), "rb") as f:
            return f.read()

    # -- validation --------------------------------------------------------------
    def test_uploads_asterisk_cannot_play_are_refused(self):
        Prompt = self.env["hotline.ivr.prompt"]
        cases = [
            ("greeting.mp3", b"ID3\x03" + b"\0" * 40, "unsupported file type 'mp3'"),
            ("greeting.wav", wav_bytes(b"\0\0" * 10, rate=16000), "16000 Hz"),
            ("greeting.wav", wav_bytes(b"\0\0" * 10, channels=2), "2 channels"),
            ("greeting.wav", wav_bytes(b"\0" * 10, bits=8), "8 bits"),
            ("greeting.wav", b"not a riff file at all", "not a RIFF/WAVE file"),
            ("greeting", GSM, "unsupported file type"),
        ]
        for filename, data, reason in cases:
            with (
                self.subTest(filename=filename, reason=reason),
                self.assertRaisesRegex(
                    ValidationError, "Prompt Greeting, English audio"
                ) as err,
                self.env.cr.savepoint(),
            ):
                Prompt.create(
                    {
                        "name": "Greeting",
                        "code": "ps_greeting",
                        "audio_en_us": b64(data),
                        "audio_en_us_filename": filename,
                    }
                )
            self.assertRegex(
                str(err.exception), rf"Prompt Greeting, English audio: {reason}"
            )
        self.assertFalse(Prompt.search([("code", "=", "ps_greeting")]))
        # replacing a good file by a bad one keeps the good one
        with (
            self.assertRaisesRegex(ValidationError, "not a RIFF/WAVE file") as err,
            self.env.cr.savepoint(),
        ):
            self.welcome.write(
                {"audio_zh_cn": b64(b"RIFF"), "audio_zh_cn_filename": "x.wav"}
            )
        self.assertIn("Prompt Welcome, Chinese (Simplified) audio", str(err.exception))
        self.welcome.invalidate_recordset()
        self.assertEqual(base64.b64decode(self.welcome.audio_zh_cn), WAV)

    # -- Sync now ----------------------------------------------------------------
    def test_sync_now_writes_every_prompt_then_follows_changes(self):
        result = self.pbx.with_user(self.admin).action_sync_prompts()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.content("zh_CN", "ps_welcome.wav"), WAV)
        self.assertEqual(self.content("en_US", "ps_welcome.gsm"), GSM)
        self.assertEqual(self.content("zh_CN", "ps_menu.ulaw"), b"\x7f" * 80)
        self.assertFalse(os.path.exists(self.path("en_US", "ps_menu.ulaw")))
        mode = stat.S_IMODE(os.stat(self.path("zh_CN", "ps_welcome.wav")).st_mode)
        self.assertEqual(mode, 0o644)
        self.assertTrue(self.pbx.prompts_synced_at)
        # a file that is not a prompt's is left alone
        with open(self.path("zh_CN", "README.txt"), "w") as f:
            f.write("managed by Odoo")

        # the connector: replaced format, archived prompt, deleted prompt
        worker = PbxWorker(
            self.pbx.id, "test", "127.0.0.1", 1, "odoo", "x", EnvSink(self.env)
        )
        first = worker.sync_prompts()
        self.assertFalse(first["written"])
        self.assertGreaterEqual(first["unchanged"], 3)
        self.welcome.write(
            {"audio_zh_cn": b64(b"\0\1" * 50), "audio_zh_cn_filename": "new.sln"}
        )
        self.menu.action_archive()
        result = worker.sync_prompts()
        self.assertEqual(result["written"], [self.path("zh_CN", "ps_welcome.sln")])
        self.assertEqual(self.content("zh_CN", "ps_welcome.sln"), b"\0\1" * 50)
        self.assertFalse(os.path.exists(self.path("zh_CN", "ps_welcome.wav")))
        self.assertFalse(os.path.exists(self.path("zh_CN", "ps_menu.ulaw")))
        self.assertEqual(self.content("en_US", "ps_welcome.gsm"), GSM)
        self.welcome.unlink()
        worker.sync_prompts()
        self.assertFalse(os.path.exists(self.path("zh_CN", "ps_welcome.sln")))
        self.assertFalse(os.path.exists(self.path("en_US", "ps_welcome.gsm")))
        self.assertTrue(os.path.exists(self.path("zh_CN", "README.txt")))
        self.assertEqual(worker.stats["prompt_files_removed"], 4)
        # nothing but prompt files and no temporary file left behind
        for lang in ("zh_CN", "en_US"):
            for name in os.listdir(os.path.join(self.base, "hotline", lang)):
                self.assertFalse(name.startswith("."), name)

    def test_sync_refuses_a_folder_it_cannot_use(self):
        outside = tempfile.mkdtemp(prefix="hotline-outside-")
        self.addCleanup(shutil.rmtree, outside, True)
        os.makedirs(os.path.join(self.base, "hotline"))
        os.symlink(outside, os.path.join(self.base, "hotline", "zh_CN"))
        with self.assertRaisesRegex(UserError, "leads out of"):
            self.pbx.with_user(self.admin).action_sync_prompts()
        self.assertEqual(os.listdir(outside), [])
        self.pbx.sounds_directory = os.path.join(self.base, "missing")
        with self.assertRaisesRegex(UserError, "could not be written"):
            self.pbx.with_user(self.admin).action_sync_prompts()
        with (
            self.assertRaisesRegex(
                ValidationError,
                "The sounds folder relative/sounds is not one the server allows",
            ),
            self.env.cr.savepoint(),
        ):
            self.pbx.sounds_directory = "relative/sounds"

    def test_connector_logs_a_failing_folder_once(self):
        self.pbx.sounds_directory = os.path.join(self.base, "missing")
        worker = PbxWorker(
            self.pbx.id, "test", "127.0.0.1", 1, "odoo", "x", EnvSink(self.env)
        )
        with self.assertLogs("odoo.addons.hotline_callcenter.cli.connector") as logs:
            self.assertIsNone(worker.sync_prompts())
            self.assertIsNone(worker.sync_prompts())
        self.assertEqual(len(logs.records), 1)
        self.assertIn("does not exist", logs.output[0])
        self.pbx.sounds_directory = self.base
        self.assertTrue(worker.sync_prompts()["written"])
        self.assertIsNone(worker._prompt_error)
        self.assertEqual(worker.sync_prompts()["written"], [])
        # another folder: it gets every prompt, not only the changed ones
        other = tempfile.mkdtemp(prefix="hotline-sounds2-", dir=self.root)
        self.pbx.sounds_directory = other
        # (past the overlap: an incremental sync alone would write nothing)
        worker.prompts_marker = fields.Datetime.now() + timedelta(hours=1)
        result = worker.sync_prompts()
        self.assertIn(
            os.path.join(other, "hotline", "zh_CN", "ps_welcome.wav"), result["written"]
        )

    # -- rights ------------------------------------------------------------------
    def test_only_admins_sync_and_set_the_folder(self):
        for role in ("agent", "supervisor"):
            user = self.role_users[role]
            with self.assertRaises(AccessError):
                self.pbx.with_user(user).action_sync_prompts()
            with self.assertRaises(AccessError):
                self.pbx.with_user(user).write({"sounds_directory": "/tmp"})
        self.assertFalse(os.path.exists(os.path.join(self.base, "hotline")))
        with self.assertRaises(AccessError):
            self.welcome.with_user(self.role_users["agent"]).write(
                {"audio_zh_cn": b64(WAV)}
            )

    # -- the folder comes from the server's configuration (issue 11) -------------
    def test_admin_cannot_point_the_sounds_folder_elsewhere(self):
        """Odoo writes and removes prompt files in the PBX's sounds folder: a
        Hotline admin pointed it anywhere (/etc, Odoo's data folder). Only
        folders odoo.conf allows (hotline_sounds_roots), or inside one."""
        admin_pbx = self.pbx.with_user(self.admin)
        for folder in ("/etc", "/", self.root + "/../", "/var/lib/asterisk"):
            with (
                self.subTest(folder=folder),
                self.assertRaisesRegex(ValidationError, "is not one the server allows"),
                self.env.cr.savepoint(),
            ):
                admin_pbx.write({"sounds_directory": folder})
        # a symlink inside the allowed folder leading out of it
        os.symlink("/etc", os.path.join(self.root, "etc"))
        with (
            self.assertRaisesRegex(ValidationError, "is not one the server allows"),
            self.env.cr.savepoint(),
        ):
            admin_pbx.write({"sounds_directory": os.path.join(self.root, "etc")})
        with self.assertRaisesRegex(ValidationError, "hotline_sounds_roots"):
            self.env["hotline.pbx"].with_user(self.admin).create(
                {"name": "Rogue", "sounds_directory": "/etc"}
            )
        admin_pbx.write({"sounds_directory": self.root})
        self.assertEqual(self.pbx.sounds_directory, self.root)

    def test_a_folder_set_before_the_configuration_is_not_written(self):
        """A PBX record from before the configuration (or an odoo.conf that
        changed since): Sync now and the connector refuse its folder, nothing
        is written there."""
        outside = tempfile.mkdtemp(prefix="hotline-outside-")
        self.addCleanup(shutil.rmtree, outside, True)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE hotline_pbx SET sounds_directory = %s WHERE id = %s",
            [outside, self.pbx.id],
        )
        self.pbx.invalidate_recordset(["sounds_directory"])
        with self.assertRaisesRegex(UserError, "hotline_sounds_roots"):
            self.pbx.with_user(self.admin).action_sync_prompts()
        worker = PbxWorker(
            self.pbx.id, "test", "127.0.0.1", 1, "odoo", "x", EnvSink(self.env)
        )
        with self.assertLogs("odoo.addons.hotline_callcenter.cli.connector") as logs:
            self.assertIsNone(worker.sync_prompts())
        self.assertIn("hotline_sounds_roots", logs.output[0])
        self.assertEqual(os.listdir(outside), [])
