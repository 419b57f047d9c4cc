"""Storage of credit facts and decisions (main table + audit table).

Write path of `POST /v1/credit-events`: one BatchGetItem for the batch's event-id guards, referenced
events and enterprise profiles; then one TransactWriteItems per 50 new events (guard + event item
each, both conditional), so a batch is stored whole or, on a race, not at all.
Evaluation: one Query loads everything kept under the enterprise; a tier change is one
TransactWriteItems (profile on its `version`, decision, audit entry, record classifications)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.adapters import keys
from shared.adapters.dynamodb import dynamodb_client, from_item, is_condition_failure, to_item
from shared.adapters.settings import settings
from shared.domain.errors import Conflict

_BATCH_GET_MAX = 100
_TRANSACT_MAX = 100


def batch_get(table: str, key_pairs: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """BatchGetItem over any number of (pk, sk) keys, retrying unprocessed keys."""
    unique = list(dict.fromkeys(key_pairs))
    found: list[dict[str, Any]] = []
    client = dynamodb_client()
    for start in range(0, len(unique), _BATCH_GET_MAX):
        request: dict[str, Any] = {table: {"Keys": [to_item({"pk": pk, "sk": sk}) for pk, sk in
                                                    unique[start:start + _BATCH_GET_MAX]]}}
        while request:
            response = client.batch_get_item(RequestItems=request)
            found.extend(from_item(item) for item in response.get("Responses", {}).get(table, []))
            request = response.get("UnprocessedKeys") or {}
    return found


def transact(items: Sequence[dict[str, Any]]) -> int:
    """TransactWriteItems in chunks of 100; returns the number of calls. A failed condition is a Conflict."""
    calls = 0
    client = dynamodb_client()
    for start in range(0, len(items), _TRANSACT_MAX):
        try:
            client.transact_write_items(TransactItems=list(items[start:start + _TRANSACT_MAX]))  # type: ignore[arg-type]
        except Exception as exc:
            if is_condition_failure(exc):
                raise Conflict("the stored state changed while this request was processed; retry") from exc
            raise
        calls += 1
    return calls


def put_new(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": to_item(values), "ConditionExpression": "attribute_not_exists(pk)"}}


def put_versioned(table: str, values: Mapping[str, Any], expected_version: int) -> dict[str, Any]:
    return {"Put": {"TableName": table, "Item": to_item(values), "ConditionExpression": "#v = :expected",
                    "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": to_item({":expected": expected_version})}}


def set_attributes(table: str, pk: str, sk: str, values: Mapping[str, Any],
                   remove: Iterable[str] = ()) -> dict[str, Any]:
    """Update of existing item attributes (never creates an item)."""
    names = {f"#a{i}": name for i, name in enumerate(values)}
    placeholders = {f":v{i}": value for i, value in enumerate(values.values())}
    removed = {f"#r{i}": name for i, name in enumerate(remove)}
    expression = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(values)))
    if removed:
        expression += " REMOVE " + ", ".join(removed)
    update: dict[str, Any] = {"TableName": table, "Key": to_item({"pk": pk, "sk": sk}),
                              "UpdateExpression": expression, "ConditionExpression": "attribute_exists(pk)",
                              "ExpressionAttributeNames": {**names, **removed}}
    if placeholders:
        update["ExpressionAttributeValues"] = to_item(placeholders)
    return {"Update": update}


@dataclass
class EnterpriseItems:
    """Everything stored under one enterprise, split by kind."""

    profile: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    annual_reports: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    restorations: list[dict[str, Any]] = field(default_factory=list)
    disclosures: list[dict[str, Any]] = field(default_factory=list)
    due: list[dict[str, Any]] = field(default_factory=list)


_KINDS = {"EVT#": "events", "VOL#": "volumes", "DEC#": "decisions", "AR#": "annual_reports", "PERSON#": "persons",
          "RST#": "restorations", "DISC#": "disclosures", "DUE#": "due"}


def load_enterprise_items(uscc: str, table: str | None = None) -> EnterpriseItems:
    """One Query (paginated) over the enterprise's partition."""
    table = table or settings().table_name
    client = dynamodb_client()
    items = EnterpriseItems()
    kwargs: dict[str, Any] = {"TableName": table, "KeyConditionExpression": "pk = :pk",
                              "ExpressionAttributeValues": to_item({":pk": keys.enterprise_pk(uscc)})}
    while True:
        response = client.query(**kwargs)
        for raw in response.get("Items", []):
            item = from_item(raw)
            sk = item["sk"]
            if sk == keys.PROFILE:
                items.profile = item
                continue
            for prefix, bucket in _KINDS.items():
                if sk.startswith(prefix):
                    getattr(items, bucket).append(item)
                    break
        if "LastEvaluatedKey" not in response:
            return items
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]


def query_index(index: str, pk_name: str, pk_value: str, *, limit: int | None = None,
                start: dict[str, Any] | None = None, forward: bool = True) -> tuple[list[dict[str, Any]],
                                                                                   dict[str, Any] | None]:
    """One page of a sparse index; returns (items, last evaluated key)."""
    return _page({"IndexName": index, "KeyConditionExpression": "#k = :v", "ExpressionAttributeNames": {"#k": pk_name},
                  "ExpressionAttributeValues": to_item({":v": pk_value})}, limit, start, forward)


def query_partition(pk: str, sk_prefix: str, *, limit: int | None = None, start: dict[str, Any] | None = None,
                    forward: bool = True) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of the items of a partition whose sort key starts with `sk_prefix`."""
    return _page({"KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
                  "ExpressionAttributeValues": to_item({":pk": pk, ":prefix": sk_prefix})}, limit, start, forward)


def _page(query: dict[str, Any], limit: int | None, start: dict[str, Any] | None,
          forward: bool) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    kwargs: dict[str, Any] = {"TableName": settings().table_name, "ScanIndexForward": forward, **query}
    if limit:
        kwargs["Limit"] = limit
    if start:
        kwargs["ExclusiveStartKey"] = start
    response = dynamodb_client().query(**kwargs)
    return [from_item(i) for i in response.get("Items", [])], response.get("LastEvaluatedKey")


def get_item(pk: str, sk: str) -> dict[str, Any] | None:
    response = dynamodb_client().get_item(TableName=settings().table_name, Key=to_item({"pk": pk, "sk": sk}))
    item = response.get("Item")
    return from_item(item) if item else None
