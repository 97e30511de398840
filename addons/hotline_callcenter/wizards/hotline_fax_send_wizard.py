# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlineFaxSendWizard(models.TransientModel):
    """Send PDF documents by fax to one or several numbers (a broadcast is
    one fax per number), from a fax box, a case or any document."""

    _name = "hotline.fax.send.wizard"
    _description = "Send a fax"

    box_id = fields.Many2one(
        "hotline.fax.box",
        string="From fax box",
        required=True,
        default=lambda self: self._default_box(),
    )
    numbers = fields.Text(
        string="Fax numbers",
        required=True,
        help="One or more fax numbers, separated by commas or new lines: one "
        "fax is sent to each.",
    )
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "hotline_fax_send_wizard_attachment_rel",
        "wizard_id",
        "attachment_id",
        string="PDF documents",
    )
    res_model = fields.Char()
    res_id = fields.Many2oneReference(model_field="res_model")

    @api.model
    def _default_box(self):
        user = self.env.user
        Box = self.env["hotline.fax.box"]
        return Box.search([("user_id", "=", user.id)], limit=1) or Box.search(
            [("member_ids", "in", user.id)], limit=1
        )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model = self.env.context.get("active_model")
        record_id = self.env.context.get("active_id")
        if model == "ir.attachment":
            # "Send by fax" on attachments: those documents
            ids = self.env.context.get("active_ids") or [record_id]
            pdfs = self.env["ir.attachment"].browse(ids).exists()
            values["attachment_ids"] = [(6, 0, pdfs.ids)]
            return values
        if (
            model
            and record_id
            and model not in ("hotline.fax.box", self._name)
            and "res_model" not in values
        ):
            values.update(res_model=model, res_id=record_id)
        if (
            "attachment_ids" in fields_list
            and not values.get("attachment_ids")
            and values.get("res_model")
            and values.get("res_id")
        ):
            pdfs = self.env["ir.attachment"].search(
                [
                    ("res_model", "=", values["res_model"]),
                    ("res_id", "=", values["res_id"]),
                    ("mimetype", "=", "application/pdf"),
                ]
            )
            values["attachment_ids"] = [(6, 0, pdfs.ids)]
        return values

    def action_send(self):
        self.ensure_one()
        faxes = self.env["hotline.fax"]._hotline_queue_faxes(
            self.box_id,
            self.numbers,
            self.attachment_ids,
            res_model=self.res_model,
            res_id=self.res_id,
        )
        if self.res_model and self.res_id:
            record = self.env[self.res_model].browse(self.res_id)
            if hasattr(record, "message_post"):
                record.message_post(
                    body=self.env._(
                        "Fax queued to %s.", ", ".join(faxes.mapped("remote_number"))
                    )
                )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hotline_callcenter.hotline_fax_action"
        )
        action["domain"] = [("id", "in", faxes.ids)]
        return action
