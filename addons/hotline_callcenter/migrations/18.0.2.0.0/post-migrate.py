# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Queue membership has one source of truth: ``hotline.queue.member``.

Until 18.0.1.0.0 an agent's queues could also be typed on the user as a comma
list (``res.users.hotline_queues``), used when the agent had no member row.
Each code of those lists becomes a member row of the user's company queue of
that code (created when the company had none: the agent logged into it on
Asterisk, so it exists there). Odoo drops the column at the end of the update.
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.sql import column_exists

_logger = logging.getLogger(__name__)


def comma_lists_to_members(env):
    """Member rows for the codes of ``res_users.hotline_queues``; returns them."""
    cr = env.cr
    if not column_exists(cr, "res_users", "hotline_queues"):
        return env["hotline.queue.member"]
    cr.execute(
        SQL(
            "SELECT id, hotline_queues FROM res_users "
            "WHERE COALESCE(TRIM(hotline_queues), '') != '' ORDER BY id"
        )
    )
    rows = cr.fetchall()
    Queue = env["hotline.queue"].with_context(active_test=False)
    Member = env["hotline.queue.member"]
    created = Member
    for user_id, text in rows:
        user = env["res.users"].browse(user_id)
        codes = list(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
        for code in codes:
            company = user.company_id
            queue = Queue.search(
                [("code", "=", code), ("company_id", "=", company.id)], limit=1
            )
            if not queue:
                try:
                    with cr.savepoint():
                        queue = Queue.create(
                            {"name": code, "code": code, "company_id": company.id}
                        )
                except ValidationError as error:
                    _logger.warning(
                        "%s's queue %r is left out: %s", user.login, code, error
                    )
                    continue
                _logger.warning(
                    "Queue %s created for %s's queue list: check its settings "
                    "before sending the queues to the PBX.",
                    code,
                    user.login,
                )
            if not Member.search_count(
                [("queue_id", "=", queue.id), ("user_id", "=", user.id)], limit=1
            ):
                created |= Member.create({"queue_id": queue.id, "user_id": user.id})
    _logger.info("%d queue memberships made from the users' queue lists", len(created))
    return created


def migrate(cr, version):
    if not version:
        return
    comma_lists_to_members(api.Environment(cr, SUPERUSER_ID, {}))
