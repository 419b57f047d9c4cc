"""Art 11 window: report for year Y between 1 Jan and 30 Jun of Y+1, first due after registration. The
window and the first report year are read from the rule pack."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from shared.domain.annual_report import next_report_due, window_for
from shared.domain.annual_report_overdue import overdue_from
from shared.domain.filings import annual_report_timing
from shared.domain.rules import ORDER_282

RULES = ORDER_282.annual_report
# A pack whose window is 1 February-31 March and whose first report is for the year after registration
OTHER = replace(RULES, opens=(2, 1), closes=(3, 31), first_report_year_offset=1)


def test_window_of_a_year_is_the_first_half_of_the_next() -> None:
    window = window_for(2026, RULES)
    assert (window.opens_on, window.closes_on) == (date(2027, 1, 1), date(2027, 6, 30))


def test_first_report_is_for_the_registration_year() -> None:
    assert next_report_due(date(2026, 5, 1), today=date(2026, 11, 22), rules=RULES).year == 2026


def test_on_the_last_day_of_the_window_last_years_report_is_still_due() -> None:
    assert next_report_due(date(2019, 1, 1), today=date(2026, 6, 30), rules=RULES).year == 2025
    assert next_report_due(date(2019, 1, 1), today=date(2026, 7, 1), rules=RULES).year == 2026


def test_a_filed_year_is_skipped() -> None:
    assert next_report_due(date(2019, 1, 1), today=date(2026, 3, 1), rules=RULES,
                           filed_years=frozenset({2025})).year == 2026


def test_the_window_is_the_packs() -> None:
    window = window_for(2026, OTHER)
    assert (window.opens_on, window.closes_on) == (date(2027, 2, 1), date(2027, 3, 31))
    assert overdue_from(2026, OTHER) == date(2027, 4, 1)
    assert next_report_due(date(2019, 1, 1), today=date(2027, 3, 31), rules=OTHER).year == 2026
    assert next_report_due(date(2019, 1, 1), today=date(2027, 4, 1), rules=OTHER).year == 2027


def test_filing_follows_the_packs_window_and_first_year() -> None:
    with pytest.raises(ValueError, match="opens on 2027-02-01"):
        annual_report_timing(2026, date(2019, 1, 1), date(2027, 1, 15), OTHER)
    assert annual_report_timing(2026, date(2019, 1, 1), date(2027, 4, 1), OTHER)[1] is True  # late
    assert annual_report_timing(2026, date(2019, 1, 1), date(2027, 3, 31), OTHER)[1] is False
    with pytest.raises(ValueError, match="no report is due for 2026"):
        annual_report_timing(2026, date(2026, 5, 1), date(2027, 3, 1), OTHER)
    assert next_report_due(date(2026, 5, 1), today=date(2026, 11, 22), rules=OTHER).year == 2027
