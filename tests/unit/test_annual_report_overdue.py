"""Annual report overdue (docs/rules.md "Annual report", Art 11): on 1 July of Y+1 without the Y report."""

from __future__ import annotations

import dataclasses
from datetime import date

from shared.domain.annual_report_overdue import missed_reports, overdue_from, overdue_report, reports_due_by
from shared.domain.rules import ORDER_282

RULES = ORDER_282.annual_report
REGISTERED = date(2026, 3, 1)


def test_the_report_for_the_registration_year_is_overdue_from_1_july_of_the_next_year() -> None:
    assert overdue_from(2026, RULES) == date(2027, 7, 1)
    assert overdue_report(REGISTERED, set(), date(2027, 6, 30), RULES) is None
    assert overdue_report(REGISTERED, set(), date(2027, 7, 1), RULES) == 2026
    assert overdue_report(REGISTERED, {2026}, date(2027, 7, 1), RULES) is None


def test_no_report_is_due_for_a_year_before_registration() -> None:
    assert overdue_report(date(2027, 1, 15), set(), date(2027, 7, 1), RULES) is None
    assert reports_due_by(date(2027, 1, 15), date(2027, 7, 1), RULES) == ()


def test_the_window_is_read_from_the_pack() -> None:
    # Given a pack whose window closes on 31 May / Then the report is overdue from 1 June
    shorter = dataclasses.replace(RULES, closes=(5, 31))
    assert overdue_report(REGISTERED, set(), date(2027, 6, 1), shorter) == 2026
    assert overdue_report(REGISTERED, set(), date(2027, 6, 1), RULES) is None


def test_missed_reports_include_late_filings_and_reports_never_filed() -> None:
    filed = {2026: date(2027, 6, 30), 2027: date(2028, 7, 2)}
    assert reports_due_by(REGISTERED, date(2029, 7, 1), RULES) == (2026, 2027, 2028)
    assert missed_reports(REGISTERED, filed, date(2029, 7, 1), RULES) == (2027, 2028)
