"""Counting legal periods: the one convention every rule uses (docs/rules.md).

The convention, after PRC Civil Code Arts 200-204 (民法典 第二百条至第二百零四条):

    A period starts the day after the event that opens it (Art 201: 开始的当日不计入，自下一日开始计算).
    A period of N months or years ends at the end of the corresponding day of its last month, or
    of that month's last day when it has no such day (Art 202: 到期月的对应日为期间的最后一日；
    没有对应日的，月末日为期间的最后一日). A period of N days ends at the end of its Nth day.
    What is allowed "after" a period is allowed from the next day; what lasts "for" a period
    lasts through its last day. Dates are China Standard Time calendar dates.

So, for a period opened on day E:

    last_day(E, p)        the period's last day; what lasts "for" p holds through it (inclusive)
    first_day_after(E, p) = last_day + 1 day; what is allowed "after" p is allowed from it
    is_within(E, p, d)    E < d <= last_day: d is one of the period's days (E itself is not)
    has_elapsed(E, p, d)  d >= first_day_after

Examples (all in tests/unit/test_periods.py):
- D4: tax due 2026-01-31, 3 months: last day 2026-04-30, D4 holds from 2026-05-01.
- GENERAL record decided 2026-04-15: published for 12 months, through 2027-04-15, off the feed
  from 2027-04-16; its 3-month minimum ends 2026-07-15, restoration possible from 2026-07-16.
- 2026-01-31 + 1 month ends 2026-02-28; 2028-02-29 + 1 year ends 2029-02-28. Years are 12 months.
- Calendar days: received 2026-05-01, 90 days: last day 2026-07-30.
- Working days (the day of receipt does not count, adjusted working weekends count, holidays do
  not): received 2026-09-30, 3 working days: due 2026-10-10 (a Saturday worked in lieu).

Not applied: Art 203's extension of a last day that falls on a statutory holiday; the rules
specification does not adopt it (its examples never need it), so calendar periods here never move.

Working days come from `chinese_calendar` (the State Council's yearly schedule). For a year the
package does not know yet (it raises NotImplementedError), Monday-Friday count as working days and
the deadline is `provisional=True`; it never raises. A caller stores `provisional` with the
deadline and calls `recompute_if_provisional` when it reads it back (or on its next schedule run):
once a release of the package knows the year, the result is final. Everything here is pure: no
clock, no environment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import chinese_calendar

ONE_DAY = timedelta(days=1)


class PeriodUnit(StrEnum):
    MONTHS = "MONTHS"  # years are stored as 12 months
    DAYS = "DAYS"  # calendar days


@dataclass(frozen=True, slots=True)
class Period:
    """A length of time counted by the convention above. Build with `months`, `years` or `days`."""

    count: int
    unit: PeriodUnit

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError(f"a period cannot be negative: {self.count} {self.unit.value.lower()}")

    @classmethod
    def months(cls, count: int) -> Period:
        return cls(count, PeriodUnit.MONTHS)

    @classmethod
    def years(cls, count: int) -> Period:
        return cls(12 * count, PeriodUnit.MONTHS)

    @classmethod
    def days(cls, count: int) -> Period:
        return cls(count, PeriodUnit.DAYS)

    def __str__(self) -> str:
        return f"{self.count} {'months' if self.unit is PeriodUnit.MONTHS else 'days'}"


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


@lru_cache(maxsize=1 << 17)  # the rules engine asks often, with few distinct arguments
def _shift_months(day: date, months: int) -> date:
    """The corresponding day `months` calendar months away (negative allowed), clamped to the month's end."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def last_day(opened_on: date, period: Period) -> date:
    """The last day of `period` opened by an event on `opened_on`: what lasts "for" it holds through this day."""
    if period.unit is PeriodUnit.MONTHS:
        return _shift_months(opened_on, period.count)
    return opened_on + timedelta(days=period.count)


def first_day_after(opened_on: date, period: Period) -> date:
    """The first day after `period` opened on `opened_on`: what is allowed "after" it is allowed from this day."""
    return last_day(opened_on, period) + ONE_DAY


def is_within(opened_on: date, period: Period, day: date) -> bool:
    """Whether `day` is one of the period's days: after `opened_on` (Art 201), up to its last day.

    A state that already holds on the opening day (a record is published on its decision day)
    lasts while `day <= last_day(...)`; use that instead."""
    return opened_on < day <= last_day(opened_on, period)


def has_elapsed(opened_on: date, period: Period, day: date) -> bool:
    """Whether `period` opened on `opened_on` is over on `day` (so what comes "after" it is allowed)."""
    return day >= first_day_after(opened_on, period)


def window_first_day(ending_on: date, period: Period) -> date:
    """The first day of the rolling window of `period` whose last day is `ending_on` ("the last 12 months").

    The window is the period opened the day before its first day and ending on `ending_on`, i.e.
    the days `window_first_day(d, p) <= x <= d`. When month ends make two such windows (ending
    2025-02-28, 12 months: opened 2024-02-28 or 2024-02-29) this is the longer one, from 2024-02-29."""
    if period.unit is PeriodUnit.MONTHS:
        return _shift_months(ending_on, -period.count) + ONE_DAY
    return ending_on - timedelta(days=period.count) + ONE_DAY


def calendar_days_after(received_on: date, days: int) -> date:
    """The last day of a period of `days` calendar days opened on `received_on` (the deadline, inclusive)."""
    return last_day(received_on, Period.days(days))


# Working days ------------------------------------------------------------------------------------


def holiday_schedule_known(year: int) -> bool:
    """Whether `chinese_calendar` knows the State Council's holiday schedule of `year`."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _is_working_day(day: date) -> tuple[bool, bool]:
    """(working day?, known?): Monday-Friday, marked unknown, for a year the package does not know."""
    try:
        return bool(chinese_calendar.is_workday(day)), True
    except NotImplementedError:
        return day.weekday() < 5, False


@dataclass(frozen=True, slots=True)
class WorkingDayDeadline:
    """The `working_days`-th working day after `counted_from` (the day of receipt does not count).

    `provisional`: some day counted lies in a year whose holiday schedule is unknown, so weekdays
    were counted; store it and pass the deadline to `recompute_if_provisional` when read again."""

    counted_from: date
    working_days: int
    due_on: date
    provisional: bool

    def extended_by(self, working_days: int) -> WorkingDayDeadline:
        """The deadline `working_days` more working days later (an officer's extension): counted from
        the same day of receipt, so it stays recomputable."""
        return working_days_after(self.counted_from, self.working_days + working_days)


def working_days_after(received_on: date, working_days: int) -> WorkingDayDeadline:
    """The deadline `working_days` working days after `received_on`; never raises for an unknown year."""
    if working_days < 0:
        raise ValueError(f"working days cannot be negative: {working_days}")
    day, remaining, provisional = received_on, working_days, False
    while remaining:
        day += ONE_DAY
        working, known = _is_working_day(day)
        provisional = provisional or not known
        if working:
            remaining -= 1
    return WorkingDayDeadline(received_on, working_days, day, provisional)


def recompute_if_provisional(deadline: WorkingDayDeadline) -> WorkingDayDeadline:
    """`deadline` itself when final; otherwise counted again with what the calendar package knows now
    (possibly still provisional, possibly another `due_on`)."""
    if not deadline.provisional:
        return deadline
    return working_days_after(deadline.counted_from, deadline.working_days)
