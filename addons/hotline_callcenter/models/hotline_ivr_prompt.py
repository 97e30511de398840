# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

IVR_LANGUAGES = [("zh_CN", "Chinese (Simplified)"), ("en_US", "English")]


class HotlineIvrPrompt(models.Model):
    """A recorded prompt, one audio file per language, played by IVR nodes."""

    _name = "hotline.ivr.prompt"
    _description = "IVR Prompt"
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
