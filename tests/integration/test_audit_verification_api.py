"""GET /v1/enterprises/{uscc}/audit/verification: the audit chain written by the evaluation (through the
template's tables in moto) verifies; an entry altered or removed behind the system's back (a direct
write to the audit table, which the deny policy forbids in AWS and moto does not enforce) is found."""

from __future__ import annotations

import os
from typing import Any

from tests.integration.test_credit_events_api import OFFICER, penalty, post_events
from tests.integration.test_registry_api import USCC, register
from tests.support.apigw import api_event, json_body

PATH = "/v1/enterprises/{uscc}/audit/verification"


def verification(invoke: Any, uscc: str = USCC, claims: Any = OFFICER) -> dict[str, Any]:
    event = api_event("registry/get_enterprise", path_params={"uscc": uscc}, claims=claims) | {
        "resource": PATH, "path": PATH.replace("{uscc}", uscc)}
    return invoke("registry", event)  # type: ignore[no-any-return]


def audit_entries(aws: Any) -> list[dict[str, Any]]:
    items = aws.scan(TableName=os.environ["AUDIT_TABLE_NAME"])["Items"]
    return sorted(items, key=lambda i: int(i["seq"]["N"]))


def two_decisions(invoke: Any, deliver: Any) -> None:
    """REGULAR → DISCREDITED on a penalty, then back to REGULAR when the penalty is revoked."""
    register(invoke)
    assert post_events(invoke, penalty())["statusCode"] == 202
    deliver()
    revocation = penalty("REV-1", type="PENALTY_REVOKED", refers_to="PEN-1", decided_on="2026-11-01",
                         penalty_kind=None, amount_cny=None)
    assert post_events(invoke, revocation, key="batch-2")["statusCode"] == 202, "revocation refused"
    deliver()


def test_the_chain_the_system_writes_verifies(invoke: Any, deliver: Any, aws: Any) -> None:
    two_decisions(invoke, deliver)
    entries = audit_entries(aws)
    assert [e["to_tier"]["S"] for e in entries] == ["DISCREDITED", "REGULAR"]
    assert entries[1]["prev_hash"] == entries[0]["hash"]
    response = verification(invoke)
    assert response["statusCode"] == 200, response["body"]
    assert json_body(response) == {"uscc": USCC, "entries": 2, "valid": True, "broken_at": None}


def test_an_entry_altered_behind_the_systems_back_is_found(invoke: Any, deliver: Any, aws: Any) -> None:
    two_decisions(invoke, deliver)
    first = audit_entries(aws)[0]
    aws.put_item(TableName=os.environ["AUDIT_TABLE_NAME"], Item={**first, "to_tier": {"S": "REGULAR"}})
    answer = json_body(verification(invoke))
    assert answer["valid"] is False
    assert answer["broken_at"]["sk"] == first["sk"]["S"]
    assert "altered" in answer["broken_at"]["reason"]


def test_a_removed_entry_is_found(invoke: Any, deliver: Any, aws: Any) -> None:
    two_decisions(invoke, deliver)
    first, second = audit_entries(aws)
    aws.delete_item(TableName=os.environ["AUDIT_TABLE_NAME"], Key={"pk": first["pk"], "sk": first["sk"]})
    answer = json_body(verification(invoke))
    assert (answer["valid"], answer["entries"], answer["broken_at"]["sk"]) == (False, 1, second["sk"]["S"])


def test_a_removed_last_entry_is_found_through_the_chain_head(invoke: Any, deliver: Any, aws: Any) -> None:
    two_decisions(invoke, deliver)
    _, last = audit_entries(aws)
    aws.delete_item(TableName=os.environ["AUDIT_TABLE_NAME"], Key={"pk": last["pk"], "sk": last["sk"]})
    answer = json_body(verification(invoke))
    assert (answer["valid"], answer["broken_at"]["sk"]) == (False, last["sk"]["S"])


def test_only_officers_verify_and_an_unknown_enterprise_is_404(invoke: Any) -> None:
    register(invoke)
    enterprise_claims = {"client_id": "erp", "scope": "credit/enterprise", "uscc": USCC}
    assert verification(invoke, claims=enterprise_claims)["statusCode"] == 403
    assert json_body(verification(invoke))["valid"] is True  # registered, nothing audited yet
    assert verification(invoke, uscc="91110000100000002X")["statusCode"] in (404, 422)


def test_two_writers_appending_at_once_do_not_fork_the_chain(aws: Any, monkeypatch: Any) -> None:
    from shared.adapters import audit
    from shared.adapters.settings import settings
    from shared.domain.audit_chain import verify

    tables = {"table": settings().table_name, "audit_table": settings().audit_table_name}
    real_load = audit.load_head
    raced: list[bool] = []

    def load_then_race(uscc: str, table: str) -> Any:
        stale = real_load(uscc, table)
        if not raced:  # another writer appends between our read of the head and our write
            raced.append(True)
            audit.transact_with_audit([], {"pk": f"ENT#{uscc}", "sk": "2026-11-20#B", "action": "B"}, uscc, **tables)
        return stale

    monkeypatch.setattr(audit, "load_head", load_then_race)
    audit.transact_with_audit([], {"pk": f"ENT#{USCC}", "sk": "2026-11-20#A", "action": "A"}, USCC, **tables)

    store = audit.DynamoAuditStore()
    entries = sorted(store.entries(USCC), key=lambda e: e["seq"])
    assert [(e["seq"], e["action"]) for e in entries] == [(1, "B"), (2, "A")]  # the loser linked after
    assert verify(entries, audit.ChainHead.from_plain(store.head(USCC))).valid
