"""What a credit event is, without the validating model: its types and penalty kinds, the groups of
types the rules speak of, `EventLike` (what the rules engine reads from an event) and the two readings
of a penalty the rules share. Apart from `model` so that the rules, the records and every function
that only reads stored events load no pydantic (a cold-start cost of about 60 ms)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from shared.domain.registration import BusinessLine


class CreditEventType(StrEnum):
    SMUGGLING_CRIME = "SMUGGLING_CRIME"
    SMUGGLING_PENALTY = "SMUGGLING_PENALTY"
    SUPERVISION_VIOLATION_PENALTY = "SUPERVISION_VIOLATION_PENALTY"
    TAX_OVERDUE = "TAX_OVERDUE"
    FINE_OVERDUE = "FINE_OVERDUE"
    OBSTRUCTION_PENALTY = "OBSTRUCTION_PENALTY"
    BRIBERY = "BRIBERY"
    EXPORT_CONTROL_VIOLATION_PENALTY = "EXPORT_CONTROL_VIOLATION_PENALTY"
    FOOD_SAFETY_CRIME = "FOOD_SAFETY_CRIME"
    COSMETICS_CRIME = "COSMETICS_CRIME"
    SOLID_WASTE_SMUGGLING_CRIME = "SOLID_WASTE_SMUGGLING_CRIME"
    SOLID_WASTE_IMPORT_PENALTY = "SOLID_WASTE_IMPORT_PENALTY"
    ARREARS_SETTLED = "ARREARS_SETTLED"
    PENALTY_REVOKED = "PENALTY_REVOKED"


class PenaltyKind(StrEnum):
    WARNING = "WARNING"
    FINE = "FINE"
    CONFISCATION = "CONFISCATION"
    OTHER = "OTHER"


ARREARS_TYPES = frozenset({CreditEventType.TAX_OVERDUE, CreditEventType.FINE_OVERDUE})
# Events that change other events rather than being records themselves.
META_TYPES = frozenset({CreditEventType.ARREARS_SETTLED, CreditEventType.PENALTY_REVOKED})
RECORD_TYPES = frozenset(CreditEventType) - META_TYPES


class EventLike(Protocol):
    """What the rules engine reads from an event: a `CreditEvent` or any lighter object with these
    attributes (e.g. `EventRecord`, built from storage without re-validation). `type`,
    `business_line` and `penalty_kind` are enum members, dates are `date`s, amounts `Decimal`s."""

    @property
    def event_id(self) -> str: ...
    @property
    def type(self) -> CreditEventType: ...
    @property
    def business_line(self) -> BusinessLine: ...
    @property
    def decided_on(self) -> date: ...
    @property
    def amount_cny(self) -> Decimal | None: ...
    @property
    def due_on(self) -> date | None: ...
    @property
    def penalty_kind(self) -> PenaltyKind | None: ...
    @property
    def intentional(self) -> bool: ...
    @property
    def voluntary_disclosure(self) -> bool: ...
    @property
    def refers_to(self) -> str | None: ...


def effective_penalty_kind(event: EventLike) -> PenaltyKind:
    """The penalty kind the rules read (CHOICE-MISSING-PENALTY-KIND)."""
    kind = event.penalty_kind
    if kind is not None:
        return kind  # an enum member already (CreditEvent and EventRecord convert on the way in)
    amount = event.amount_cny
    return PenaltyKind.FINE if amount is not None and amount > 0 else PenaltyKind.OTHER


_NO_FINE = Decimal(0)


def fine_amount(event: EventLike) -> Decimal:
    """The fine imposed by a penalty event (0 when it is not a fine)."""
    kind = event.penalty_kind
    amount = event.amount_cny
    if amount is None or (kind is not None and kind != PenaltyKind.FINE):
        return _NO_FINE
    return amount
