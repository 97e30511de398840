# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import json
import os
import shutil
import tempfile
from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.hotline_recording import audio_duration
from ..pbx.sound_files import wav_bytes
from .common import CallCenterCommon, serve_media

AUDIO = bytes(range(256)) * 40  # 10,240 bytes


class RecordingFiles:
    """A temporary recording folder with real files."""

    @classmethod
    def _make_folder(cls):
        cls.folder = tempfile.mkdtemp(prefix="hotline_rec_")
        cls.addClassCleanup(shutil.rmtree, cls.folder, True)
        cls.startClassPatcher(serve_media(cls.folder))
        os.makedirs(os.path.join(cls.folder, "2026", "01"))

    @classmethod
    def _write(cls, relative, data=AUDIO):
        path = os.path.join(cls.folder, relative)
        with open(path, "wb") as handle:
            handle.write(data)
        return path


@tagged("post_install", "-at_install")
class TestRecordingStream(RecordingFiles, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_folder()
        cls._write("2026/01/call-1.wav")
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Rec PBX", "recording_path": cls.folder}
        )
        cls.recording = cls.env["hotline.recording"].create(
            {"pbx_id": cls.pbx.id, "file_path": "2026/01/call-1.wav"}
        )
        new_test_user(
            cls.env,
            login="hl_rec_sup",
            groups="base.group_user,hotline_base.group_supervisor",
        )
        new_test_user(
            cls.env,
            login="hl_rec_agent",
            groups="base.group_user,hotline_base.group_agent",
        )
        cls.url = f"/hotline/recording/{cls.recording.id}"

    def test_full_file(self):
        self.authenticate("hl_rec_sup", "hl_rec_sup")
        res = self.url_open(self.url)
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.content, AUDIO)
        self.assertEqual(res.headers["Content-Type"], "audio/wav")
        self.assertEqual(res.headers["Accept-Ranges"], "bytes")

    def test_range(self):
        self.authenticate("hl_rec_sup", "hl_rec_sup")
        res = self.url_open(self.url, headers={"Range": "bytes=100-199"})
        self.assertEqual(res.status_code, 206)
        self.assertEqual(res.content, AUDIO[100:200])
        self.assertEqual(res.headers["Content-Range"], f"bytes 100-199/{len(AUDIO)}")
        res = self.url_open(self.url, headers={"Range": "bytes=-10"})
        self.assertEqual(res.status_code, 206)
        self.assertEqual(res.content, AUDIO[-10:])
        res = self.url_open(self.url, headers={"Range": "bytes=10000-"})
        self.assertEqual(res.content, AUDIO[10000:])

    def test_range_not_satisfiable(self):
        self.authenticate("hl_rec_sup", "hl_rec_sup")
        res = self.url_open(self.url, headers={"Range": "bytes=20000-20100"})
        self.assertEqual(res.status_code, 416)
        self.assertEqual(res.headers["Content-Range"], f"bytes */{len(AUDIO)}")

    def test_download(self):
        self.authenticate("hl_rec_sup", "hl_rec_sup")
        res = self.url_open(self.url + "?download=1")
        self.assertEqual(res.status_code, 200)
        self.assertIn("attachment", res.headers["Content-Disposition"])
        self.assertIn("call-1.wav", res.headers["Content-Disposition"])

    def test_roles(self):
        self.authenticate("hl_rec_agent", "hl_rec_agent")
        self.assertEqual(self.url_open(self.url).status_code, 403)
        self.authenticate(None, None)
        res = self.url_open(self.url, allow_redirects=False)
        self.assertIn(res.status_code, (303, 302))
        self.assertIn("/web/login", res.headers["Location"])

    def test_player_says_when_the_file_is_missing(self):
        """Issue 12 item 8: no silent 0:00 player in front of a 404."""
        self.assertIn(f'src="{self.url}"', self.recording.player_html)
        self.assertNotIn("o_hotline_audio_missing", self.recording.player_html)
        gone = self.env["hotline.recording"].create(
            {"pbx_id": self.pbx.id, "file_path": "2026/01/never-written.wav"}
        )
        self.assertNotIn("<audio", gone.player_html)
        self.assertIn("Recording not found", gone.player_html)
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["hotline_callcenter"], ["zh_CN"], overwrite=True
        )
        gone.invalidate_recordset(["player_html"])
        self.assertIn("找不到录音", gone.with_context(lang="zh_CN").player_html)

    def test_no_english_creation_line(self):
        """The connector creates recordings without a language: no "Call
        Recording created" line stays English in the chatter."""
        recording = (
            self.env["hotline.recording"]
            .with_context(lang=None)
            .create({"pbx_id": self.pbx.id, "file_path": "2026/01/call-1.wav"})
        )
        self.assertFalse(recording.message_ids)

    def test_missing_and_traversal(self):
        self.authenticate("hl_rec_sup", "hl_rec_sup")
        self.assertEqual(self.url_open("/hotline/recording/999999").status_code, 404)
        gone = self.env["hotline.recording"].create(
            {"pbx_id": self.pbx.id, "file_path": "2026/01/never-written.wav"}
        )
        self.assertEqual(
            self.url_open(f"/hotline/recording/{gone.id}").status_code, 404
        )
        # a symlink inside the folder pointing outside of it
        handle, outside = tempfile.mkstemp(suffix=".wav")
        os.close(handle)
        self.addCleanup(os.unlink, outside)
        link = os.path.join(self.folder, "2026", "01", "escape.wav")
        os.symlink(outside, link)
        self.addCleanup(os.unlink, link)
        escape = self.env["hotline.recording"].create(
            {"pbx_id": self.pbx.id, "file_path": "2026/01/escape.wav"}
        )
        self.assertEqual(
            self.url_open(f"/hotline/recording/{escape.id}").status_code, 403
        )
        self.assertEqual(
            self.url_open("/hotline/recording/..%2F..%2Fetc%2Fpasswd").status_code, 404
        )


@tagged("post_install", "-at_install")
class TestMediaRoots(RecordingFiles, HttpCase):
    """Issue 11 item 3: a Hotline admin set the recording folder to /etc and
    fetched /etc/passwd. The folders Odoo serves come from odoo.conf only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_folder()
        cls._write("2026/01/call-1.wav")
        cls.pbx = cls.env["hotline.pbx"].create(
            {"name": "Roots PBX", "recording_path": cls.folder}
        )
        new_test_user(
            cls.env,
            login="hl_roots_admin",
            groups="base.group_user,hotline_base.group_admin",
        )

    @mute_logger("odoo.http")
    def _rpc_write(self, vals):
        self.authenticate("hl_roots_admin", "hl_roots_admin")
        res = self.url_open(
            "/web/dataset/call_kw/hotline.pbx/write",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": "hotline.pbx",
                        "method": "write",
                        "args": [[self.pbx.id], vals],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(res.status_code, 200)
        return res.json()

    def test_admin_cannot_choose_a_folder_outside_the_configured_roots(self):
        for vals in (
            {"recording_path": "/etc"},
            {"voicemail_path": "/etc"},
            {"recording_path": os.path.join(self.folder, "..", "..", "etc")},
            {"recording_path": "relative/folder"},
        ):
            with self.subTest(vals=vals):
                body = self._rpc_write(vals)
                self.assertEqual(
                    body["error"]["data"]["name"], "odoo.exceptions.ValidationError"
                )
                self.assertIn("hotline_media_roots", body["error"]["data"]["message"])
        self.pbx.invalidate_recordset()
        self.assertEqual(self.pbx.recording_path, self.folder)

    def test_symlink_to_outside_is_refused(self):
        link = os.path.join(self.folder, "etc")
        os.symlink("/etc", link)
        self.addCleanup(os.unlink, link)
        body = self._rpc_write({"recording_path": link})
        self.assertEqual(
            body["error"]["data"]["name"], "odoo.exceptions.ValidationError"
        )

    def test_configured_folder_or_inside_it_is_accepted(self):
        inside = os.path.join(self.folder, "2026")
        body = self._rpc_write({"recording_path": inside, "voicemail_path": inside})
        self.assertIs(body.get("result"), True)
        self.pbx.invalidate_recordset()
        self.assertEqual(self.pbx.voicemail_path, inside)

    def test_stream_rechecks_the_root(self):
        """A record stored before the check (or a folder dropped from odoo.conf
        since) streams nothing."""
        recording = self.env["hotline.recording"].create(
            {"pbx_id": self.pbx.id, "file_path": "passwd"}
        )
        self.env.cr.execute(
            "UPDATE hotline_pbx SET recording_path = '/etc' WHERE id = %s",
            [self.pbx.id],
        )
        self.pbx.invalidate_recordset()
        self.authenticate("hl_roots_admin", "hl_roots_admin")
        res = self.url_open(f"/hotline/recording/{recording.id}")
        self.assertEqual(res.status_code, 403)
        self.assertNotIn(b"root:", res.content)
        # the folder is no longer served once odoo.conf drops it
        self.env.cr.execute(
            "UPDATE hotline_pbx SET recording_path = %s WHERE id = %s",
            [self.folder, self.pbx.id],
        )
        self.pbx.invalidate_recordset()
        recording.file_path = "2026/01/call-1.wav"
        url = f"/hotline/recording/{recording.id}"
        self.assertEqual(self.url_open(url).status_code, 200)
        with serve_media():
            self.assertEqual(self.url_open(url).status_code, 403)


@tagged("post_install", "-at_install")
class TestRecordingRetention(RecordingFiles, CallCenterCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_folder()
        cls.pbx.recording_path = cls.folder

    def _recording(self, relative, started_at, company=None):
        self._write(relative)
        return self.env["hotline.recording"].create(
            {
                "pbx_id": self.pbx.id,
                "file_path": relative,
                "started_at": started_at,
                "company_id": (company or self.env.company).id,
            }
        )

    def test_link_recordings_reported_on_calls(self):
        # 3 s of 8 kHz 16-bit mono PCM, as MixMonitor writes a .wav
        self._write("2026/01/in.wav", wav_bytes(b"\0\0" * 8000 * 3))
        ended = datetime(2026, 1, 3, 9, 5)
        inside = self._new_call(
            recording_file=os.path.join(self.folder, "2026/01/in.wav"),
            talk_seconds=42,
            answered_at=datetime(2026, 1, 3, 9, 0),
            ended_at=ended,
        )
        relative = self._new_call(recording_file="2026/01/rel.wav", ended_at=ended)
        outside = self._new_call(recording_file="/etc/passwd", ended_at=ended)
        live = self._new_call(recording_file="2026/01/live.wav")  # still going on
        self._new_call(ended_at=ended)  # no recording
        Recording = self.env["hotline.recording"]
        created = Recording._cron_hotline_link_recordings()
        self.assertEqual(created.call_id, inside | relative)
        rec = created.filtered(lambda r: r.call_id == inside)
        self.assertEqual(rec.file_path, "2026/01/in.wav")
        # the file's length, not the call's talk time
        self.assertEqual(rec.duration_seconds, 3)
        self.assertEqual(str(rec.started_at), "2026-01-03 09:00:00")
        self.assertTrue(rec.file_exists)
        self.assertEqual(rec.file_size, 44 + 8000 * 2 * 3)
        # no file (yet): the length is unknown, not the talk time
        self.assertFalse(
            created.filtered(lambda r: r.call_id == relative).duration_seconds
        )
        self.assertFalse(Recording.search([("call_id", "=", outside.id)]))
        # idempotent
        self.assertFalse(Recording._cron_hotline_link_recordings())
        # a live call's file is linked once the call ended
        self._write("2026/01/live.wav", wav_bytes(b"\0\0" * 8000 * 2))
        live.ended_at = datetime(2026, 1, 3, 9, 6)
        self.assertEqual(Recording._cron_hotline_link_recordings().call_id, live)

    def test_audio_duration_by_format(self):
        cases = {
            # WAV: the header; a header not finalised is bounded by the bytes
            "a.wav": (wav_bytes(b"\0\0" * 4000), 0.5),
            "trunc.wav": (wav_bytes(b"\0\0" * 8000)[: 44 + 4000], 0.25),
            # headerless formats: the size (GSM 33 bytes per 20 ms)
            "b.gsm": (b"\0" * 33 * 100, 2.0),
            "c.ulaw": (b"\0" * 12000, 1.5),
            "d.sln": (b"\0" * 16000, 1.0),
            # not a WAV, or a format whose length needs a decoder: unknown
            "junk.wav": (AUDIO, None),
            "e.mp3": (AUDIO, None),
        }
        for name, (data, expected) in cases.items():
            path = self._write(f"2026/01/{name}", data)
            self.assertEqual(audio_duration(path), expected, name)
        self.assertIsNone(audio_duration(os.path.join(self.folder, "missing.wav")))

    def test_path_must_stay_inside(self):
        for bad in ("../../etc/passwd", "/etc/passwd", "2026/../../x.wav"):
            with self.assertRaises(ValidationError, msg=bad):
                self.env["hotline.recording"].create(
                    {"pbx_id": self.pbx.id, "file_path": bad}
                )

    def test_retention_cron_deletes_old_files(self):
        self.env.company.hotline_recording_retention_days = 30
        old = self._recording("2026/01/old.wav", datetime(2026, 1, 1, 8, 0))
        recent = self._recording("2026/01/recent.wav", datetime(2026, 1, 25, 8, 0))
        other_company = self.env["res.company"].create(
            {"name": "Keeps all", "hotline_recording_retention_days": 0}
        )
        kept = self._recording(
            "2026/01/kept.wav", datetime(2025, 1, 1), company=other_company
        )
        with freeze_time("2026-02-05 03:00:00"):
            removed = self.env["hotline.recording"]._cron_hotline_purge()
        self.assertEqual(removed, ["2026/01/old.wav"])
        self.assertFalse(os.path.exists(os.path.join(self.folder, "2026/01/old.wav")))
        self.assertTrue(os.path.exists(os.path.join(self.folder, "2026/01/recent.wav")))
        self.assertTrue(os.path.exists(os.path.join(self.folder, "2026/01/kept.wav")))
        self.assertEqual(str(old.purged_at), "2026-02-05 03:00:00")
        self.assertFalse(recent.purged_at)
        self.assertFalse(kept.purged_at)
        self.assertIn("retention of 30 days", old.message_ids[0].body)
        # a second run has nothing left to do
        with freeze_time("2026-02-06 03:00:00"):
            self.env["hotline.recording"]._cron_hotline_purge()
        self.assertEqual(
            len(old.message_ids.filtered(lambda m: "deleted" in m.body)), 1
        )

    def test_access(self):
        rec = self._recording("2026/01/a.wav", datetime(2026, 1, 1))
        rec.with_user(self.role_users["handler"]).read(["file_path"])
        rec.with_user(self.role_users["supervisor"]).read(["file_path"])
        for role in ("agent", "finance"):
            with self.assertRaises(AccessError, msg=role):
                rec.with_user(self.role_users[role]).read(["file_path"])
        with self.assertRaises(AccessError):
            rec.with_user(self.role_users["supervisor"]).unlink()
