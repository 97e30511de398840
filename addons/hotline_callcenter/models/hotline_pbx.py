# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime
import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..pbx import sound_files
from .hotline_ivr_prompt import AUDIO_FIELDS
from .hotline_recording import allowed_root, media_roots, sounds_roots

_logger = logging.getLogger(__name__)
# prompts changed this long before the last sync are read again: a transaction
# that committed late keeps the write_date of its start
SYNC_OVERLAP = datetime.timedelta(minutes=2)


class HotlinePbx(models.Model):
    """An Asterisk server the connector keeps an AMI session with."""

    _name = "hotline.pbx"
    _description = "Hotline PBX (Asterisk)"
    _inherit = ["hotline.company.guard"]
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    host = fields.Char(
        required=True, default="127.0.0.1", help="AMI host name or address."
    )
    ami_port = fields.Integer(string="AMI port", required=True, default=5038)
    ami_user = fields.Char(string="AMI user", required=True, default="odoo")
    ami_secret = fields.Char(
        string="AMI secret", groups="hotline_base.group_admin", copy=False
    )
    agi_bind_address = fields.Char(
        string="FastAGI bind address",
        default="127.0.0.1",
        help="Address the connector's FastAGI server listens on.",
    )
    agi_port = fields.Integer(string="FastAGI port", default=4573)
    recording_path = fields.Char(
        default="/var/spool/asterisk/monitor",
        help="Folder where Asterisk writes call recordings, as the connector sees it. "
        "It must be one of the folders the server's configuration allows "
        "(hotline_media_roots in odoo.conf) or inside one.",
    )
    sounds_directory = fields.Char(
        default=lambda self: sounds_roots()[0],
        help="Asterisk's sounds folder as the connector (and Odoo, for Sync now) "
        "sees it. IVR prompts are written to <folder>/hotline/<language>/"
        "<code>.<extension>; Odoo owns that hotline sub-folder. It must be one "
        "of the folders the server's configuration allows (hotline_sounds_roots "
        "in odoo.conf) or inside one.",
    )
    prompts_synced_at = fields.Datetime(
        string="Prompts synced at",
        readonly=True,
        copy=False,
        help="Last time prompt files were written to or removed from the sounds "
        "folder.",
    )

    _sql_constraints = [
        (
            "ami_port_range",
            "CHECK(ami_port > 0 AND ami_port < 65536)",
            "The AMI port must be between 1 and 65535.",
        ),
        (
            "agi_port_range",
            "CHECK(agi_port > 0 AND agi_port < 65536)",
            "The FastAGI port must be between 1 and 65535.",
        ),
    ]

    @api.constrains("recording_path", "voicemail_path")
    def _check_media_paths(self):
        """Odoo streams files from these folders: only the server's configuration
        decides which folders may be served (an admin could otherwise read
        /etc or odoo.conf through a recording)."""
        for pbx in self:
            for path in (pbx.recording_path, pbx.voicemail_path):
                if path and not allowed_root(path):
                    raise ValidationError(
                        self.env._(
                            "The folder %(folder)s is not one the server allows. "
                            "Choose one of %(roots)s (hotline_media_roots in the "
                            "server's configuration) or a folder inside one.",
                            folder=path,
                            roots=", ".join(media_roots()),
                        )
                    )

    @api.constrains("sounds_directory")
    def _check_sounds_directory(self):
        """Odoo and the connector write (and remove) prompt files there: only
        the server's configuration decides where (an admin could otherwise
        make the server write into /etc or into Odoo's own folders)."""
        for pbx in self:
            if pbx.sounds_directory and not pbx._hotline_sounds_root():
                raise ValidationError(pbx._hotline_sounds_refusal())

    def _hotline_sounds_root(self):
        """Real path of the sounds folder when the server allows it."""
        self.ensure_one()
        return allowed_root(self.sounds_directory, sounds_roots())

    def _hotline_sounds_refusal(self):
        self.ensure_one()
        return self.env._(
            "The sounds folder %(folder)s is not one the server allows. Choose "
            "one of %(roots)s (hotline_sounds_roots in the server's "
            "configuration) or a folder inside one.",
            folder=self.sounds_directory,
            roots=", ".join(sounds_roots()),
        )

    @api.depends("name", "host", "ami_port")
    def _compute_display_name(self):
        for pbx in self:
            pbx.display_name = f"{pbx.name} ({pbx.host}:{pbx.ami_port})"

    # ------------------------------------------------------------------
    # IVR prompt files in Asterisk's sounds folder
    # ------------------------------------------------------------------
    def _hotline_prompt_sync_data(self, since=None):
        """What :func:`sound_files.sync` needs for this PBX's company.

        ``since``: only prompts written since then (minus an overlap) are read
        with their audio; archived ones are included so their files go.
        Returns ``(changed, keep, marker)``: ``keep`` lists every active
        prompt's files (read without the audio), ``marker`` is the newest
        write date seen (the next ``since``).
        """
        self.ensure_one()
        Prompt = self.env["hotline.ivr.prompt"].sudo().with_context(active_test=False)
        company = [("company_id", "=", self.company_id.id)]
        domain = list(company)
        if since:
            domain.append(("write_date", ">=", since - SYNC_OVERLAP))
        changed = Prompt.search(domain)
        keep = {lang: {} for lang in sound_files.LANGUAGES}
        sized = Prompt.with_context(bin_size=True).search(
            company + [("active", "=", True)]
        )
        for prompt in sized:
            for lang, (field, name_field) in AUDIO_FIELDS.items():
                if prompt[field]:
                    ext = (prompt[name_field] or "").rpartition(".")[2].lower()
                    keep[lang][prompt.code] = ext
        marker = max(changed.mapped("write_date"), default=since)
        files = []
        for prompt in changed:
            try:
                files.append(prompt._hotline_sound_files())
            except sound_files.SoundFileError as exc:
                # stored before uploads were checked: its files stay as they are
                _logger.warning(
                    "PBX %s: prompt %s not synced: %s", self.name, prompt.code, exc
                )
        return files, keep, marker

    def hotline_sync_prompts(self, since=None):
        """Write the prompt files of this PBX's company into its sounds folder.

        ``since=None`` syncs every prompt. Returns ``sound_files.sync``'s
        result plus ``marker`` (pass it as ``since`` next time). Raises
        ``sound_files.SoundFileError`` or ``OSError`` when the folder refuses.
        """
        self.ensure_one()
        # checked again on every sync: the record may predate the configuration
        if not self._hotline_sounds_root():
            raise sound_files.SoundFileError(self._hotline_sounds_refusal())
        changed, keep, marker = self._hotline_prompt_sync_data(since)
        result = sound_files.sync(self.sounds_directory, changed, keep)
        if result["written"] or result["removed"] or since is None:
            self.sudo().prompts_synced_at = fields.Datetime.now()
            _logger.info(
                "PBX %s: prompts synced to %s: %d written, %d unchanged, %d removed",
                self.name,
                self.sounds_directory,
                len(result["written"]),
                result["unchanged"],
                len(result["removed"]),
            )
        result["marker"] = marker
        result["directory"] = self.sounds_directory
        return result

    def action_sync_prompts(self):
        """Sync now: every prompt file, from the Odoo server (which must see
        the sounds folder; the connector also syncs within a minute)."""
        if not self.env.user.has_group("hotline_base.group_admin"):
            raise AccessError(self.env._("Only hotline admins sync prompt files."))
        messages = []
        for pbx in self:
            try:
                result = pbx.hotline_sync_prompts()
            except (sound_files.SoundFileError, OSError) as exc:
                raise UserError(
                    self.env._(
                        "Prompt files could not be written for PBX %(pbx)s: %(error)s",
                        pbx=pbx.name,
                        error=str(exc),
                    )
                ) from exc
            messages.append(
                self.env._(
                    "%(pbx)s: %(written)s written, %(unchanged)s unchanged, "
                    "%(removed)s removed.",
                    pbx=pbx.name,
                    written=len(result["written"]),
                    unchanged=result["unchanged"],
                    removed=len(result["removed"]),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": "success", "message": " ".join(messages)},
        }
