"""The outbox table: one item per bus event (`id` = the event's stable id), written inside the
transaction of the state change that announces it (`outbox_writes`), delivered from the table's
stream by the relay (`shared.usecases.outbox_relay`), then marked delivered.

Why a table of its own rather than items in the main table: its stream carries events and nothing
else (the relay never reads credit records, and no filter has to keep state changes out); delivered
items expire by TTL, which must never be enabled on the table of legal records; and its grants are
separate (writers Put, only the relay updates). A DynamoDB transaction spans tables, as the audit
chain's already does.

Item: `id`, `detail_type`, `detail` (the JSON text delivered), `pending` (present until delivered:
the sparse `undelivered` index a redrive reads), then `delivered_at` and `expires_at` (TTL).
A second write of the same id (the same change announced again) is a plain Put of the same content:
the stream shows it as MODIFY, which the relay does not deliver (one INSERT per id)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from shared.adapters.dynamodb import dynamodb_client, error_code, from_item, to_item
from shared.adapters.settings import settings
from shared.domain.outbox import BusEvent
from shared.usecases.outbox_relay import StreamedEvent

PENDING = "PENDING"
UNDELIVERED_INDEX = "undelivered"
RETENTION_S = 90 * 86_400
"""Delivered items stay 90 days (then TTL): long enough to answer "was it sent?" after any alarm;
the bus archive (a year) and the audit table keep the history beyond that."""


def outbox_writes(events: Iterable[BusEvent], outbox_table: str | None = None) -> list[dict[str, Any]]:
    """TransactWriteItems entries that put each event (once per id) into the outbox."""
    outbox_table = outbox_table or settings().outbox_table_name
    seen: dict[str, BusEvent] = {}
    for event in events:
        seen.setdefault(event.id, event)
    return [{"Put": {"TableName": outbox_table, "Item": to_item({
        "id": event_id, "detail_type": event.detail_type, "pending": PENDING,
        "detail": json.dumps(event.delivered_detail(), sort_keys=True, separators=(",", ":"), default=str)})}}
        for event_id, event in seen.items()]


def transact_with_outbox(item: dict[str, Any], outbox: Sequence[BusEvent]) -> None:
    """One write (`{"Put": ...}`, `{"Update": ...}` or `{"Delete": ...}`) and its events, all or nothing,
    in one TransactWriteItems (alone when there are none). A failed condition on the write raises
    ConditionalCheckFailedException, as the single-item call would (with the item when asked for)."""
    client = dynamodb_client()
    try:
        client.transact_write_items(TransactItems=[item, *outbox_writes(outbox)])  # type: ignore[list-item]
    except Exception as exc:
        reasons = getattr(exc, "response", {}).get("CancellationReasons") or []
        if error_code(exc) == "TransactionCanceledException" and reasons and reasons[0].get("Code") == \
                "ConditionalCheckFailed":
            response: dict[str, Any] = {"Error": {"Code": "ConditionalCheckFailedException",
                                                  "Message": "the condition failed"}}
            if reasons[0].get("Item"):
                response["Item"] = reasons[0]["Item"]  # ReturnValuesOnConditionCheckFailure, as PutItem gives it
            raise client.exceptions.ConditionalCheckFailedException(response, "TransactWriteItems") from exc  # type: ignore[arg-type]
        raise


class DynamoOutbox:
    """What the relay does with the table: mark delivered items, find those still undelivered."""

    def __init__(self, outbox_table: str | None = None) -> None:
        self.outbox_table = outbox_table or settings().outbox_table_name

    def mark_delivered(self, event_ids: Iterable[str], at: str) -> None:
        client = dynamodb_client()
        for event_id in event_ids:
            try:
                client.update_item(
                    TableName=self.outbox_table, Key=to_item({"id": event_id}),
                    UpdateExpression="SET delivered_at = :at, expires_at = :ttl REMOVE pending",
                    ConditionExpression="attribute_exists(id)",
                    ExpressionAttributeValues=to_item({":at": at, ":ttl": int(time.time()) + RETENTION_S}))
            except Exception as exc:
                if error_code(exc) != "ConditionalCheckFailedException":
                    raise

    def undelivered(self, limit: int = 100) -> list[BusEvent]:
        """The oldest items not yet marked delivered (what a redrive re-sends)."""
        response = dynamodb_client().query(
            TableName=self.outbox_table, IndexName=UNDELIVERED_INDEX, KeyConditionExpression="pending = :p",
            ExpressionAttributeValues=to_item({":p": PENDING}), Limit=limit)
        return [event_of(from_item(i)) for i in response.get("Items", [])]


def event_of(item: Mapping[str, Any]) -> BusEvent:
    """An outbox item (plain) as the event it holds (the detail carries its id)."""
    return BusEvent(str(item["detail_type"]), json.loads(str(item["detail"])))


def streamed_events(records: Iterable[Mapping[str, Any]]) -> list[StreamedEvent]:
    """The new outbox items of a batch of DynamoDB stream records (INSERTs), in stream order."""
    return [StreamedEvent(str(r["dynamodb"]["SequenceNumber"]), event_of(from_item(r["dynamodb"]["NewImage"])))
            for r in records if r.get("eventName") == "INSERT" and r.get("dynamodb", {}).get("NewImage")]
