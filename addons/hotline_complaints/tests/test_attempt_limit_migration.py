# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.1.0: the result query's counters move from hotline.case.query.attempt
to hotline_base's hotline.attempt.limit, running holds included."""

import importlib.util
from datetime import datetime
from pathlib import Path

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.sql import table_exists

from ..models.hotline_attempt_limit import QUERY_GLOBAL_KEY

MIGRATION = (
    Path(__file__).parent.parent / "migrations" / "18.0.1.1.0" / "post-migrate.py"
)


def load_migration():
    spec = importlib.util.spec_from_file_location("hotline_attempt_mig", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestAttemptLimitMigration(TransactionCase):
    def test_old_counters_are_copied_with_their_use(self):
        migration = load_migration()
        migration.migrate(self.env.cr, "18.0.1.0.0")  # no old table: nothing
        held = datetime(2026, 11, 2, 2, 7, 0)
        self.env.cr.execute(
            """CREATE TABLE hotline_case_query_attempt (
                id serial PRIMARY KEY, key varchar NOT NULL,
                attempted_at timestamp NOT NULL, failures integer,
                window_start timestamp, blocked_until timestamp,
                create_uid integer, create_date timestamp,
                write_uid integer, write_date timestamp)"""
        )
        self.env.cr.execute(
            "INSERT INTO hotline_case_query_attempt (key, attempted_at, failures, "
            "blocked_until) VALUES ('number:HT-MIG-1', %s, 6, %s), "
            "('all', %s, 3, NULL)",
            [held, held, held],
        )
        migration.migrate(self.env.cr, "18.0.1.0.0")
        Attempt = self.env["hotline.attempt.limit"]
        row = Attempt.search([("key", "=", "case_query:number:HT-MIG-1")])
        self.assertEqual((row.failures, row.blocked_until), (6, held))
        self.assertTrue(Attempt.search([("key", "=", QUERY_GLOBAL_KEY)]))
        self.assertFalse(table_exists(self.env.cr, "hotline_case_query_attempt"))
        # the policy of the use applies to the copied rows
        self.assertEqual(row._hotline_policy().limit, 5)

    def test_only_hotline_admins_read_the_counters(self):
        Attempt = self.env["hotline.attempt.limit"]
        Attempt._hotline_lock(["case_query:number:HT-ACL"], datetime.now())
        admin = new_test_user(
            self.env, login="hl_att_admin", groups="hotline_base.group_admin"
        )
        self.assertTrue(Attempt.with_user(admin).search([]))
        for group in (
            "hotline_base.group_agent",
            "hotline_base.group_supervisor",
            "hotline_base.group_finance",
        ):
            user = new_test_user(self.env, login=f"hl_att_{group[-8:]}", groups=group)
            with self.subTest(group=group), self.assertRaises(AccessError):
                Attempt.with_user(user).search([])
