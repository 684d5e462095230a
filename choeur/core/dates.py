"""Calendar arithmetic done by months, never by counting days (a month is 28 to 31 days long,
so « 335 days ago » lands in a different month depending on when it is asked)."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative), clamped to the month's last day:
    31 January + 1 month is 28 (or 29) February."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def last_months(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the `count` months ending with today's month, oldest first."""
    first = today.replace(day=1)
    return [add_months(first, offset) for offset in range(1 - count, 1)]
