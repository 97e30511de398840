# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import binascii

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..pbx import sound_files

IVR_LANGUAGES = [("zh_CN", "Chinese (Simplified)"), ("en_US", "English")]
# language -> (audio field, file name field)
AUDIO_FIELDS = {
    "zh_CN": ("audio_zh_cn", "audio_zh_cn_filename"),
    "en_US": ("audio_en_us", "audio_en_us_filename"),
}


class HotlineIvrPrompt(models.Model):
    """A recorded prompt, one audio file per language, played by IVR nodes."""

    _name = "hotline.ivr.prompt"
    _description = "IVR Prompt"
    _inherit = ["hotline.company.guard"]
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Sound name on the PBX, without extension: the connector plays "
        "hotline/<language>/<code>.",
    )
    description = fields.Text(
        translate=True, help="What the prompt says, e.g. the text read by the speaker."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)
    audio_zh_cn = fields.Binary(string="Audio (Chinese)", attachment=True)
    audio_zh_cn_filename = fields.Char(string="Chinese file name")
    audio_en_us = fields.Binary(string="Audio (English)", attachment=True)
    audio_en_us_filename = fields.Char(string="English file name")
    language_codes = fields.Char(
        compute="_compute_language_codes",
        string="Languages",
        help="Languages this prompt has audio for.",
    )

    _sql_constraints = [
        (
            "code_company_uniq",
            "UNIQUE(code, company_id)",
            "A prompt code is used once per company.",
        ),
    ]

    @api.depends("audio_zh_cn_filename", "audio_en_us_filename")
    def _compute_language_codes(self):
        for prompt in self:
            prompt.language_codes = ", ".join(prompt._hotline_languages())

    @api.constrains("code")
    def _check_code(self):
        for prompt in self:
            code = prompt.code or ""
            if not all(c.isalnum() or c in "_-" for c in code):
                raise ValidationError(
                    self.env._(
                        "Prompt code %s may hold letters, digits, '-' and '_' only.",
                        code,
                    )
                )

    @api.constrains(
        "audio_zh_cn", "audio_zh_cn_filename", "audio_en_us", "audio_en_us_filename"
    )
    def _check_audio(self):
        """Only what Asterisk plays: 8 kHz 16-bit mono PCM .wav (checked from
        the RIFF header), .gsm, .ulaw, .alaw or .sln."""
        names = dict(IVR_LANGUAGES)
        for prompt in self.with_context(bin_size=False):
            for lang in AUDIO_FIELDS:
                try:
                    prompt._hotline_audio(lang)
                except sound_files.SoundFileError as exc:
                    raise ValidationError(
                        self.env._(
                            "Prompt %(prompt)s, %(language)s audio: %(reason)s. "
                            "Upload a WAV file (8 kHz, 16-bit, mono PCM) or a "
                            ".gsm, .ulaw, .alaw or .sln file.",
                            prompt=prompt.name or prompt.code,
                            language=names[lang],
                            reason=str(exc),
                        )
                    ) from exc

    def _hotline_audio(self, lang):
        """``(extension, bytes)`` of the language's audio, ``None`` without
        one; raises ``SoundFileError`` for a file Asterisk cannot play."""
        self.ensure_one()
        field, name_field = AUDIO_FIELDS[lang]
        value = self.with_context(bin_size=False)[field]
        if not value:
            return None
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise sound_files.SoundFileError("the upload is not readable") from exc
        return sound_files.sound_extension(self[name_field], data), data

    def _hotline_sound_files(self):
        """What the sounds folder holds for this prompt (``sound_files.sync``)."""
        self.ensure_one()
        sounds = {}
        for lang in AUDIO_FIELDS:
            audio = self._hotline_audio(lang)
            if audio:
                sounds[lang] = audio
        return {"code": self.code, "active": self.active, "sounds": sounds}

    def _hotline_languages(self):
        """Languages with an uploaded audio file."""
        self.ensure_one()
        langs = []
        if self.audio_zh_cn_filename or self.audio_zh_cn:
            langs.append("zh_CN")
        if self.audio_en_us_filename or self.audio_en_us:
            langs.append("en_US")
        return langs

    def _hotline_sounds(self):
        """``{language: sound name}`` the engine plays."""
        self.ensure_one()
        return {
            lang: f"hotline/{lang}/{self.code}" for lang in self._hotline_languages()
        }
