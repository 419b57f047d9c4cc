"""Calendar arithmetic for legal periods (calendar months, CST dates).

"N months after D" is the same day N calendar months later, clamped to the month's last day
(2026-01-31 + 3 months = 2026-04-30). "More than N months after D" first holds on the day after
that (2026-05-01). Periods in the rule packs are whole calendar months.

Both functions are pure and memoised (the engine calls them a lot with few distinct arguments).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

from shared.domain.clock import CHINA_TZ

ONE_DAY = timedelta(days=1)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS[month - 1]


@lru_cache(maxsize=1 << 17)
def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months (negative allowed), clamped to the end of the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def day_after_months(day: date, months: int) -> date:
    """The first day on which "more than `months` months after `day`" holds."""
    return add_months(day, months) + ONE_DAY


@lru_cache(maxsize=1 << 16)
def start_of_day(day: date) -> datetime:
    """00:00 CST of a calendar date: the instant a date-based fact takes effect."""
    return datetime(day.year, day.month, day.day, tzinfo=CHINA_TZ)
