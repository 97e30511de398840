# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import os
import wave
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, config

_logger = logging.getLogger(__name__)

AUDIO_TYPES = {
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg",
    ".gsm": "audio/x-gsm",
    ".wav49": "audio/wav",
}

# bytes per second of the headerless formats Asterisk records in (8 kHz mono):
# GSM 33 bytes per 20 ms frame, G.711 one byte and signed linear two per sample
RAW_BYTE_RATES = {".gsm": 1650, ".ulaw": 8000, ".alaw": 8000, ".sln": 16000}
# WAV49 (GSM 6.10 in a RIFF file, Asterisk's .WAV/.wav49): 65 bytes per 40 ms
WAV49_BYTE_RATE = 1625


def audio_duration(path):
    """Seconds of audio in the file at ``path``, ``None`` when unknown.

    PCM WAV (what MixMonitor writes for ``.wav``): from the header, read with
    ``wave``, bounded by the bytes really present (a file whose header was not
    finalised). Asterisk's raw formats and WAV49: from the size. Compressed
    formats with a variable rate (mp3, ogg) would need a decoder: unknown.
    """
    ext = os.path.splitext(path)[1].lower()
    try:
        size = os.path.getsize(path)
        if ext in RAW_BYTE_RATES:
            return size / RAW_BYTE_RATES[ext]
        if ext not in (".wav", ".wav49"):
            return None
        try:
            with wave.open(path, "rb") as audio:
                frames = audio.getnframes()
                frame_bytes = audio.getsampwidth() * audio.getnchannels()
                rate = audio.getframerate()
        except wave.Error:
            # RIFF but not PCM: WAV49 is GSM, 60 bytes of header
            with open(path, "rb") as handle:
                head = handle.read(12)
            if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
                return max(size - 60, 0) / WAV49_BYTE_RATE
            return None
    except (OSError, EOFError):
        return None
    if not rate or not frame_bytes:
        return None
    return min(frames, max(size - 44, 0) // frame_bytes) / rate


def is_relative_inside(path):
    """``path`` is relative and cannot climb out of the folder it is joined to."""
    path = path or ""
    parts = path.replace("\\", "/").split("/")
    return not (os.path.isabs(path) or ".." in parts or "\x00" in path)


# Asterisk's own spool folders: what Odoo serves when odoo.conf names none
DEFAULT_MEDIA_ROOTS = (
    "/var/spool/asterisk/monitor,/var/spool/asterisk/voicemail,/var/spool/asterisk/fax"
)


# Asterisk's sounds folder: where Odoo may write IVR prompt files when odoo.conf
# names none
DEFAULT_SOUNDS_ROOTS = "/var/lib/asterisk/sounds"
# the simulated PBX's sounds folder (make run), inside Odoo's data_dir
SIMULATOR_SOUNDS = "simulator-sounds"


def _configured_folders(option, default):
    value = config.get(option) or default
    folders = (folder.strip() for folder in str(value).split(","))
    return [os.path.realpath(f) for f in folders if f and os.path.isabs(f)]


def media_roots():
    """Real paths of the folders Odoo may read audio from: the server's
    configuration (``hotline_media_roots`` in odoo.conf, comma-separated),
    never a field edited in the browser."""
    return _configured_folders("hotline_media_roots", DEFAULT_MEDIA_ROOTS)


def simulator_sounds_dir():
    """The simulated PBX's sounds folder, in Odoo's data_dir."""
    return os.path.join(config["data_dir"], SIMULATOR_SOUNDS)


def sounds_roots():
    """Real paths of the folders Odoo and the connector may write IVR prompt
    files into: the server's configuration (``hotline_sounds_roots`` in
    odoo.conf, comma-separated), and the simulator's folder in Odoo's data_dir;
    never a field edited in the browser."""
    roots = _configured_folders("hotline_sounds_roots", DEFAULT_SOUNDS_ROOTS)
    return roots + [os.path.realpath(simulator_sounds_dir())]


def allowed_root(path, roots=None):
    """Real path of ``path`` when it is one of ``roots`` (default: the
    configured media roots) or a folder inside one (symlinks resolved), else
    ``None``."""
    if not path or "\x00" in path or not os.path.isabs(path):
        return None
    real = os.path.realpath(path)
    for root in media_roots() if roots is None else roots:
        if os.path.commonpath([root, real]) == root:
            return real
    return None


def resolve_under(root, relative):
    """Absolute path of ``relative`` inside ``root``, or ``None`` when it would
    leave ``root`` (``..``, absolute paths, symlinks pointing outside) or when
    ``root`` is not among the configured media roots."""
    if not root or not relative or "\x00" in relative:
        return None
    # checked again on every read: the record may predate the configuration
    root_real = allowed_root(root)
    if not root_real:
        return None
    full = os.path.realpath(os.path.join(root_real, relative))
    if os.path.commonpath([root_real, full]) != root_real or full == root_real:
        return None
    return full


def audio_player_html(url):
    """The browser's audio player for one of Odoo's streaming routes."""
    return Markup('<audio controls="controls" preload="none" src="%s"></audio>') % url


def audio_missing_html(message):
    """What a player shows instead of an audio element when the file is gone."""
    return (
        Markup(
            '<div class="alert alert-warning mb-0 o_hotline_audio_missing" '
            'role="status"><i class="fa fa-exclamation-triangle me-1"></i>%s</div>'
        )
        % message
    )


class HotlineRecording(models.Model):
    """A call recording Asterisk wrote (MixMonitor) under the PBX's recording path.

    The audio stays on disk; Odoo streams it (``/hotline/recording/<id>``) with
    HTTP range support and deletes it when the company's retention ends.
    """

    _name = "hotline.recording"
    _description = "Call Recording"
    _inherit = ["mail.thread", "hotline.company.guard"]
    _order = "started_at desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    call_id = fields.Many2one(
        "hotline.call", index=True, ondelete="set null", check_company=True
    )
    # the PBX holding the file, not a business link: a Hotline admin may hand
    # the recording over to another company (hotline.company.guard)
    pbx_id = fields.Many2one("hotline.pbx", string="PBX", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        related="call_id.partner_id", string="Customer", store=True
    )
    agent_id = fields.Many2one(related="call_id.user_id", string="Agent", store=True)
    file_path = fields.Char(
        required=True,
        help="Path of the audio file relative to the PBX's recording path.",
    )
    started_at = fields.Datetime(required=True, default=fields.Datetime.now)
    duration_seconds = fields.Integer(
        string="Duration (s)",
        help="Length of the audio file (not the call's talk time); empty when the "
        "file's format does not tell it.",
    )
    file_size = fields.Integer(compute="_compute_file_info", string="Size (bytes)")
    file_exists = fields.Boolean(compute="_compute_file_info", string="File present")
    mimetype = fields.Char(compute="_compute_mimetype")
    purged_at = fields.Datetime(
        string="File deleted on",
        readonly=True,
        help="When the retention policy deleted the audio file.",
    )
    player_html = fields.Html(
        compute="_compute_player_html", sanitize=False, string="Player"
    )

    @api.model_create_multi
    def create(self, vals_list):
        # no "Call Recording created" line: the connector creates recordings in
        # no user's language, so it would stay English in every chatter
        recordings = super(
            HotlineRecording, self.with_context(mail_create_nolog=True)
        ).create(vals_list)
        return recordings.with_env(self.env)

    @api.depends("file_path")
    def _compute_name(self):
        for rec in self:
            rec.name = os.path.basename(rec.file_path or "") or False

    @api.depends("file_path")
    def _compute_mimetype(self):
        for rec in self:
            ext = os.path.splitext(rec.file_path or "")[1].lower()
            rec.mimetype = AUDIO_TYPES.get(ext, "application/octet-stream")

    def _compute_file_info(self):
        for rec in self:
            path = rec._hotline_full_path()
            exists = bool(path) and os.path.isfile(path)
            rec.file_exists = exists
            rec.file_size = os.path.getsize(path) if exists else 0

    @api.depends("file_path", "purged_at")
    def _compute_player_html(self):
        for rec in self:
            if not rec.id or rec.purged_at:
                rec.player_html = False
            elif not rec._hotline_file_present():
                # not a silent 0:00 player in front of a 404
                rec.player_html = audio_missing_html(
                    self.env._("Recording not found: its audio file is missing.")
                )
            else:
                rec.player_html = audio_player_html(rec._hotline_url())

    def _hotline_file_present(self):
        self.ensure_one()
        path = self._hotline_full_path()
        return bool(path) and os.path.isfile(path)

    @api.constrains("file_path")
    def _check_file_path(self):
        for rec in self:
            path = rec.file_path or ""
            if not is_relative_inside(path):
                raise ValidationError(
                    self.env._(
                        "The recording path %s must stay inside the PBX recording "
                        "folder.",
                        path,
                    )
                )

    def _hotline_root(self):
        self.ensure_one()
        return self.sudo().pbx_id.recording_path

    def _hotline_full_path(self):
        """Absolute path of the file, ``None`` when outside the recording path."""
        self.ensure_one()
        return resolve_under(self._hotline_root(), self.file_path)

    def _hotline_url(self, download=False):
        self.ensure_one()
        return f"/hotline/recording/{self.id}" + ("?download=1" if download else "")

    def action_download(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self._hotline_url(download=True),
            "target": "download",
        }

    # ------------------------------------------------------------------
    # Link the files the connector reported on calls
    # ------------------------------------------------------------------
    @api.model
    def _cron_hotline_link_recordings(self, limit=1000):
        """Create the recording of every call whose ``recording_file``
        (MixMonitor's file, reported by the connector) has none yet."""
        self.env["hotline.call"].flush_model(["recording_file", "pbx_id", "ended_at"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT c.id FROM hotline_call c
                 WHERE c.recording_file IS NOT NULL AND c.recording_file != ''
                   AND c.pbx_id IS NOT NULL
                   -- the file is complete (and its length known) once the call ended
                   AND c.ended_at IS NOT NULL
                   AND NOT EXISTS (
                       SELECT 1 FROM hotline_recording r WHERE r.call_id = c.id)
                 ORDER BY c.id
                 LIMIT %s
                """,
                limit,
            )
        )
        calls = self.env["hotline.call"].browse([row[0] for row in rows])
        return self.hotline_link_recordings(calls)

    @api.model
    def hotline_link_recordings(self, calls):
        """One ``hotline.recording`` per call of ``calls`` with a recording file
        under its PBX's recording path; files elsewhere are logged and skipped."""
        values = []
        for call in calls.sudo():
            root = call.pbx_id.recording_path
            relative = call.recording_file
            if os.path.isabs(relative):
                if not root:
                    relative = None
                else:
                    root_real = os.path.realpath(root)
                    full = os.path.realpath(relative)
                    inside = os.path.commonpath([root_real, full]) == root_real
                    relative = os.path.relpath(full, root_real) if inside else None
            if not relative or not resolve_under(root, relative):
                _logger.info(
                    "Call %s: recording %s is not under %s, not linked",
                    call.linkedid,
                    call.recording_file,
                    root,
                )
                continue
            # the file's own length: MixMonitor records only while bridged,
            # and a transfer or a hold makes it differ from the talk time
            duration = audio_duration(resolve_under(root, relative))
            values.append(
                {
                    "call_id": call.id,
                    "pbx_id": call.pbx_id.id,
                    "company_id": call.company_id.id,
                    "file_path": relative,
                    "started_at": call.answered_at
                    or call.started_at
                    or fields.Datetime.now(),
                    "duration_seconds": round(duration)
                    if duration is not None
                    else False,
                }
            )
        return self.sudo().create(values)

    # ------------------------------------------------------------------
    # Retention
    # ------------------------------------------------------------------
    @api.model
    def _cron_hotline_purge(self):
        """Delete the files older than each company's retention (days).

        :return: the relative paths of the deleted files
        """
        now = fields.Datetime.now()
        removed = []
        for company in self.env["res.company"].search(
            [("hotline_recording_retention_days", ">", 0)]
        ):
            limit = now - timedelta(days=company.hotline_recording_retention_days)
            old = self.search(
                [
                    ("company_id", "=", company.id),
                    ("started_at", "<", limit),
                    ("purged_at", "=", False),
                ]
            )
            removed += old._hotline_purge(company.hotline_recording_retention_days)
        return removed

    def _hotline_purge(self, days):
        removed, freed = [], 0
        for rec in self:
            path = rec._hotline_full_path()
            size = 0
            if path and os.path.isfile(path):
                size = os.path.getsize(path)
                try:
                    os.remove(path)
                except OSError as error:
                    _logger.warning("Recording %s not deleted: %s", path, error)
                    continue
            rec.purged_at = fields.Datetime.now()
            rec.message_post(
                body=self.env._(
                    "Audio file %(file)s deleted (%(size)s bytes): retention of "
                    "%(days)s days.",
                    file=rec.file_path,
                    size=size,
                    days=days,
                )
            )
            removed.append(rec.file_path)
            freed += size
        if removed:
            _logger.info(
                "Recording retention (%s days): deleted %s files, %s bytes: %s",
                days,
                len(removed),
                freed,
                ", ".join(removed),
            )
        return removed
