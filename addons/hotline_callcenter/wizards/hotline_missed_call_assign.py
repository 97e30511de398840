# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError


class HotlineMissedCallAssign(models.TransientModel):
    """A supervisor hands missed callers to an agent to call back."""

    _name = "hotline.missed.call.assign"
    _description = "Assign Missed Calls"

    call_ids = fields.Many2many("hotline.call", string="Missed calls", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Call back by",
        domain="[('share', '=', False)]",
        help="Empty: the calls go back to nobody.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "call_ids" in fields_list and context.get("active_ids"):
            model = context.get("active_model")
            if model == "hotline.missed.call.report":
                rows = self.env[model].browse(context["active_ids"])
                values["call_ids"] = [fields.Command.set(rows.call_id.ids)]
            elif model == "hotline.call":
                values["call_ids"] = [fields.Command.set(context["active_ids"])]
        return values

    def action_assign(self):
        self.ensure_one()
        user = self.user_id
        if user and not user.has_group("hotline_base.group_agent"):
            raise UserError(
                self.env._("%s is no agent: only agents call back.", user.name)
            )
        missed = self.env["hotline.missed.call.report"].search(
            [("call_id", "in", self.call_ids.ids)]
        )
        if len(missed) != len(self.call_ids):
            raise UserError(self.env._("Only missed calls can be assigned."))
        if user:
            foreign = self.call_ids.filtered(
                lambda call: call.company_id not in user.company_ids
            )
            if foreign:
                raise UserError(
                    self.env._(
                        "%s does not work for the company of these calls.", user.name
                    )
                )
        # the supervisor's own rights: agents and leaders cannot assign
        self.call_ids.write({"missed_assignee_id": user.id})
        return {"type": "ir.actions.act_window_close"}
