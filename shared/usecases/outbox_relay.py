"""The outbox relay: delivers the events written with state changes (`shared.domain.outbox`) from the
outbox table's stream to the `credit` bus, then marks them delivered.

Invoked by the stream's pipe with a batch in stream order. New items only (INSERT): a second write of
an id (MODIFY) and the relay's own marks are not events. The bus may refuse some entries of a call
(a partial failure): the batch reports the first record not delivered, so the pipe retries from
there (records after it that went out are sent again, with the same id: consumers drop them). An
error raised here (the bus unreachable, a timeout) makes the pipe retry the whole batch, halving it
to isolate a bad record, then park the batch's stream coordinates in the relay's DLQ. Nothing is
lost meanwhile: an item stays `pending` (the `undelivered` index) until it is marked delivered, and
`redrive` sends what is still pending (after the DLQ alarm, or any time: sending twice is harmless)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from shared.domain.outbox import BusEvent
from shared.usecases.ports import EventBus


class OutboxMarks(Protocol):
    """The outbox table as the relay uses it (adapter: `shared.adapters.outbox.DynamoOutbox`)."""

    def mark_delivered(self, event_ids: Sequence[str], at: str) -> None: ...
    def undelivered(self, limit: int = 100) -> list[BusEvent]: ...


@dataclass(frozen=True)
class StreamedEvent:
    """One new outbox item from the stream: its position (what a partial failure names) and its event."""

    sequence: str
    event: BusEvent


def relay(batch: Sequence[StreamedEvent], bus: EventBus, outbox: OutboxMarks, at: str) -> list[str]:
    """Send the batch's events and mark those accepted. Returns the sequence numbers of the records to
    retry: empty when all went out, else the first one that did not (the pipe resumes from it)."""
    if not batch:
        return []
    refused = bus.send([s.event for s in batch])
    first_refused = next((i for i, s in enumerate(batch) if s.event.id in refused), len(batch))
    outbox.mark_delivered([s.event.id for s in batch[:first_refused]], at)
    return [] if first_refused == len(batch) else [batch[first_refused].sequence]


def redrive(bus: EventBus, outbox: OutboxMarks, at: str, limit: int = 100) -> dict[str, int]:
    """Send the oldest events still pending (a DLQ redrive, or a sweep); returns how many went out."""
    pending = outbox.undelivered(limit)
    refused = bus.send(pending) if pending else set()
    outbox.mark_delivered([e.id for e in pending if e.id not in refused], at)
    return {"pending": len(pending), "sent": len(pending) - len(refused), "refused": len(refused)}
