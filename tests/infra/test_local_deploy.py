"""The synthesized template deploys into moto's CloudFormation (what the local runtime runs on)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from infra import outputs
from infra.catalog import FUNCTIONS
from infra.local_deploy import deploy_to_moto
from tests.infra.conftest import Synthesized

REGION = "us-east-1"


@pytest.fixture
def moto_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(var, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.mark.filterwarnings("ignore:Tried to parse .* but it's not supported:UserWarning")
def test_template_deploys_into_moto(synthesized: Synthesized, moto_env: None) -> None:
    # Given the synthesized cloud assembly
    # When deploying it into moto's CloudFormation
    deployed = deploy_to_moto(synthesized.outdir, region=REGION)
    # Then the stack is complete and publishes every output the local runtime looks for (moto
    # skips Cognito resources, so UserPoolId/TokenUrl are absent there: the local runtime issues
    # its own tokens)
    assert deployed["status"] == "CREATE_COMPLETE"
    expected = {outputs.MAIN_TABLE, outputs.IDEMPOTENCY_TABLE, outputs.AUDIT_TABLE, outputs.EVENT_BUS,
                outputs.REST_API_ID} | {outputs.function_output(s.name) for s in FUNCTIONS}
    assert expected <= set(deployed["outputs"])
    assert deployed["outputs"][outputs.EVENT_BUS] == "credit-dev"
    # And the main table exists with its two indexes
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    table = dynamodb.describe_table(TableName=deployed["outputs"][outputs.MAIN_TABLE])["Table"]
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"gsi1", "gsi2", "gsi3"}
    # And each function knows the physical names of what it may touch
    lambda_client = boto3.client("lambda", region_name=REGION)
    for spec in FUNCTIONS:
        config = lambda_client.get_function_configuration(
            FunctionName=deployed["outputs"][outputs.function_output(spec.name)])
        env = config["Environment"]["Variables"]
        if "TABLE_NAME" in env:
            assert env["TABLE_NAME"] == deployed["outputs"][outputs.MAIN_TABLE]
    # And the REST API has one method per route
    apigw = boto3.client("apigateway", region_name=REGION)
    rest_api_id = deployed["outputs"][outputs.REST_API_ID]
    paths = {r["path"] for r in apigw.get_resources(restApiId=rest_api_id, limit=500)["items"]}
    from shared.api.contract import ROUTES

    assert {r.path for r in ROUTES} <= paths


@pytest.mark.filterwarnings("ignore:Tried to parse .* but it's not supported:UserWarning")
def test_async_hooks_deploy_into_moto(extended: Synthesized, moto_env: None) -> None:
    # Given the catalog plus a row with a bus rule and a schedule (what the next rows will add)
    # When deploying it into moto's CloudFormation
    deployed = deploy_to_moto(extended.outdir, region=REGION)
    # Then the stack completes and the rule listens on the credit bus (moto skips the schedule itself)
    assert deployed["status"] == "CREATE_COMPLETE"
    rules = boto3.client("events", region_name=REGION).list_rules(EventBusName="credit-dev")["Rules"]
    assert any(json.loads(r["EventPattern"]).get("source") == ["customs.credit"] for r in rules)
    queues = {k for k, t in deployed["types"].items() if t == "AWS::SQS::Queue"}
    assert queues == set(extended.resources("AWS::SQS::Queue"))  # every DLQ of the template exists
