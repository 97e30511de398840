# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, models

from odoo.addons.hotline_base.models.hotline_attempt_limit import AttemptPolicy

from .res_partner import PIN_CALLER_KEY, PIN_CUSTOMER_KEY

# wrong PINs of one customer, whatever number calls: 5 lock phone
# self-service of that customer for 15 minutes
PIN_CUSTOMER_LIMIT = 5
# wrong PINs from one calling number, whatever customer: 10 within 15 minutes
# lock that number for 15 minutes
PIN_CALLER_LIMIT = 10
PIN_WINDOW = timedelta(minutes=15)
PIN_LOCK = timedelta(minutes=15)


class HotlineAttemptLimit(models.Model):
    _inherit = "hotline.attempt.limit"

    @api.model
    def _hotline_attempt_policies(self):
        policies = super()._hotline_attempt_policies()
        policies[PIN_CUSTOMER_KEY] = AttemptPolicy(
            limit=PIN_CUSTOMER_LIMIT, window=PIN_WINDOW, lock=PIN_LOCK
        )
        policies[PIN_CALLER_KEY] = AttemptPolicy(
            limit=PIN_CALLER_LIMIT, window=PIN_WINDOW, fixed_window=True, lock=PIN_LOCK
        )
        return policies
