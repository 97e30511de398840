# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class HotlineInboundMessage(models.Model):
    """One SMS or fax received from a gateway: makes a resend idempotent (one
    row per gateway and message id) and says which case it went to."""

    _name = "hotline.inbound.message"
    _description = "Inbound SMS/Fax Message"
    _order = "id desc"
    _rec_name = "message_id"

    gateway_id = fields.Many2one(
        "hotline.inbound.gateway", required=True, ondelete="cascade", index=True
    )
    channel_code = fields.Selection(related="gateway_id.channel_code", store=True)
    message_id = fields.Char(string="Message ID", required=True)
    sender = fields.Char()
    recipient = fields.Char()
    received_at = fields.Datetime()
    pages = fields.Integer()
    ticket_id = fields.Many2one("helpdesk.ticket", string="Case", ondelete="set null")
    result = fields.Selection(
        [
            ("created", "New case"),
            ("appended", "Added to a case"),
            ("query", "Query answered"),
            ("opted_out", "Opted out"),
        ],
        readonly=True,
    )
    query_command = fields.Selection(
        [
            ("case_status", "Case status"),
            ("arrears", "Arrears"),
            ("last_bill", "Last bill"),
            ("help", "Help"),
        ],
        string="Query",
        readonly=True,
        help="The command of an SMS answered by the query service (no case).",
    )

    _sql_constraints = [
        (
            "message_unique",
            "UNIQUE(gateway_id, message_id)",
            "This gateway already sent this message.",
        ),
    ]
