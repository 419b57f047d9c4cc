"""Annual credit information report (Art 11): the window of a report year and the next report due.

The window and the first report year are the rule pack's (`AnnualReportRules`, docs/rules.md)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pack's section; imported lazily by callers so this module stays cheap
    from shared.domain.rules.model import AnnualReportRules


@dataclass(frozen=True)
class AnnualReportWindow:
    year: int
    opens_on: date
    closes_on: date


def window_for(year: int, rules: AnnualReportRules) -> AnnualReportWindow:
    """The filing window of the report for `year`: `rules.opens` to `rules.closes` (month, day) of `year + 1`."""
    return AnnualReportWindow(year, date(year + 1, *rules.opens), date(year + 1, *rules.closes))


def first_report_year(registered_on: date, rules: AnnualReportRules) -> int:
    return registered_on.year + rules.first_report_year_offset


def next_report_due(registered_on: date, today: date, rules: AnnualReportRules,
                    filed_years: Collection[int] = frozenset()) -> AnnualReportWindow:
    """The earliest report year, from the first one due, neither filed nor with its window closed on `today`."""
    year = max(first_report_year(registered_on, rules), today.year - 1)
    while year in filed_years or window_for(year, rules).closes_on < today:
        year += 1
    return window_for(year, rules)
