"""The operators' console on the fixture stack's `fixture-certification` machine (Pass, a Lambda task
with Retry and Catch, a Choice, two `.waitForTaskToken` officer steps, a Fail and a Succeed):
the list (JSON fields, filters, deadlines), an execution's page (its graph and timeline), and the
same executions through boto3 as the AWS CLI sees them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local.runtime import Runtime
from tests.e2e.client import Api
from tests.integration.local_runtime.conftest import Calls, wait_until

USCC = "91350100M000100Y43"
MACHINE = "fixture-certification"


def _machine_arn(aws: Callable[[str], Any]) -> str:
    machines = aws("stepfunctions").list_state_machines()["stateMachines"]
    return str(next(m["stateMachineArn"] for m in machines if m["name"] == MACHINE))


def _start(aws: Callable[[str], Any], case: str, **extra: Any) -> str:
    body = {"case_id": case, "uscc": USCC, "decide_by": "2030-01-31", **extra}
    return str(aws("stepfunctions").start_execution(stateMachineArn=_machine_arn(aws), name=f"cert-{USCC}-{case}",
                                                    input=json.dumps(body))["executionArn"])


def _token(calls: Calls, case: str, count: int = 1) -> str:
    found = calls.wait_for(lambda e: isinstance(e, dict) and e.get("console_case") == case, count=count)
    return str(found[count - 1]["task_token"])


@pytest.fixture(scope="module")
def cases(runtime: Runtime) -> Iterator[dict[str, str]]:
    """Three executions: one waiting for its audit past its deadline, one failed in its Lambda task
    and caught, one approved."""
    aws = runtime.emulator.client
    calls = Calls(runtime)
    sfn = aws("stepfunctions")
    runtime.clock.set(None)
    waiting = _start(aws, "CASE-W", decide_by="2020-01-31")
    failed = _start(aws, "CASE-F", fail=True)
    approved = _start(aws, "CASE-A", route="SIMPLIFIED")
    sfn.send_task_success(taskToken=_token(calls, "CASE-A"), output=json.dumps({"outcome": "APPROVED"}))
    wait_until(lambda: sfn.describe_execution(executionArn=approved)["status"] == "SUCCEEDED")
    wait_until(lambda: sfn.describe_execution(executionArn=failed)["status"] == "FAILED")
    _token(calls, "CASE-W")
    yield {"waiting": waiting, "failed": failed, "approved": approved}
    sfn.stop_execution(executionArn=waiting)


def test_list_json_has_case_enterprise_duration_and_what_it_waits_for(api: Api, cases: dict[str, str]) -> None:
    # Given the three executions
    # When a tool lists them
    items = {e["execution_arn"]: e for e in api.get("/_local/executions").json["items"]}
    # Then each names its case and enterprise (from the execution name) and how long it ran
    waiting = items[cases["waiting"]]
    assert (waiting["kind"], waiting["case_id"], waiting["uscc"]) == ("cert", "CASE-W", USCC)
    assert waiting["state_machine"] == MACHINE
    assert waiting["duration_seconds"] >= 0
    # And the running one waits for the officer's Audit until a deadline that has passed
    assert waiting["status"] == "RUNNING"
    assert waiting["current_states"] == ["Audit"]
    assert waiting["waiting_for"]["state"] == "Audit"
    assert waiting["waiting_for"]["deadline"] == "2020-01-31"
    assert waiting["waiting_for"]["deadline_field"] == "decide_by"
    assert waiting["waiting_for"]["overdue"] is True
    # And finished ones wait for nothing
    assert items[cases["approved"]]["waiting_for"] is None
    assert items[cases["failed"]]["status"] == "FAILED"


def test_deadline_not_yet_passed_is_not_overdue(api: Api, aws: Callable[[str], Any], calls: Calls) -> None:
    # Given an execution waiting with a deadline far ahead
    arn = _start(aws, "CASE-L", decide_by="2099-12-31")
    _token(calls, "CASE-L")
    # When listing the running ones
    items = {e["execution_arn"]: e for e in api.get("/_local/executions", query={"status": "RUNNING"}).json["items"]}
    # Then it is not overdue
    assert items[arn]["waiting_for"]["overdue"] is False
    aws("stepfunctions").stop_execution(executionArn=arn)


def test_filters_by_status_and_state_machine(api: Api, cases: dict[str, str]) -> None:
    # Given executions of two state machines in several statuses
    # When filtering
    failed = api.get("/_local/executions", query={"status": "failed", "state_machine": MACHINE}).json["items"]
    other = api.get("/_local/executions", query={"state_machine": "fixture-approval"}).json["items"]
    unknown = api.get("/_local/executions", query={"state_machine": "no-such-machine"})
    # Then only the matching ones come back, and an unknown machine is a problem naming the parameter
    assert cases["failed"] in [e["execution_arn"] for e in failed]
    assert {e["status"] for e in failed} == {"FAILED"}
    assert {e["state_machine"] for e in failed} == {MACHINE}
    assert all(e["state_machine"] == "fixture-approval" for e in other)
    assert unknown.status == 422
    assert unknown.json["errors"][0]["loc"] == ["query", "state_machine"]


def test_list_page_links_filters_and_highlights_overdue(api: Api, cases: dict[str, str]) -> None:
    # When a person opens the list, and the list of running executions of one machine
    page = api.get("/_local/executions", headers={"Accept": "text/html"}).text
    running = api.get("/_local/executions", query={"status": "RUNNING", "state_machine": MACHINE},
                      headers={"Accept": "text/html"}).text
    # Then the page links every status and machine filter and flags the overdue wait
    assert "?status=FAILED" in page
    assert f"state_machine={MACHINE}" in page
    assert "overdue-row" in page
    assert "decide_by 2020-01-31 · OVERDUE" in page
    assert "CASE-W" in running
    assert "CASE-A" not in running
    assert "<script" not in page


def test_execution_page_draws_the_graph_with_the_path(api: Api, cases: dict[str, str]) -> None:
    # When a person opens the failed execution and the waiting one
    failed = api.get(f"/_local/executions/{cases['failed']}", headers={"Accept": "text/html"}).text
    waiting = api.get(f"/_local/executions/{cases['waiting']}", headers={"Accept": "text/html"}).text
    # Then the graph is inline SVG with every state, the path taken and where it stopped
    assert "<svg" in failed
    for state in ("Prepare", "Check", "Route", "Audit", "DeskReview", "Decision", "Approved", "RecordFailure",
                  "Failed"):
        assert f'data-state="{state}"' in failed
    assert 'class="state fail visited failed" data-state="Failed"' in failed
    assert 'class="state task visited caught" data-state="Check"' in failed
    assert 'class="state task visited current" data-state="Audit"' in waiting
    assert 'class="state task" data-state="Decision"' in waiting
    # And the timeline beside it highlights the failing cause
    assert 'class="timeline"' in failed
    assert 'li class="fail"' in failed
    assert "asked to fail" in failed
    assert "Waiting for the officer action <b>Audit</b>" in waiting


def test_execution_json_keeps_its_fields_and_adds_the_path(api: Api, cases: dict[str, str]) -> None:
    # When a tool reads an execution
    detail = api.get(f"/_local/executions/{cases['failed']}").json
    # Then it has the original fields and the path on the graph
    for key in ("execution_arn", "status", "input", "output", "error", "cause", "history", "waiting_for_callback"):
        assert key in detail
    assert detail["error"] == "CaseFailed"
    assert detail["failed_states"] == ["Failed"]
    assert {"Prepare", "Check", "RecordFailure", "Failed"} <= set(detail["visited_states"])
    assert "Audit" not in detail["visited_states"]
    assert detail["definition"]["StartAt"] == "Prepare"


def test_the_same_executions_through_boto3(aws: Callable[[str], Any], api: Api, cases: dict[str, str]) -> None:
    # When the AWS CLI / boto3 lists the machine's executions against the emulator
    listed = aws("stepfunctions").list_executions(stateMachineArn=_machine_arn(aws))["executions"]
    by_arn = {e["executionArn"]: e["status"] for e in listed}
    console = {e["execution_arn"]: e["status"]
               for e in api.get("/_local/executions", query={"state_machine": MACHINE}).json["items"]}
    # Then they are the console's, with the same statuses
    assert by_arn == console
    assert by_arn[cases["approved"]] == "SUCCEEDED"
