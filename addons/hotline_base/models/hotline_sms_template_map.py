# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import sms_gateways


class HotlineSmsTemplateMap(models.Model):
    """An approved template of a provider and the Odoo messages it sends.

    ``content`` is the approved wording with ``${name}`` variables (Tencent's
    ``{1}``, ``{2}`` are written ``${1}``, ``${2}``). A message whose text is
    that wording filled in is sent with the template code and the values read
    from the text, whatever wrote it (an SMS template, the composer, a mass
    mailing, an automated action); add-ons may also ask for the mapping by its
    ``code`` with their own parameters.
    """

    _name = "hotline.sms.template.map"
    _inherit = ["hotline.company.guard"]
    _description = "SMS provider template"
    _order = "provider_id, sequence, id"

    name = fields.Char(required=True)
    provider_id = fields.Many2one(
        "hotline.sms.provider", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="provider_id.company_id", store=True, precompute=True
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    code = fields.Char(
        help="Code under which the hotline add-ons send this message "
        "(e.g. case_ack); empty for messages recognised by their text."
    )
    sms_template_id = fields.Many2one(
        "sms.template",
        string="Odoo SMS template",
        help="The Odoo SMS template whose messages this provider template sends "
        "(its text must render to the approved wording).",
    )
    provider_template_code = fields.Char(
        "Provider template code", required=True, help="e.g. SMS_154950909 or 449739"
    )
    content = fields.Text(
        "Approved wording",
        required=True,
        help="The template as approved by the provider, its variables written "
        "${name}: 您的案件${case}已受理,查询码${code}。",
    )
    variable_names = fields.Char(compute="_compute_variable_names")

    _sql_constraints = [
        (
            "code_unique",
            "unique(provider_id, code)",
            "A provider has one template per code.",
        ),
    ]

    @api.depends("content")
    def _compute_variable_names(self):
        for template_map in self:
            template_map.variable_names = ", ".join(template_map._variables())

    @api.constrains("content", "provider_id")
    def _check_content(self):
        for template_map in self:
            if template_map.provider_id.kind == "tencent" and any(
                not name.isdigit() for name in template_map._variables()
            ):
                raise ValidationError(
                    self.env._(
                        "Tencent Cloud templates number their variables: "
                        "write them %(example)s",
                        example="${1}, ${2}...",
                    )
                )

    def _variables(self):
        self.ensure_one()
        return sms_gateways.template_variables(self.content)

    def _match(self, body):
        """{variable: value} when ``body`` is this template filled in, else None."""
        self.ensure_one()
        return sms_gateways.match_template(self.content, body)

    def _provider_params(self, params, kind):
        """Parameters as the provider takes them: Tencent an ordered list."""
        self.ensure_one()
        params = params or {}
        if kind == "tencent":
            names = sorted(self._variables(), key=int)
            return [str(params.get(name, "")) for name in names]
        return {name: str(params.get(name, "")) for name in self._variables()}
