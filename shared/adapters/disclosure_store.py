"""DynamoDB side of disclosure items: transaction items for the evaluation, the expiry update (with its
event, the outbox), and the feed queries (gsi3 for the national feed, the enterprise's
partition for one `uscc`).

The feed index (gsi3) is sparse: only items the system published carry `gsi3pk=FEED`,
`gsi3sk=<published_until>#<uscc>#<event_id>`, and they keep it when they end (a past `as_of`
inside the window still shows them). A feed read for day D queries `gsi3sk >= D` (records whose
last day is D or later) and filters on `published_from <= D`, `published_at <= as_of` and the end;
so it never reads a record that left the feed before D.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from shared.adapters import keys
from shared.adapters.dynamodb import dynamodb_client, from_item, is_condition_failure, to_item
from shared.adapters.outbox import transact_with_outbox
from shared.adapters.settings import settings
from shared.domain.disclosure_feed import PUBLISHED
from shared.domain.outbox import BusEvent

FEED_INDEX = "gsi3"
_FILTER = ("published_from <= :day AND published_at <= :instant "
           "AND (attribute_not_exists(ended_on) OR ended_on > :day OR ended_at > :instant)")
"""`shared.domain.disclosure_feed.on_feed_at` server-side (`ended_at`: an end made at an instant, Art 39)."""


def write_items(table: str, writes: Iterable[tuple[Mapping[str, Any], int | None]]) -> list[dict[str, Any]]:
    """Transaction items: a new disclosure is created once, a change is conditional on its version."""
    items = []
    for item, version in writes:
        put: dict[str, Any] = {"TableName": table, "Item": to_item(item)}
        if version is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put.update(ConditionExpression="#v = :expected", ExpressionAttributeNames={"#v": "version"},
                       ExpressionAttributeValues=to_item({":expected": version}))
        items.append({"Put": put})
    return items


def expire(entry: Mapping[str, Any], ended_on: str, at: str, outbox: Sequence[BusEvent],
           table: str | None = None) -> bool:
    """End a PUBLISHED disclosure as EXPIRED, consume its due entry and write its events (the outbox), in
    one conditional transaction. False when it is no longer this due, published item (already done)."""
    table = table or settings().table_name
    try:
        transact_with_outbox({"Update": {
            "TableName": table, "Key": to_item({"pk": entry["pk"], "sk": entry["sk"]}),
            "UpdateExpression": "SET #s = :expired, ended_on = :on, history = list_append(history, :h), "
                                "#v = #v + :one REMOVE gsi2pk, gsi2sk",
            "ConditionExpression": "gsi2sk = :due AND #s = :published",
            "ExpressionAttributeNames": {"#s": "status", "#v": "version"},
            "ExpressionAttributeValues": to_item({
                ":expired": "EXPIRED", ":on": ended_on, ":h": [{"status": "EXPIRED", "on": ended_on, "at": at}],
                ":one": 1, ":due": entry["gsi2sk"], ":published": PUBLISHED})}}, outbox)
    except Exception as exc:
        if is_condition_failure(exc):
            return False
        raise
    return True


def _page(kwargs: dict[str, Any], start: dict[str, Any] | None, limit: int) -> tuple[list[dict[str, Any]],
                                                                                     dict[str, Any] | None, int]:
    if start:
        kwargs["ExclusiveStartKey"] = start
    response = dynamodb_client().query(Limit=limit, **kwargs)
    items = [from_item(i) for i in response.get("Items", [])]
    return items, response.get("LastEvaluatedKey"), int(response.get("ScannedCount", len(items)))


def feed_page(day: date, instant: str, severity: str | None, start: dict[str, Any] | None,
              limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
    """One page of the national feed index for CST `day` as known at `instant` (filtered server-side)."""
    values = {":feed": keys.FEED_PK, ":from": day.isoformat(), ":day": day.isoformat(), ":instant": instant}
    condition = _FILTER
    if severity:
        condition += " AND severity = :severity"
        values[":severity"] = severity
    return _page({"TableName": settings().table_name, "IndexName": FEED_INDEX,
                  "KeyConditionExpression": "gsi3pk = :feed AND gsi3sk >= :from", "FilterExpression": condition,
                  "ExpressionAttributeValues": to_item(values)}, start, limit)


def enterprise_page(uscc: str, start: dict[str, Any] | None, limit: int, *, day: date | None = None,
                    instant: str | None = None, severity: str | None = None) -> tuple[list[dict[str, Any]],
                                                                                     dict[str, Any] | None, int]:
    """One page of an enterprise's disclosure items (all of them, or those on the feed at `day`/`instant`)."""
    values: dict[str, Any] = {":pk": keys.enterprise_pk(uscc), ":prefix": "DISC#"}
    kwargs: dict[str, Any] = {"TableName": settings().table_name,
                              "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)"}
    filters = []
    if day is not None and instant is not None:
        filters.append(_FILTER + " AND (attribute_not_exists(published_until) OR published_until >= :day)")
        values.update({":day": day.isoformat(), ":instant": instant})
    if severity:
        filters.append("severity = :severity")
        values[":severity"] = severity
    if filters:
        kwargs["FilterExpression"] = " AND ".join(filters)
    kwargs["ExpressionAttributeValues"] = to_item(values)
    return _page(kwargs, start, limit)


class DynamoExpiryStore:
    """`shared.usecases.disclosure_expiry.ExpiryStore` on the main table."""

    def expire(self, entry: dict[str, Any], ended_on: str, at: str, outbox: Sequence[BusEvent]) -> bool:
        return expire(entry, ended_on, at, outbox)
