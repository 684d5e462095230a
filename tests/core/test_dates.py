"""Month arithmetic: every month of a common and a leap year, month ends and year ends."""

from __future__ import annotations

import datetime as dt

import pytest

from choeur.core.dates import add_months, last_months


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 12, 1), -11, dt.date(2026, 1, 1)),
        (dt.date(2027, 1, 1), -11, dt.date(2026, 2, 1)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 5, 31), -24, dt.date(2024, 5, 31)),
    ],
)
def test_add_months_clamps_to_the_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize("year", [2026, 2028])
@pytest.mark.parametrize("month", range(1, 13))
@pytest.mark.parametrize("day_of", ["first", "last"])
def test_last_twelve_months_end_with_this_month(year: int, month: int, day_of: str) -> None:
    today = dt.date(year, month, 1)
    if day_of == "last":
        today = add_months(today, 1) - dt.timedelta(days=1)
    window = last_months(today, 12)
    assert window[-1] == today.replace(day=1)
    assert len({(d.year, d.month) for d in window}) == 12
    assert all(d.day == 1 for d in window)
    assert window == sorted(window)
    assert window[0] == dt.date(year - 1 if month < 12 else year, month % 12 + 1, 1)
