"""The outbox in memory: what the transactions of the in-memory stores announce, the stream of new
items, and the pipe that relays it to the bus (`local.stream_pipe.StreamPipe` around the real relay
use case), so a test sees exactly what AWS would deliver, and when.

By default (`relay_on_commit`) each committed event is delivered at once, as a healthy pipe would
soon after the commit; a fault-injection test turns that off, lets events pile up in the stream, and
runs the pipe itself with a failing bus."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from local.stream_pipe import StreamPipe
from shared.domain.outbox import BusEvent
from shared.usecases.outbox_relay import StreamedEvent, relay
from shared.usecases.ports import EventBus

RELAYED_AT = "2026-11-20T02:00:00.000Z"


@dataclass
class OutboxItem:
    event: BusEvent
    delivered_at: str | None = None


@dataclass
class OutboxMemory:
    items: dict[str, OutboxItem] = field(default_factory=dict)  # the outbox table, by event id
    stream: list[StreamedEvent] = field(default_factory=list)  # its INSERT records, in order
    checkpoint: int = 0  # how far the pipe has read the stream
    dlq: list[dict[str, Any]] = field(default_factory=list)  # what the pipe parked
    sent: list[BusEvent] = field(default_factory=list)  # every PutEvents entry accepted, repeats included
    relay_on_commit: bool = True
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # Memory.published

    def write(self, events: Iterable[BusEvent]) -> None:
        """Called by a store inside its (committed) write: one item per id, one stream INSERT per new id."""
        for event in events:
            if event.id in self.items:
                continue  # the same change announced again: a MODIFY, which the relay ignores
            self.items[event.id] = OutboxItem(event)
            self.stream.append(StreamedEvent(str(len(self.stream) + 1), event))
        if self.relay_on_commit:
            run_pipe(self, MemoryBus(self))

    # --- OutboxMarks ---------------------------------------------------------------------------
    def mark_delivered(self, event_ids: Sequence[str], at: str) -> None:
        for event_id in event_ids:
            self.items[event_id].delivered_at = at

    def undelivered(self, limit: int = 100) -> list[BusEvent]:
        return [i.event for i in self.items.values() if i.delivered_at is None][:limit]

    def delivered_ids(self) -> list[str]:
        """What consumers keep after dropping repeats: one id per event, in delivery order."""
        return list(dict.fromkeys(e.id for e in self.sent))


class MemoryBus:
    """`EventBus`: the `credit` bus, recording what it accepted (`Memory.published` keeps (type, detail))."""

    def __init__(self, outbox: OutboxMemory) -> None:
        self.outbox = outbox

    def send(self, events: Sequence[BusEvent]) -> set[str]:
        for event in events:
            self.outbox.sent.append(event)
            self.outbox.published.append((event.detail_type, dict(event.detail)))
        return set()


def run_pipe(outbox: OutboxMemory, bus: EventBus, *, batch_size: int = 10, max_retries: int = 2) -> None:
    """The pipe reads the stream from its checkpoint to the end, batch by batch (retries, bisect, DLQ)."""
    pipe: StreamPipe[StreamedEvent] = StreamPipe(
        invoke=lambda batch: relay(batch, bus, outbox, RELAYED_AT), sequence_of=lambda s: s.sequence,
        park=outbox.dlq.append, max_retries=max_retries, stream_arn="memory:outbox/stream")
    while outbox.checkpoint < len(outbox.stream):
        batch = outbox.stream[outbox.checkpoint:outbox.checkpoint + batch_size]
        pipe.deliver(batch)
        outbox.checkpoint += len(batch)
