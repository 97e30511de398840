# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class CreditControlRun(models.Model):
    _inherit = "credit.control.run"

    hotline_campaign_ids = fields.One2many(
        "hotline.campaign", "hotline_dunning_run_id", string="Dunning campaigns"
    )

    def action_hotline_dunning_campaign(self):
        """Finance: a dunning campaign from the run's phone lines."""
        self.ensure_one()
        self.env["hotline.campaign"]._hotline_check_finance()
        campaign = self.env["hotline.campaign"]._hotline_dunning_build(
            self.line_ids, run=self
        )
        return campaign._hotline_dunning_open()

    def run_channel_action(self):
        """The lines of the SMS channel ready to send: one SMS per customer
        with the total (the other channels as the module does them)."""
        self.ensure_one()
        self.line_ids.filtered(
            lambda line: line.state == "to_be_sent" and line.channel == "sms"
        )._hotline_send_sms()
        return super().run_channel_action()
