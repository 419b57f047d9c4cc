"""Which rules each event grounded, from a list of occurrences (any time in the history): what record
classification and corrections read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from shared.domain.rules.grounds import Occurrence
from shared.domain.rules.model import RulePack


class Grounded:
    """Which rules each event grounded, from a list of occurrences (any time in the history)."""

    __slots__ = ("by_event", "first_day", "per_rule")

    def __init__(self, occurrences: Iterable[Occurrence], pack: RulePack) -> None:
        order = pack.rule_order
        per_rule: dict[str, set[str]] = {}
        first_day: dict[str, date] = {}
        for occurrence in occurrences:
            rule_id = occurrence.rule.rule_id
            evidence = occurrence.evidence
            found = per_rule.get(rule_id)
            if found is None:
                per_rule[rule_id] = set(evidence)
            else:
                found.update(evidence)
            if len(evidence) == 1 and evidence[0] not in first_day:
                # the day a single-event ground (e.g. overdue arrears) first arose from this event
                first_day[evidence[0]] = occurrence.arose_on
        self.per_rule = sorted(per_rule.items(), key=lambda item: order[item[0]])
        self.first_day = first_day
        by_event: dict[str, tuple[str, ...]] = {}
        for rule_id, ids in self.per_rule:
            for event_id in ids:
                by_event[event_id] = (*by_event.get(event_id, ()), rule_id)
        self.by_event = by_event

    def rule_ids(self, event_id: str) -> tuple[str, ...]:
        """The rules `event_id` grounded, in pack order."""
        return self.by_event.get(event_id, ())
