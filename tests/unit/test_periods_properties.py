"""Properties of the period convention (hypothesis), over dates in and beyond the holiday data."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.periods import (
    Period,
    PeriodUnit,
    first_day_after,
    has_elapsed,
    holiday_schedule_known,
    is_within,
    last_day,
    recompute_if_provisional,
    window_first_day,
    working_days_after,
)

ONE_DAY = timedelta(days=1)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
COUNTS = st.integers(min_value=0, max_value=120)
PERIODS = st.one_of(COUNTS.map(Period.months), COUNTS.map(Period.days), st.integers(0, 10).map(Period.years))
SETTINGS = settings(max_examples=300, deadline=None)


def _days_in_month(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


@SETTINGS
@given(DAYS, PERIODS)
def test_the_day_after_a_period_is_the_day_after_its_last_day(opened_on: date, period: Period) -> None:
    assert first_day_after(opened_on, period) == last_day(opened_on, period) + ONE_DAY


@SETTINGS
@given(DAYS, PERIODS, st.integers(min_value=-400, max_value=4000))
def test_every_day_after_opening_is_either_within_the_period_or_after_it(
        opened_on: date, period: Period, offset: int) -> None:
    day = opened_on + timedelta(days=offset)
    if day <= opened_on:
        assert not is_within(opened_on, period, day)
        assert not has_elapsed(opened_on, period, day)
    else:
        assert is_within(opened_on, period, day) != has_elapsed(opened_on, period, day)


@SETTINGS
@given(DAYS, COUNTS)
def test_months_end_on_the_corresponding_day_of_the_nth_month_or_its_last_day(opened_on: date, months: int) -> None:
    end = last_day(opened_on, Period.months(months))
    assert (end.year * 12 + end.month) - (opened_on.year * 12 + opened_on.month) == months
    assert end.day == min(opened_on.day, _days_in_month(end.year, end.month))


@SETTINGS
@given(DAYS, COUNTS, COUNTS)
def test_month_periods_are_monotonic_in_length_and_opening_day(opened_on: date, a: int, b: int) -> None:
    shorter, longer = sorted((a, b))
    assert last_day(opened_on, Period.months(shorter)) <= last_day(opened_on, Period.months(longer))
    assert last_day(opened_on, Period.months(a)) <= last_day(opened_on + ONE_DAY, Period.months(a))


@SETTINGS
@given(DAYS, st.integers(min_value=0, max_value=10))
def test_years_are_twelve_months(opened_on: date, years: int) -> None:
    assert last_day(opened_on, Period.years(years)) == last_day(opened_on, Period.months(12 * years))


@SETTINGS
@given(DAYS, COUNTS)
def test_days_are_calendar_days(opened_on: date, days: int) -> None:
    assert (last_day(opened_on, Period.days(days)) - opened_on).days == days


@SETTINGS
@given(DAYS, PERIODS)
def test_the_rolling_window_ending_on_a_last_day_covers_the_period(opened_on: date, period: Period) -> None:
    first = window_first_day(last_day(opened_on, period), period)
    if period.unit is PeriodUnit.DAYS or opened_on.day == last_day(opened_on, period).day:
        assert first == opened_on + ONE_DAY
    else:  # the period ended on a shorter month's last day: the longest window ending that day
        assert first <= opened_on + ONE_DAY


@SETTINGS
@given(DAYS, st.integers(min_value=0, max_value=20))
def test_a_working_day_deadline_never_raises_and_is_final_only_on_a_working_day(received_on: date, n: int) -> None:
    deadline = working_days_after(received_on, n)
    assert deadline.due_on >= received_on
    assert (deadline.due_on == received_on) == (n == 0)
    days = [received_on + timedelta(days=i) for i in range(1, (deadline.due_on - received_on).days + 1)]
    known = all(holiday_schedule_known(d.year) for d in days)
    assert deadline.provisional == (not known)
    if not deadline.provisional:
        counted = [d for d in days if chinese_calendar.is_workday(d)]
        assert len(counted) == n
        assert n == 0 or counted[-1] == deadline.due_on
    elif n and holiday_schedule_known(deadline.due_on.year):  # only earlier days were guessed
        assert chinese_calendar.is_workday(deadline.due_on)
    elif n:
        assert deadline.due_on.weekday() < 5
    assert recompute_if_provisional(deadline) == deadline  # the package has not changed meanwhile
