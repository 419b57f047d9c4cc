"""Bus events delivered in batches through a function's inbox queue (EventBridge rule → SQS → Lambda
event source mapping): each SQS record's body is one EventBridge event.

Records are handled one by one; a record that raises is reported in the partial batch response
(`batchItemFailures`, the mapping has `ReportBatchItemFailures`), so only it comes back after the
visibility timeout and, after the queue's maximum receives, lands in its dead-letter queue with its
body intact. When every record fails, the invocation raises Powertools' `BatchProcessingError` (as
its batch processor does): the invocation counts as an error (alarm) and Lambda's poller backs off,
which is what a broken dependency needs.

The loop is ours rather than Powertools' `process_partial_response`: that is all of it we used, and
importing `aws_lambda_powertools.utilities.batch` (its processors import asyncio and every event data
class) cost ~60 ms of each cold start of every bus-fed function. The error type is imported only
when a whole batch failed."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shared.api.observability import logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.exceptions import ExceptionInfo

BusEventHandler = Callable[[dict[str, Any]], Any]


class NotABusEvent(ValueError):
    """The record's body is not an EventBridge event (JSON object): retried, then parked in the DLQ."""


class NotAnSqsBatch(ValueError):
    """The invocation's event has no `Records` list: the function is wired to something else than its queue."""


def bus_event_of(record: dict[str, Any]) -> dict[str, Any]:
    event = json.loads(record["body"])
    if not isinstance(event, dict):
        raise NotABusEvent(f"message {record['messageId']}: body is not a JSON object")
    return event


def handle_bus_batch(event: dict[str, Any], context: Any, handle: BusEventHandler) -> dict[str, Any]:
    """`{"batchItemFailures": [{"itemIdentifier": <messageId>}, ...]}` for the records `handle` raised on.
    `context` is the Lambda context (unused: the handlers pass what Lambda gives them)."""
    records = event.get("Records")
    if not isinstance(records, list):
        raise NotAnSqsBatch("the event is not an SQS batch (no `Records` list)")
    failures: list[dict[str, str]] = []
    errors: list[ExceptionInfo] = []
    for record in records:
        try:
            bus_event = bus_event_of(record)
            logger.append_keys(message_id=record["messageId"], event_id=bus_event.get("id"),
                               trigger=bus_event.get("detail-type"))
            handle(bus_event)
        except Exception:
            logger.exception("bus event failed: reported for redelivery", extra={"message_id": record.get("messageId")})
            failures.append({"itemIdentifier": record["messageId"]})
            errors.append(sys.exc_info())
    if records and len(failures) == len(records):
        from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

        raise BatchProcessingError(msg=f"All records failed processing. {len(errors)} individual errors logged "
                                       "separately below.", child_exceptions=errors)
    return {"batchItemFailures": failures}
