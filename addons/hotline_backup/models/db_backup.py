# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""OCA auto_backup's configuration, extended to the hotline's full backup.

A configuration marked *Hotline full backup* is run by auto_backup's own
scheduler (``action_backup_all``) and button, but makes one archive of the
database (dumped in one snapshot with its row counts), the filestore and the
PBX spool folders (recordings, voicemail, fax) with a manifest
(``tools/backup_archive.py``), logs a ``hotline.backup.run`` and keeps its
archives by grandfather-father-son retention (``tools/gfs.py``).
"""

import logging
import os
import shutil
import tempfile

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.hotline_callcenter.models.hotline_recording import allowed_root

from ..tools import backup_archive, gfs

_logger = logging.getLogger(__name__)

PBX_FOLDERS = (
    ("recordings", "recording_path"),
    ("voicemail", "voicemail_path"),
    ("fax", "fax_path"),
)


class DbBackup(models.Model):
    _inherit = "db.backup"

    hotline_backup = fields.Boolean(
        string="Hotline full backup",
        help="One archive of the database, the filestore and the PBX's "
        "recordings, voicemail and fax folders, with a manifest (checksums, "
        "sizes, row counts) and grandfather-father-son retention; each run is "
        "logged in Hotline > Configuration > Backups. Days to keep is not "
        "used then.",
    )
    hotline_include_pbx = fields.Boolean(
        string="Include PBX files",
        default=True,
        help="Save the recordings, voicemail and fax folders of every PBX.",
    )
    hotline_keep_daily = fields.Integer(
        string="Daily backups kept",
        default=7,
        help="The newest backup of each of the last N days that have one.",
    )
    hotline_keep_weekly = fields.Integer(
        string="Weekly backups kept",
        default=4,
        help="The newest backup of each of the last N weeks that have one.",
    )
    hotline_keep_monthly = fields.Integer(
        string="Monthly backups kept",
        default=12,
        help="The newest backup of each of the last N months that have one. "
        "With all three at 0 no backup is removed.",
    )
    hotline_run_ids = fields.One2many("hotline.backup.run", "config_id")

    @api.constrains("hotline_keep_daily", "hotline_keep_weekly", "hotline_keep_monthly")
    def _check_hotline_keep(self):
        for rec in self:
            if (
                min(
                    rec.hotline_keep_daily,
                    rec.hotline_keep_weekly,
                    rec.hotline_keep_monthly,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("The numbers of backups kept cannot be negative.")
                )

    def action_backup(self):
        hotline = self.filtered("hotline_backup")
        result = None
        if self - hotline:
            result = super(DbBackup, self - hotline).action_backup()
        if hotline:
            hotline._hotline_backup()
        return result

    def _hotline_pbx_sources(self):
        """The PBX folders to save (each real folder once) and those the
        server's configuration does not allow (left out, named in the
        manifest and the run's log)."""
        self.ensure_one()
        sources, refused, seen = [], [], set()
        if not self.hotline_include_pbx:
            return sources, refused
        pbxs = self.env["hotline.pbx"].sudo().with_context(active_test=False).search([])
        for pbx in pbxs:
            for kind, field in PBX_FOLDERS:
                path = pbx[field]
                if not path:
                    continue
                real = allowed_root(path)
                if not real:
                    refused.append(path)
                    continue
                if (kind, real) in seen:
                    continue
                seen.add((kind, real))
                sources.append(
                    {"pbx_id": pbx.id, "pbx": pbx.name, "kind": kind, "folder": real}
                )
        return sources, refused

    def _hotline_backup(self, when=None):
        """Run the full backups; returns their ``hotline.backup.run`` logs.

        A failure does not stop the others: its run is marked failed and
        the hotline admins get an activity."""
        runs = self.env["hotline.backup.run"].sudo()
        for rec in self.sudo():
            run = runs.create({"config_id": rec.id, "state": "running"})
            try:
                with (
                    self.env.cr.savepoint(),
                    tempfile.TemporaryDirectory(prefix="hotline-backup-") as tmp,
                ):
                    rec._hotline_check_destination()
                    sources, refused = rec._hotline_pbx_sources()
                    result = backup_archive.make_backup(
                        self.env.cr.dbname, tmp, sources, when=when
                    )
                    location = rec._hotline_store(result)
                    removed = rec._hotline_apply_retention()
            except Exception as exc:  # noqa: BLE001 - logged on the run
                _logger.warning("Hotline backup %s failed: %s", rec.name, exc)
                run._hotline_fail(str(exc) or repr(exc))
            else:
                run._hotline_done(result["manifest"], location, removed, refused)
            runs |= run
        return runs

    def _hotline_check_destination(self):
        """Fail before the dump when the archive cannot be stored."""
        self.ensure_one()
        if self.method == "sftp":
            with self.sftp_connection():
                return
        try:
            os.makedirs(self.folder, exist_ok=True)
        except OSError as exc:
            raise UserError(
                self.env._(
                    "Cannot create the folder %(folder)s: %(error)s",
                    folder=self.folder,
                    error=exc,
                )
            ) from exc
        if not os.access(self.folder, os.W_OK):
            raise UserError(self.env._("The folder %s is not writable.", self.folder))

    def _hotline_store(self, result):
        """Put the archive and its manifest file where the configuration
        says; returns the location shown on the run."""
        self.ensure_one()
        name = os.path.basename(result["archive"])
        files = (result["archive"], result["manifest_file"])
        if self.method == "sftp":
            with self.sftp_connection() as remote:
                if not remote.exists(self.folder):
                    remote.makedirs(self.folder)
                for path in files:
                    remote.put(path, f"{self.folder}/{os.path.basename(path)}")
            return f"{self.name}/{name}"
        os.makedirs(self.folder, exist_ok=True)
        for path in files:
            target = os.path.join(self.folder, os.path.basename(path))
            if os.path.exists(target):
                raise UserError(
                    self.env._("%s exists already: not overwritten.", target)
                )
        for path in files:
            shutil.move(path, os.path.join(self.folder, os.path.basename(path)))
        return os.path.join(self.folder, name)

    def _hotline_apply_retention(self):
        """Remove the archives (and their manifest files) the
        grandfather-father-son retention does not keep; returns their names."""
        self.ensure_one()
        keep = {
            "daily": self.hotline_keep_daily,
            "weekly": self.hotline_keep_weekly,
            "monthly": self.hotline_keep_monthly,
        }
        if self.method == "sftp":
            with self.sftp_connection() as remote:
                names = remote.listdir(self.folder)
                remove = gfs.select_remove(names, **keep)
                for name in remove:
                    for path in (name, name + gfs.MANIFEST_SUFFIX):
                        if path in names:
                            remote.remove(f"{self.folder}/{path}")
            return remove
        names = os.listdir(self.folder)
        remove = gfs.select_remove(names, **keep)
        for name in remove:
            for path in (name, name + gfs.MANIFEST_SUFFIX):
                if path in names:
                    os.unlink(os.path.join(self.folder, path))
        return remove
