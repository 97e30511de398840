# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class CreditControlRun(models.Model):
    _inherit = "credit.control.run"

    def _hotline_generate_demo_lines(self):
        """Generate the lines of the runs still in draft: the demo file calls it
        on every update of the add-on, and a run generates its lines once."""
        for run in self.filtered(lambda r: r.state == "draft"):
            run.generate_credit_lines()
