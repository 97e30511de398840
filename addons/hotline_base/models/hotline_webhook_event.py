# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineWebhookEvent(models.Model):
    """An event webhooks can subscribe to (``case.created``, ``call.ended``...).

    Each add-on declares the events it emits as data records and emits them with
    ``env["hotline.webhook.delivery"]._hotline_emit(code, record, data)``.
    """

    _name = "hotline.webhook.event"
    _description = "Webhook event"
    _order = "code"
    _rec_name = "code"
    _rec_names_search = ["code", "name"]

    code = fields.Char(required=True, readonly=True, index=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)

    _sql_constraints = [
        ("code_uniq", "UNIQUE(code)", "A webhook event code must be unique."),
    ]

    def _compute_display_name(self):
        for event in self:
            event.display_name = f"{event.name} ({event.code})"
