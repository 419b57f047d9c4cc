"""Everything that starts a function without an HTTP request, on the fixture stack: EventBridge rules
(Lambda, Step Functions and SQS targets; InputPath, InputTransformer, Input), Lambda's async
retries and DLQ, Step Functions with a `.waitForTaskToken` callback, and schedules on the clock."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from local.runtime import Runtime
from local.workers import process_exists
from tests.e2e.client import Api
from tests.integration.local_runtime.conftest import Calls, wait_until


def _put(aws: Callable[[str], Any], detail_type: str, detail: dict[str, Any]) -> None:
    response = aws("events").put_events(Entries=[{
        "Source": "fixture", "DetailType": detail_type, "Detail": json.dumps(detail), "EventBusName": "credit"}])
    assert response["FailedEntryCount"] == 0


def _messages(aws: Callable[[str], Any], runtime: Runtime, logical_id: str) -> list[dict[str, Any]]:
    sqs = aws("sqs")
    url = runtime.stack.physical_id(logical_id) if runtime.stack else None
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                   WaitTimeSeconds=1)
    return list(received.get("Messages", []))


def test_rule_delivers_input_path_to_lambda(aws: Callable[[str], Any], calls: Calls) -> None:
    # Given a rule with InputPath $.detail targeting the function
    # When an event is published on the bus
    _put(aws, "ToLambda", {"marker": "input-path"})
    # Then the function receives only the detail
    assert calls.wait_for(lambda e: e == {"marker": "input-path"})


def test_rule_starts_state_machine_with_transformed_input(aws: Callable[[str], Any], calls: Calls) -> None:
    # Given a rule whose target is the state machine, with an InputTransformer
    # When an event is published
    _put(aws, "ToMachine", {"case": "T-1"})
    # Then an execution starts with the transformed input (its first task echoes it)
    found = calls.wait_for(lambda e: isinstance(e, dict) and e.get("note") == "started by ToMachine"
                           and e.get("case") == "T-1")
    assert found[0] == {"case": "T-1", "note": "started by ToMachine"}


def test_rule_sends_constant_input_to_queue(aws: Callable[[str], Any], runtime: Runtime) -> None:
    # Given a rule with a constant Input targeting a queue
    # When an event is published
    _put(aws, "ToQueue", {"ignored": True})
    # Then the queue holds the constant
    bodies = wait_until(lambda: [m["Body"] for m in _messages(aws, runtime, "Inbox")])
    assert json.loads(bodies[0]) == {"constant": True}


def test_failing_async_invocation_is_retried_then_parked_in_the_dlq(
        aws: Callable[[str], Any], runtime: Runtime, calls: Calls) -> None:
    # Given the function's EventInvokeConfig allows 1 retry and its DeadLetterConfig names a queue
    # When a rule delivers an event that makes the function raise
    _put(aws, "ToLambda", {"fail": True, "marker": "dlq"})
    # Then the function ran twice (first attempt + 1 retry)
    calls.wait_for(lambda e: isinstance(e, dict) and e.get("marker") == "dlq", count=2)
    assert runtime.invoker.wait_idle(15)
    assert len(calls.matching(lambda e: isinstance(e, dict) and e.get("marker") == "dlq")) == 2
    # And the event is in the DLQ with Lambda's attributes
    messages = wait_until(lambda: _messages(aws, runtime, "Dlq"))
    assert json.loads(messages[0]["Body"]) == {"fail": True, "marker": "dlq"}
    assert messages[0]["MessageAttributes"]["ErrorMessage"]["StringValue"] == "asked to fail"


def test_state_machine_waits_for_task_token_then_succeeds(
        aws: Callable[[str], Any], runtime: Runtime, api: Api, calls: Calls) -> None:
    # Given the fixture state machine (Lambda task, then a .waitForTaskToken task)
    sfn = aws("stepfunctions")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == "fixture-approval")
    # When an execution starts through the Step Functions API (as the AWS CLI would)
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="case-42",
                              input=json.dumps({"case": "C-42"}))["executionArn"]
    # Then it runs the Lambda task and waits for the callback, handing the function a task token
    task = calls.wait_for(lambda e: isinstance(e, dict) and e.get("case") == "C-42" and "task_token" in e)[0]
    detail = wait_until(lambda: (d := api.get(f"/_local/executions/{arn}").json)["waiting_for_callback"] and d)
    assert detail["status"] == "RUNNING"
    assert detail["waiting_for_callback"][0]["parameters"]["Payload"]["task_token"] == task["task_token"]
    # When the officer's decision comes back through SendTaskSuccess
    sfn.send_task_success(taskToken=task["task_token"], output=json.dumps({"outcome": "APPROVED"}))
    # Then the execution succeeds with the decision in its output and a full history
    final = wait_until(lambda: (d := api.get(f"/_local/executions/{arn}").json)["status"] == "SUCCEEDED" and d)
    assert final["output"]["decision"] == {"outcome": "APPROVED"}
    assert final["output"]["check"] == {"checked": {"case": "C-42"}}
    types = [e["type"] for e in final["history"]]
    assert types[0] == "ExecutionStarted"
    assert types[-1] == "ExecutionSucceeded"
    assert "TaskSubmitted" in types or "TaskScheduled" in types


def test_executions_listing_json_and_html(aws: Callable[[str], Any], api: Api) -> None:
    # Given an execution of the fixture state machine
    sfn = aws("stepfunctions")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == "fixture-approval")
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="listing-1",
                              input=json.dumps({"case": "L-1"}))["executionArn"]
    # When tools and people ask for the list and the detail
    listing = api.get("/_local/executions")
    page = api.get("/_local/executions", headers={"Accept": "text/html"})
    detail_page = api.get(f"/_local/executions/{arn}", headers={"Accept": "text/html,application/xhtml+xml"})
    # Then tools get JSON and people get a page naming the execution
    assert listing.header("Content-Type") == "application/json"
    assert arn in [e["execution_arn"] for e in listing.json["items"]]
    assert page.header("Content-Type", ).startswith("text/html")  # type: ignore[union-attr]
    assert "listing-1" in page.text
    assert "<script" not in page.text
    assert detail_page.status == 200
    assert "History" in detail_page.text
    # And a filter by status works
    running = api.get("/_local/executions", query={"status": "RUNNING"}).json["items"]
    assert all(e["status"] == "RUNNING" for e in running)
    sfn.stop_execution(executionArn=arn)


def test_unknown_execution_is_a_404_problem(api: Api) -> None:
    # Given ARNs that do not name an execution
    # When asking for them
    unknown = api.get("/_local/executions/arn:aws:states:us-east-1:123456789012:execution:fixture-approval:nope")
    garbage = api.get("/_local/executions/not-an-arn")
    # Then both are 404 problems
    for reply in (unknown, garbage):
        assert reply.status == 404
        assert reply.header("Content-Type") == "application/problem+json"


def test_schedules_are_listed_from_the_deployment(api: Api) -> None:
    # Given a Scheduler schedule and a scheduled Events rule in the template
    # When listing schedules
    items = {s["name"]: s for s in api.get("/_local/schedules").json["items"]}
    # Then both are there with their expressions and next fire times
    assert items["fixture-nightly"]["expression"] == "cron(30 0 * * ? *)"
    assert items["fixture-nightly"]["timezone"] == "Asia/Shanghai"
    assert items["fixture-hourly"]["kind"] == "rule"
    assert items["fixture-nightly"]["next_fire"].endswith(":30:00Z")


def test_run_schedule_now_invokes_its_target_with_scheduler_context(api: Api, calls: Calls) -> None:
    # Given the nightly schedule, whose Input uses <aws.scheduler.scheduled-time>
    # When running it now
    reply = api.post("/_local/schedules/fixture-nightly/run")
    # Then the target ran synchronously with the context attribute filled
    assert reply.status == 200, reply.text
    target = reply.json["targets"][0]
    assert target["status"] == "Succeeded"
    assert target["result"]["echo"]["schedule"] == "fixture-nightly"
    assert target["result"]["echo"]["at"] == reply.json["scheduled_time"]
    # And an unknown schedule is a 404 problem that lists the known ones
    unknown = api.post("/_local/schedules/no-such-schedule/run")
    assert unknown.status == 404
    assert "fixture-nightly" in unknown.json["schedules"]


def test_scheduled_rule_sends_a_scheduled_event(api: Api) -> None:
    # Given an Events rule with rate(1 hour)
    # When running it now
    reply = api.post("/_local/schedules/fixture-hourly/run")
    # Then its target got EventBridge's "Scheduled Event"
    event = reply.json["targets"][0]["result"]["echo"]
    assert event["detail-type"] == "Scheduled Event"
    assert event["source"] == "aws.events"
    assert event["resources"][0].endswith(":rule/fixture-hourly")


def test_clock_travel_fires_a_due_schedule_once(api: Api, runtime: Runtime, calls: Calls, real_time: None) -> None:
    # Given the clock one minute before 00:30 Shanghai time (16:30 UTC), a month ahead (that jump
    # itself catches up once; let it settle)
    today = runtime.clock.now().astimezone(UTC).date()
    before = datetime(today.year, today.month, today.day, 16, 29, tzinfo=UTC) + timedelta(days=30)
    assert api.post("/_local/clock", {"now": before.isoformat()}).status == 200
    before_stamp = before.strftime("%Y-%m-%dT%H:%M:%SZ")
    wait_until(lambda: _nightly(api)["next_fire"] > before_stamp)
    assert runtime.invoker.wait_idle(10)
    seen = len(calls.matching(lambda e: isinstance(e, dict) and e.get("schedule") == "fixture-nightly"))
    # When the clock jumps three days ahead (three 00:30s pass)
    api.post("/_local/clock", {"now": (before + timedelta(days=3)).isoformat()})
    # Then the schedule fires once, not three times, stamped with the latest due time
    fired = calls.wait_for(lambda e: isinstance(e, dict) and e.get("schedule") == "fixture-nightly", count=seen + 1)
    assert runtime.invoker.wait_idle(10)
    after = calls.matching(lambda e: isinstance(e, dict) and e.get("schedule") == "fixture-nightly")
    assert len(after) == seen + 1
    expected_due = (before + timedelta(days=2, minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")  # latest of the 3
    assert expected_due in [e["at"] for e in fired]
    # And the next fire time is in the future of the new now
    assert _nightly(api)["next_fire"] > (before + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _nightly(api: Api) -> dict[str, Any]:
    return next(s for s in api.get("/_local/schedules").json["items"] if s["name"] == "fixture-nightly")


def test_lambda_api_invocations(aws: Callable[[str], Any], runtime: Runtime, calls: Calls) -> None:
    # Given the fixture function, invoked through the Lambda API as the AWS CLI would
    lam = aws("lambda")
    name = runtime.stack.physical_id("Worker") if runtime.stack else ""
    # When invoking it synchronously, with an error, and asynchronously
    ok = lam.invoke(FunctionName=name, Payload=json.dumps({"marker": "sync"}))
    failed = lam.invoke(FunctionName=name, Payload=json.dumps({"fail": True, "marker": "sync-fail"}))
    queued = lam.invoke(FunctionName=name, InvocationType="Event", Payload=json.dumps({"marker": "async"}))
    # Then the answers are Lambda's: the payload, an Unhandled error, and 202 then a run
    assert json.loads(ok["Payload"].read())["echo"] == {"marker": "sync"}
    assert failed["FunctionError"] == "Unhandled"
    assert json.loads(failed["Payload"].read())["errorType"] == "RuntimeError"
    assert queued["StatusCode"] == 202
    calls.wait_for(lambda e: isinstance(e, dict) and e.get("marker") == "async")


def test_lambda_api_answers_a_timeout_as_lambda_does(aws: Callable[[str], Any], runtime: Runtime) -> None:
    # Given the fixture function with a one-second timeout
    assert runtime.stack is not None
    name = runtime.stack.physical_id("Worker")
    lam = aws("lambda")
    lam.update_function_configuration(FunctionName=name, Timeout=1)
    try:
        # When an invocation runs for a minute
        answer = lam.invoke(FunctionName=name, Payload=json.dumps({"sleep": 60, "marker": "lambda-timeout"}))
    finally:
        lam.update_function_configuration(FunctionName=name, Timeout=10)
    # Then Lambda's answer: an Unhandled function error naming the timeout
    assert answer["FunctionError"] == "Unhandled"
    error = json.loads(answer["Payload"].read())
    assert error["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in error["errorMessage"]
    # And the worker was stopped, not left sleeping
    items = aws("dynamodb").scan(TableName=runtime.stack.physical_id("Table"))["Items"]
    [pid] = [int(i["pid"]["N"]) for i in items if "lambda-timeout" in i["event"]["S"]]
    wait_until(lambda: not process_exists(pid), timeout=5)


LOGGING_HANDLER = """
from aws_lambda_powertools import Logger

logger = Logger()


@logger.inject_lambda_context
def lambda_handler(event, context):
    if "uscc" in event:
        logger.append_keys(uscc=event["uscc"])
    logger.warning("handled")  # the suite runs Powertools at WARNING
    return {"ok": True}
"""


def test_log_lines_carry_their_own_functions_context(aws: Callable[[str], Any], runtime: Runtime) -> None:
    # Given two functions logging through Powertools loggers of the same service; one adds a uscc key
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", LOGGING_HANDLER)
    lam = aws("lambda")
    role = aws("iam").create_role(RoleName="log-context", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    for name in ("log-evaluation", "log-view"):
        lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="app.lambda_handler",
                            Code={"ZipFile": code.getvalue()})
    # When the first runs with a uscc, then the second
    lam.invoke(FunctionName="log-evaluation", Payload=json.dumps({"uscc": "91350200MA2XYZ0001"}))
    lam.invoke(FunctionName="log-view", Payload=json.dumps({}))
    # Then each function's lines name that function, and the uscc stays on the first one's lines
    lines = {name: [json.loads(line) for line in runtime.runner.logs(name) if line.startswith("{")]
             for name in ("log-evaluation", "log-view")}
    assert [(line["function_name"], line.get("uscc")) for line in lines["log-evaluation"]] == [
        ("log-evaluation", "91350200MA2XYZ0001")]
    assert [(line["function_name"], line.get("uscc")) for line in lines["log-view"]] == [("log-view", None)]


def test_in_process_transport_answers_without_a_network(runtime: Runtime) -> None:
    # Given a boto3 session with the transport for an endpoint that no socket could reach
    import boto3

    from local.moto_patches import InProcessTransport

    session = boto3.session.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1")
    session.events.register("before-send", InProcessTransport(("http://in-process.invalid:1",), "us-east-1"))
    dynamodb = session.client("dynamodb", endpoint_url="http://in-process.invalid:1")
    # When listing tables
    tables = dynamodb.list_tables()["TableNames"]
    # Then the emulator answered in-process: the fixture table is there
    assert runtime.stack is not None
    assert runtime.stack.physical_id("Table") in tables


def test_stop_execution_aborts_an_execution_waiting_for_a_callback(
        aws: Callable[[str], Any], api: Api, calls: Calls) -> None:
    # Given an execution of the fixture state machine waiting in its .waitForTaskToken task
    sfn = aws("stepfunctions")
    machine = next(m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == "fixture-approval")
    arn = sfn.start_execution(stateMachineArn=machine["stateMachineArn"], name="stopped-1",
                              input=json.dumps({"case": "S-1"}))["executionArn"]
    calls.wait_for(lambda e: isinstance(e, dict) and e.get("case") == "S-1" and "task_token" in e)
    wait_until(lambda: api.get(f"/_local/executions/{arn}").json["waiting_for_callback"])
    # When it is stopped (a withdrawn or terminated case)
    sfn.stop_execution(executionArn=arn, cause="withdrawn")
    # Then it is ABORTED at once, with the event in its history (moto left it RUNNING: local/moto_patches.py)
    described = sfn.describe_execution(executionArn=arn)
    assert described["status"] == "ABORTED"
    types = [e["type"] for e in sfn.get_execution_history(executionArn=arn)["events"]]
    assert types[-1] == "ExecutionAborted"
