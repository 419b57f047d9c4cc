"""Functions from the catalog: one Lambda per row, arm64/python3.12, shared layer, tracing, own
log group with retention, own role with only the grants its row names."""

from __future__ import annotations

import re
from typing import Any

import pytest

from infra import outputs
from infra.catalog import FUNCTIONS, Access, FunctionSpec, validate
from shared.api.contract import ROUTES
from tests.infra.conftest import Synthesized
from tests.infra.support import as_list, logical_id_of_output, mentions, statements

READ_ONLY_DYNAMODB = {"dynamodb:BatchGetItem", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                      "dynamodb:Query", "dynamodb:GetItem", "dynamodb:Scan", "dynamodb:ConditionCheckItem",
                      "dynamodb:DescribeTable"}
WILDCARD_ACTION = re.compile(r"^(\*|[a-z0-9-]+:\*)$")


def function_of(synthesized: Synthesized, name: str) -> tuple[str, dict[str, Any]]:
    logical_id = logical_id_of_output(synthesized.raw, outputs.function_output(name))
    return logical_id, synthesized.raw["Resources"][logical_id]


def role_statements(synthesized: Synthesized, function: dict[str, Any]) -> list[dict[str, Any]]:
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    return [s for _, s in statements(
        {k: v for k, v in synthesized.raw["Resources"].items()
         if k == role_id or (v["Type"] == "AWS::IAM::Policy" and mentions(v["Properties"]["Roles"], role_id))})]


def test_one_lambda_per_catalog_row(synthesized: Synthesized) -> None:
    # Given the catalog / When counting functions in the template (and their name outputs)
    lambdas = synthesized.resources("AWS::Lambda::Function")
    # Then there is exactly one function per row, each published as an output
    assert len(lambdas) == len(FUNCTIONS)
    assert {function_of(synthesized, spec.name)[0] for spec in FUNCTIONS} == set(lambdas)


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_function_runtime_layer_tracing_and_logs(synthesized: Synthesized, spec: FunctionSpec) -> None:
    # Given a catalog row / When reading its Lambda function
    _, function = function_of(synthesized, spec.name)
    props = function["Properties"]
    layers = synthesized.resources("AWS::Lambda::LayerVersion")
    # Then it runs the shared layer on arm64 python3.12 with active tracing and its own log group
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]
    assert props["Handler"] == "handler.lambda_handler"
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["MemorySize"] == spec.memory_mb
    assert props["Timeout"] == spec.timeout_s
    assert len(layers) == 1
    (layer_id,) = layers
    assert props["Layers"] == [{"Ref": layer_id}]
    assert layers[layer_id]["Properties"]["CompatibleArchitectures"] == ["arm64"]
    assert layers[layer_id]["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = synthesized.raw["Resources"][log_group_id]
    assert log_group["Properties"]["RetentionInDays"] == 365
    assert log_group["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.name)
def test_environment_names_exactly_the_granted_resources(synthesized: Synthesized, spec: FunctionSpec) -> None:
    # Given a catalog row / When reading its environment
    _, function = function_of(synthesized, spec.name)
    env = function["Properties"]["Environment"]["Variables"]
    # Then the Powertools settings are set, and a resource's name only where the row grants it
    assert env["POWERTOOLS_SERVICE_NAME"] == spec.name
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "CustomsCredit"
    assert env["POWERTOOLS_TRACER"] == "off"
    assert ("TABLE_NAME" in env) == (spec.main != Access.NONE)
    assert ("IDEMPOTENCY_TABLE_NAME" in env) == (spec.idempotency != Access.NONE)
    assert ("AUDIT_TABLE_NAME" in env) == (spec.audit != Access.NONE)
    assert ("EVENT_BUS_NAME" in env) == (spec.bus != Access.NONE)
    assert ("OUTBOX_TABLE_NAME" in env) == (spec.outbox != Access.NONE)
    main_id = logical_id_of_output(synthesized.raw, outputs.MAIN_TABLE)
    if "TABLE_NAME" in env:
        assert env["TABLE_NAME"] == {"Ref": main_id}


def test_every_function_has_its_own_role(synthesized: Synthesized) -> None:
    # Given all functions / When collecting their roles
    roles = [f["Properties"]["Role"]["Fn::GetAtt"][0] for f in synthesized.resources("AWS::Lambda::Function").values()]
    # Then no two functions share one, and none uses an AWS managed policy
    assert len(set(roles)) == len(roles)
    for role_id in roles:
        assert "ManagedPolicyArns" not in synthesized.raw["Resources"][role_id]["Properties"]


@pytest.mark.parametrize("spec", [s for s in FUNCTIONS if s.main == Access.READ], ids=lambda s: s.name)
def test_readers_of_the_main_table_cannot_write_it(synthesized: Synthesized, spec: FunctionSpec) -> None:
    # Given a row with main=READ / When collecting its actions on the main table
    _, function = function_of(synthesized, spec.name)
    main_id = logical_id_of_output(synthesized.raw, outputs.MAIN_TABLE)
    actions = {a for s in role_statements(synthesized, function) if mentions(s.get("Resource"), main_id)
               for a in as_list(s["Action"])}
    # Then they are read actions only
    assert actions
    assert actions <= READ_ONLY_DYNAMODB


def test_functions_without_data_access_have_no_data_grants(synthesized: Synthesized) -> None:
    # Given rows that name no table and no bus
    bare = [s for s in FUNCTIONS if {s.main, s.idempotency, s.audit, s.bus, s.archive} == {Access.NONE}]
    for spec in bare:
        # When collecting the services their roles may call
        _, function = function_of(synthesized, spec.name)
        services = {a.split(":")[0] for s in role_statements(synthesized, function) for a in as_list(s["Action"])}
        # Then only logs and X-Ray remain
        assert services <= {"logs", "xray"}, spec.name


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_no_wildcard_action_without_acknowledgement(which: str, request: pytest.FixtureRequest) -> None:
    # Given every identity-policy statement
    synthesized: Synthesized = request.getfixturevalue(which)
    resources = synthesized.raw["Resources"]
    for policy_id, statement in statements(resources):
        # When an action is a wildcard (`*` or `service:*`)
        for action in as_list(statement["Action"]):
            if WILDCARD_ACTION.match(action):
                # Then that exact finding is acknowledged on that policy
                acks = resources[policy_id].get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])
                assert f"AwsSolutions-IAM5[Action::{action}]" in {a["id"] for a in acks}, (policy_id, action)


@pytest.mark.parametrize("which", ["synthesized", "extended"])
def test_resource_wildcards_are_xray_only(which: str, request: pytest.FixtureRequest) -> None:
    # Given every statement on Resource "*" (the state machine's role apart: see below)
    synthesized: Synthesized = request.getfixturevalue(which)
    machine_policies = {k for k, v in synthesized.raw["Resources"].items()
                        if v["Type"] == "AWS::IAM::Policy" and k.startswith(("WorkflowsCertificationRole",
                                                                                 "WorkflowsObjectionRole"))}
    assert len(machine_policies) == 2
    wildcard = [s for p, s in statements(synthesized.raw["Resources"]) if "*" in as_list(s.get("Resource"))
                and p not in machine_policies]
    # Then it only grants X-Ray's actions, which support no resource-level permissions
    assert wildcard
    assert {a for s in wildcard for a in as_list(s["Action"])} <= {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
    # And the state machine's role adds only what Step Functions' log delivery and X-Ray need on "*"
    machine_wildcard = {a for p, s in statements(synthesized.raw["Resources"]) if p in machine_policies
                        and "*" in as_list(s.get("Resource")) for a in as_list(s["Action"])}
    assert machine_wildcard <= {"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
                                "xray:GetSamplingTargets", "logs:CreateLogDelivery", "logs:GetLogDelivery",
                                "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries",
                                "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"}


def test_catalog_refuses_a_route_without_its_function() -> None:
    # Given a catalog missing a function that contract.ROUTES names
    missing = ROUTES[0].function
    partial = tuple(s for s in FUNCTIONS if s.name != missing)
    # When validating / Then synthesis would stop with the name
    with pytest.raises(ValueError, match=missing):
        validate(partial)


def test_catalog_refuses_duplicates_bad_access_and_foreign_schedules() -> None:
    from infra.catalog import Schedule

    # Given rows that cannot be right / When validating / Then each is refused
    with pytest.raises(ValueError, match="twice"):
        validate((*FUNCTIONS, FUNCTIONS[0]))
    with pytest.raises(ValueError, match="audit access"):
        validate((*FUNCTIONS, FunctionSpec("x", "x", audit=Access.READWRITE)))
    with pytest.raises(ValueError, match=r"schedule 'nightly' is unknown"):
        validate((*FUNCTIONS, FunctionSpec("x", "x", triggers=(Schedule("nightly", "0 1 * * ? *", "?"),))))
