"""`annual-report-overdue` (shared.usecases.annual_report_overdue) on in-memory stores: the first due
year at registration, and each unfiled year marked once under any sequence of runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.clock import CHINA_TZ, FixedClock
from shared.domain.enterprise import RegistrationData
from shared.domain.filings import AnnualReport
from shared.domain.rules import ORDER_282
from shared.usecases.annual_report_overdue import first_due_year, run_annual_report_overdue
from shared.usecases.enterprises import register_enterprise
from shared.usecases.filings import file_annual_report
from tests.support.memory_stores import Memory, memory_stores
from tests.unit.rules.builders import USCC

RULES = ORDER_282.annual_report


def clock_on(day: date, hour: int = 0, minute: int = 5) -> FixedClock:
    return FixedClock(datetime.combine(day, time(hour, minute), CHINA_TZ).astimezone(UTC))


def registered(memory: Memory, today: date, registered_on: date, status: str = "REGISTERED") -> None:
    data = RegistrationData(uscc=USCC, name="n", customs_code="1101234567", registration_status=status,
                            business_types=["CONSIGNOR_CONSIGNEE"], registered_on=registered_on)
    register_enterprise(memory_stores(memory), clock_on(today, 10), data)


def test_the_first_year_checked_is_the_first_whose_window_is_still_open() -> None:
    assert first_due_year(date(2019, 5, 20), date(2026, 11, 20), RULES) == 2026
    assert first_due_year(date(2019, 5, 20), date(2026, 6, 30), RULES) == 2025
    assert first_due_year(date(2019, 5, 20), date(2026, 7, 1), RULES) == 2026
    assert first_due_year(date(2026, 11, 20), date(2026, 11, 20), RULES) == 2026


def test_registration_puts_the_profile_on_the_index_and_a_replay_does_not_move_it() -> None:
    memory = Memory()
    registered(memory, date(2026, 11, 20), date(2019, 5, 20))
    registered(memory, date(2027, 8, 1), date(2019, 5, 20))  # same body later: replay
    profile = memory.profiles[USCC]
    assert (profile["annual_report_check_year"], profile["annual_report_check_on"]) == (2026, "2027-07-01")


def test_an_enterprise_managed_by_reference_is_not_checked() -> None:
    memory = Memory()
    registered(memory, date(2026, 11, 20), date(2019, 5, 20), status="UNREGISTERED_RELATED")
    assert memory.profiles[USCC]["annual_report_check_on"] is None
    assert run_annual_report_overdue(memory_stores(memory), clock_on(date(2030, 7, 1))).due == 0


def test_a_report_filed_late_is_still_marked() -> None:
    memory = Memory()
    registered(memory, date(2026, 11, 20), date(2019, 5, 20))
    stores = memory_stores(memory)
    file_annual_report(stores, clock_on(date(2027, 7, 1), 0, 1), USCC,
                       AnnualReport(year=2026, contact="c@example.cn", business_summary="s"))
    run_annual_report_overdue(stores, clock_on(date(2027, 7, 1)))
    assert memory.profiles[USCC]["annual_report_overdue"] == [2026]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years=st.lists(st.integers(2026, 2031), min_size=1, max_size=8), filed=st.sets(st.integers(2026, 2029)))
def test_each_unfiled_year_is_marked_once_whatever_the_order_of_runs(years: list[int], filed: set[int]) -> None:
    memory = Memory()
    registered(memory, date(2026, 11, 20), date(2019, 5, 20))
    stores = memory_stores(memory)
    for year in sorted(filed):  # each filed within its window
        file_annual_report(stores, clock_on(date(year + 1, 3, 1), 10), USCC,
                           AnnualReport(year=year, contact="c@example.cn", business_summary="s"))
    for year in years:
        for _ in range(2):
            run_annual_report_overdue(stores, clock_on(date(year, 7, 1)))
    latest = max(years)
    # every report year closed by the latest run, run after run, is settled: unfiled ones marked once
    checked = [y for y in range(2026, latest) if y + 1 <= latest]
    expected = [y for y in checked if y not in filed]
    assert memory.profiles[USCC]["annual_report_overdue"] == expected
    assert memory.profiles[USCC]["tier"] == "REGULAR"
