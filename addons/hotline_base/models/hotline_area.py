# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HotlineArea(models.Model):
    """Service area tree: district > street > community > estate."""

    _name = "hotline.area"
    _description = "Service area"
    _parent_store = True
    _parent_name = "parent_id"
    _order = "complete_name"
    _rec_name = "complete_name"
    _rec_names_search = ["complete_name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(index=True)
    area_type = fields.Selection(
        [
            ("district", "District"),
            ("street", "Street"),
            ("community", "Community"),
            ("estate", "Estate"),
        ],
        string="Type",
        required=True,
        default="estate",
    )
    parent_id = fields.Many2one(
        "hotline.area", string="Parent area", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("hotline.area", "parent_id", string="Sub-areas")
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "An area code must be unique."),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for area in self:
            if area.parent_id:
                area.complete_name = f"{area.parent_id.complete_name} / {area.name}"
            else:
                area.complete_name = area.name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("An area cannot be inside itself."))
