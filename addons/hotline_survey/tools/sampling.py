# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The arithmetic of callback sampling (回访抽样), plain Python, no ORM.

- periods: a daily plan samples per calendar day, a weekly one per ISO week,
  both in the company's time zone (the caller converts);
- quotas: a rate samples ``ceil(n * rate / 100)`` of a team's ``n``
  candidates; a fixed number samples what is left of ``count`` per team and
  period;
- the choice: reproducible, a ``random.Random`` seeded with the plan and the
  period, one record per customer and run;
- the agents: the tasks spread evenly, the agent with the fewest open
  callback tasks first, within the quota per agent and period.
"""

import math
import random
from datetime import datetime, time, timedelta

PERIODS = ("daily", "weekly")
# a rate times a count is a float: 20 % of 5 is 1, not 1.0000000000000002
EPSILON = 1e-9


def period_key(day, period):
    """The key of the period ``day`` (a date, local) is in: ``2026-12-03``
    (daily) or ``2026-W49`` (weekly, ISO week)."""
    if period == "daily":
        return day.isoformat()
    if period == "weekly":
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(period)


def period_bounds(day, period):
    """``(start, end)`` naive local datetimes of the period of ``day``: the
    day, or Monday 00:00 to the next Monday 00:00; ``end`` excluded."""
    if period == "daily":
        start = day
        length = 1
    elif period == "weekly":
        start = day - timedelta(days=day.isoweekday() - 1)
        length = 7
    else:
        raise ValueError(period)
    start_at = datetime.combine(start, time.min)
    return start_at, start_at + timedelta(days=length)


def period_days(period):
    """Length of a period in days (the look-back of a plan's first run)."""
    if period not in PERIODS:
        raise ValueError(period)
    return 1 if period == "daily" else 7


def rate_quota(count, rate):
    """How many of ``count`` candidates a rate of ``rate`` % samples: the
    ceiling (a team with one candidate and a rate above 0 gets it)."""
    if count <= 0 or rate <= 0:
        return 0
    return min(count, math.ceil(count * rate / 100.0 - EPSILON))


def team_quotas(counts, sampling, rate=0.0, count=0, already=None):
    """``{team: how many to sample}`` for ``counts`` (``{team: eligible
    candidates}``): ``sampling`` ``"rate"`` or ``"count"``; ``already``:
    ``{team: tasks made earlier in the period}`` (fixed number only)."""
    already = already or {}
    if sampling == "rate":
        return {team: rate_quota(n, rate) for team, n in counts.items()}
    if sampling == "count":
        return {
            team: max(min(count - already.get(team, 0), n), 0)
            for team, n in counts.items()
        }
    raise ValueError(sampling)


def seed_of(plan_id, key):
    """The seed of a plan's choice in a period: the same plan and period
    choose the same records, whatever the day's other data."""
    return f"hotline-callback:{plan_id}:{key}"


def choose(candidates, quotas, seed):
    """The sampled candidates, in the order chosen.

    ``candidates``: ``[(key, team, customer)]`` with sortable keys (their
    order does not matter: they are sorted first); ``quotas``: ``{team: n}``.
    A customer is taken once: the next candidate of the team is taken
    instead.
    """
    pool = sorted(candidates, key=lambda item: item[0])
    random.Random(seed).shuffle(pool)
    left = dict(quotas)
    customers = set()
    chosen = []
    for key, team, customer in pool:
        if left.get(team, 0) <= 0 or customer in customers:
            continue
        left[team] -= 1
        customers.add(customer)
        chosen.append(key)
    return chosen


def assign(items, agents, quota=0):
    """Spread ``items`` over ``agents``.

    ``items``: ``[(key, allowed)]``, ``allowed`` a set of agent ids or
    ``None`` (any agent); ``agents``: ``[(agent id, open tasks, tasks this
    period)]`` in the queue's order; ``quota``: tasks per agent and period,
    0 for no limit. Each item goes to the allowed agent with the fewest open
    tasks (then the fewest this period, then the queue's order) still under
    the quota. Returns ``({key: agent id}, [keys left over])``.
    """
    load = {}
    for index, (agent, open_count, period_count) in enumerate(agents):
        load[agent] = [open_count, period_count, index]
    assigned, left = {}, []
    for key, allowed in items:
        eligible = [
            agent
            for agent, (_open, period_count, _index) in load.items()
            if (allowed is None or agent in allowed)
            and (not quota or period_count < quota)
        ]
        if not eligible:
            left.append(key)
            continue
        agent = min(eligible, key=lambda a: tuple(load[a]))
        load[agent][0] += 1
        load[agent][1] += 1
        assigned[key] = agent
    return assigned, left
