"""`EventTrigger` grounds: one counted event establishes the rule on its own, on its `decided_on`
(which rules, and with which conditions, is data in the pack: docs/rules.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

from shared.domain.credit_events import EventLike, fine_amount
from shared.domain.rules.counting import Counted
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds.occurrence import Occurrence
from shared.domain.rules.model import GroundRule
from shared.domain.rules.triggers import EventTrigger


def _describe(rule: GroundRule, event: EventLike, fine: Decimal | None, above: Decimal | None) -> str:
    detail = f", fine CNY {fine:,.2f} > CNY {above:,.2f}" if fine is not None and above is not None else ""
    return f"{rule.title}: {event.type.value} {event.event_id} decided on {event.decided_on.isoformat()}{detail}"


def occurrences(rule: GroundRule, trigger: EventTrigger, counted: Counted,
                facts: EnterpriseFacts) -> list[Occurrence]:
    found: list[Occurrence] = []
    for etype in trigger.event_types:
        for event in counted.by_type.get(etype, ()):
            if trigger.require_intentional and not event.intentional:
                continue
            fine = None
            if trigger.fine_above is not None:
                fine = fine_amount(event)
                if fine <= trigger.fine_above:
                    continue
            day: date = event.decided_on
            found.append(Occurrence(rule, day, (event.event_id,),
                                    partial(_describe, rule, event, fine, trigger.fine_above)))
    if len(trigger.event_types) > 1:  # several types: merge them in (day, event id) order
        found.sort(key=lambda o: (o.arose_on, o.evidence))
    return found
