"""EventBridge publisher for the `credit` bus (source `customs.credit`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from shared.adapters.dynamodb import aws_client
from shared.adapters.settings import settings

SOURCE = "customs.credit"
_MAX_ENTRIES = 10  # PutEvents limit per call


def events_client() -> Any:
    return aws_client("events")


class PublishFailed(RuntimeError):
    """Some entries were not accepted; raised so the caller's retry (Lambda async, EventBridge) runs."""


def publish(detail_type: str, details: Iterable[dict[str, Any]]) -> int:
    """Publish one event per detail; returns the number of PutEvents calls made."""
    entries = [
        {"Source": SOURCE, "DetailType": detail_type, "Detail": json.dumps(d, default=str),
         "EventBusName": settings().event_bus_name}
        for d in details
    ]
    calls = 0
    for start in range(0, len(entries), _MAX_ENTRIES):
        response = events_client().put_events(Entries=entries[start:start + _MAX_ENTRIES])
        calls += 1
        if response.get("FailedEntryCount"):
            raise PublishFailed(f"{response['FailedEntryCount']} {detail_type} event(s) were not accepted")
    return calls


class EventBridgeBus:
    """`EventBus` on the `credit` bus."""

    def publish(self, detail_type: str, details: Iterable[dict[str, Any]]) -> int:
        return publish(detail_type, details)
