# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The live wallboard (实时监控大屏): one payload per company.

What a wallboard shows (per queue: callers waiting and since when, agents by
state, today's offered/answered/abandoned calls, SL and ASA; per agent: state
and since when) is computed by a handful of aggregate queries for a whole
company, never per browser: every wallboard of the company receives the same
``hotline/wallboard`` notification on the company's channel
``(company, "hotline_wallboard")``.

Coalescing: a transaction that changes a call (queued, answered, ended), an
agent's state or a queue adds the company to a set in ``cr.precommit``; at
commit one ``hotline.wallboard.mark`` row per company is inserted and the
wallboard cron triggered. The cron waits ``COALESCE_SECONDS`` (what commits
meanwhile joins this run), then deletes the marks and sends one payload per
marked company. Cron runs of one job never overlap (Odoo locks the job row),
so a company gets at most one payload per ``COALESCE_SECONDS``, however many
calls, agents and browsers there are.
"""

import functools
import time
from datetime import datetime, timedelta
from datetime import time as dtime

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .bus_bus import NOTIFIER_KEY

WALLBOARD_SUBCHANNEL = "hotline_wallboard"
WALLBOARD_NOTIFICATION = "hotline/wallboard"
PENDING_WALLBOARD_KEY = "hotline.wallboard.company_ids"
WALLBOARD_GROUP = "hotline_callcenter.group_wallboard"
# at most one payload per company in this many seconds
COALESCE_SECONDS = 1.0
# the agents' states as the wallboard counts them
STATE_BUCKETS = {
    "available": "available",
    "ringing": "on_call",
    "on_call": "on_call",
    "wrapup": "wrapup",
    "paused": "paused",
}


def _epoch(value):
    """Naive UTC datetime -> epoch seconds (``False`` for none)."""
    if not value:
        return False
    return value.replace(tzinfo=pytz.UTC).timestamp()


class HotlineWallboard(models.AbstractModel):
    _name = "hotline.wallboard"
    _description = "Call centre wallboard"

    # ------------------------------------------------------------------
    # The browser's side: the payload on open
    # ------------------------------------------------------------------
    @api.model
    def hotline_wallboard_payload(self):
        """The current wallboard of my current company (the one the
        browser shows); notifications on the company's channel replace it.
        Wallboard users, supervisors and leaders only."""
        if not self.env.user.has_group(WALLBOARD_GROUP):
            raise AccessError(
                self.env._("Only wallboard users, supervisors and leaders see it.")
            )
        return self._hotline_payload(self.env.company)

    @api.model
    def _hotline_companies_of(self, user):
        """Companies whose wallboard channel ``user``'s websocket joins."""
        if user.has_group(WALLBOARD_GROUP):
            return user.company_ids
        return self.env["res.company"]

    # ------------------------------------------------------------------
    # The payload
    # ------------------------------------------------------------------
    @api.model
    def _hotline_day_bounds(self, company, now=None):
        """Today in the company's time zone, as naive UTC bounds."""
        tz = pytz.timezone(company.partner_id.tz or "UTC")
        now = now or fields.Datetime.now()
        local = pytz.UTC.localize(now).astimezone(tz)
        start = tz.localize(datetime.combine(local.date(), dtime.min))
        end = tz.localize(datetime.combine(local.date() + timedelta(days=1), dtime.min))
        return (
            local.date(),
            start.astimezone(pytz.UTC).replace(tzinfo=None),
            end.astimezone(pytz.UTC).replace(tzinfo=None),
        )

    @api.model
    def _hotline_payload(self, company):
        """The whole wallboard of ``company``: four aggregate queries,
        whatever the number of calls, queues and agents."""
        company = company.sudo()
        lang = company.partner_id.lang or self.env.lang
        env = self.sudo().with_context(lang=lang, active_test=True).env
        env.flush_all()
        now = fields.Datetime.now()
        day, start, end = self._hotline_day_bounds(company, now)
        queues = env["hotline.queue"].search([("company_id", "=", company.id)])
        cr = self.env.cr
        # today's calls per queue (a call counts on the day it started)
        cr.execute(
            SQL(
                """
                SELECT c.queue_id,
                       count(*) FILTER (WHERE c.is_offered),
                       count(*) FILTER (WHERE c.is_answered),
                       count(*) FILTER (WHERE c.is_abandoned),
                       count(*) FILTER (
                           WHERE c.is_answered
                             AND COALESCE(c.wait_seconds, 0) <= q.service_level
                       ),
                       avg(COALESCE(c.wait_seconds, 0)) FILTER (WHERE c.is_answered)
                  FROM hotline_call c
                  JOIN hotline_queue q ON q.id = c.queue_id
                 WHERE c.company_id = %(company)s
                   AND c.direction = 'inbound'
                   AND c.started_at >= %(start)s
                   AND c.started_at < %(end)s
                 GROUP BY c.queue_id
                """,
                company=company.id,
                start=start,
                end=end,
            )
        )
        today = {row[0]: row[1:] for row in cr.fetchall()}
        # callers waiting now (whenever they called), as the agents' lists:
        # queued, neither answered nor ended, nor picked up by an agent
        cr.execute(
            SQL(
                """
                SELECT queue_id, count(*), min(queued_at)
                  FROM hotline_call
                 WHERE company_id = %(company)s
                   AND queue_id IS NOT NULL
                   AND queued_at IS NOT NULL
                   AND answered_at IS NULL
                   AND ended_at IS NULL
                   AND user_id IS NULL
                 GROUP BY queue_id
                """,
                company=company.id,
            )
        )
        waiting = {row[0]: row[1:] for row in cr.fetchall()}
        # the member agents of each queue by state
        cr.execute(
            SQL(
                """
                SELECT m.queue_id,
                       COALESCE(u.hotline_agent_state, 'logged_out'),
                       count(DISTINCT u.id)
                  FROM hotline_queue_member m
                  JOIN hotline_queue q ON q.id = m.queue_id
                  JOIN res_users u ON u.id = m.user_id
                 WHERE q.company_id = %(company)s AND u.active
                 GROUP BY 1, 2
                """,
                company=company.id,
            )
        )
        agent_counts = {}
        for queue_id, state, count in cr.fetchall():
            counts = agent_counts.setdefault(
                queue_id,
                dict.fromkeys(
                    ("logged_in", "available", "on_call", "wrapup", "paused"), 0
                ),
            )
            bucket = STATE_BUCKETS.get(state)
            if bucket:
                counts[bucket] += count
                counts["logged_in"] += count
        # every agent of the company's queues, with state and since when
        cr.execute(
            SQL(
                """
                SELECT u.id, p.name,
                       COALESCE(u.hotline_agent_state, 'logged_out'),
                       u.hotline_agent_state_since,
                       u.hotline_agent_presence,
                       u.hotline_pause_reason,
                       array_agg(m.queue_id ORDER BY q.sequence, q.id)
                  FROM hotline_queue_member m
                  JOIN hotline_queue q ON q.id = m.queue_id
                  JOIN res_users u ON u.id = m.user_id
                  JOIN res_partner p ON p.id = u.partner_id
                 WHERE q.company_id = %(company)s AND q.active AND u.active
                 GROUP BY u.id, p.name
                 ORDER BY p.name, u.id
                """,
                company=company.id,
            )
        )
        agents = [
            {
                "id": user_id,
                "name": name,
                "state": state,
                "since": _epoch(since),
                "reason": (reason or "") if presence == "paused" else "",
                "queue_ids": queue_ids,
            }
            for user_id, name, state, since, presence, reason, queue_ids in (
                cr.fetchall()
            )
        ]
        empty_agents = dict.fromkeys(
            ("logged_in", "available", "on_call", "wrapup", "paused"), 0
        )
        rows = []
        for queue in queues:
            offered, answered, abandoned, sl_hits, asa = today.get(
                queue.id, (0, 0, 0, 0, None)
            )
            count, oldest = waiting.get(queue.id, (0, None))
            rows.append(
                {
                    "id": queue.id,
                    "name": queue.name,
                    "code": queue.code,
                    "waiting": count,
                    "oldest_queued_at": _epoch(oldest),
                    "agents": dict(agent_counts.get(queue.id, empty_agents)),
                    "offered": offered,
                    "answered": answered,
                    "abandoned": abandoned,
                    # Asterisk's SL: answered within the queue's target, of
                    # the answered calls (the statistics report's SL)
                    "service_level": round(100.0 * sl_hits / answered, 1)
                    if answered
                    else False,
                    "asa": round(float(asa), 1) if asa is not None else False,
                    "service_level_seconds": queue.service_level,
                    "thresholds": queue._hotline_wallboard_thresholds(),
                }
            )
        return {
            "company_id": company.id,
            "company": company.name,
            "day": fields.Date.to_string(day),
            "server_time": time.time(),
            "queues": rows,
            "agents": agents,
        }

    # ------------------------------------------------------------------
    # Changes: mark, coalesce, send
    # ------------------------------------------------------------------
    @api.model
    def _hotline_touch(self, companies):
        """The wallboards of ``companies`` changed: marked when this
        transaction commits (once per company however many changes it made)
        and sent by the wallboard cron."""
        if not companies:
            return
        data = self.env.cr.precommit.data
        if PENDING_WALLBOARD_KEY not in data:
            data[PENDING_WALLBOARD_KEY] = set()
            env = self.sudo().env

            @self.env.cr.precommit.add
            def mark_wallboards():
                company_ids = data.pop(PENDING_WALLBOARD_KEY, set())
                if company_ids:
                    env["hotline.wallboard"]._hotline_mark(sorted(company_ids))

        data[PENDING_WALLBOARD_KEY].update(companies.ids)

    @api.model
    def _hotline_mark(self, company_ids):
        self.env["hotline.wallboard.mark"].sudo().create(
            [{"company_id": company_id} for company_id in company_ids]
        )
        cron = self.env.ref(
            "hotline_callcenter.ir_cron_hotline_wallboard", raise_if_not_found=False
        )
        if not cron or not cron.sudo().active:
            return
        postcommit = self.env.cr.postcommit
        notifier = postcommit.data.get(NOTIFIER_KEY)
        if notifier is None:
            cron.sudo()._trigger()
            return
        # the connector's transactions keep no connection of Odoo's for the
        # cron's wake-up: its notifier's own one, else the cron's next poll
        self.env["ir.cron.trigger"].sudo().create(
            {"cron_id": cron.id, "call_at": fields.Datetime.now()}
        )
        notify_cron = getattr(notifier, "notify_cron", None)
        if notify_cron is not None:
            postcommit.add(functools.partial(notify_cron, self.env.cr.dbname))

    @api.model
    def _cron_hotline_wallboard(self, delay=COALESCE_SECONDS):
        """Wait ``delay`` (the changes committed meanwhile join this run),
        then send the marked companies' payloads. Odoo never runs a job twice
        at once: a company gets one payload per ``delay`` at most.

        A change committed after the marks were read has its trigger left
        (its time is after this run's start), so the job runs again.

        :return: ids of the companies notified
        """
        if not delay:
            return self._hotline_flush().ids
        time.sleep(delay)
        # the cron's transaction took its snapshot before the wait: what
        # committed meanwhile is read (and its marks deleted) in a new one
        with self.env.registry.cursor() as cr:
            return self.with_env(self.env(cr=cr))._hotline_flush().ids

    @api.model
    def _hotline_flush(self):
        """One ``hotline/wallboard`` notification per marked company (and
        the marks gone). :return: the companies notified"""
        cr = self.env.cr
        cr.execute(
            SQL(
                "DELETE FROM hotline_wallboard_mark RETURNING company_id",
            )
        )
        company_ids = sorted({row[0] for row in cr.fetchall()})
        companies = self.env["res.company"].sudo().browse(company_ids).exists()
        Bus = self.env["bus.bus"].sudo()
        for company in companies:
            Bus._sendone(
                (company, WALLBOARD_SUBCHANNEL),
                WALLBOARD_NOTIFICATION,
                self._hotline_payload(company),
            )
        return companies
