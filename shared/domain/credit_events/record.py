"""The stored event as the engine reads it: `EventRecord`, built from trusted storage data without
re-validation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from shared.domain.credit_events.kinds import CreditEventType, EventLike, PenaltyKind
from shared.domain.registration import BusinessLine

_TYPES = {member.value: member for member in CreditEventType}
_LINES = {member.value: member for member in BusinessLine}
_KINDS = {member.value: member for member in PenaltyKind}


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


class EventRecord(NamedTuple):
    """A lightweight, immutable event for the engine's hot path, built from trusted storage data
    without pydantic validation (only for data validated as a `CreditEvent` when it came in).

    Build it with `EventRecord.of(event)` or `EventRecord.from_plain(mapping)`, which convert enum
    values and dates; the plain constructor expects them converted already."""

    event_id: str
    uscc: str
    type: CreditEventType
    business_line: BusinessLine
    decided_on: date
    amount_cny: Decimal | None = None
    due_on: date | None = None
    penalty_kind: PenaltyKind | None = None
    intentional: bool = True
    voluntary_disclosure: bool = False
    refers_to: str | None = None

    @classmethod
    def of(cls, event: EventLike) -> EventRecord:
        return cls(event.event_id, getattr(event, "uscc", ""), _TYPES[event.type], _LINES[event.business_line],
                   event.decided_on, event.amount_cny, event.due_on,
                   None if event.penalty_kind is None else _KINDS[event.penalty_kind],
                   event.intentional, event.voluntary_disclosure, event.refers_to)

    @classmethod
    def from_plain(cls, item: Mapping[str, Any]) -> EventRecord:
        """From a plain mapping as stored: ISO date strings or dates, decimal strings, numbers or Decimals."""
        amount = item.get("amount_cny")
        kind = item.get("penalty_kind")
        decided = item["decided_on"]
        return cls(
            item["event_id"], item.get("uscc", ""), _TYPES[item["type"]], _LINES[item["business_line"]],
            decided if isinstance(decided, date) else date.fromisoformat(decided),
            None if amount is None else (amount if isinstance(amount, Decimal) else Decimal(str(amount))),
            _day(item.get("due_on")), None if kind is None else _KINDS[kind],
            item.get("intentional", True), item.get("voluntary_disclosure", False), item.get("refers_to"),
        )


def by_id(events: Iterable[EventLike]) -> dict[str, EventLike]:
    return {event.event_id: event for event in events}
