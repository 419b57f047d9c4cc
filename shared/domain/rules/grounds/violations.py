"""D3 (Art 15): supervision-rule violations above the 12-month thresholds, per business line.

For each business line separately (own-account and brokerage are never pooled), on a day d:

    window  = counted violations of that line decided in (d - 12 months, d]
    holds   = fines(window) > line.fines_above
              AND (documents of year d.year - 1 unknown  OR  count(window) > line.ratio x documents)

Counted violations exclude non-intentional own-account ones (fault tolerance) and voluntary
disclosures punished by a warning or a fine of at most CNY 500,000; revoked ones never count.
`count` is every counted penalty (warnings included); `fines` sums their fines only (not
confiscations). The ratio test is exact integer arithmetic: count x denominator > numerator x documents.

The window rolls, but a downgrade is sticky, so the engine needs the days the ground *arose*, not
only whether it holds at the evaluation date. The ground can only start holding on a day a
counted violation was decided (count and fines grow only then) or on 1 January (the denominator
switches to the new previous year). D3 therefore arises:
- on every day a counted violation of the line is decided and the window holds (new conduct
  while the thresholds are exceeded is a new ground: it restarts the automatic clean period);
- on 1 January when the window holds that day but did not hold on 31 December.
The evidence is every violation in the window that day.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import partial

from shared.domain.credit_events import BusinessLine, EventLike, PenaltyKind, effective_penalty_kind, fine_amount
from shared.domain.rules.counting import Counted
from shared.domain.rules.dates import ONE_DAY, add_months
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds.occurrence import Occurrence
from shared.domain.rules.model import GroundRule, LineThreshold, ViolationThresholdTrigger

_ZERO = Decimal(0)


def is_counted(event: EventLike, trigger: ViolationThresholdTrigger) -> bool:
    """Whether a (non-revoked) violation counts for D3 at all (the two exclusions of RULES.md)."""
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
    def __init__(self, events: list[EventLike], threshold: LineThreshold, window_months: int,
                 volumes: Mapping[tuple[int, BusinessLine], int]) -> None:
        self.events = events
        self.dates = [e.decided_on for e in events]
        cumulative = [_ZERO]
        total = _ZERO
        for event in events:
            total += fine_amount(event)
            cumulative.append(total)
        self.cumulative = cumulative
        self.threshold = threshold
        self.line = threshold.business_line
        self.window_months = -window_months
        self.volumes = volumes

    def window(self, day: date) -> tuple[int, int] | None:
        """The window's bounds in `events` when the ground holds on `day`, else None."""
        dates = self.dates
        lo, hi = bisect_right(dates, add_months(day, self.window_months)), bisect_right(dates, day)
        cumulative = self.cumulative
        if cumulative[hi] - cumulative[lo] <= self.threshold.fines_above:
            return None
        documents = self.volumes.get((day.year - 1, self.line))
        if documents is None:
            return lo, hi
        ratio = self.threshold.ratio
        return (lo, hi) if (hi - lo) * ratio.denominator > ratio.numerator * documents else None

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
                    f"= {ratio * documents} and fines > CNY {self.threshold.fines_above:,.2f}")
        return (f"{rule.title}: {count} counted violation(s) on the {self.line.value} line in the "
                f"{-self.window_months} months to {day.isoformat()}, fines CNY {fines:,.2f} ({test})")


def occurrences(rule: GroundRule, trigger: ViolationThresholdTrigger, counted: Counted,
                facts: EnterpriseFacts) -> list[Occurrence]:
    per_line: dict[BusinessLine, list[EventLike]] = {}
    for etype in trigger.event_types:
        for event in counted.by_type.get(etype, ()):
            if is_counted(event, trigger):
                per_line.setdefault(event.business_line, []).append(event)
    found: list[Occurrence] = []
    volumes = facts.declaration_volumes
    for line, events in per_line.items():
        threshold = trigger.by_line.get(line)
        if threshold is None:
            continue
        if len(trigger.event_types) > 1:
            events.sort(key=lambda e: (e.decided_on, e.event_id))
        window = _LineWindow(events, threshold, trigger.window_months, volumes)
        if window.cumulative[-1] <= threshold.fines_above:
            continue  # all fines together do not pass the amount: no window can
        days = sorted(set(window.dates))
        if volumes and any(key[1] == line for key in volumes):
            event_days = set(days)
            for year in range(days[0].year + 1, min(counted.day.year, days[-1].year + 1) + 1):
                first = date(year, 1, 1)
                if first not in event_days and window.window(first) and not window.window(first - ONE_DAY):
                    days.append(first)
            days.sort()
        ids = [e.event_id for e in events]
        for day in days:
            bounds = window.window(day)
            if bounds is not None:
                lo, hi = bounds
                found.append(Occurrence(rule, day, tuple(ids[lo:hi]), partial(window.describe, rule, day, lo, hi)))
    return found
