"""The certification state machine: its states, Retry and Catch on every task, logging ALL, X-Ray,
no Wait states, and the functions' states permissions scoped to this machine."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.catalog import CERTIFICATION_WORKFLOW, OBJECTION_WORKFLOW
from infra.stage import DEFAULT_STAGE, workflow_name
from tests.infra.conftest import Synthesized
from tests.infra.support import as_list
from tests.infra.test_functions import function_of, role_statements

CERTIFICATION_MACHINE = workflow_name(CERTIFICATION_WORKFLOW, DEFAULT_STAGE)
OBJECTION_MACHINE = workflow_name(OBJECTION_WORKFLOW, DEFAULT_STAGE)


TRANSIENT = {"Lambda.ServiceException", "Lambda.TooManyRequestsException", "Lambda.SdkClientException"}


def _machine(synthesized: Synthesized, name: str = CERTIFICATION_MACHINE) -> tuple[str, dict[str, Any]]:
    (machine,) = [(k, v) for k, v in synthesized.resources("AWS::StepFunctions::StateMachine").items()
                  if v["Properties"]["StateMachineName"] == name]
    return machine


def definition(synthesized: Synthesized, name: str = CERTIFICATION_MACHINE) -> dict[str, Any]:
    """The ASL with every CloudFormation reference replaced by a placeholder string."""
    parts = _machine(synthesized, name)[1]["Properties"]["DefinitionString"]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else "REF" for p in parts))


def test_the_states_follow_the_procedure(synthesized: Synthesized) -> None:
    states = definition(synthesized)["States"]
    assert definition(synthesized)["StartAt"] == "Eligibility"
    assert states["Eligibility"]["Next"] == "Eligible?"
    assert states["AssignCertifiers"]["Next"] == "Assigned?"
    targets = {c["Next"] for c in states["Assigned?"]["Choices"]}
    assert targets == {"WaitForCertifiers", "DeskReview", "Audit"}
    assert states["WaitForCertifiers"]["Next"] == "AssignCertifiers"  # resumed when the roster changes
    assert states["Audit"]["Next"] == states["DeskReview"]["Next"] == "Decision"
    assert states["Decision"]["Next"] == "ApplyOutcome"
    assert states["RecordFailure"]["Next"] == "Failed"
    assert states["Failed"]["Type"] == "Fail"


def test_officer_steps_wait_for_a_task_token_and_carry_it(synthesized: Synthesized) -> None:
    states = definition(synthesized)["States"]
    for name, action in (("WaitForCertifiers", "ASSIGN_CERTIFIERS"), ("Audit", "AUDIT"), ("DeskReview", "AUDIT"),
                         ("Decision", "DECIDE")):
        assert states[name]["Resource"].endswith(":states:::lambda:invoke.waitForTaskToken")
        payload = states[name]["Parameters"]["Payload"]
        assert payload["token.$"] == "$$.Task.Token"
        assert payload["action"] == action
        assert "TimeoutSeconds" not in states[name]  # deadlines are case data, not task timeouts


def test_every_task_retries_transient_errors_and_catches_into_the_failure_path(synthesized: Synthesized) -> None:
    tasks = {n: s for n, s in definition(synthesized)["States"].items() if s["Type"] == "Task"}
    assert len(tasks) == 8
    for name, state in tasks.items():
        retried = {e for r in state["Retry"] for e in r["ErrorEquals"]}
        assert retried >= TRANSIENT, name
        (catch,) = state["Catch"]
        assert catch["ErrorEquals"] == ["States.ALL"]
        assert catch["Next"] == ("Failed" if name == "RecordFailure" else "RecordFailure"), name


def test_no_wait_states(synthesized: Synthesized) -> None:
    assert all(s["Type"] != "Wait" for s in definition(synthesized)["States"].values())


def test_logging_all_and_tracing(synthesized: Synthesized) -> None:
    props = _machine(synthesized)[1]["Properties"]
    assert props["StateMachineName"] == CERTIFICATION_MACHINE
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["LoggingConfiguration"]["IncludeExecutionData"] is True
    assert props["TracingConfiguration"] == {"Enabled": True}
    log_group = props["LoggingConfiguration"]["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]
    assert synthesized.raw["Resources"][log_group["Fn::GetAtt"][0]]["Type"] == "AWS::Logs::LogGroup"


def _states_statements(synthesized: Synthesized, function: str) -> list[dict[str, Any]]:
    _, resource = function_of(synthesized, function)
    return [s for s in role_statements(synthesized, resource)
            if any(str(a).startswith("states:") for a in as_list(s["Action"]))]


def _resource_text(statement: dict[str, Any]) -> str:
    return json.dumps(statement["Resource"])


@pytest.mark.parametrize(("function", "actions"), [
    # exactly what the code calls (no SendTaskFailure: no code fails a task; tests/infra/test_least_privilege.py)
    ("certifications", {"states:SendTaskSuccess", "states:StartExecution", "states:StopExecution"}),
    ("certification_steps", {"states:SendTaskSuccess", "states:StopExecution"}),
])
def test_functions_drive_only_the_certification_machine(synthesized: Synthesized, function: str,
                                                        actions: set[str]) -> None:
    found = _states_statements(synthesized, function)
    assert {a for s in found for a in as_list(s["Action"])} == actions
    for statement in found:
        text = _resource_text(statement)
        assert f":stateMachine:{CERTIFICATION_MACHINE}\"" in text or f":execution:{CERTIFICATION_MACHINE}:*" in text
        assert statement["Resource"] != "*"
    responses = [s for s in found if "states:SendTaskSuccess" in as_list(s["Action"])]
    assert all(f":stateMachine:{CERTIFICATION_MACHINE}\"" in _resource_text(s) for s in responses)


def test_other_functions_have_no_states_permission(synthesized: Synthesized) -> None:
    assert _states_statements(synthesized, "registry") == []
    assert _states_statements(synthesized, "restorations") == []


@pytest.mark.parametrize("name", [CERTIFICATION_MACHINE, OBJECTION_MACHINE])
def test_a_failed_execution_raises_an_alarm(synthesized: Synthesized, name: str) -> None:
    machine_id, _ = _machine(synthesized, name)
    alarms = [a for a in synthesized.resources("AWS::CloudWatch::Alarm").values()
              if a["Properties"].get("MetricName") == "ExecutionsFailed"
              and machine_id in json.dumps(a["Properties"]["Dimensions"])]
    assert len(alarms) == 1
    assert alarms[0]["Properties"]["AlarmActions"]  # Monitoring's alarm, notifying the topic


# --- The objection state machine (Art 39) ---------------------------------------------------------


def test_the_objection_states_follow_the_review(synthesized: Synthesized) -> None:
    asl = definition(synthesized, OBJECTION_MACHINE)
    states = asl["States"]
    assert asl["StartAt"] == "Filed"
    assert states["Filed"]["Next"] == "UnderReview"
    assert states["UnderReview"]["Next"] == "ApplyOutcome"
    assert states["ApplyOutcome"]["Next"] == "Upheld?"
    (upheld,) = states["Upheld?"]["Choices"]
    assert (upheld["Variable"], upheld["StringEquals"], upheld["Next"]) == ("$.applied.outcome", "UPHELD",
                                                                             "Reevaluate")
    assert states["Upheld?"]["Default"] == "Notify"  # dismissed: nothing to correct, still notified
    assert states["Reevaluate"]["Next"] == "Notify"
    assert states["Notify"]["Next"] == "Done"
    assert states["RecordFailure"]["Next"] == "Failed"
    assert all(s["Type"] != "Wait" for s in states.values())


def test_the_officer_review_waits_for_a_task_token_without_a_timeout(synthesized: Synthesized) -> None:
    review = definition(synthesized, OBJECTION_MACHINE)["States"]["UnderReview"]
    assert review["Resource"].endswith(":states:::lambda:invoke.waitForTaskToken")
    payload = review["Parameters"]["Payload"]
    assert payload["token.$"] == "$$.Task.Token"
    assert payload["objection_id.$"] == "$.objection_id"
    assert "TimeoutSeconds" not in review  # review_by is data on the objection


def test_every_objection_task_retries_and_catches_into_the_failure_path(synthesized: Synthesized) -> None:
    tasks = {n: s for n, s in definition(synthesized, OBJECTION_MACHINE)["States"].items() if s["Type"] == "Task"}
    assert set(tasks) == {"Filed", "UnderReview", "ApplyOutcome", "Reevaluate", "Notify", "RecordFailure"}
    for name, state in tasks.items():
        retried = {e for r in state["Retry"] for e in r["ErrorEquals"]}
        assert retried >= TRANSIENT, name
        (catch,) = state["Catch"]
        assert catch["ErrorEquals"] == ["States.ALL"]
        assert catch["Next"] == ("Failed" if name == "RecordFailure" else "RecordFailure"), name
        payload = state["Parameters"].get("Payload", state["Parameters"])  # response-only tasks: the payload
        assert payload["objection_id.$"] == "$.objection_id", name


def test_the_objection_machine_logs_all_and_traces(synthesized: Synthesized) -> None:
    props = _machine(synthesized, OBJECTION_MACHINE)[1]["Properties"]
    assert props["StateMachineName"] == OBJECTION_MACHINE
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["LoggingConfiguration"]["IncludeExecutionData"] is True
    assert props["TracingConfiguration"] == {"Enabled": True}


def test_only_the_objection_functions_may_touch_the_objection_machine(synthesized: Synthesized) -> None:
    from infra.catalog import FUNCTIONS

    operating = {f.name for f in FUNCTIONS if f.objection_workflow.value != "none"}
    assert operating == {"objections", "objection_steps"}
    actions = {a for s in _states_statements(synthesized, "objections") for a in as_list(s["Action"])
               if any(OBJECTION_MACHINE in json.dumps(r) for r in as_list(s["Resource"]))}
    assert actions == {"states:StartExecution", "states:SendTaskSuccess"}  # what the code calls, no more
    # the review wait run again on a decided objection completes its own task: that alone
    steps_actions = {a for s in _states_statements(synthesized, "objection_steps") for a in as_list(s["Action"])}
    assert steps_actions == {"states:SendTaskSuccess"}
    env = function_of(synthesized, "objections")[1]["Properties"]["Environment"]["Variables"]
    assert OBJECTION_MACHINE in json.dumps(env["OBJECTION_STATE_MACHINE_ARN"])
