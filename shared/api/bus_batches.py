"""Bus events delivered in batches through a function's inbox queue (EventBridge rule → SQS → Lambda
event source mapping): each SQS record's body is one EventBridge event.

Records are handled one by one; a record that raises is reported in the partial batch response
(`batchItemFailures`, the mapping has `ReportBatchItemFailures`), so only it comes back after the
visibility timeout and, after the queue's maximum receives, lands in its dead-letter queue with its
body intact. When every record fails, Powertools raises instead: the invocation counts as an error
(alarm) and Lambda's poller backs off, which is what a broken dependency needs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from shared.api.observability import logger

BusEventHandler = Callable[[dict[str, Any]], Any]


class NotABusEvent(ValueError):
    """The record's body is not an EventBridge event (JSON object): retried, then parked in the DLQ."""


def bus_event_of(record: SQSRecord) -> dict[str, Any]:
    event = json.loads(record.body)
    if not isinstance(event, dict):
        raise NotABusEvent(f"message {record.message_id}: body is not a JSON object")
    return event


def handle_bus_batch(event: dict[str, Any], context: Any, handle: BusEventHandler) -> dict[str, Any]:
    """`{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}` for the records `handle` raised on."""

    def record_handler(record: SQSRecord) -> Any:
        bus_event = bus_event_of(record)
        logger.append_keys(message_id=record.message_id, event_id=bus_event.get("id"),
                           trigger=bus_event.get("detail-type"))
        return handle(bus_event)

    response = process_partial_response(event=event, record_handler=record_handler,
                                        processor=BatchProcessor(event_type=EventType.SQS), context=context)
    return dict(response)
