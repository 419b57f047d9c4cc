"""Filings (`FilingStore`), written create-once on a natural key: one conditional PutItem; when the key exists the same
request returns the stored item, so a replay is told apart from a conflict without another read."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from shared.adapters import keys
from shared.adapters.dynamodb import dynamodb_client, from_item, query_all, to_item
from shared.adapters.outbox import transact_with_outbox
from shared.adapters.settings import settings
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.usecases.ports import FilingKind


def create_once(table_name: str, values: Mapping[str, Any], *, what: str,
                outbox: Sequence[BusEvent] = ()) -> tuple[dict[str, Any], bool]:
    """Store `values` (which carry `pk`, `sk` and a `content_hash`) unless the key exists, with the
    events it announces (the outbox) in the same transaction.

    Returns (stored values, created). Same content again → (stored, False); other content → Conflict
    carrying the stored values (without keys)."""
    client = dynamodb_client()
    try:
        transact_with_outbox({"Put": {
            "TableName": table_name, "Item": to_item(values), "ConditionExpression": "attribute_not_exists(pk)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}, outbox)
    except client.exceptions.ConditionalCheckFailedException as exc:
        old = exc.response.get("Item") or client.get_item(  # a cancelled transaction may not return it
            TableName=table_name, Key=to_item({"pk": values["pk"], "sk": values["sk"]}),
            ConsistentRead=True).get("Item")
        stored = from_item(cast(dict[str, Any], old or {}))
        if stored.get("content_hash") == values.get("content_hash"):
            return stored, False
        public = {k: v for k, v in stored.items() if k not in {"pk", "sk", "content_hash", "entity"}}
        raise Conflict(f"{what} already exists with other content", extra={"current": public}) from exc
    return dict(values), True


_SORT_KEYS = {FilingKind.DECLARATION_VOLUME: "VOL#", FilingKind.PERSON: "PERSON#", FilingKind.ANNUAL_REPORT: "AR#"}


class DynamoFilingStore:
    def __init__(self, table_name: str | None = None) -> None:
        self.table_name = table_name or settings().table_name

    def create_once(self, uscc: str, kind: FilingKind, key: str, values: Mapping[str, Any], *,
                    what: str, outbox: Sequence[BusEvent] = ()) -> tuple[dict[str, Any], bool]:
        item = {"pk": keys.enterprise_pk(uscc), "sk": keys.filing_sk(_SORT_KEYS[kind], key), "entity": kind.value,
                **values}
        return create_once(self.table_name, item, what=what, outbox=outbox)

    def keys_of(self, uscc: str, kind: FilingKind) -> list[str]:
        """One Query (paginated) on the kind's sort-key prefix, projecting the keys only."""
        prefix = _SORT_KEYS[kind]
        found = query_all(
            TableName=self.table_name, KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=to_item({":pk": keys.enterprise_pk(uscc), ":prefix": prefix}),
            ProjectionExpression="sk")
        return [str(item["sk"])[len(prefix):] for item in found]
