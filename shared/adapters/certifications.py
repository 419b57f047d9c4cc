"""DynamoDB implementation of `CertificationStore` (main table; audit table for every saved version).

| item | pk | sk |
|---|---|---|
| case | `ENT#<uscc>` | `CERT#<case_id>` (loaded with the enterprise's file: tier facts, bars) |
| open-case guard | `CERTOPEN#<uscc>` | `OPEN` (`case_id`; written with the case, deleted when it closes) |
| waiting for certifiers | `CERTWAIT` | `<case_id>` (`uscc`; while AWAITING_CERTIFIERS) |
| certifier | `CERTIFIER` | `<certifier_id>` |

Every write of a case is one transaction: the case on its `version`, the guard or the waiting item
as its status requires, and the enterprise's chained audit entry of its latest history line
(`shared.adapters.audit.transact_with_audit`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from shared.adapters import keys
from shared.adapters.audit import transact_with_audit
from shared.adapters.credit_store import get_item, put_new, put_versioned, query_partition, transact
from shared.adapters.dynamodb import query_all, to_item
from shared.adapters.settings import settings
from shared.domain.certification.case import CaseStatus
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.usecases.ports import Page


class OpenCaseExists(Conflict):
    def __init__(self, case_id: str | None) -> None:
        super().__init__(f"the enterprise already has an open certification case {case_id or ''}".rstrip(),
                         extra={"refusals": [{"code": "OPEN_CASE", "detail": f"case {case_id} is still open",
                                              "until": None}]})


class DynamoCertificationStore:
    def __init__(self, table: str | None = None, audit_table: str | None = None) -> None:
        self.table = table or settings().table_name
        self.audit_table = audit_table or settings().audit_table_name

    def _case_item(self, case: Mapping[str, Any]) -> dict[str, Any]:
        return {"pk": keys.enterprise_pk(case["uscc"]), "sk": keys.certification_sk(case["case_id"]),
                "entity": "CERTIFICATION", **case}

    def _audit(self, case: Mapping[str, Any]) -> dict[str, Any]:
        """The enterprise's chained audit entry of this version of the case (its latest history line)."""
        last = (case.get("history") or [{}])[-1]
        sk = f"{last.get('at', '')}#{case['case_id']}#{case['version']}"
        return {"pk": keys.enterprise_pk(case["uscc"]), "sk": sk,
                "action": "CertificationCase", "case_id": case["case_id"], "status": case["status"],
                "actor": last.get("by"), "what": last.get("what")}

    def _transact(self, writes: list[dict[str, Any]], case: Mapping[str, Any],
                  audit: Mapping[str, Any] | None, outbox: Sequence[BusEvent] = ()) -> None:
        transact_with_audit(writes, self._audit(case) if audit is None else audit, case["uscc"], table=self.table,
                            audit_table=self.audit_table, outbox=outbox)

    def create_case(self, case: Mapping[str, Any]) -> None:
        guard_pk, guard_sk = keys.open_case_key(case["uscc"])
        try:
            self._transact([put_new(self.table, self._case_item(case)),
                            put_new(self.table, {"pk": guard_pk, "sk": guard_sk, "entity": "CERTIFICATION_GUARD",
                                                 "case_id": case["case_id"]})], case, None)
        except Conflict as exc:
            held = get_item(guard_pk, guard_sk, self.table)
            raise OpenCaseExists(held["case_id"] if held else None) from exc

    def get_case(self, uscc: str, case_id: str) -> dict[str, Any] | None:
        return get_item(keys.enterprise_pk(uscc), keys.certification_sk(case_id), self.table)

    def cases_of(self, uscc: str, limit: int | None = None, start: dict[str, Any] | None = None) -> Page:
        if limit is None:
            found: list[dict[str, Any]] = []
            while True:
                items, start = query_partition(keys.enterprise_pk(uscc), "CERT#", start=start, table=self.table)
                found += items
                if not start:
                    return found, None
        return query_partition(keys.enterprise_pk(uscc), "CERT#", limit=limit, start=start, forward=False,
                               table=self.table)

    def save_case(self, case: Mapping[str, Any], expected_version: int,
                  audit: Mapping[str, Any] | None = None, outbox: Sequence[BusEvent] = ()) -> None:
        status = CaseStatus(case["status"])
        writes: list[dict[str, Any]] = [put_versioned(self.table, self._case_item(case), expected_version)]
        if not status.is_open:
            pk, sk = keys.open_case_key(case["uscc"])
            writes.append({"Delete": {"TableName": self.table, "Key": to_item({"pk": pk, "sk": sk}),
                                      "ConditionExpression": "attribute_not_exists(pk) OR case_id = :case",
                                      "ExpressionAttributeValues": to_item({":case": case["case_id"]})}})
        waiting_key = to_item({"pk": keys.WAITING_FOR_CERTIFIERS_PK, "sk": case["case_id"]})
        if status is CaseStatus.AWAITING_CERTIFIERS:
            writes.append({"Put": {"TableName": self.table, "Item": to_item({
                "pk": keys.WAITING_FOR_CERTIFIERS_PK, "sk": case["case_id"], "entity": "CERTIFICATION_WAITING",
                "uscc": case["uscc"]})}})
        else:
            writes.append({"Delete": {"TableName": self.table, "Key": waiting_key}})
        self._transact(writes, case, audit, outbox)

    def _partition(self, pk: str) -> list[dict[str, Any]]:
        return list(query_all(TableName=self.table, KeyConditionExpression="pk = :pk",
                              ExpressionAttributeValues=to_item({":pk": pk})))

    def waiting_for_certifiers(self) -> list[tuple[str, str]]:
        return [(i["uscc"], i["sk"]) for i in self._partition(keys.WAITING_FOR_CERTIFIERS_PK)]

    def certifiers(self) -> list[dict[str, Any]]:
        return self._partition(keys.CERTIFIER_PK)

    def get_certifier(self, certifier_id: str) -> dict[str, Any] | None:
        return get_item(keys.CERTIFIER_PK, certifier_id, self.table)

    def put_certifier(self, certifier: Mapping[str, Any], expected_version: int | None) -> None:
        item = {"pk": keys.CERTIFIER_PK, "sk": certifier["certifier_id"], "entity": "CERTIFIER", **certifier}
        write = put_new(self.table, item) if expected_version is None else put_versioned(self.table, item,
                                                                                         expected_version)
        try:
            transact([write])
        except Conflict as exc:
            if expected_version is None:
                raise Conflict(f"certifier {certifier['certifier_id']} already exists; PUT replaces it") from exc
            raise
