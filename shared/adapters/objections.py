"""DynamoDB implementation of `ObjectionStore` (main table; audit table for every saved version).

| item | pk | sk |
|---|---|---|
| objection | `ENT#<uscc>` | `OBJ#<objection_id>` (loaded with the enterprise's file: the corrections it makes) |
| open-objection guard | `OBJOPEN#<uscc>` | `<subject_type>#<subject_id>` (`objection_id`; deleted once decided) |

Every write of an objection is one transaction: the objection (new, or on its `version`), its guard as
its status requires, and the enterprise's chained audit entry of its latest history line
(`shared.adapters.audit.transact_with_audit`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.adapters import keys
from shared.adapters.audit import transact_with_audit
from shared.adapters.credit_store import get_item, put_new, put_versioned, query_partition
from shared.adapters.dynamodb import to_item
from shared.adapters.settings import settings
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.usecases.ports import Page


class OpenObjectionExists(Conflict):
    def __init__(self, objection_id: str | None) -> None:
        super().__init__(f"the subject already has an open objection {objection_id or ''}".rstrip(),
                         extra={"open_objection_id": objection_id})


class DynamoObjectionStore:
    def __init__(self, table: str | None = None, audit_table: str | None = None) -> None:
        self.table = table or settings().table_name
        self.audit_table = audit_table or settings().audit_table_name

    def _item(self, objection: Mapping[str, Any]) -> dict[str, Any]:
        return {"pk": keys.enterprise_pk(objection["uscc"]), "sk": keys.objection_sk(objection["objection_id"]),
                "entity": "OBJECTION", **objection}

    def _transact(self, writes: list[dict[str, Any]], objection: Mapping[str, Any],
                  outbox: Sequence[BusEvent] = ()) -> None:
        """`writes` with the enterprise's chained audit entry of this version (its latest history line)."""
        last = (objection.get("history") or [{}])[-1]
        entry = {"pk": keys.enterprise_pk(objection["uscc"]),
                 "sk": f"{last.get('at', '')}#{objection['objection_id']}#{objection['version']}",
                 "action": "Objection", "objection_id": objection["objection_id"], "status": objection["status"],
                 "subject_type": objection["subject_type"], "subject_id": objection["subject_id"],
                 "actor": last.get("by"), "what": last.get("what")}
        transact_with_audit(writes, entry, objection["uscc"], table=self.table, audit_table=self.audit_table,
                            outbox=outbox)

    def create(self, objection: Mapping[str, Any], subject_key: str) -> None:
        guard_pk, guard_sk = keys.open_objection_key(objection["uscc"], subject_key)
        try:
            self._transact([put_new(self.table, self._item(objection)),
                            put_new(self.table, {"pk": guard_pk, "sk": guard_sk, "entity": "OBJECTION_GUARD",
                                                 "objection_id": objection["objection_id"]})], objection)
        except Conflict as exc:
            held = get_item(guard_pk, guard_sk, self.table)
            if held is not None:
                raise OpenObjectionExists(held["objection_id"]) from exc
            raise

    def get(self, uscc: str, objection_id: str) -> dict[str, Any] | None:
        return get_item(keys.enterprise_pk(uscc), keys.objection_sk(objection_id), self.table)

    def of(self, uscc: str, limit: int | None = None, start: dict[str, Any] | None = None) -> Page:
        if limit is None:
            found: list[dict[str, Any]] = []
            while True:
                items, start = query_partition(keys.enterprise_pk(uscc), "OBJ#", start=start, table=self.table)
                found += items
                if not start:
                    return found, None
        return query_partition(keys.enterprise_pk(uscc), "OBJ#", limit=limit, start=start, forward=False,
                               table=self.table)

    def save(self, objection: Mapping[str, Any], expected_version: int, subject_key: str,
             outbox: Sequence[BusEvent] = ()) -> None:
        writes = [put_versioned(self.table, self._item(objection), expected_version)]
        if objection["status"] != "UNDER_REVIEW":
            pk, sk = keys.open_objection_key(objection["uscc"], subject_key)
            writes.append({"Delete": {"TableName": self.table, "Key": to_item({"pk": pk, "sk": sk}),
                                      "ConditionExpression": "attribute_not_exists(pk) OR objection_id = :id",
                                      "ExpressionAttributeValues": to_item({":id": objection["objection_id"]})}})
        self._transact(writes, objection, outbox)
