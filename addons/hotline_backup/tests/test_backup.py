# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools import gfs
from .common import BackupCommon


@tagged("post_install", "-at_install")
class TestBackupRun(BackupCommon):
    """Failures, retention and access; the full backup and restore are in
    test_restore."""

    def test_failure_logs_the_run_and_gives_admins_an_activity(self):
        blocker = os.path.join(self.tmp, "a-file")
        with open(blocker, "w") as handle:
            handle.write("not a folder")
        config = self.new_config(folder=os.path.join(blocker, "backups"))
        with mute_logger("odoo.addons.hotline_backup.models.db_backup"):
            run = config._hotline_backup()
        self.assertEqual(run.state, "failed")
        self.assertIn("Cannot create the folder", run.error)
        self.assertFalse(run.checksum)
        admin = self.role_users["hotline_admin"]
        activity = run.activity_ids.filtered(lambda a: a.user_id == admin)
        self.assertEqual(len(activity), 1)
        self.assertIn("Backup failed", activity.summary)
        self.assertIn("Cannot create the folder", str(activity.note))
        # only hotline admins get it, each one
        agent = self.role_users["agent"]
        self.assertFalse(run.activity_ids.filtered(lambda a: a.user_id == agent))
        self.assertTrue(
            set(self.env.ref("hotline_base.group_admin").users.filtered("active").ids)
            >= set(run.activity_ids.user_id.ids)
        )
        # the admin sees the failed run and its activity in their list
        as_admin = run.with_user(admin)
        self.assertEqual(as_admin.state, "failed")
        self.assertIn(run, self.env["hotline.backup.run"].with_user(admin).search([]))
        self.assertFalse(os.path.exists(os.path.join(blocker, "backups")))

    def test_negative_retention_refused(self):
        with self.assertRaises(ValidationError):
            self.new_config(hotline_keep_weekly=-1)

    def test_gfs_retention_in_the_folder(self):
        config = self.new_config(
            hotline_keep_daily=2, hotline_keep_weekly=2, hotline_keep_monthly=2
        )
        os.makedirs(self.backups)
        now = datetime(2026, 11, 30, 3, 0, 0)  # a Monday
        names = []
        for days in range(70):
            name = gfs.archive_name(now - timedelta(days=days))
            names.append(name)
            for path in (name, name + gfs.MANIFEST_SUFFIX):
                with open(os.path.join(self.backups, path), "w") as handle:
                    handle.write("x")
        with open(os.path.join(self.backups, "notes.txt"), "w") as handle:
            handle.write("not a backup")
        removed = config._hotline_apply_retention()
        left = sorted(os.listdir(self.backups))
        kept = sorted(n for n in left if n.endswith(gfs.ARCHIVE_SUFFIX))
        self.assertEqual(
            kept,
            sorted(
                [
                    "2026_11_30_03_00_00.hotline.zip",  # day, week, month
                    "2026_11_29_03_00_00.hotline.zip",  # day; Sunday: last week
                    "2026_10_31_03_00_00.hotline.zip",  # October
                ]
            ),
        )
        self.assertEqual(len(removed), 67)
        # each archive's manifest goes with it; other files stay
        self.assertEqual(len(left), 7)
        self.assertIn("notes.txt", left)

    def test_access_to_runs(self):
        run = self.env["hotline.backup.run"].sudo().create({"state": "done"})
        admin = self.role_users["hotline_admin"]
        self.assertEqual(run.with_user(admin).read(["state"])[0]["state"], "done")
        with self.assertRaises(AccessError):
            run.with_user(admin).write({"state": "failed"})
        with self.assertRaises(AccessError):
            run.with_user(admin).unlink()
        for role in ("agent", "supervisor", "handler", "leader", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                run.with_user(self.role_users[role]).read(["state"])
        with self.assertRaises(AccessError):
            run.with_user(self.user_internal).read(["state"])
        # the backup configuration (SFTP password) is the system administrators'
        with self.assertRaises(AccessError):
            self.env["db.backup"].with_user(admin).create({"folder": self.backups})

    def test_back_up_now(self):
        Run = self.env["hotline.backup.run"]
        admin = self.role_users["hotline_admin"]
        with self.assertRaises(UserError):
            Run.with_user(admin).action_backup_now()
        self.new_config()
        cron = self.env.ref("auto_backup.ir_cron_backup_scheduler_0")
        Trigger = self.env["ir.cron.trigger"]
        before = Trigger.search_count([("cron_id", "=", cron.id)])
        action = Run.with_user(admin).action_backup_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 1)
        # a system administrator without a hotline role may too
        Run.with_user(self.env.ref("base.user_admin")).action_backup_now()
        for role in ("agent", "supervisor", "finance"):
            with self.subTest(role=role), self.assertRaises(AccessError):
                Run.with_user(self.role_users[role]).action_backup_now()
        self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), before + 2)

    def test_menu_only_for_admins(self):
        menu = self.env.ref("hotline_backup.hotline_backup_run_menu")
        self.assertIn(menu, self.visible_menus(self.role_users["hotline_admin"]))
        self.assertNotIn(menu, self.visible_menus(self.role_users["supervisor"]))
