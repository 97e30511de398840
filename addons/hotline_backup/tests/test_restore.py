# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A real backup of this database with calls, cases and recordings on disk,
restored into a new database with ``odoo-bin hotline-restore``, neutralised
and verified.

The test cursor's data is never committed, so ``pg_dump`` cannot see it: the
calls, cases and PBX records of this test are committed through a cursor of
their own (and removed again by the class cleanup); the backup's row counts
are taken in the dump's own snapshot, so the manifest holds what the dump
holds whatever else the database contains.
"""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import zipfile

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import get_db_name, tagged
from odoo.tools import SQL, config

from ..tools import gfs, restore
from .common import BackupCommon

WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(256)) * 8


@tagged("post_install", "-at_install")
class TestBackupRestore(BackupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_db = f"{get_db_name()}_restored"
        cls.other_db = f"{get_db_name()}_tampered"
        for name in (cls.new_db, cls.other_db):
            restore.drop_database(name)
            cls.addClassCleanup(restore.drop_database, name)
        cls.config = cls.new_config()
        cls.backup_run = cls.config._hotline_backup()
        cls.archive = os.path.join(cls.backups, cls.backup_run.name)

    @classmethod
    def _commit_data(cls):
        """A PBX with a recording, voicemail and fax on disk, a customer,
        a call and a case, committed (removed at the end of the class)."""
        cls.recording_file = cls.write_file("monitor/2026/12/03/rec-1.wav", WAV)
        cls.write_file("voicemail/default/8001/INBOX/msg0000.wav", WAV[::-1])
        cls.write_file("fax/in/fax-1.tif", b"II*\x00" + b"\x01" * 500)
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            pbx = env["hotline.pbx"].create(cls.pbx_values())
            customer = env["res.partner"].create(
                {"name": "Backup Customer", "hotline_is_customer": True}
            )
            call = env["hotline.call"].create(
                {
                    "pbx_id": pbx.id,
                    "linkedid": "backup-1.1",
                    "caller_number": "13800138000",
                    "partner_id": customer.id,
                }
            )
            recording = env["hotline.recording"].create(
                {
                    "pbx_id": pbx.id,
                    "call_id": call.id,
                    "file_path": "2026/12/03/rec-1.wav",
                }
            )
            case = env["helpdesk.ticket"].create(
                {
                    "name": "Backup case",
                    "description": "<p>restored and verified</p>",
                    "partner_id": customer.id,
                }
            )
            queue = env["hotline.queue"].create(
                {"name": "Backup queue", "code": "backup-q", "pbx_id": pbx.id}
            )
            campaign = env["hotline.campaign"].create(
                {
                    "name": "Backup campaign",
                    "mode": "preview",
                    "queue_id": queue.id,
                    "pbx_id": pbx.id,
                    "calendar_id": env.company.resource_calendar_id.id,
                }
            )
            campaign.state = "running"
            webhook = env["hotline.webhook.subscription"].create(
                {
                    "name": "Backup receiver",
                    "url": "https://erp.example.com/hooks",
                    "event_ids": [
                        Command.set(env["hotline.webhook.event"].search([]).ids)
                    ],
                }
            )
            created = [
                ("hotline.webhook.subscription", webhook.id),
                ("hotline.campaign", campaign.id),
                ("hotline.queue", queue.id),
                ("helpdesk.ticket", case.id),
                ("hotline.recording", recording.id),
                ("hotline.call", call.id),
                ("res.partner", customer.id),
                ("hotline.pbx", pbx.id),
            ]
        cls.pbx_id = pbx.id
        cls.addClassCleanup(cls._remove_committed, created)

    @classmethod
    def _remove_committed(cls, created):
        registry = Registry(get_db_name())
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for model, record_id in created:
                if model == "res.partner":
                    # a numbered customer is never deleted through the ORM
                    cr.execute(SQL("DELETE FROM res_partner WHERE id = %s", record_id))
                else:
                    env[model].browse(record_id).exists().unlink()

    def _odoo_bin(self, *args):
        """``odoo-bin hotline-restore`` in a process of its own, on the same
        PostgreSQL and data_dir as this server."""
        odoo_bin = os.path.join(
            os.path.dirname(os.path.dirname(odoo.__file__)), "odoo-bin"
        )
        options = [f"--data-dir={config['data_dir']}"]
        for key in ("db_host", "db_port", "db_user", "db_password", "pg_path"):
            if config.get(key):
                options.append(f"--{key}={config[key]}")
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        return subprocess.run(
            [
                sys.executable,
                odoo_bin,
                f"--addons-path={config['addons_path']}",
                "hotline-restore",
                *options,
                *args,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=900,
            check=False,
        )

    def _new_db_cursor(self, name):
        return contextlib.closing(odoo.sql_db.db_connect(name).cursor())

    def test_backup_manifest(self):
        run = self.backup_run
        self.assertEqual(run.state, "done", run.error)
        self.assertTrue(os.path.isfile(self.archive))
        manifest = json.loads(run.manifest)
        self.assertEqual(manifest["archive"]["sha256"], run.checksum)
        self.assertEqual(manifest["archive"]["size"], os.path.getsize(self.archive))
        self.assertEqual(run.archive_size, os.path.getsize(self.archive))
        with open(self.archive + gfs.MANIFEST_SUFFIX) as handle:
            self.assertEqual(json.load(handle), manifest)
        counts = manifest["counts"]
        for key in ("calls", "cases", "recordings", "customers"):
            self.assertGreaterEqual(counts[key], 1, key)
        files = {entry["path"]: entry for entry in manifest["pbx_files"]}
        self.assertIn(
            f"pbx/{self.pbx_id}/recordings/2026/12/03/rec-1.wav", files, run.manifest
        )
        recording = files[f"pbx/{self.pbx_id}/recordings/2026/12/03/rec-1.wav"]
        self.assertEqual(recording["size"], len(WAV))
        self.assertEqual(recording["source"], os.path.realpath(self.recording_file))
        self.assertIn(
            f"pbx/{self.pbx_id}/voicemail/default/8001/INBOX/msg0000.wav", files
        )
        self.assertIn(f"pbx/{self.pbx_id}/fax/in/fax-1.tif", files)
        self.assertEqual(run.pbx_file_count, len(files))
        with zipfile.ZipFile(self.archive) as zf:
            names = set(zf.namelist())
            self.assertTrue(
                {"dump.sql", "manifest.json", "hotline_manifest.json"} <= names
            )
            self.assertTrue(any(n.startswith("filestore/") for n in names))
            self.assertEqual(zf.read(recording["path"]), WAV)
        self.assertIn("calls", run.counts_summary)

    def test_restore_neutralize_verify(self):
        files_dir = os.path.join(self.tmp, "restored-files")
        result = self._odoo_bin(
            self.archive, "-d", self.new_db, "--neutralize", "--files-dir", files_dir
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("verification: OK", result.stdout)
        self.assertIn("archive checksum: verified", result.stdout)
        self.assertIn("neutralized: yes", result.stdout)
        with self._new_db_cursor(self.new_db) as cr:
            cr.execute(SQL("SELECT bool_or(active) FROM hotline_pbx"))
            self.assertFalse(cr.fetchone()[0])
            cr.execute(
                SQL("SELECT state FROM hotline_campaign WHERE name = 'Backup campaign'")
            )
            self.assertEqual(cr.fetchone()[0], "paused")
            cr.execute(SQL("SELECT bool_or(active) FROM hotline_sms_provider"))
            self.assertFalse(cr.fetchone()[0])
            cr.execute(
                SQL(
                    "SELECT active FROM hotline_webhook_subscription"
                    " WHERE name = 'Backup receiver'"
                )
            )
            self.assertEqual(cr.fetchall(), [(False,)])
            cr.execute(SQL("SELECT count(*) FROM ir_cron WHERE active"))
            self.assertLessEqual(cr.fetchone()[0], 1)  # only base's autovacuum
            cr.execute(
                SQL(
                    "SELECT value FROM ir_config_parameter WHERE key = %s",
                    "database.is_neutralized",
                )
            )
            self.assertEqual(cr.fetchone()[0], "true")
            cr.execute(SQL("SELECT bool_or(hotline_backup) FROM db_backup"))
            self.assertFalse(cr.fetchone()[0])
            cr.execute(
                SQL("SELECT count(*) FROM helpdesk_ticket WHERE name = 'Backup case'")
            )
            self.assertEqual(cr.fetchone()[0], 1)
        restored = os.path.join(
            files_dir, str(self.pbx_id), "recordings/2026/12/03/rec-1.wav"
        )
        with open(restored, "rb") as handle:
            self.assertEqual(handle.read(), WAV)
        self.assertTrue(os.path.isdir(config.filestore(self.new_db)))

        # verification catches a wrong count and a changed recording
        with zipfile.ZipFile(self.archive) as zf:
            inner = json.loads(zf.read("hotline_manifest.json"))
        self.assertEqual(restore.verify(self.new_db, inner, files_dir), [])
        wrong = dict(
            inner, counts=dict(inner["counts"], calls=inner["counts"]["calls"] + 1)
        )
        problems = restore.verify(self.new_db, wrong, files_dir)
        self.assertEqual(len(problems), 1)
        self.assertIn("count calls", problems[0])
        with open(restored, "r+b") as handle:
            handle.seek(100)
            handle.write(b"\x00\x01\x02")
        problems = restore.verify(self.new_db, inner, files_dir)
        self.assertEqual(len(problems), 1)
        self.assertIn("rec-1.wav", problems[0])
        os.unlink(restored)
        self.assertIn("missing", restore.verify(self.new_db, inner, files_dir)[0])

        # a database of that name now exists: refused, nothing written
        again = self._odoo_bin(self.archive, "-d", self.new_db)
        self.assertEqual(again.returncode, 2, again.stdout + again.stderr)
        self.assertIn("exists", again.stderr)
        self.assertIn("refused", again.stderr)

    def test_restore_into_existing_database_refused(self):
        result = self._odoo_bin(self.archive, "-d", get_db_name())
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertIn(f"database {get_db_name()!r} exists", result.stderr)
        with self.assertRaisesRegex(restore.RestoreError, "exists"):
            restore.restore(self.archive, get_db_name())
        # a leftover filestore of that name is refused too
        leftover = config.filestore(self.other_db)
        os.makedirs(leftover)
        self.addCleanup(shutil.rmtree, leftover, True)
        with self.assertRaisesRegex(restore.RestoreError, "filestore"):
            restore.restore(self.archive, self.other_db)
        self.assertFalse(restore.database_exists(self.other_db))
        with self.assertRaisesRegex(restore.RestoreError, "invalid database name"):
            restore.restore(self.archive, "bad name; drop")

    def test_tampered_archive_refused(self):
        tampered = os.path.join(self.tmp, "tampered", os.path.basename(self.archive))
        os.makedirs(os.path.dirname(tampered))
        shutil.copy(self.archive, tampered)
        shutil.copy(self.archive + gfs.MANIFEST_SUFFIX, tampered + gfs.MANIFEST_SUFFIX)
        with open(tampered, "r+b") as handle:
            handle.seek(-100, os.SEEK_END)
            byte = handle.read(1)
            handle.seek(-100, os.SEEK_END)
            handle.write(bytes([byte[0] ^ 0xFF]))
        with self.assertRaisesRegex(restore.RestoreError, "sha256 differs"):
            restore.restore(tampered, self.other_db)
        self.assertFalse(restore.database_exists(self.other_db))
        self.assertFalse(os.path.exists(config.filestore(self.other_db)))
        # not a backup at all
        junk = os.path.join(self.tmp, "junk.hotline.zip")
        with zipfile.ZipFile(junk, "w") as zf:
            zf.writestr("readme.txt", "hello")
        with self.assertRaisesRegex(restore.RestoreError, "not a hotline backup"):
            restore.restore(junk, self.other_db)
        self.assertFalse(restore.database_exists(self.other_db))
