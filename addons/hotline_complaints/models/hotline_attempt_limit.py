# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, models

from odoo.addons.hotline_base.models.hotline_attempt_limit import AttemptPolicy

# the result query's keys in hotline.attempt.limit: case_query:number:<case>,
# case_query:ip:<address> (web), case_query:caller:<number> (phone) and
# QUERY_GLOBAL_KEY, the counter of every query
QUERY_KEY_PREFIX = "case_query:"
# free wrong answers per case number (and per address / calling number) while
# the last one is younger than QUERY_WINDOW; each further one doubles the wait
QUERY_LIMIT = 5
QUERY_WINDOW = timedelta(minutes=15)
QUERY_DELAY = timedelta(seconds=30)
QUERY_MAX_DELAY = timedelta(minutes=7)
# wrong answers per minute over all case numbers: spraying codes across
# sequential numbers (any client address) waits for the next minute
QUERY_GLOBAL_KEY = "case_query:all"
QUERY_GLOBAL_LIMIT = 30
QUERY_GLOBAL_WINDOW = timedelta(minutes=1)


class HotlineAttemptLimit(models.Model):
    _inherit = "hotline.attempt.limit"

    @api.model
    def _hotline_attempt_policies(self):
        policies = super()._hotline_attempt_policies()
        policies[QUERY_KEY_PREFIX] = AttemptPolicy(
            limit=QUERY_LIMIT,
            window=QUERY_WINDOW,
            delay=QUERY_DELAY,
            max_delay=QUERY_MAX_DELAY,
        )
        policies[QUERY_GLOBAL_KEY] = AttemptPolicy(
            limit=QUERY_GLOBAL_LIMIT, window=QUERY_GLOBAL_WINDOW, fixed_window=True
        )
        return policies
