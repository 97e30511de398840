"""Grandfather-father-son retention of hotline_backup (plain Python)."""

import importlib.util
from datetime import datetime, timedelta
from pathlib import Path

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "hotline_backup_gfs",
    Path(__file__).resolve().parents[1] / "addons/hotline_backup/tools/gfs.py",
)
gfs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(gfs)

START = datetime(2026, 12, 31, 2, 30, 0)  # a Thursday


def daily(days, start=START):
    return [(i, start - timedelta(days=i)) for i in range(days)]


def test_default_7_daily_4_weekly_12_monthly_over_two_years():
    backups = daily(730)
    keep = gfs.select_keep(backups)
    kept = sorted((START - timedelta(days=i)).date() for i in keep)
    # 7 days, the Sundays closing the 3 weeks before this one (this week's
    # newest is today), the last day of the 11 months before this one
    days = {(START - timedelta(days=i)).date() for i in range(7)}
    sundays = {START.date() - timedelta(days=d) for d in (4, 11, 18)}
    month_ends = set()
    year, month = 2026, 12
    for _ in range(11):
        month -= 1
        if not month:
            year, month = year - 1, 12
        first_next = datetime(year + (month == 12), month % 12 + 1, 1)
        month_ends.add((first_next - timedelta(days=1)).date())
    assert set(kept) == days | sundays | month_ends
    # Sunday the 27th is also one of the 7 days
    assert len(kept) == 7 + 2 + 11


def test_newest_of_each_bucket_and_always_the_newest():
    backups = [
        ("a", datetime(2026, 1, 5, 1)),
        ("b", datetime(2026, 1, 5, 23)),  # same day, newer
        ("c", datetime(2025, 6, 1)),
    ]
    assert gfs.select_keep(backups, daily=1, weekly=0, monthly=0) == {"b"}
    assert gfs.select_keep(backups, daily=0, weekly=0, monthly=5) == {"b", "c"}
    assert gfs.select_keep(backups, daily=0, weekly=1, monthly=0) == {"b"}


def test_gaps_count_only_days_with_a_backup():
    backups = [(d, START - timedelta(days=d)) for d in (0, 10, 20, 30)]
    assert gfs.select_keep(backups, daily=3, weekly=0, monthly=0) == {0, 10, 20}


def test_all_zero_keeps_everything():
    backups = daily(40)
    assert gfs.select_keep(backups, 0, 0, 0) == {i for i, _ in backups}


def test_negative_refused():
    with pytest.raises(ValueError):
        gfs.select_keep(daily(3), daily=-1)


def test_names():
    name = gfs.archive_name(datetime(2026, 12, 3, 8, 5, 9))
    assert name == "2026_12_03_08_05_09.hotline.zip"
    assert gfs.parse_archive_name(name) == datetime(2026, 12, 3, 8, 5, 9)
    for other in (
        name + gfs.MANIFEST_SUFFIX,
        "2026_12_03_08_05_09.dump.zip",  # auto_backup's own: not ours to remove
        "2026_13_03_08_05_09.hotline.zip",
        "notes.txt",
        "",
    ):
        assert gfs.parse_archive_name(other) is None


def test_select_remove_ignores_other_files():
    names = [gfs.archive_name(START - timedelta(days=i)) for i in range(10)]
    names += ["notes.txt", "2026_01_01_00_00_00.dump.zip"]
    removed = gfs.select_remove(names, daily=3, weekly=0, monthly=0)
    assert removed == sorted(names[3:10])
    assert gfs.select_remove([], 7, 4, 12) == []
