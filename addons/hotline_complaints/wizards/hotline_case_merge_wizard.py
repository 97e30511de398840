# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineCaseMergeWizard(models.TransientModel):
    """Merge cases into another one, or link them."""

    _name = "hotline.case.merge.wizard"
    _description = "Merge or Link Cases"

    ticket_ids = fields.Many2many("helpdesk.ticket", string="Cases", required=True)
    mode = fields.Selection(
        [("merge", "Merge into"), ("link", "Link to")], default="merge", required=True
    )
    target_id = fields.Many2one("helpdesk.ticket", string="Case", required=True)

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        ids = self.env.context.get("active_ids") or []
        if self.env.context.get("active_model") == "helpdesk.ticket" and ids:
            defaults["ticket_ids"] = [fields.Command.set(ids)]
        return defaults

    def action_confirm(self):
        self.ensure_one()
        if self.mode == "merge":
            (self.ticket_ids - self.target_id).hotline_merge_into(self.target_id)
        else:
            self.target_id.hotline_link(self.ticket_ids)
        return {"type": "ir.actions.act_window_close"}
