"""EventBridge publisher for the `credit` bus (source `customs.credit`). Only the outbox relay calls
it: use cases announce events through the outbox (`shared.domain.outbox`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from shared.adapters.dynamodb import aws_client
from shared.adapters.settings import settings
from shared.domain.outbox import BusEvent

SOURCE = "customs.credit"
_MAX_ENTRIES = 10  # PutEvents limit per call


def events_client() -> Any:
    return aws_client("events")


def send(events: Sequence[BusEvent]) -> set[str]:
    """PutEvents, ten entries a call; returns the ids of the events NOT accepted (a partial failure
    names its entries: the others went out and must not be sent again)."""
    failed: set[str] = set()
    for start in range(0, len(events), _MAX_ENTRIES):
        chunk = events[start:start + _MAX_ENTRIES]
        response = events_client().put_events(Entries=[
            {"Source": SOURCE, "DetailType": e.detail_type, "Detail": json.dumps(e.delivered_detail(), default=str),
             "EventBusName": settings().event_bus_name} for e in chunk])
        if response.get("FailedEntryCount"):
            failed |= {e.id for e, entry in zip(chunk, response.get("Entries", []), strict=False)
                       if entry.get("ErrorCode")}
    return failed


class EventBridgeBus:
    """`EventBus` on the `credit` bus."""

    def send(self, events: Sequence[BusEvent]) -> set[str]:
        return send(events)
