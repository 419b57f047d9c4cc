"""DynamoDB side of the due index (gsi2 of the main table): see `shared.usecases.due_work`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from shared.adapters import keys
from shared.adapters.dynamodb import dynamodb_client, from_item, is_condition_failure, to_item
from shared.adapters.outbox import transact_with_outbox
from shared.adapters.settings import settings
from shared.domain.outbox import BusEvent

INDEX = "gsi2"
LAST_OF_DAY = "#\uffff"


def consume_update(table: str, entry: Mapping[str, Any]) -> dict[str, Any]:
    """The Update that removes `entry` from the due index if it is still that entry (for a transaction
    or a single UpdateItem)."""
    return {"TableName": table, "Key": to_item({"pk": entry["pk"], "sk": entry["sk"]}),
            "UpdateExpression": "REMOVE gsi2pk, gsi2sk", "ConditionExpression": "gsi2sk = :due",
            "ExpressionAttributeValues": to_item({":due": entry["gsi2sk"]})}


class DynamoDueIndex:
    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or settings().table_name

    def due_page(self, kind: str, through: date, start: dict[str, Any] | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
        kwargs: dict[str, Any] = {
            "TableName": self.table_name, "IndexName": INDEX, "Limit": limit,
            "KeyConditionExpression": "gsi2pk = :kind AND gsi2sk <= :through",
            "ExpressionAttributeValues": to_item({":kind": keys.due_pk(kind),
                                                  ":through": through.isoformat() + LAST_OF_DAY})}
        if start:
            kwargs["ExclusiveStartKey"] = start
        response = dynamodb_client().query(**kwargs)
        items = [from_item(i) for i in response.get("Items", [])]
        return items, response.get("LastEvaluatedKey"), int(response.get("ScannedCount", len(items)))

    def consume(self, entry: Mapping[str, Any], outbox: Sequence[BusEvent] = ()) -> bool:
        try:
            transact_with_outbox({"Update": consume_update(self.table_name, entry)}, outbox)
        except Exception as exc:
            if is_condition_failure(exc):
                return False
            raise
        return True

    def consume_all(self, entries: Iterable[Mapping[str, Any]]) -> int:
        return sum(self.consume(e) for e in entries)
