# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class HotlinePbx(models.Model):
    """An Asterisk server the connector keeps an AMI session with."""

    _name = "hotline.pbx"
    _description = "Hotline PBX (Asterisk)"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    host = fields.Char(
        required=True, default="127.0.0.1", help="AMI host name or address."
    )
    ami_port = fields.Integer(string="AMI port", required=True, default=5038)
    ami_user = fields.Char(string="AMI user", required=True, default="odoo")
    ami_secret = fields.Char(
        string="AMI secret", groups="hotline_base.group_admin", copy=False
    )
    agi_bind_address = fields.Char(
        string="FastAGI bind address",
        default="127.0.0.1",
        help="Address the connector's FastAGI server listens on.",
    )
    agi_port = fields.Integer(string="FastAGI port", default=4573)
    recording_path = fields.Char(
        default="/var/spool/asterisk/monitor",
        help="Folder where Asterisk writes call recordings, as the connector sees it.",
    )

    _sql_constraints = [
        (
            "ami_port_range",
            "CHECK(ami_port > 0 AND ami_port < 65536)",
            "The AMI port must be between 1 and 65535.",
        ),
        (
            "agi_port_range",
            "CHECK(agi_port > 0 AND agi_port < 65536)",
            "The FastAGI port must be between 1 and 65535.",
        ),
    ]

    @api.depends("name", "host", "ami_port")
    def _compute_display_name(self):
        for pbx in self:
            pbx.display_name = f"{pbx.name} ({pbx.host}:{pbx.ami_port})"
