# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dataclasses import dataclass
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL, create_unique_index


@dataclass(frozen=True)
class AttemptPolicy:
    """How failures of one use (a key prefix) are counted and held back.

    ``limit`` failures count while they are fresh: the last one younger than
    ``window`` (sliding), or, with ``fixed_window``, all within ``window`` of
    the first. Reaching the limit blocks the key: for ``lock`` when given;
    else with ``delay`` doubling at each further failure up to ``max_delay``;
    else until the fixed window ends.
    """

    limit: int
    window: timedelta
    fixed_window: bool = False
    lock: timedelta | None = None
    delay: timedelta | None = None
    max_delay: timedelta | None = None


class HotlineAttemptLimit(models.Model):
    """Failed attempts per key, to slow down or stop guessing (query codes,
    PINs): one row per key, ``<use>:<subject>`` (``case_query:number:HT00012``,
    ``pin_customer:42``), locked while an attempt is checked so that the check
    and the recorded failure are one step (no parallel guess slips through).
    Each use declares its limits in ``_hotline_attempt_policies``."""

    _name = "hotline.attempt.limit"
    _description = "Attempt Limit"
    _order = "attempted_at desc"

    key = fields.Char(
        required=True,
        index=True,
        help="<use>:<subject>, the use's policy applies (see "
        "_hotline_attempt_policies).",
    )
    attempted_at = fields.Datetime(
        string="Last failure", required=True, default=fields.Datetime.now
    )
    failures = fields.Integer()
    window_start = fields.Datetime()
    blocked_until = fields.Datetime()

    def init(self):
        create_unique_index(
            self.env.cr, "hotline_attempt_limit_key_uniq", self._table, ["key"]
        )

    @api.model
    def _hotline_attempt_policies(self):
        """``{key prefix: AttemptPolicy}``: add-ons add their uses with
        ``super()``; the longest prefix of a key wins."""
        return {}

    def _hotline_policy(self):
        self.ensure_one()
        policies = self._hotline_attempt_policies()
        prefix = max(
            (prefix for prefix in policies if self.key.startswith(prefix)),
            key=len,
            default=None,
        )
        if prefix is None:
            raise KeyError(f"no attempt policy for the key {self.key!r}")
        return policies[prefix]

    @api.model
    def _hotline_lock(self, keys, now):
        """The rows of ``keys`` (created when missing), locked until the end of
        the transaction (a concurrent attempt for the same key waits, then is
        retried on the committed count)."""
        keys = sorted(set(keys))
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (key, attempted_at, failures) "
                "SELECT k, %s, 0 FROM unnest(%s::varchar[]) AS k "
                "ON CONFLICT (key) DO NOTHING",
                SQL.identifier(self._table),
                now,
                keys,
            )
        )
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE key = ANY(%s) ORDER BY key FOR UPDATE",
                SQL.identifier(self._table),
                keys,
            )
        )
        rows = self.browse(row[0] for row in self.env.cr.fetchall())
        self.invalidate_model()
        return rows

    def _hotline_current_failures(self, now):
        self.ensure_one()
        policy = self._hotline_policy()
        if policy.fixed_window:
            fresh = self.window_start and now - self.window_start < policy.window
        else:
            fresh = self.failures and now - self.attempted_at < policy.window
        return self.failures if fresh else 0

    def _hotline_retry_after(self, now):
        """Seconds to wait before the next attempt is checked (0: go)."""
        waits = [
            (row.blocked_until - now).total_seconds()
            for row in self
            if row.blocked_until and row.blocked_until > now
        ]
        return int(max(waits, default=0)) or (1 if waits else 0)

    def _hotline_record_failure(self, now):
        """Count one failure on each row; returns the rows it blocked."""
        blocked = self.browse()
        for row in self:
            policy = row._hotline_policy()
            failures = row._hotline_current_failures(now) + 1
            vals = {"failures": failures, "attempted_at": now}
            if failures == 1:
                vals["window_start"] = now
            if failures >= policy.limit:
                if policy.lock:
                    vals["blocked_until"] = now + policy.lock
                elif policy.delay:
                    delay = policy.delay * 2 ** (failures - policy.limit)
                    vals["blocked_until"] = now + min(delay, policy.max_delay or delay)
                else:
                    start = vals.get("window_start", row.window_start)
                    vals["blocked_until"] = start + policy.window
                blocked |= row
            row.write(vals)
        return blocked

    def _hotline_reset(self):
        self.write({"failures": 0, "blocked_until": False})
