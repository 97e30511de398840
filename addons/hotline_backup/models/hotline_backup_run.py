# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import manifest as mf

BACKUP_CRON = "auto_backup.ir_cron_backup_scheduler_0"


class HotlineBackupRun(models.Model):
    """One run of a hotline full backup: what was saved, or why not."""

    _name = "hotline.backup.run"
    _description = "Hotline backup run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "started_at desc, id desc"

    name = fields.Char(string="Archive", readonly=True)
    config_id = fields.Many2one(
        "db.backup", string="Backup configuration", ondelete="set null", readonly=True
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="running",
        readonly=True,
        tracking=True,
    )
    started_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    finished_at = fields.Datetime(readonly=True)
    location = fields.Char(readonly=True)
    archive_size = fields.Float(string="Size (bytes)", digits=(20, 0), readonly=True)
    checksum = fields.Char(string="SHA-256", readonly=True)
    pbx_file_count = fields.Integer(string="PBX files", readonly=True)
    counts_summary = fields.Char(string="Row counts", readonly=True)
    manifest = fields.Text(readonly=True)
    removed_archives = fields.Text(string="Removed by retention", readonly=True)
    notes = fields.Text(readonly=True)
    error = fields.Text(readonly=True)

    def _hotline_done(self, manifest, location, removed, refused):
        self.ensure_one()
        notes = []
        for missing in manifest.get("pbx_missing_folders") or []:
            notes.append(
                self.env._(
                    "PBX %(pbx)s: %(kind)s folder %(folder)s does not exist.",
                    **missing,
                )
            )
        for path in refused:
            notes.append(
                self.env._(
                    "%s is not among the folders the server allows "
                    "(hotline_media_roots): not saved.",
                    path,
                )
            )
        self.write(
            {
                "state": "done",
                "finished_at": fields.Datetime.now(),
                "name": manifest["archive"]["name"],
                "location": location,
                "archive_size": manifest["archive"]["size"],
                "checksum": manifest["archive"]["sha256"],
                "pbx_file_count": len(manifest.get("pbx_files") or []),
                "counts_summary": ", ".join(
                    f"{key} {value}"
                    for key, value in sorted((manifest.get("counts") or {}).items())
                ),
                "manifest": mf.dumps(manifest),
                "removed_archives": "\n".join(removed) or False,
                "notes": "\n".join(notes) or False,
            }
        )

    def _hotline_fail(self, error):
        """Mark the run failed and give every hotline admin an activity."""
        self.ensure_one()
        self.write(
            {"state": "failed", "finished_at": fields.Datetime.now(), "error": error}
        )
        admins = (
            self.env.ref("hotline_base.group_admin")
            .sudo()
            .users.filtered(lambda user: user.active and not user.share)
        )
        summary = self.env._("Backup failed: %s", (self.config_id.name or "")[:80])
        for admin in admins:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=summary,
                note=error,
                user_id=admin.id,
            )

    @api.model
    def _hotline_check_backup_right(self):
        user = self.env.user
        if not (
            user.has_group("hotline_base.group_admin")
            or user.has_group("base.group_system")
        ):
            raise AccessError(
                self.env._("Only hotline admins and system administrators run backups.")
            )

    def action_backup_now(self):
        """Queue the backup scheduler now (the backup runs in the background:
        a large database takes minutes)."""
        self._hotline_check_backup_right()
        configs = self.env["db.backup"].sudo().search([("hotline_backup", "=", True)])
        if not configs:
            raise UserError(
                self.env._(
                    "No hotline full backup is configured: a system administrator "
                    "creates one in Settings > Technical > Automated backups."
                )
            )
        self.env.ref(BACKUP_CRON).sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The backup starts in a moment; its run appears in this list."
                ),
            },
        }
