"""`RepeatTrigger` grounds: at least N counted events of the listed types within a rolling window
(docs/rules.md, S3). The ground arises on each day such an event is decided while the window ending
that day holds at least N of them."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from datetime import date
from functools import partial

from shared.domain.credit_events import EventLike
from shared.domain.periods import Period, window_first_day
from shared.domain.rules.counting import Counted
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds.occurrence import Occurrence
from shared.domain.rules.model import GroundRule
from shared.domain.rules.triggers import RepeatTrigger


def _describe(rule: GroundRule, trigger: RepeatTrigger, count: int, day: date) -> str:
    return (f"{rule.title}: {count} records in the {trigger.window_months} months to {day.isoformat()} "
            f"(at least {trigger.min_count})")


def occurrences(rule: GroundRule, trigger: RepeatTrigger, counted: Counted,
                facts: EnterpriseFacts) -> list[Occurrence]:
    events: list[EventLike] = [
        e for etype in trigger.event_types for e in counted.by_type.get(etype, ())
        if e.intentional or not trigger.require_intentional
    ]
    if len(events) < trigger.min_count:
        return []
    events.sort(key=lambda e: (e.decided_on, e.event_id))
    dates = [e.decided_on for e in events]
    window = Period.months(trigger.window_months)
    found: list[Occurrence] = []
    for day in sorted(set(dates)):
        lo = bisect_left(dates, window_first_day(day, window))
        hi = bisect_right(dates, day)
        if hi - lo >= trigger.min_count:
            found.append(Occurrence(rule, day, tuple(e.event_id for e in events[lo:hi]),
                                    partial(_describe, rule, trigger, hi - lo, day)))
    return found
