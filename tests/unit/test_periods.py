"""The period convention (shared/domain/periods.py, Civil Code Arts 200-204): the last day and the
day after, for every kind of period, with the examples of the rules specification."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from shared.domain.periods import (
    Period,
    PeriodUnit,
    WorkingDayDeadline,
    calendar_days_after,
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
# A year whose holiday schedule chinese-calendar 1.11 does not know (checked below).
UNKNOWN_YEAR = 2031


def _boundary(opened_on: date, period: Period, expected_last: date) -> None:
    """The period lasts through `expected_last` and is over from the next day."""
    after = expected_last + ONE_DAY
    assert last_day(opened_on, period) == expected_last
    assert first_day_after(opened_on, period) == after
    assert is_within(opened_on, period, expected_last)
    assert not is_within(opened_on, period, after)
    assert not has_elapsed(opened_on, period, expected_last)
    assert has_elapsed(opened_on, period, after)


# The rules' examples ---------------------------------------------------------------------------------


def test_d4_tax_due_on_31_january_plus_3_months_ends_30_april_and_d4_holds_from_1_may() -> None:
    _boundary(date(2026, 1, 31), Period.months(3), date(2026, 4, 30))
    assert first_day_after(date(2026, 1, 31), Period.months(3)) == date(2026, 5, 1)


def test_general_record_is_published_through_the_anniversary_and_off_the_feed_the_day_after() -> None:
    decided = date(2026, 4, 15)
    _boundary(decided, Period.months(12), date(2027, 4, 15))
    assert first_day_after(decided, Period.years(1)) == date(2027, 4, 16)


def test_general_record_minimum_period_refuses_restoration_on_its_last_day_and_allows_it_the_next() -> None:
    decided = date(2026, 4, 15)
    minimum = Period.months(3)
    assert last_day(decided, minimum) == date(2026, 7, 15)
    assert not has_elapsed(decided, minimum, date(2026, 7, 15))  # received 2026-07-15: refused
    assert has_elapsed(decided, minimum, date(2026, 7, 16))  # received 2026-07-16: may be approved


def test_calendar_day_deadlines_do_not_count_the_day_of_receipt() -> None:
    assert calendar_days_after(date(2026, 5, 1), 90) == date(2026, 7, 30)
    assert calendar_days_after(date(2026, 5, 1), 20) == date(2026, 5, 21)
    _boundary(date(2026, 5, 1), Period.days(90), date(2026, 7, 30))
    _boundary(date(2026, 5, 1), Period.days(20), date(2026, 5, 21))


# Month ends, leap years, years ---------------------------------------------------------------------


@pytest.mark.parametrize(("opened_on", "period", "expected_last"), [
    (date(2026, 1, 31), Period.months(1), date(2026, 2, 28)),
    (date(2028, 1, 31), Period.months(1), date(2028, 2, 29)),  # leap year
    (date(2026, 1, 30), Period.months(1), date(2026, 2, 28)),
    (date(2026, 3, 31), Period.months(1), date(2026, 4, 30)),
    (date(2026, 4, 30), Period.months(1), date(2026, 5, 30)),  # the corresponding day, not the month's end
    (date(2026, 8, 31), Period.months(6), date(2027, 2, 28)),
    (date(2027, 8, 31), Period.months(6), date(2028, 2, 29)),
    (date(2026, 12, 31), Period.months(2), date(2027, 2, 28)),
    (date(2026, 11, 15), Period.months(3), date(2027, 2, 15)),  # across a year end
    (date(2028, 2, 29), Period.months(12), date(2029, 2, 28)),  # leap day + 12 months
    (date(2028, 2, 29), Period.years(4), date(2032, 2, 29)),
    (date(2028, 2, 29), Period.years(1), date(2029, 2, 28)),
    (date(2026, 4, 15), Period.years(3), date(2029, 4, 15)),
    (date(2026, 4, 15), Period.months(24), date(2028, 4, 15)),
    (date(2026, 4, 15), Period.months(36), date(2029, 4, 15)),
], ids=str)
def test_months_and_years_end_on_the_corresponding_day_or_the_months_last_day(
        opened_on: date, period: Period, expected_last: date) -> None:
    _boundary(opened_on, period, expected_last)


def test_years_are_twelve_months() -> None:
    assert Period.years(2) == Period.months(24)
    assert Period.years(2).unit is PeriodUnit.MONTHS


def test_days_cross_month_and_leap_day() -> None:
    _boundary(date(2028, 2, 28), Period.days(1), date(2028, 2, 29))
    _boundary(date(2026, 12, 31), Period.days(1), date(2027, 1, 1))


def test_the_opening_day_is_not_a_day_of_the_period() -> None:
    assert not is_within(date(2026, 4, 15), Period.months(3), date(2026, 4, 15))
    assert is_within(date(2026, 4, 15), Period.months(3), date(2026, 4, 16))
    assert not is_within(date(2026, 4, 15), Period.days(1), date(2026, 4, 15))


def test_an_empty_period_is_over_the_day_after_it_opened() -> None:
    assert last_day(date(2026, 4, 15), Period.months(0)) == date(2026, 4, 15)
    assert first_day_after(date(2026, 4, 15), Period.days(0)) == date(2026, 4, 16)


def test_negative_periods_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        Period.months(-1)
    with pytest.raises(ValueError, match="negative"):
        working_days_after(date(2026, 4, 15), -1)


def test_period_reads_as_its_length() -> None:
    assert str(Period.years(1)) == "12 months"
    assert str(Period.days(90)) == "90 days"


# Rolling windows ("the last 12 months") -------------------------------------------------------------


@pytest.mark.parametrize(("ending_on", "period", "first"), [
    (date(2027, 4, 15), Period.months(12), date(2026, 4, 16)),
    (date(2026, 3, 31), Period.months(1), date(2026, 3, 1)),
    (date(2025, 2, 28), Period.months(12), date(2024, 2, 29)),  # two candidate windows: the longer one
    (date(2029, 2, 28), Period.months(12), date(2028, 2, 29)),
    (date(2026, 7, 30), Period.days(90), date(2026, 5, 2)),
], ids=str)
def test_rolling_window_first_day(ending_on: date, period: Period, first: date) -> None:
    assert window_first_day(ending_on, period) == first


def test_a_rolling_window_ending_on_a_periods_last_day_holds_the_whole_period() -> None:
    decided = date(2026, 4, 15)
    assert window_first_day(last_day(decided, Period.months(12)), Period.months(12)) == decided + ONE_DAY


# Working days --------------------------------------------------------------------------------------


def test_rules_example_third_working_day_after_30_september_is_the_adjusted_saturday_10_october() -> None:
    deadline = working_days_after(date(2026, 9, 30), 3)
    assert deadline == WorkingDayDeadline(date(2026, 9, 30), 3, date(2026, 10, 10), provisional=False)
    # chinese-calendar agrees: 10 October 2026 is a Saturday worked in lieu of the National Day holidays
    assert date(2026, 10, 10).weekday() == 5
    assert chinese_calendar.is_workday(date(2026, 10, 10))
    assert not chinese_calendar.is_workday(date(2026, 10, 7))


@pytest.mark.parametrize(("received_on", "working_days", "due_on"), [
    (date(2026, 9, 30), 1, date(2026, 10, 8)),  # 1-7 October are holidays
    (date(2026, 9, 30), 2, date(2026, 10, 9)),
    (date(2026, 9, 30), 4, date(2026, 10, 12)),  # Sunday 11 October is not worked
    (date(2026, 9, 30), 10, date(2026, 10, 20)),
    (date(2026, 10, 1), 1, date(2026, 10, 8)),  # received on a holiday
    (date(2026, 6, 5), 1, date(2026, 6, 8)),  # received on a Friday: the day of receipt does not count
    (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Sunday 20 September 2026 is worked in lieu
    (date(2026, 12, 28), 2, date(2026, 12, 30)),
], ids=str)
def test_working_day_deadlines(received_on: date, working_days: int, due_on: date) -> None:
    deadline = working_days_after(received_on, working_days)
    assert deadline.due_on == due_on
    assert not deadline.provisional
    # the day before the deadline is short of the count, the deadline day completes it
    counted = chinese_calendar.get_workdays(received_on + ONE_DAY, due_on)
    assert len(counted) == working_days
    assert counted[-1] == due_on


def test_an_officer_extension_counts_further_working_days_from_the_same_receipt() -> None:
    respond_by = working_days_after(date(2026, 9, 30), 10)
    extended = respond_by.extended_by(3)
    assert extended == working_days_after(date(2026, 9, 30), 13)
    assert extended.due_on == date(2026, 10, 23)


def test_the_calendar_package_does_not_know_the_year_used_for_provisional_deadlines() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(UNKNOWN_YEAR, 3, 7))
    assert not holiday_schedule_known(UNKNOWN_YEAR)
    assert holiday_schedule_known(2026)


def test_in_an_unknown_year_weekdays_count_and_the_deadline_is_provisional() -> None:
    # Thursday 6 March 2031: Friday, then the weekend is skipped
    assert working_days_after(date(UNKNOWN_YEAR, 3, 6), 1) == WorkingDayDeadline(
        date(UNKNOWN_YEAR, 3, 6), 1, date(UNKNOWN_YEAR, 3, 7), provisional=True)
    assert working_days_after(date(UNKNOWN_YEAR, 3, 6), 2).due_on == date(UNKNOWN_YEAR, 3, 10)


def test_a_deadline_running_into_an_unknown_year_is_provisional() -> None:
    deadline = working_days_after(date(UNKNOWN_YEAR - 1, 12, 30), 3)
    assert deadline.provisional
    assert deadline.due_on == date(UNKNOWN_YEAR, 1, 2)  # Tue 31 Dec, Wed 1 Jan and Thu 2 Jan, weekdays


def test_a_final_deadline_is_not_recomputed() -> None:
    deadline = working_days_after(date(2026, 9, 30), 3)
    assert recompute_if_provisional(deadline) is deadline


def test_a_provisional_deadline_is_recomputed_once_the_package_knows_the_year(
        monkeypatch: pytest.MonkeyPatch) -> None:
    received = date(UNKNOWN_YEAR - 1, 12, 31)
    provisional = working_days_after(received, 1)
    assert provisional == WorkingDayDeadline(received, 1, date(UNKNOWN_YEAR, 1, 1), provisional=True)
    assert recompute_if_provisional(provisional) == provisional  # still unknown: unchanged, still provisional

    # A later release publishes the schedule: 1 January is a holiday, Saturday 4 January is worked.
    known = chinese_calendar.is_workday

    def is_workday(day: date) -> bool:
        if day.year != UNKNOWN_YEAR:
            return bool(known(day))
        if day == date(UNKNOWN_YEAR, 1, 1):
            return False
        return day.weekday() < 5 or day == date(UNKNOWN_YEAR, 1, 4)

    monkeypatch.setattr(chinese_calendar, "is_workday", is_workday)
    final = recompute_if_provisional(provisional)
    assert final == WorkingDayDeadline(received, 1, date(UNKNOWN_YEAR, 1, 2), provisional=False)
    assert recompute_if_provisional(final.extended_by(2)).due_on == date(UNKNOWN_YEAR, 1, 4)


def test_years_before_the_packages_data_are_counted_as_weekdays_and_never_raise() -> None:
    deadline = working_days_after(date(2003, 10, 1), 1)  # Wednesday; the package starts in 2004
    assert deadline == WorkingDayDeadline(date(2003, 10, 1), 1, date(2003, 10, 2), provisional=True)
