"""`ArrearsTrigger` grounds (D4, D5 in ORDER_282; meaning and figures in docs/rules.md): time-triggered.

The threshold day (`arrears_threshold_date`, which the arrears-watch schedule indexes events by)
is the first day after the N-month period opened by the due date (`periods.first_day_after`). The
ground arises on it unless the arrears were settled before it (CHOICE-ARREARS-SETTLED-ON-THRESHOLD-DAY);
a later settlement leaves the ground in the history and starts the upgrade waiting period.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from shared.domain.credit_events import EventLike
from shared.domain.periods import Period, first_day_after
from shared.domain.rules.counting import Counted
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds.occurrence import Occurrence
from shared.domain.rules.model import GroundRule, RulePack
from shared.domain.rules.triggers import ArrearsTrigger


def _threshold(event: EventLike, trigger: ArrearsTrigger) -> date | None:
    if event.due_on is None:
        return None
    if trigger.amount_above is not None and (event.amount_cny is None or event.amount_cny <= trigger.amount_above):
        return None
    return first_day_after(event.due_on, Period.months(trigger.months))


def arrears_threshold_date(event: EventLike, pack: RulePack) -> date | None:
    """The first day on which `event` grounds an arrears rule of `pack` if still unpaid, or None when it
    never can (not an arrears type, or at most the amount threshold, e.g. a FINE_OVERDUE of CNY 10,000)."""
    for _rule, trigger in pack.arrears_triggers:
        if event.type in trigger.event_types:
            return _threshold(event, trigger)
    return None


def _describe(rule: GroundRule, trigger: ArrearsTrigger, event: EventLike, threshold: date,
              settled: date | None) -> str:
    amount = f" of CNY {event.amount_cny:,.2f}" if event.amount_cny is not None else ""
    paid = f"; paid on {settled.isoformat()}" if settled is not None else "; still unpaid"
    return (f"{rule.title}: {event.type.value} {event.event_id}{amount} due on {event.due_on}, unpaid more "
            f"than {trigger.months} months (ground from {threshold.isoformat()}){paid}")


def occurrences(rule: GroundRule, trigger: ArrearsTrigger, counted: Counted,
                facts: EnterpriseFacts) -> list[Occurrence]:
    found: list[Occurrence] = []
    day = counted.day
    for etype in trigger.event_types:
        for event in counted.by_type.get(etype, ()):
            threshold = _threshold(event, trigger)
            if threshold is None or threshold > day:
                continue
            settled = counted.settled_on.get(event.event_id)
            if settled is not None and settled < threshold:
                continue
            found.append(Occurrence(rule, threshold, (event.event_id,),
                                    partial(_describe, rule, trigger, event, threshold, settled), settled))
    found.sort(key=lambda o: (o.arose_on, o.evidence))  # thresholds are not in decision order
    return found


def pending_thresholds(pack: RulePack, counted: Counted) -> list[date]:
    """Threshold days after the evaluation date of arrears still unpaid (when the tier may next change)."""
    days: list[date] = []
    for _rule, trigger in pack.arrears_triggers:
        for etype in trigger.event_types:
            for event in counted.by_type.get(etype, ()):
                threshold = _threshold(event, trigger)
                if threshold is not None and threshold > counted.day and event.event_id not in counted.settled_on:
                    days.append(threshold)
    return days
