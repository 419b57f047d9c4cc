"""DynamoDB implementation of the restoration use cases' store (`shared.usecases.ports.RestorationStore`).

An application is one item under its enterprise (`ENT#<uscc>` / `RST#<restoration_id>`), so the
evaluation's one Query sees approved applications. The open-application guard is race-safe: the
application is written in ONE transaction with one conditional guard item per record applied for
(`RSTOPEN#<uscc>` / `EVT#<event_id>`) or per TIER application (`RSTOPEN#<uscc>` / `TIER`); a
concurrent second application loses by condition. A final decision (APPROVED / REJECTED) deletes
the guards in the transaction that records it (conditional on the application's `version`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shared.adapters import keys
from shared.adapters.audit import transact_with_audit
from shared.adapters.credit_store import (
    batch_get,
    get_item,
    put_new,
    put_versioned,
    query_partition,
    transact,
)
from shared.adapters.dynamodb import to_item
from shared.adapters.outbox import outbox_writes
from shared.adapters.settings import settings
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent


class OpenApplicationExists(Conflict):
    def __init__(self, holders: dict[str, str]) -> None:
        listed = ", ".join(f"{guard} by {rid}" for guard, rid in sorted(holders.items()))
        super().__init__(f"an open application already covers {listed or 'these records'}",
                         extra={"open_applications": sorted(set(holders.values()))})
        self.holders = holders


def _guard_key(uscc: str, guard: str) -> tuple[str, str]:
    return keys.open_application_pk(uscc), guard


class DynamoRestorationStore:
    def __init__(self, table: str | None = None, audit_table: str | None = None) -> None:
        self.table = table or settings().table_name
        self.audit_table = audit_table or settings().audit_table_name

    def records_of(self, uscc: str, event_ids: Sequence[str]) -> set[str]:
        found = batch_get(self.table, [(keys.enterprise_pk(uscc), keys.event_sk(e)) for e in event_ids])
        return {item["event_id"] for item in found}

    def create(self, application: dict[str, Any], guards: Sequence[str], outbox: Sequence[BusEvent] = ()) -> None:
        uscc, restoration_id = application["uscc"], application["restoration_id"]
        item = {"pk": keys.enterprise_pk(uscc), "sk": keys.restoration_sk(restoration_id),
                "entity": "RESTORATION", **application}
        writes = [put_new(self.table, item)]
        writes += [put_new(self.table, {"pk": pk, "sk": sk, "entity": "RESTORATION_GUARD",
                                        "restoration_id": restoration_id})
                   for pk, sk in (_guard_key(uscc, g) for g in guards)]
        try:
            transact([*writes, *outbox_writes(outbox)])
        except Conflict as exc:
            held = batch_get(self.table, [_guard_key(uscc, g) for g in guards])
            raise OpenApplicationExists({h["sk"]: h["restoration_id"] for h in held}) from exc

    def get(self, uscc: str, restoration_id: str) -> dict[str, Any] | None:
        return get_item(keys.enterprise_pk(uscc), keys.restoration_sk(restoration_id))

    def page(self, uscc: str, limit: int, start: dict[str, Any] | None
             ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        return query_partition(keys.enterprise_pk(uscc), "RST#", limit=limit, start=start, forward=False)

    def save(self, application: dict[str, Any], expected_version: int, *, release: Sequence[str] = (),
             audit: dict[str, Any] | None = None, outbox: Sequence[BusEvent] = ()) -> None:
        """The new state of an application, conditional on its `version`; with its guards released, its
        audit entry and its events (the outbox), all in one transaction. A lost race is a Conflict."""
        uscc, restoration_id = application["uscc"], application["restoration_id"]
        item = {"pk": keys.enterprise_pk(uscc), "sk": keys.restoration_sk(restoration_id),
                "entity": "RESTORATION", **application}
        writes: list[dict[str, Any]] = [put_versioned(self.table, item, expected_version)]
        for guard in release:
            pk, sk = _guard_key(uscc, guard)
            writes.append({"Delete": {
                "TableName": self.table, "Key": to_item({"pk": pk, "sk": sk}),
                "ConditionExpression": "attribute_not_exists(pk) OR restoration_id = :rid",
                "ExpressionAttributeValues": to_item({":rid": restoration_id})}})
        if audit is None:
            transact([*writes, *outbox_writes(outbox)])
        else:
            transact_with_audit(writes, audit, uscc, table=self.table, audit_table=self.audit_table, outbox=outbox)
