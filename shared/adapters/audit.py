"""The audit chain on DynamoDB: entries in the append-only audit table (`ENT#<uscc>` / the writer's sort
key), the chain head in the main table (`AUDITHEAD#<uscc>` / `HEAD`; the audit table allows no update).

`transact_with_audit` appends one entry (and the events the change announces, the outbox:
`shared.adapters.outbox`) to a state change's transaction: the chained entry (a new item) and the
head, moved on the condition that it still holds the hash the entry links to. When only that
condition fails, another writer appended first: the head is read again and the
transaction retried, so concurrent writers never fork the chain and never lose an entry. Any other
failed condition is the caller's race: a `Conflict`, as before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.adapters import keys
from shared.adapters.dynamodb import dynamodb_client, error_code, from_item, query_all, to_item
from shared.adapters.outbox import outbox_writes
from shared.adapters.settings import settings
from shared.domain.audit_chain import ChainHead, link
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent

MAX_HEAD_RACES = 5


def load_head(uscc: str, table: str) -> ChainHead | None:
    response = dynamodb_client().get_item(TableName=table, ConsistentRead=True,
                                          Key=to_item({"pk": keys.audit_head_pk(uscc), "sk": keys.AUDIT_HEAD_SK}))
    item = response.get("Item")
    if not item:
        return None
    values = from_item(item)
    return ChainHead(seq=int(values["seq"]), hash=str(values["hash"]), sk=str(values["entry_sk"]))


def head_write(table: str, uscc: str, new: ChainHead, previous: ChainHead | None) -> dict[str, Any]:
    """The head moved to `new`, on the condition that it is still `previous` (absent for the first entry)."""
    put: dict[str, Any] = {"TableName": table,
                           "Item": to_item({"pk": keys.audit_head_pk(uscc), "sk": keys.AUDIT_HEAD_SK,
                                            "entity": "AUDIT_HEAD", "uscc": uscc, "seq": new.seq,
                                            "hash": new.hash, "entry_sk": new.sk})}
    if previous is None:
        put["ConditionExpression"] = "attribute_not_exists(pk)"
    else:
        put["ConditionExpression"] = "#h = :previous"
        put["ExpressionAttributeNames"] = {"#h": "hash"}
        put["ExpressionAttributeValues"] = to_item({":previous": previous.hash})
    return {"Put": put}


def _failed_conditions(exc: Exception) -> set[int] | None:
    """Indexes of the transaction's items whose condition failed (None: not a cancelled transaction)."""
    if error_code(exc) != "TransactionCanceledException":
        return None
    reasons = getattr(exc, "response", {}).get("CancellationReasons", [])
    return {i for i, r in enumerate(reasons) if r.get("Code") == "ConditionalCheckFailed"}


def transact_with_audit(writes: Sequence[dict[str, Any]], entry: Mapping[str, Any], uscc: str, *,
                        table: str, audit_table: str, outbox: Sequence[BusEvent] = ()) -> None:
    """`writes`, the chained `entry` (with `pk` and `sk`) and the events the change announces (the
    outbox) in ONE TransactWriteItems (at most 100 items). The entry and the head go right after the
    first write (which carries the caller's main condition); the events go last."""
    announced = outbox_writes(outbox)
    if len(writes) + len(announced) > 98:
        raise ValueError("an audited state change must fit one transaction (98 writes and events, and the chain)")
    writes = [*writes, *announced]
    client = dynamodb_client()
    position = min(1, len(writes))
    for _attempt in range(MAX_HEAD_RACES):
        previous = load_head(uscc, table)
        chained, new = link(entry, previous)
        items = [*writes[:position],
                 {"Put": {"TableName": audit_table, "Item": to_item(chained),
                          "ConditionExpression": "attribute_not_exists(pk)"}},
                 head_write(table, uscc, new, previous), *writes[position:]]
        try:
            client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
            return
        except Exception as exc:
            failed = _failed_conditions(exc)
            if failed is None:
                raise
            if failed == {position + 1}:
                continue  # only the head moved: another writer appended first; link after it
            raise Conflict("the stored state changed while this request was processed; retry") from exc
    raise Conflict(f"the audit chain of {uscc} moved {MAX_HEAD_RACES} times in a row; retry")


class DynamoAuditStore:
    """`AuditStore`: an enterprise's audit entries and chain head, as stored."""

    def __init__(self, table: str | None = None, audit_table: str | None = None) -> None:
        self.table = table or settings().table_name
        self.audit_table = audit_table or settings().audit_table_name

    def entries(self, uscc: str) -> list[dict[str, Any]]:
        return list(query_all(TableName=self.audit_table, KeyConditionExpression="pk = :pk", ConsistentRead=True,
                              ExpressionAttributeValues=to_item({":pk": keys.enterprise_pk(uscc)})))

    def head(self, uscc: str) -> dict[str, Any] | None:
        head = load_head(uscc, self.table)
        return None if head is None else head.to_dict()
