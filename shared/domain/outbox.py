"""Events announced by a state change (the transactional outbox): each is written in the SAME
transaction as the change it reports, then delivered to the `credit` bus from the outbox table's
stream (`shared.usecases.outbox_relay`). Delivery is at least once; the id is what makes it
exactly-once for consumers.

The id is derived from the event's content (its detail type and detail, which name the change:
a decision id, an application id and its decision instant, a case and its deadline...). So the
same change announced twice (a retried write, a redelivered trigger) carries the same id: the
outbox keeps one item per id, and a consumer that sees an id again drops it. The relay puts the id
into the delivered detail as `bus_event_id`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from shared.domain.content import hash_of

BUS_EVENT_ID = "bus_event_id"
"""Key of the stable id in every delivered `detail` (consumers drop an id they have seen)."""


@dataclass(frozen=True)
class BusEvent:
    """One event for the `credit` bus, as written to the outbox."""

    detail_type: str
    detail: Mapping[str, Any]

    @property
    def id(self) -> str:
        content = {k: v for k, v in self.detail.items() if k != BUS_EVENT_ID}
        return hash_of({"detail_type": self.detail_type, "detail": content}).removeprefix("sha256:")[:32]

    def delivered_detail(self) -> dict[str, Any]:
        """The detail as consumers receive it: with its stable id."""
        return {**self.detail, BUS_EVENT_ID: self.id}


def announce(detail_type: str, details: Iterable[Mapping[str, Any]]) -> tuple[BusEvent, ...]:
    """The events of one detail type, one per detail (what `EventBus.publish` took before the outbox)."""
    return tuple(BusEvent(detail_type, dict(d)) for d in details)


def distinct(events: Iterable[BusEvent]) -> tuple[BusEvent, ...]:
    """The events without repeats (same id), first occurrence kept: one outbox item per id."""
    seen: dict[str, BusEvent] = {}
    for event in events:
        seen.setdefault(event.id, event)
    return tuple(seen.values())
