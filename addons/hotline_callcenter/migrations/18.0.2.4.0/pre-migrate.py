# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The legs' copy of their call's start (``hotline_call_agent.call_started_at``).

Added here with one SQL ``UPDATE ... FROM`` before the ORM sees the field: the
ORM would otherwise compute the new stored field leg by leg (millions of legs
on a year of traffic). The ORM then only adds its index.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column, table_exists

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not table_exists(cr, "hotline_call_agent") or column_exists(
        cr, "hotline_call_agent", "call_started_at"
    ):
        return
    create_column(cr, "hotline_call_agent", "call_started_at", "timestamp")
    cr.execute(
        SQL(
            "UPDATE hotline_call_agent l SET call_started_at = c.started_at"
            "  FROM hotline_call c"
            " WHERE c.id = l.call_id AND c.started_at IS NOT NULL"
        )
    )
    _logger.info("hotline_call_agent.call_started_at set on %s legs", cr.rowcount)
