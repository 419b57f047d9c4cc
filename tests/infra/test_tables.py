"""Tables: key layout of `shared/adapters/dynamodb.py`, PITR, retention, TTL, append-only audit."""

from __future__ import annotations

from typing import Any

import pytest

from infra import outputs
from tests.infra.conftest import Synthesized
from tests.infra.support import WRITE_ACTIONS_FORBIDDEN_ON_AUDIT, as_list, logical_id_of_output, mentions, statements


def table(synthesized: Synthesized, output_key: str) -> tuple[str, dict[str, Any]]:
    logical_id = logical_id_of_output(synthesized.raw, output_key)
    resource = synthesized.raw["Resources"][logical_id]
    assert resource["Type"] == "AWS::DynamoDB::Table"  # not GlobalTable: moto cannot create those
    return logical_id, resource


AUDIT_READS = {"dynamodb:Query",  # the chain verification (the head is in the main table)
               "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"}  # the archive pipe


def key_schema(props: dict[str, Any]) -> dict[str, str]:
    return {k["KeyType"]: k["AttributeName"] for k in props["KeySchema"]}


def test_main_table_is_the_documented_single_table(synthesized: Synthesized) -> None:
    # Given the synthesized stack / When reading the main table
    _, main = table(synthesized, outputs.MAIN_TABLE)
    props = main["Properties"]
    # Then keys, billing, PITR and retention are as designed
    assert key_schema(props) == {"HASH": "pk", "RANGE": "sk"}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert main["DeletionPolicy"] == "Retain"
    assert main["UpdateReplacePolicy"] == "Retain"
    assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} == {
        "pk": "S", "sk": "S", "gsi1pk": "S", "gsi1sk": "S", "gsi2pk": "S", "gsi2sk": "S",
        "gsi3pk": "S", "gsi3sk": "S"}


def test_main_table_has_the_three_sparse_indexes(synthesized: Synthesized) -> None:
    # Given the main table
    _, main = table(synthesized, outputs.MAIN_TABLE)
    # When listing its global secondary indexes
    indexes = {i["IndexName"]: i for i in main["Properties"]["GlobalSecondaryIndexes"]}
    # Then gsi1 (public lists), gsi2 (the due index) and gsi3 (the disclosure feed) exist with their own keys
    assert set(indexes) == {"gsi1", "gsi2", "gsi3"}
    for name in indexes:
        assert key_schema(indexes[name]) == {"HASH": f"{name}pk", "RANGE": f"{name}sk"}
        assert indexes[name]["Projection"]["ProjectionType"] == "ALL"


def test_idempotency_table_is_powertools_shaped(synthesized: Synthesized) -> None:
    # Given the idempotency table / When reading its keys and TTL
    _, idem = table(synthesized, outputs.IDEMPOTENCY_TABLE)
    props = idem["Properties"]
    # Then it is keyed on `id` and expires records through `expiration`
    assert key_schema(props) == {"HASH": "id"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expiration", "Enabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"


def test_audit_table_is_retained_and_denies_changes_to_everyone(synthesized: Synthesized) -> None:
    # Given the audit table
    _, audit = table(synthesized, outputs.AUDIT_TABLE)
    props = audit["Properties"]
    # When reading its resource policy
    deny = [s for s in as_list(props["ResourcePolicy"]["PolicyDocument"]["Statement"]) if s["Effect"] == "Deny"]
    # Then every principal is denied the item-changing actions, and the table outlives the stack
    assert len(deny) == 1
    assert deny[0]["Principal"] == {"AWS": "*"}
    assert {"dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"} <= set(deny[0]["Action"])
    assert key_schema(props) == {"HASH": "pk", "RANGE": "sk"}
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["DeletionProtectionEnabled"] is True
    assert audit["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_no_role_may_update_or_delete_audit_items(which: str, request: pytest.FixtureRequest) -> None:
    # Given the real template, and one whose catalog has an audit-appending function
    synthesized: Synthesized = request.getfixturevalue(which)
    audit_id, _ = table(synthesized, outputs.AUDIT_TABLE)
    # When collecting every allowed action on the audit table
    granted = {action
               for _, statement in statements(synthesized.raw["Resources"])
               if statement["Effect"] == "Allow" and mentions(statement.get("Resource"), audit_id)
               for action in as_list(statement["Action"])}
    # Then nothing beyond PutItem (and reads) is ever granted
    assert not granted & WRITE_ACTIONS_FORBIDDEN_ON_AUDIT
    assert granted <= {"dynamodb:PutItem"} | AUDIT_READS
    if which == "extended":
        assert granted == {"dynamodb:PutItem"} | AUDIT_READS  # the probe appends: the grant exists and is exact
