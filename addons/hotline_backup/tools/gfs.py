# Copyright 2026 Hotline Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Grandfather-father-son retention: which backups to keep.

Plain Python (no Odoo). The rule is restic's ``--keep-daily/weekly/monthly``:
walking the backups from the newest, the newest backup of each of the last
``daily`` days that have a backup is kept, likewise for the last ``weekly``
ISO weeks and ``monthly`` calendar months; the union is kept, everything else
may be removed. The newest backup is always kept. With every count at 0 the
retention is off and everything is kept.
"""

import datetime
import re

ARCHIVE_SUFFIX = ".hotline.zip"
MANIFEST_SUFFIX = ".manifest.json"
STAMP_FORMAT = "%Y_%m_%d_%H_%M_%S"
_NAME = re.compile(
    r"^(\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2})" + re.escape(ARCHIVE_SUFFIX) + "$"
)


def archive_name(when):
    """File name of the backup taken at ``when`` (sorts by time)."""
    return when.strftime(STAMP_FORMAT) + ARCHIVE_SUFFIX


def parse_archive_name(name):
    """The time in a backup's file name, ``None`` for any other file."""
    match = _NAME.match(name or "")
    if not match:
        return None
    try:
        return datetime.datetime.strptime(match.group(1), STAMP_FORMAT)
    except ValueError:
        return None


def _buckets(when):
    iso = when.isocalendar()
    return {
        "daily": when.date(),
        "weekly": (iso[0], iso[1]),
        "monthly": (when.year, when.month),
    }


def select_keep(backups, daily=7, weekly=4, monthly=12):
    """Keys of ``backups`` (an iterable of ``(key, datetime)``) to keep."""
    limits = {"daily": daily, "weekly": weekly, "monthly": monthly}
    for tier, count in limits.items():
        if count is None or count < 0:
            raise ValueError(f"{tier} must be 0 or more, not {count!r}")
    ordered = sorted(backups, key=lambda item: item[1], reverse=True)
    if not any(limits.values()):
        return {key for key, _when in ordered}
    keep = set()
    seen = {tier: set() for tier in limits}
    for index, (key, when) in enumerate(ordered):
        if index == 0:
            keep.add(key)
        for tier, bucket in _buckets(when).items():
            if bucket in seen[tier] or len(seen[tier]) >= limits[tier]:
                continue
            seen[tier].add(bucket)
            keep.add(key)
    return keep


def select_remove(names, daily=7, weekly=4, monthly=12):
    """Backup archives among the file ``names`` that the retention removes
    (files that are not backup archives are never chosen)."""
    dated = [(name, parse_archive_name(name)) for name in names]
    dated = [(name, when) for name, when in dated if when]
    keep = select_keep(dated, daily=daily, weekly=weekly, monthly=monthly)
    return sorted(name for name, _when in dated if name not in keep)
