"""Which counted events ground a rule: the trigger kinds, one engine module per kind (`rules/grounds/`).

- `EventTrigger`: one event of the listed types grounds the rule, optionally only when intentional or
  only when its fine is above an amount;
- `ViolationThresholdTrigger`: count and fines of violations in a rolling window, per business line,
  against the previous calendar year's declaration documents;
- `ArrearsTrigger`: an amount still unpaid more than N months after its due date;
- `RepeatTrigger`: at least N events of the listed types in a rolling window.

Which rule uses which trigger, with which figures, is data in the pack (docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property

from shared.domain.credit_events import BusinessLine, CreditEventType, PenaltyKind


@dataclass(frozen=True)
class EventTrigger:
    """Any single counted event of `event_types` grounds the rule."""

    event_types: frozenset[CreditEventType]
    require_intentional: bool = False
    fine_above: Decimal | None = None  # the event's fine must be strictly above this amount


@dataclass(frozen=True)
class LineThreshold:
    """D3 thresholds of one business line: count > ratio x last year's documents AND fines > amount."""

    business_line: BusinessLine
    ratio: Fraction
    fines_above: Decimal

    @cached_property
    def ratio_terms(self) -> tuple[int, int]:
        """(numerator, denominator) as plain ints for the exact test count x den > num x documents."""
        return (self.ratio.numerator, self.ratio.denominator)


@dataclass(frozen=True)
class ViolationThresholdTrigger:
    event_types: frozenset[CreditEventType]
    window_months: int
    lines: tuple[LineThreshold, ...]
    # Not counted: non-intentional violations on these lines (fault tolerance) ...
    non_intentional_excluded_lines: frozenset[BusinessLine]
    # ... and voluntary disclosures punished by one of these kinds or by a fine <= the amount.
    voluntary_disclosure_exempt_kinds: frozenset[PenaltyKind]
    voluntary_disclosure_exempt_fine_max: Decimal

    @cached_property
    def by_line(self) -> Mapping[BusinessLine, LineThreshold]:
        return {line.business_line: line for line in self.lines}


@dataclass(frozen=True)
class ArrearsTrigger:
    """Unpaid more than `months` months after `due_on` (and, if set, amount strictly above `amount_above`)."""

    event_types: frozenset[CreditEventType]
    months: int
    amount_above: Decimal | None = None


@dataclass(frozen=True)
class RepeatTrigger:
    """At least `min_count` counted events of `event_types` within a rolling window."""

    event_types: frozenset[CreditEventType]
    min_count: int
    window_months: int
    require_intentional: bool = False


Trigger = EventTrigger | ViolationThresholdTrigger | ArrearsTrigger | RepeatTrigger
