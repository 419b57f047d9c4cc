"""Which annual credit reports (Art 11) are overdue on a day; the window is the pack's.

The report for year Y is overdue from the day after its window closes (1 July of Y+1 with the
shipped window) when it was not filed by then. Reports are due from the year
`registered_on.year + first_report_year_offset`. The flag never changes the tier by itself
(`AnnualReportRules.overdue_changes_tier`); it feeds the CE assessment (`certification.recertification`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from shared.domain.annual_report import first_report_year, window_for
from shared.domain.rules.model import AnnualReportRules


def closes_on(year: int, rules: AnnualReportRules) -> date:
    """The last day to file the report for `year`."""
    return window_for(year, rules).closes_on


def overdue_from(year: int, rules: AnnualReportRules) -> date:
    """The first day the report for `year` is overdue if not filed."""
    return closes_on(year, rules) + timedelta(days=1)


def reports_due_by(registered_on: date, today: date, rules: AnnualReportRules) -> tuple[int, ...]:
    """Every report year whose window has closed by `today` (oldest first)."""
    years, year = [], first_report_year(registered_on, rules)
    while overdue_from(year, rules) <= today:
        years.append(year)
        year += 1
    return tuple(years)


def missed_reports(registered_on: date, filed_on: Mapping[int, date], today: date,
                   rules: AnnualReportRules) -> tuple[int, ...]:
    """Report years due by `today` that were not filed within their window (late filings included)."""
    return tuple(year for year in reports_due_by(registered_on, today, rules)
                 if year not in filed_on or filed_on[year] > closes_on(year, rules))


def overdue_report(registered_on: date, filed_years: frozenset[int] | set[int], today: date,
                   rules: AnnualReportRules) -> int | None:
    """What the `annual-report-overdue` schedule checks on `today`: the latest report year whose
    window has closed, when it is due and still not filed; None otherwise."""
    due = reports_due_by(registered_on, today, rules) if registered_on <= today else ()
    if not due or due[-1] in filed_years:
        return None
    return due[-1]
