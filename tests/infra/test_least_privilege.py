"""Least privilege, derived: each function's role holds exactly the data actions its code calls.

The expected actions come from the code (`tests/infra/code_actions.py`: boto3 calls and transaction
items reachable from the handler, on the resource each names) plus what AWS services do with the role
on the function's behalf (Lambda's SQS poller on the inbox, Lambda's DLQ delivery); the granted ones
from the synthesized template. Any extra or missing action on DynamoDB, EventBridge, SQS, Step
Functions or S3 fails. Logs and X-Ray are the runtime's own and are checked elsewhere."""

from __future__ import annotations

import ast
import json
from typing import Any

import pytest

from infra import outputs
from infra.catalog import FUNCTIONS, FunctionSpec
from infra.constructs.queues import CONSUME_ACTIONS
from infra.stage import DEFAULT_STAGE, workflow_name
from tests.infra.code_actions import Action, _lazy_import, derive
from tests.infra.conftest import Synthesized
from tests.infra.support import as_list, logical_id_of_output, mentions, statements

CHECKED_SERVICES = {"dynamodb", "events", "sqs", "states", "s3"}

NOT_CALLED_AT_RUN_TIME: dict[tuple[str, Action], str] = {
    ("objections", ("outbox", "dynamodb:PutItem")):
        "transact_with_audit writes outbox items only for the events it is given; the objections function "
        "files and decides objections without announcing any (ObjectionDecided is objection_steps')",
    ("recertification_due", ("outbox", "dynamodb:PutItem")):
        "transact_with_audit writes outbox items only for the events it is given; opening a re-certification "
        "case announces none",
}
# (case_deadlines once listed the restoration and objection stores' guard DeleteItem here; the certification
# port now calls it: a case's overdue mark drops its waiting-for-certifiers item, as every case write does.)
"""Reachable in the call graph (the derivation follows every branch) but not taken by this function."""


def resource_kinds(synthesized: Synthesized) -> dict[str, str]:
    """Logical id → the kind of resource `derive` names."""
    raw = synthesized.raw
    kinds = {logical_id_of_output(raw, outputs.MAIN_TABLE): "main",
             logical_id_of_output(raw, outputs.AUDIT_TABLE): "audit",
             logical_id_of_output(raw, outputs.OUTBOX_TABLE): "outbox",
             logical_id_of_output(raw, outputs.IDEMPOTENCY_TABLE): "idempotency",
             logical_id_of_output(raw, outputs.EVENT_BUS): "bus",
             logical_id_of_output(raw, outputs.AUDIT_ARCHIVE_BUCKET): "archive"}
    kinds |= {lid: f"queue:{lid}" for lid in synthesized.resources("AWS::SQS::Queue")}
    return kinds


def kind_of(resource: Any, kinds: dict[str, str]) -> str:
    text = json.dumps(resource)
    for machine in ("certification", "objection"):
        name = workflow_name(machine, DEFAULT_STAGE)
        if f":stateMachine:{name}\"" in text or f":execution:{name}:" in text:
            return machine
    found = {kind for lid, kind in kinds.items() if mentions(resource, lid)}
    assert len(found) == 1, resource
    return found.pop()


def granted(synthesized: Synthesized, function_id: str) -> set[Action]:
    resources = synthesized.raw["Resources"]
    role_id = resources[function_id]["Properties"]["Role"]["Fn::GetAtt"][0]
    policies = {k: v for k, v in resources.items()
                if k == role_id or (v["Type"] == "AWS::IAM::Policy" and mentions(v["Properties"]["Roles"], role_id))}
    kinds = resource_kinds(synthesized)
    found: set[Action] = set()
    for _, statement in statements(policies):
        assert statement["Effect"] == "Allow"
        for action in as_list(statement["Action"]):
            if action.split(":")[0] in CHECKED_SERVICES:
                found |= {(kind_of(r, kinds), action) for r in as_list(statement["Resource"])}
    return found


def by_service(synthesized: Synthesized, function_id: str) -> set[Action]:
    """What AWS services call with the function's role: Lambda's SQS poller and its DLQ delivery."""
    resources = synthesized.raw["Resources"]
    found: set[Action] = set()
    for mapping in synthesized.resources("AWS::Lambda::EventSourceMapping").values():
        props = mapping["Properties"]
        if props["FunctionName"] == {"Ref": function_id}:
            queue = props["EventSourceArn"]["Fn::GetAtt"][0]
            found |= {(f"queue:{queue}", action) for action in CONSUME_ACTIONS}
    dlq = resources[function_id]["Properties"].get("DeadLetterConfig", {}).get("TargetArn")
    if dlq:
        found.add((f"queue:{dlq['Fn::GetAtt'][0]}", "sqs:SendMessage"))
    return found


def expected(spec: FunctionSpec, synthesized: Synthesized, function_id: str) -> set[Action]:
    from_code = derive(spec.name, spec.code_dir)
    skipped = {action for (name, action) in NOT_CALLED_AT_RUN_TIME if name == spec.name}
    assert skipped <= from_code, f"stale NOT_CALLED_AT_RUN_TIME entries for {spec.name}: {skipped - from_code}"
    return (from_code - skipped) | by_service(synthesized, function_id)


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_each_role_holds_exactly_the_actions_its_code_calls(synthesized: Synthesized, spec: FunctionSpec) -> None:
    # Given the function's code and its role in the template
    function_id = logical_id_of_output(synthesized.raw, outputs.function_output(spec.name))
    # When comparing what the code (and Lambda on its behalf) calls with what the role may do
    want, have = expected(spec, synthesized, function_id), granted(synthesized, function_id)
    # Then nothing is granted that no code calls, and nothing the code calls is missing
    assert sorted(have - want) == [], f"{spec.name}: granted but never called"
    assert sorted(want - have) == [], f"{spec.name}: called but not granted"


def test_the_derivation_sees_what_known_code_calls() -> None:
    # Given functions whose calls are known from reading the code
    # Then the derivation finds them: transactions deleting guard items need DeleteItem, the public
    # reads only read, the chain verification queries the audit table, the idempotency layer's calls
    restorations = derive("restorations")
    assert ("main", "dynamodb:DeleteItem") in restorations  # guards released inside TransactWriteItems
    assert derive("credit_views") == {("main", "dynamodb:GetItem"), ("main", "dynamodb:Query")}
    assert ("audit", "dynamodb:Query") in derive("registry")
    assert {("idempotency", "dynamodb:GetItem"), ("idempotency", "dynamodb:PutItem"),
            ("idempotency", "dynamodb:UpdateItem"), ("idempotency", "dynamodb:DeleteItem")} <= derive("ingestion")
    assert ("certification", "states:StartExecution") in derive("certifications")
    assert ("objection", "states:StartExecution") in derive("objections")
    assert ("archive", "s3:PutObject") in derive("audit_archive")
    assert not any(action.endswith(("Scan", "BatchWriteItem")) for spec in FUNCTIONS for _, action in derive(spec.name))


def test_the_derivation_follows_lazy_imports() -> None:
    # Given handlers that load their use cases with `name = lazy_import("module")` (shared/api/lazy_imports.py)
    assignment = ast.parse('cases = lazy_import("shared.usecases.restorations")').body[0]
    # Then such an assignment reads as an import of that module, and another call does not
    assert _lazy_import(assignment) == ("cases", "shared.usecases.restorations")
    assert _lazy_import(ast.parse('cases = import_later("shared.usecases.restorations")').body[0]) is None
