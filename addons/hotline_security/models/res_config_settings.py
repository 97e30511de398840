# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hotline_password_policy = fields.Boolean(
        string="Enforce the password policy",
        config_parameter="hotline_security.password_policy",
    )
    hotline_lockout_after = fields.Integer(
        string="Lock an account after",
        config_parameter="hotline_security.lockout_after",
        help="Wrong passwords in a row before the account is locked (0: never).",
    )
    hotline_lockout_minutes = fields.Integer(
        string="Lock for (minutes)",
        config_parameter="hotline_security.lockout_minutes",
    )
    hotline_session_idle_minutes = fields.Integer(
        string="Session lifetime (idle minutes)",
        config_parameter="hotline_security.session_idle_minutes",
        help="A web session unused for this long ends: the user logs in again "
        "(0: sessions last as long as Odoo keeps them).",
    )
    hotline_totp_group_ids = fields.Many2many(
        related="company_id.hotline_totp_group_ids", readonly=False
    )
    hotline_audit_rule_count = fields.Integer(
        string="Audit rules", compute="_compute_hotline_audit_rule_count"
    )

    def _compute_hotline_audit_rule_count(self):
        count = (
            self.env["auditlog.rule"]
            .sudo()
            .search_count([("state", "=", "subscribed")])
        )
        for settings in self:
            settings.hotline_audit_rule_count = count

    def action_hotline_audit_logs(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "auditlog.action_auditlog_log_tree"
        )

    def action_hotline_audit_rules(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "auditlog.action_auditlog_rule_tree"
        )
