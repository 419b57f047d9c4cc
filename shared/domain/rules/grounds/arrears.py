"""Time-triggered grounds on unpaid amounts: D4 (tax) and D5 (fine or confiscation above CNY 10,000).

"More than N months after the due date" first holds on the day after due date + N calendar
months (due 2026-01-31 + 3 months = 2026-04-30; D4 from 2026-05-01). That day is the
`arrears_threshold_date`, which the arrears-watch schedule indexes events by.

A settlement (`ARREARS_SETTLED`, decided on or before the evaluation date) on day S stops the
ground from arising after S: the ground arises on threshold day T when T <= the evaluation date
and the arrears were not settled before T (settled on T itself still counts: the amount was
unpaid more than N months at the start of that day). A ground that arose stays in the history
when the arrears are settled later; settlement only starts the upgrade waiting period (3 months).
"""

from __future__ import annotations

from datetime import date
from functools import partial

from shared.domain.credit_events import EventLike
from shared.domain.rules.counting import Counted
from shared.domain.rules.dates import day_after_months
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds.occurrence import Occurrence
from shared.domain.rules.model import ArrearsTrigger, GroundRule, RulePack


def _threshold(event: EventLike, trigger: ArrearsTrigger) -> date | None:
    if event.due_on is None:
        return None
    if trigger.amount_above is not None and (event.amount_cny is None or event.amount_cny <= trigger.amount_above):
        return None
    return day_after_months(event.due_on, trigger.months)


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
