"""What the certification and objection workflows need from moto 5.2.5's Step Functions interpreter,
driven through boto3 against `mock_aws` with the runtime's patches: intrinsic functions and
`.$` paths, Retry, Catch, `.waitForTaskToken` with SendTaskSuccess/Failure/Heartbeat, and
StopExecution. What works unpatched is pinned here too, so a moto upgrade that breaks it fails
loudly; StopExecution needed a patch (`moto_patches._stop_execution`)."""

from __future__ import annotations

import inspect
import io
import json
import time
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local import moto_patches

USCC = "91350100M000100Y43"


class _Functions:
    """The Lambda functions of the test machine, answered in-process by name."""

    def __init__(self) -> None:
        self.tokens: dict[str, str] = {}
        self.calls: dict[str, list[Any]] = {}

    def invoke_lambda(self, function: Any, body: Any, headers: Any, response_headers: dict[str, str]) -> bytes:
        event = json.loads(body) if body else {}
        name = function.function_name
        self.calls.setdefault(name, []).append(event)
        if name == "officer":
            self.tokens[event["case"]] = event["token"]
            return b'{"notified": true}'
        if name == "flaky" and len(self.calls[name]) % 2 == 1:  # every first attempt fails
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": "TransientError", "errorMessage": "try again"}).encode()
        if name == "boom":
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": "Boom", "errorMessage": "exploded"}).encode()
        return json.dumps({"echo": event}).encode()

    def deliver_rule_target(self, rule: Any, target: dict[str, Any], event: dict[str, Any]) -> bool:
        return False


def _definition(arns: dict[str, str]) -> dict[str, Any]:
    return {
        "StartAt": "Prepare",
        "States": {
            "Prepare": {"Type": "Pass", "ResultPath": "$.prepared", "Next": "Work", "Parameters": {
                "case_id.$": "$.case_id",
                "title.$": "States.Format('case {} of {}', $.case_id, $.uscc)",
                "parsed.$": "States.StringToJson($.raw)",
                "text.$": "States.JsonToString($.obj)",
                "pair.$": "States.Array($.case_id, $.uscc)",
                "execution.$": "$$.Execution.Name",
                "merged.$": "States.JsonMerge($.obj, $.more, false)",
                "count.$": "States.ArrayLength($.items)",
                "next.$": "States.MathAdd($.n, 1)",
                "id.$": "States.UUID()"}},
            "Work": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": arns["flaky"], "Payload.$": "$.prepared"},
                     "ResultSelector": {"title.$": "$.Payload.echo.title", "status.$": "$.StatusCode"},
                     "ResultPath": "$.work", "Next": "Route",
                     "Retry": [{"ErrorEquals": ["TransientError"], "IntervalSeconds": 1, "MaxAttempts": 2,
                                "BackoffRate": 1}]},
            "Route": {"Type": "Choice", "Default": "Officer",
                      "Choices": [{"Variable": "$.route", "StringEquals": "explode", "Next": "Explode"}]},
            "Officer": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                        "Parameters": {"FunctionName": arns["officer"],
                                       "Payload": {"token.$": "$$.Task.Token", "case.$": "$.case_id"}},
                        "HeartbeatSeconds": 3600, "ResultPath": "$.decision", "Next": "Done",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Record"}]},
            "Explode": {"Type": "Task", "Resource": arns["boom"], "Next": "Done",
                        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Record"}]},
            "Record": {"Type": "Task", "Resource": arns["recorder"], "ResultPath": None, "Next": "Rejected"},
            "Rejected": {"Type": "Fail", "Error": "CaseRejected", "Cause": "see the case"},
            "Done": {"Type": "Succeed"},
        },
    }


class World:
    def __init__(self, sfn: Any, machine: str, functions: _Functions) -> None:
        self.sfn = sfn
        self.machine = machine
        self.functions = functions

    def start(self, case_id: str, **extra: Any) -> str:
        execution_input = {"case_id": case_id, "uscc": USCC, "raw": '{"a": 1}', "obj": {"x": 1}, "more": {"y": 2},
                           "items": [1, 2, 3], "n": 41, **extra}
        return str(self.sfn.start_execution(stateMachineArn=self.machine, name=f"cert-{USCC}-{case_id}",
                                            input=json.dumps(execution_input))["executionArn"])

    def finished(self, arn: str) -> dict[str, Any]:
        return dict(_wait(lambda: (d := self.sfn.describe_execution(executionArn=arn))["status"] != "RUNNING" and d))

    def token(self, case_id: str) -> str:
        return str(_wait(lambda: self.functions.tokens.get(case_id)))

    def history(self, arn: str) -> list[dict[str, Any]]:
        return list(self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"])


def _wait(condition: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    functions = _Functions()
    with mock_aws():
        moto_patches.apply(functions)
        try:
            region = "us-east-1"
            role = boto3.client("iam", region_name=region).create_role(
                RoleName="machine", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
            code = io.BytesIO()
            with zipfile.ZipFile(code, "w") as archive:
                archive.writestr("h.py", "def handler(event, context):\n    return event\n")
            lam = boto3.client("lambda", region_name=region)
            arns = {name: lam.create_function(FunctionName=name, Runtime="python3.12", Role=role, Handler="h.handler",
                                              Code={"ZipFile": code.getvalue()})["FunctionArn"]
                    for name in ("officer", "flaky", "boom", "recorder")}
            sfn = boto3.client("stepfunctions", region_name=region)
            machine = sfn.create_state_machine(name="probe", definition=json.dumps(_definition(arns)),
                                               roleArn=role)["stateMachineArn"]
            yield World(sfn, machine, functions)
        finally:
            moto_patches.revert()


def test_intrinsics_paths_retry_and_callback_success(world: World) -> None:
    # Given an execution whose first Lambda fails once with a retried error
    arn = world.start("C1")
    # When the officer's task is waiting, gets a heartbeat, and then SendTaskSuccess
    token = world.token("C1")
    world.sfn.send_task_heartbeat(taskToken=token)
    world.sfn.send_task_success(taskToken=token, output=json.dumps({"outcome": "APPROVED"}))
    final = world.finished(arn)
    # Then it succeeds, with every intrinsic evaluated and `.$` paths resolved
    assert final["status"] == "SUCCEEDED"
    output = json.loads(final["output"])
    prepared = output["prepared"]
    assert prepared["title"] == f"case C1 of {USCC}"
    assert prepared["parsed"] == {"a": 1}
    assert prepared["text"] == '{"x":1}'
    assert prepared["pair"] == ["C1", USCC]
    assert prepared["execution"] == f"cert-{USCC}-C1"
    assert prepared["merged"] == {"x": 1, "y": 2}
    assert prepared["count"] == 3
    assert prepared["next"] == 42
    assert len(prepared["id"]) == 36
    # And ResultSelector/ResultPath shaped the Lambda result, the callback's output landed in ResultPath
    assert output["work"] == {"title": f"case C1 of {USCC}", "status": 200}
    assert output["decision"] == {"outcome": "APPROVED"}
    # And the retry is in the history: a failed attempt, then a successful one
    types = [e["type"] for e in world.history(arn)]
    assert types.count("TaskFailed") == 1
    assert "TaskSubmitted" in types
    # And a token used once is refused the second time
    with pytest.raises(world.sfn.exceptions.InvalidToken):
        world.sfn.send_task_success(taskToken=token, output="{}")


def test_callback_failure_is_caught_and_the_fail_state_names_the_error(world: World) -> None:
    # Given an execution waiting for the officer
    arn = world.start("C2")
    token = world.token("C2")
    # When the officer's route reports a failure
    world.sfn.send_task_failure(taskToken=token, error="OfficerRejected", cause="audit found gaps")
    final = world.finished(arn)
    # Then the Catch took it to the recording task (with the error in ResultPath) and then the Fail state
    assert (final["status"], final["error"], final["cause"]) == ("FAILED", "CaseRejected", "see the case")
    recorded = world.functions.calls["recorder"][-1]
    assert recorded["error"]["Error"] == "OfficerRejected"
    assert recorded["error"]["Cause"] == "audit found gaps"


def test_lambda_error_on_a_bare_arn_task_is_caught(world: World) -> None:
    # Given the Choice routes to a task whose function raises
    arn = world.start("C3", route="explode")
    # When it runs
    final = world.finished(arn)
    # Then States.ALL caught the function's error type
    assert final["status"] == "FAILED"
    assert world.functions.calls["recorder"][-1]["error"]["Error"] == "Boom"
    assert "LambdaFunctionFailed" in [e["type"] for e in world.history(arn)]


def test_stop_execution_aborts_a_waiting_execution_at_once(world: World) -> None:
    # Given an execution waiting for a task token (its task has a Catch on States.ALL)
    arn = world.start("C4")
    token = world.token("C4")
    recorded_before = len(world.functions.calls.get("recorder", []))
    # When it is stopped with an error and a cause
    world.sfn.stop_execution(executionArn=arn, error="CaseTerminated", cause="the enterprise became DISCREDITED")
    # Then, as soon as the call returns, it is ABORTED with that error and cause
    described = world.sfn.describe_execution(executionArn=arn)
    assert (described["status"], described["error"], described["cause"]) == (
        "ABORTED", "CaseTerminated", "the enterprise became DISCREDITED")
    # And its history ends with ExecutionAborted, and the Catch did not run the failure path
    last = _wait(lambda: (events := world.history(arn)) and events[-1]["type"] == "ExecutionAborted" and events[-1])
    assert last["executionAbortedEventDetails"] == {"error": "CaseTerminated",
                                                    "cause": "the enterprise became DISCREDITED"}
    assert len(world.functions.calls.get("recorder", [])) == recorded_before
    # And the token is no longer accepted
    with pytest.raises(world.sfn.exceptions.InvalidToken):
        world.sfn.send_task_success(taskToken=token, output="{}")


def test_a_name_is_used_once(world: World) -> None:
    # Given a finished execution with a deterministic name
    arn = world.start("C5", route="explode")
    world.finished(arn)
    # When starting it again under the same name
    # Then Step Functions refuses (a retried start cannot run a case twice)
    with pytest.raises(world.sfn.exceptions.ExecutionAlreadyExists):
        world.start("C5", route="explode")


def test_moto_still_ignores_stops_and_drops_causes() -> None:
    # Given the stop patches (they replace moto's StopExecution response and add the backend method)
    from moto.stepfunctions.models import StateMachine as BaseMachine
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    moto_patches.revert()
    # When reading moto's own
    response_source = inspect.getsource(StepFunctionResponse.stop_execution)
    machine_source = inspect.getsource(BaseMachine.stop_execution)
    # Then moto still drops error/cause and only flags the interpreter: the patches are still needed
    assert "cause" not in response_source, "moto passes StopExecution's cause now: revisit the patch"
    assert "cause" not in inspect.getsource(StepFunctionResponse.send_task_failure), (
        "moto passes SendTaskFailure's cause now: remove the patch")
    assert 'error="", cause=""' in machine_source
    assert "stop_execution" not in StepFunctionsParserBackend.__dict__


def test_interpreter_internals_the_stop_patch_uses() -> None:
    # Given _stop_execution wakes waiting callbacks and _set_error keeps a stopped program stopped
    from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackEndpoint, CallbackPoolManager
    from moto.stepfunctions.parser.asl.eval.environment import Environment
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    # When reading what they touch
    # Then it is all still there
    assert "self._pool" in inspect.getsource(CallbackPoolManager.__init__)
    assert callable(CallbackEndpoint.interrupt_all)
    assert list(inspect.signature(ExecutionWorker.stop).parameters) == ["self", "stop_date", "error", "cause"]
    assert "self._program_state" in inspect.getsource(Environment.set_error)
    assert list(inspect.signature(Environment.set_error).parameters) == ["self", "error"]
    assert list(inspect.signature(Environment.set_timed_out).parameters) == ["self"]
