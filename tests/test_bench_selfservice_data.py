"""The self-service bench data set's plain-Python rules (bench/selfservice_data.py):
who is in arrears, what is owed, which database a data set lives in. The SQL copy
itself is checked by the builder with the ORM after each build."""

import datetime
import sys
from pathlib import Path

# `tests` is also hotline_callcenter's test package on this suite's path: the
# harness is imported as the package `harness`
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import selfservice_data as data


def test_arrears_share_is_spread_evenly():
    n = 10_000
    for share in (0.0, 0.2, 0.5, 1.0):
        arrears = sum(data.customer_partition(c, share)[0] for c in range(n))
        assert arrears == round(share * n)
    # every customer of issue 16's data set owes something
    assert all(data.customer_partition(c, 1.0)[0] for c in range(1000))


def test_unpaid_months():
    for c in range(200):
        arrears, unpaid_from = data.customer_partition(c, 0.2)
        if arrears:
            # 1 to 4 months left unpaid before the current one
            assert data.MONTHS - 5 <= unpaid_from <= data.MONTHS - 2
        else:
            assert unpaid_from == data.MONTHS - 1  # only the current month open


def test_expected_amounts():
    dates = data.month_dates(datetime.date(2026, 12, 1))
    assert dates[0] == datetime.date(2026, 1, 1)
    assert dates[-1] == datetime.date(2026, 12, 1)
    c = next(c for c in range(100) if data.customer_partition(c, 0.2)[0])
    today = datetime.date(2026, 12, 2)
    arrears, unpaid_from, bills, due, overdue, paid_on = data.expected(
        c, 0.2, today, dates
    )
    assert arrears
    open_bills = [amount for _q, amount in bills[unpaid_from:]]
    assert due == round(sum(open_bills), 2)
    # the current month's bill (due 12-25) is not overdue yet
    assert overdue == round(sum(open_bills[:-1]), 2)
    assert paid_on == dates[unpaid_from - 1] + datetime.timedelta(days=20)
    qty, amount = data.amount_of(c, 0)
    assert amount == round(qty * data.PRICE, 2) and 20 <= qty < 100


def test_each_data_set_has_its_database():
    assert data.default_db() == "hotline_bench_selfservice"
    assert data.default_db(arrears_share=1.0) == (
        "hotline_bench_selfservice_arrears100"
    )
    assert data.default_db(2000) == "hotline_bench_selfservice_2000"
