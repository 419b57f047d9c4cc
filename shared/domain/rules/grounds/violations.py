"""`ViolationThresholdTrigger` grounds (D3 in ORDER_282; meaning and figures in docs/rules.md).

Per business line, the counted violations (`is_counted`) in decision order with running fine totals;
a sweep over the violation days tests the window ending on each (CHOICE-D3-CONDUCT-DAYS,
CHOICE-D3-WINDOW-COUNT-FINES). The ratio test is exact integer arithmetic:
count x denominator > numerator x documents.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import partial

from shared.domain.credit_events import BusinessLine, EventLike, PenaltyKind, effective_penalty_kind, fine_amount
from shared.domain.periods import Period, window_first_day
from shared.domain.rules.counting import Counted
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds.occurrence import Occurrence
from shared.domain.rules.model import GroundRule
from shared.domain.rules.triggers import LineThreshold, ViolationThresholdTrigger

_ZERO = Decimal(0)


def is_counted(event: EventLike, trigger: ViolationThresholdTrigger) -> bool:
    """Whether a (non-revoked) violation counts at all: the trigger's two exclusions (CHOICE-EXEMPTIONS-D3-ONLY)."""
    if not event.intentional and event.business_line in trigger.non_intentional_excluded_lines:
        return False
    if event.voluntary_disclosure:
        kind = effective_penalty_kind(event)
        if kind in trigger.voluntary_disclosure_exempt_kinds:
            return False
        if kind is PenaltyKind.FINE and (event.amount_cny or _ZERO) <= trigger.voluntary_disclosure_exempt_fine_max:
            return False
    return True


class _LineWindow:
    """The counted violations of one line in decision order, with running fine totals."""

    def __init__(self, events: list[EventLike], threshold: LineThreshold, window_months: int,
                 volumes: Mapping[tuple[int, BusinessLine], int]) -> None:
        self.dates = [e.decided_on for e in events]
        cumulative = [_ZERO]
        total = _ZERO
        for event in events:
            total += fine_amount(event)
            cumulative.append(total)
        self.cumulative = cumulative
        self.threshold = threshold
        self.line = threshold.business_line
        self.window_months = window_months
        self.volumes = volumes

    def describe(self, rule: GroundRule, day: date, lo: int, hi: int) -> str:
        count, fines = hi - lo, self.cumulative[hi] - self.cumulative[lo]
        year = day.year - 1
        documents = self.volumes.get((year, self.line))
        ratio = self.threshold.ratio
        if documents is None:
            test = (f"documents of {year} unknown, so the amount alone decides: fines > CNY "
                    f"{self.threshold.fines_above:,.2f}")
        else:
            test = (f"count > {ratio.numerator}/{ratio.denominator} x {documents} documents of {year} "
                    f"= {float(ratio * documents):g} and fines > CNY {self.threshold.fines_above:,.2f}")
        if (day.month, day.day) == (1, 1):
            test += f"; from 1 January the denominator is the documents of {year}"
        return (f"{rule.title}: {count} counted violation(s) on the {self.line.value} line in the "
                f"{self.window_months} months to {day.isoformat()}, fines CNY {fines:,.2f} ({test})")


def _count_exceeds(terms: tuple[int, int], volumes: Mapping[tuple[int, BusinessLine], int], year: int,
                   line: BusinessLine, count: int) -> bool:
    """The count test against the documents of `year` (passed when they are unknown: the amount alone decides)."""
    documents = volumes.get((year, line)) if volumes else None
    numerator, denominator = terms
    return documents is None or count * denominator > numerator * documents


def occurrences(rule: GroundRule, trigger: ViolationThresholdTrigger, counted: Counted,
                facts: EnterpriseFacts) -> list[Occurrence]:
    per_line: dict[BusinessLine, list[EventLike]] = {}
    for etype in trigger.event_types:
        for event in counted.by_type.get(etype, ()):
            if not is_counted(event, trigger):
                continue
            bucket = per_line.get(event.business_line)
            if bucket is None:
                per_line[event.business_line] = [event]
            else:
                bucket.append(event)
    found: list[Occurrence] = []
    volumes = facts.declaration_volumes
    window_period = Period.months(trigger.window_months)
    for line, events in per_line.items():
        threshold = trigger.by_line.get(line)
        if threshold is None:
            continue
        if len(trigger.event_types) > 1:
            events.sort(key=lambda e: (e.decided_on, e.event_id))
        window = _LineWindow(events, threshold, trigger.window_months, volumes)
        cumulative = window.cumulative
        fines_above = threshold.fines_above
        if cumulative[-1] <= fines_above:
            continue  # all fines together do not pass the amount: no window can
        dates = window.dates
        ids = [e.event_id for e in events]
        terms = threshold.ratio_terms
        # Sweep the violation days in order: the window [lo, hi) only moves forward.
        count = len(dates)
        lo = index = 0
        while index < count:
            day = dates[index]
            hi = index + 1
            while hi < count and dates[hi] == day:
                hi += 1
            first_day = window_first_day(day, window_period)
            while dates[lo] < first_day:
                lo += 1
            if (cumulative[hi] - cumulative[lo] > fines_above
                    and _count_exceeds(terms, volumes, day.year - 1, line, hi - lo)):
                found.append(Occurrence(rule, day, tuple(ids[lo:hi]), partial(window.describe, rule, day, lo, hi)))
            index = hi
        # 1 January: the denominator becomes the documents of the year just ended, which alone can make the
        # window ending that day exceed (CHOICE-D3-CONDUCT-DAYS); a violation decided that day is swept above.
        for year in range(dates[0].year + 1, counted.day.year + 1):
            new_year = date(year, 1, 1)
            lo, hi = bisect_left(dates, window_first_day(new_year, window_period)), bisect_right(dates, new_year)
            if (hi > lo and dates[hi - 1] != new_year and cumulative[hi] - cumulative[lo] > fines_above
                    and _count_exceeds(terms, volumes, year - 1, line, hi - lo)
                    and not _count_exceeds(terms, volumes, year - 2, line, hi - lo)):
                found.append(Occurrence(rule, new_year, tuple(ids[lo:hi]),
                                        partial(window.describe, rule, new_year, lo, hi)))
    found.sort(key=lambda o: (o.arose_on, o.evidence))
    return found
