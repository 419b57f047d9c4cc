"""Art 11 window: report for year Y between 1 Jan and 30 Jun of Y+1, first due after registration."""

from __future__ import annotations

from datetime import date

from shared.domain.annual_report import next_report_due, window_for


def test_window_of_a_year_is_the_first_half_of_the_next() -> None:
    window = window_for(2026)
    assert (window.opens_on, window.closes_on) == (date(2027, 1, 1), date(2027, 6, 30))


def test_first_report_is_for_the_registration_year() -> None:
    assert next_report_due(date(2026, 5, 1), today=date(2026, 11, 22)).year == 2026


def test_on_the_last_day_of_the_window_last_years_report_is_still_due() -> None:
    assert next_report_due(date(2019, 1, 1), today=date(2026, 6, 30)).year == 2025
    assert next_report_due(date(2019, 1, 1), today=date(2026, 7, 1)).year == 2026


def test_a_filed_year_is_skipped() -> None:
    assert next_report_due(date(2019, 1, 1), today=date(2026, 3, 1), filed_years=frozenset({2025})).year == 2026
