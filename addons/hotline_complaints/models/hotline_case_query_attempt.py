# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import create_unique_index

# free wrong answers per case number (and per address / calling number) while
# the last one is younger than QUERY_WINDOW; each further one doubles the wait
QUERY_LIMIT = 5
QUERY_WINDOW = timedelta(minutes=15)
QUERY_DELAY = timedelta(seconds=30)
QUERY_MAX_DELAY = timedelta(minutes=7)
# wrong answers per minute over all case numbers: spraying codes across
# sequential numbers (any client address) waits for the next minute
QUERY_GLOBAL_KEY = "all"
QUERY_GLOBAL_LIMIT = 30
QUERY_GLOBAL_WINDOW = timedelta(minutes=1)


class HotlineCaseQueryAttempt(models.Model):
    """Wrong result-query answers per key, to slow down guessing of query
    codes: one row per key, locked while a query is checked so that the check
    and the recorded failure are one step (no parallel guess slips through)."""

    _name = "hotline.case.query.attempt"
    _description = "Failed Case Result Query"
    _order = "attempted_at desc"

    key = fields.Char(
        required=True,
        index=True,
        # and "all": the counter of every query
        help="number:<case>, ip:<address> (web queries) or caller:<number> "
        "(phone queries)",
    )
    attempted_at = fields.Datetime(required=True, default=fields.Datetime.now)
    failures = fields.Integer()
    window_start = fields.Datetime()
    blocked_until = fields.Datetime()

    def init(self):
        create_unique_index(
            self.env.cr, "hotline_case_query_attempt_key_uniq", self._table, ["key"]
        )

    @api.model
    def _hotline_lock(self, keys, now):
        """The rows of ``keys`` (created when missing), locked until the end of
        the transaction (a concurrent query for the same key waits, then is
        retried on the committed count)."""
        keys = sorted(set(keys))
        self.env.flush_all()
        self.env.cr.execute(
            f"""INSERT INTO {self._table} (key, attempted_at, failures)
                SELECT k, %s, 0 FROM unnest(%s::varchar[]) AS k
                ON CONFLICT (key) DO NOTHING""",
            [now, keys],
        )
        self.env.cr.execute(
            f"SELECT id FROM {self._table} WHERE key = ANY(%s) ORDER BY key FOR UPDATE",
            [keys],
        )
        rows = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_model()
        return rows

    def _hotline_current_failures(self, now):
        self.ensure_one()
        if self.key == QUERY_GLOBAL_KEY:
            fresh = self.window_start and now - self.window_start < QUERY_GLOBAL_WINDOW
        else:
            fresh = self.failures and now - self.attempted_at < QUERY_WINDOW
        return self.failures if fresh else 0

    def _hotline_retry_after(self, now):
        """Seconds to wait before the next answer is checked (0: go)."""
        waits = [
            (row.blocked_until - now).total_seconds()
            for row in self
            if row.blocked_until and row.blocked_until > now
        ]
        return int(max(waits, default=0)) or (1 if waits else 0)

    def _hotline_record_failure(self, now):
        for row in self:
            failures = row._hotline_current_failures(now) + 1
            vals = {"failures": failures, "attempted_at": now}
            if row.key == QUERY_GLOBAL_KEY:
                if failures == 1:
                    vals["window_start"] = now
                if failures >= QUERY_GLOBAL_LIMIT:
                    start = vals.get("window_start", row.window_start)
                    vals["blocked_until"] = start + QUERY_GLOBAL_WINDOW
            elif failures >= QUERY_LIMIT:
                delay = QUERY_DELAY * 2 ** (failures - QUERY_LIMIT)
                vals["blocked_until"] = now + min(delay, QUERY_MAX_DELAY)
            row.write(vals)

    def _hotline_reset(self):
        self.write({"failures": 0, "blocked_until": False})
