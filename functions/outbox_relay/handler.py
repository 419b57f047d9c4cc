"""Outbox relay: invoked by the EventBridge Pipe on the outbox table's stream with a batch of stream
records; puts each new event on the `credit` bus with its stable id and marks it delivered. A partial
failure is answered as `batchItemFailures` (the pipe retries from that record); an error raised makes
the pipe retry the batch, bisect it, then park its stream coordinates in the DLQ. Invoked with
`{"redrive": N}` (by an operator after the DLQ alarm) it sends up to N events still pending."""

from __future__ import annotations

from typing import Any

from shared.adapters.bus import EventBridgeBus
from shared.adapters.clock import current_clock
from shared.adapters.outbox import DynamoOutbox, streamed_events
from shared.api.observability import logger, traced
from shared.domain.clock import iso_instant
from shared.usecases.outbox_relay import redrive, relay


@traced
@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: list[dict[str, Any]] | dict[str, Any], context: Any) -> dict[str, Any]:
    at = iso_instant(current_clock().now())
    if isinstance(event, dict) and "redrive" in event:
        outcome = redrive(EventBridgeBus(), DynamoOutbox(), at, limit=int(event["redrive"] or 100))
        logger.info("outbox redriven", extra=outcome)
        return outcome
    records = event if isinstance(event, list) else event.get("Records", [])
    batch = streamed_events(records)
    retry = relay(batch, EventBridgeBus(), DynamoOutbox(), at)
    logger.info("outbox relayed", extra={"records": len(records), "events": len(batch), "retry_from": retry})
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in retry]}
