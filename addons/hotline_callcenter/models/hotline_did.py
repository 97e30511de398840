# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HotlineDid(models.Model):
    """A number callers dial (400, 800, local); each runs its own IVR flow."""

    _name = "hotline.did"
    _description = "Hotline Number (DID)"
    _inherit = ["hotline.company.guard"]
    _order = "number"
    _rec_name = "number"

    number = fields.Char(required=True, index=True)
    name = fields.Char(string="Description", translate=True)
    kind = fields.Selection(
        [("400", "400 number"), ("800", "800 number"), ("local", "Local number")],
        required=True,
        default="local",
    )
    flow_id = fields.Many2one(
        "hotline.ivr.flow",
        string="IVR flow",
        required=True,
        ondelete="restrict",
        check_company=True,
    )
    pbx_id = fields.Many2one("hotline.pbx", string="PBX", check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    active = fields.Boolean(default=True)

    _check_company_auto = True
    _sql_constraints = [
        ("number_uniq", "UNIQUE(number)", "This number is already mapped to a flow."),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("number"):
                vals["number"] = self._hotline_clean(vals["number"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("number"):
            vals["number"] = self._hotline_clean(vals["number"])
        return super().write(vals)

    @api.model
    def _hotline_clean(self, number):
        """Digits only when the number is only digits, spaces and dashes."""
        stripped = number.replace(" ", "").replace("-", "")
        return stripped if stripped.isdigit() else number

    @api.constrains("number", "kind")
    def _check_number(self):
        for did in self:
            number = (did.number or "").replace(" ", "").replace("-", "")
            if not number.isdigit():
                raise ValidationError(
                    self.env._("The number %s may hold digits only.", did.number)
                )
            if did.kind in ("400", "800") and not (
                number.startswith(did.kind) and len(number) == 10
            ):
                raise ValidationError(
                    self.env._(
                        "%(number)s is not a %(kind)s number: ten digits starting "
                        "with %(kind)s.",
                        number=did.number,
                        kind=did.kind,
                    )
                )

    @api.depends("number", "name")
    def _compute_display_name(self):
        for did in self:
            did.display_name = (
                f"{did.number} ({did.name})" if did.name else did.number or ""
            )

    @api.model
    def _hotline_flow_for(self, number, pbx_id=None):
        """The flow of a dialled number (digits compared, no formatting)."""
        number = "".join(c for c in (number or "") if c.isdigit())
        if not number:
            return self.env["hotline.ivr.flow"]
        domain = [("number", "=", number)]
        dids = self.search(domain)
        if pbx_id and len(dids) > 1:
            dids = dids.filtered(lambda d: d.pbx_id.id == pbx_id) or dids
        return dids[:1].flow_id
