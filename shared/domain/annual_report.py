"""Annual credit information report (Art 11): window and first year due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class AnnualReportWindow:
    year: int
    opens_on: date
    closes_on: date


def window_for(year: int, opens: tuple[int, int] = (1, 1), closes: tuple[int, int] = (6, 30)) -> AnnualReportWindow:
    """The report for year Y is filed between 1 January and 30 June of Y+1 (Art 11; docs/rules.md "Annual report")."""
    return AnnualReportWindow(year, date(year + 1, *opens), date(year + 1, *closes))


def next_report_due(registered_on: date, today: date, filed_years: frozenset[int] = frozenset()) -> AnnualReportWindow:
    """The earliest report year not yet filed whose window has not closed, starting with the
    registration year (its report is due in the year after registration)."""
    year = max(registered_on.year, today.year - 1)
    while year in filed_years or window_for(year).closes_on < today:
        year += 1
    return window_for(year)
