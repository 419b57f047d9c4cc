"""What operators do: drive the emulator with the AWS API (as the AWS CLI would), watch Step
Functions executions on the operator page, restart the runtime and find the data again."""

from __future__ import annotations

import io
import json
import signal
import uuid
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.e2e.client import Api
from tests.e2e.conftest import Running, descendants_of, poll, started

pytestmark = pytest.mark.e2e

CALLBACK_HANDLER = '''
def lambda_handler(event, context):
    return {"seen": event, "by": context.function_name}
'''


def aws(runtime: Running, service: str) -> Any:
    return boto3.client(service, endpoint_url=runtime.emulator, region_name="us-east-1",
                        aws_access_key_id="local", aws_secret_access_key="local")


def wait_for(predicate: Any, timeout: float = 20.0) -> Any:
    value = poll(predicate, bool, timeout)
    if not value:
        raise AssertionError("timed out")
    return value


def test_state_machine_with_callback_through_the_aws_api(runtime: Running, api: Api) -> None:
    # Given a function and a state machine created through the emulator's AWS API, as an operator
    # would with the AWS CLI: a Lambda task, then a task that waits for a callback token
    iam, lam, sfn = aws(runtime, "iam"), aws(runtime, "lambda"), aws(runtime, "stepfunctions")
    role = iam.create_role(RoleName=f"e2e-{uuid.uuid4().hex[:8]}", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", CALLBACK_HANDLER)
    function = lam.create_function(FunctionName=f"e2e-callback-{uuid.uuid4().hex[:6]}", Runtime="python3.12",
                                   Role=role, Handler="app.lambda_handler", Code={"ZipFile": code.getvalue()})
    definition = {"StartAt": "Look", "States": {
        "Look": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "OutputPath": "$.Payload",
                 "Parameters": {"FunctionName": function["FunctionArn"], "Payload.$": "$"}, "Next": "Decide"},
        "Decide": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                   "Parameters": {"FunctionName": function["FunctionArn"], "Payload": {"token.$": "$$.Task.Token"}},
                   "End": True}}}
    machine = sfn.create_state_machine(name=f"e2e-approval-{uuid.uuid4().hex[:6]}", roleArn=role,
                                       definition=json.dumps(definition))["stateMachineArn"]
    # When an execution starts
    arn = sfn.start_execution(stateMachineArn=machine, name="case-1", input=json.dumps({"case": 1}))["executionArn"]
    # Then the operator page lists it, waiting for the callback with its token
    waiting = wait_for(lambda: (d := api.get(f"/_local/executions/{arn}").json)["waiting_for_callback"] and d)
    token = waiting["waiting_for_callback"][0]["parameters"]["Payload"]["token"]
    assert waiting["status"] == "RUNNING"
    assert waiting["input"] == {"case": 1}
    listing = api.get("/_local/executions").json["items"]
    assert arn in [e["execution_arn"] for e in listing]
    page = api.get("/_local/executions", headers={"Accept": "text/html"})
    assert page.header("Content-Type", ).startswith("text/html")
    assert "case-1" in page.text
    # When the decision arrives through SendTaskSuccess
    sfn.send_task_success(taskToken=token, output=json.dumps({"outcome": "APPROVED"}))
    # Then the execution succeeds, visible both to the AWS API and to the operator page
    wait_for(lambda: sfn.describe_execution(executionArn=arn)["status"] == "SUCCEEDED")
    detail = api.get(f"/_local/executions/{arn}").json
    assert detail["output"] == {"outcome": "APPROVED"}
    assert detail["history"][-1]["type"] == "ExecutionSucceeded"
    detail_page = api.get(f"/_local/executions/{arn}", headers={"Accept": "text/html"})
    assert "ExecutionSucceeded" in detail_page.text


def test_aws_api_sees_the_deployed_stack(runtime: Running) -> None:
    # Given the runtime deployed the synthesized template through CloudFormation
    cfn = aws(runtime, "cloudformation")
    # When an operator lists stacks and tables with the AWS API
    stacks = cfn.describe_stacks()["Stacks"]
    tables = aws(runtime, "dynamodb").list_tables()["TableNames"]
    # Then the stack is complete and its tables exist
    assert [s["StackStatus"] for s in stacks] == ["CREATE_COMPLETE"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    assert outputs["MainTableName"] in tables


def test_data_survives_a_restart_and_fresh_starts_empty(tmp_path: Path) -> None:
    # Given a runtime that registered an enterprise
    data = tmp_path / "data"
    with started(data, sig=signal.SIGINT) as first:
        api = first.api
        uscc = "91440300MA5D000002"
        created = api.post("/v1/enterprises", {
            "uscc": uscc, "name": "Restart Co.", "registration_status": "REGISTERED",
            "business_types": ["CUSTOMS_BROKER"], "registered_on": "2021-01-01"},
            token=api.token("demo-registry"), headers={"Idempotency-Key": "restart-1"})
        assert created.status == 201, created.text
        # (the registration ran in a worker process forked by the runtime's zygote)
        assert len(descendants_of(first.process.pid)) >= 2
        # When it is stopped with Ctrl-C as the block ends (stop() also checks that none of its processes is left)
    # Then it said so, and the tables were saved
    assert "stopped." in first.output()
    assert uscc in (data / "dynamodb.json").read_text()
    # When it starts again on the same data folder
    with started(data) as second:
        officer = second.api.token("demo-officer")
        # Then the enterprise is still there
        assert second.api.get(f"/v1/enterprises/{uscc}", token=officer).status == 200
    # When it starts with --fresh
    with started(data, "--fresh") as third:
        # Then the enterprise is gone
        reply = third.api.get(f"/v1/enterprises/{uscc}", token=third.api.token("demo-officer"))
        assert reply.status == 404


def test_an_audited_change_reaches_the_write_once_archive(runtime: Running, api: Api) -> None:
    # Given the stack's archive bucket, fed by the audit table's stream through a pipe
    stack = aws(runtime, "cloudformation").describe_stacks()["Stacks"][0]
    bucket = next(o["OutputValue"] for o in stack["Outputs"] if o["OutputKey"] == "AuditArchiveBucketName")
    s3 = aws(runtime, "s3")
    before = s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
    # When an agency's penalty downgrades a demo enterprise (a decision, with its chained audit entry)
    reply = api.post("/v1/credit-events", {"events": [{
        "event_id": "PEN-ARCHIVE-1", "uscc": "91320500MA1MX0000R", "type": "SMUGGLING_PENALTY",
        "business_line": "BROKERAGE", "decided_on": "2026-10-15", "penalty_kind": "FINE", "amount_cny": "1000.00",
        "document_no": "ARCHIVE-1", "authority": "Suzhou Customs"}]},
        token=api.token("demo-events"), headers={"Idempotency-Key": "archive-1"})
    assert reply.status == 202, reply.text
    # Then the entry is copied to the bucket (the archive function's S3 put, from its worker process)
    assert wait_for(lambda: s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) > before, timeout=60.0)
