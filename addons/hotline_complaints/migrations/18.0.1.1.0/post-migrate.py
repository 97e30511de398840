# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The result query's failure counters moved from hotline.case.query.attempt
to hotline_base's generic hotline.attempt.limit, their keys prefixed with the
use (case_query:): copy the rows, so running holds survive the update, then
drop the old table (Odoo removes the old model's records at the end of the
update but not its table, the model being gone from the registry)."""

from odoo.tools import SQL
from odoo.tools.sql import table_exists


def migrate(cr, version):
    if not table_exists(cr, "hotline_case_query_attempt"):
        return
    cr.execute(
        SQL(
            "INSERT INTO hotline_attempt_limit (key, attempted_at, failures, "
            "window_start, blocked_until, create_uid, create_date, write_uid, "
            "write_date) "
            "SELECT 'case_query:' || key, attempted_at, failures, window_start, "
            "blocked_until, create_uid, create_date, write_uid, write_date "
            "FROM hotline_case_query_attempt "
            "ON CONFLICT (key) DO NOTHING"
        )
    )
    cr.execute(SQL("DROP TABLE hotline_case_query_attempt"))
