"""Ground evaluation: one module per trigger kind, dispatched by the trigger's type (data, not if-chains).

`find_occurrences(pack, counted, facts)` returns every arising of every enabled ground of the pack
up to the evaluation date, sorted by (day, rule order in the pack, evidence).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from shared.domain.rules.counting import Counted
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.rules.grounds import arrears, repeated, single_event, violations
from shared.domain.rules.grounds.arrears import arrears_threshold_date, pending_thresholds
from shared.domain.rules.grounds.occurrence import Occurrence
from shared.domain.rules.model import RulePack
from shared.domain.rules.triggers import ArrearsTrigger, EventTrigger, RepeatTrigger, ViolationThresholdTrigger

__all__ = ["EVALUATORS", "Occurrence", "arrears_threshold_date", "find_occurrences", "pending_thresholds"]

_BY_DAY = attrgetter("arose_on")

EVALUATORS: dict[type, Callable[..., list[Occurrence]]] = {
    EventTrigger: single_event.occurrences,
    ViolationThresholdTrigger: violations.occurrences,
    ArrearsTrigger: arrears.occurrences,
    RepeatTrigger: repeated.occurrences,
}


def find_occurrences(pack: RulePack, counted: Counted, facts: EnterpriseFacts) -> list[Occurrence]:
    found: list[Occurrence] = []
    by_type = counted.by_type
    for rule in pack.active_grounds:
        for trigger in rule.triggers:
            if by_type.keys().isdisjoint(trigger.event_types):
                continue
            evaluator: Any = EVALUATORS[type(trigger)]
            found.extend(evaluator(rule, trigger, counted, facts))
    # Each evaluator returns its occurrences in a canonical order and rules are visited in pack order,
    # so a stable sort by day yields (day, rule order in the pack, evaluator order): no input order leaks.
    found.sort(key=_BY_DAY)
    return found
