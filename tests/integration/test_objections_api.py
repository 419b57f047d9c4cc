"""The objection routes through the handler under moto, driven by the `events/objections/` samples: a
filing starts its named execution; each bad input (another enterprise's token, a subject of another
enterprise or unknown, a decision by an enterprise, a misfit correction, a decision the workflow is
not waiting for, a closed objection) is a problem response and stores nothing."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.integration.conftest import scan_main
from tests.integration.test_credit_events_api import OFFICER, penalty, post_events
from tests.integration.test_registry_api import OTHER_USCC, USCC, register
from tests.support.apigw import api_event, content_type, json_body

OWN = {"client_id": "erp", "scope": "credit/enterprise", "uscc": USCC}
FOREIGN = {"client_id": "other-erp", "scope": "credit/enterprise", "uscc": OTHER_USCC}
OBJECTION_ID = f"OBJ-{USCC}-001"


@pytest.fixture
def machine(aws: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """A stand-in `objection` state machine (the handler only starts executions by name)."""
    sfn = boto3.client("stepfunctions")
    arn = sfn.create_state_machine(
        name="objection", roleArn="arn:aws:iam::123456789012:role/objection",
        definition=json.dumps({"StartAt": "Wait", "States": {"Wait": {"Type": "Pass", "End": True}}}))[
        "stateMachineArn"]
    monkeypatch.setenv("OBJECTION_STATE_MACHINE_ARN", arn)
    return str(arn)


def _file(invoke: Any, claims: Any = OWN, key: str = "obj-1", **changes: Any) -> dict[str, Any]:
    body = {**json.loads(api_event("objections/post_objection")["body"]), **changes}
    return invoke("objections", api_event("objections/post_objection", body=body, claims=claims,
                                          headers={"Idempotency-Key": key}))


def _decide(invoke: Any, body: dict[str, Any] | None = None, claims: Any = OFFICER) -> dict[str, Any]:
    return invoke("objections", api_event("objections/post_decision", claims=claims,
                                          **({"body": body} if body is not None else {})))


def _objections(aws: Any) -> list[dict[str, Any]]:
    return [i for i in scan_main(aws) if i["sk"]["S"].startswith("OBJ#") or i["pk"]["S"].startswith("OBJOPEN#")]


def _problem(response: dict[str, Any], status: int) -> dict[str, Any]:
    assert response["statusCode"] == status, response["body"]
    assert content_type(response) == "application/problem+json"
    return dict(json_body(response))


def test_bad_filings_are_problems_that_store_nothing(invoke: Any, deliver: Any, aws: Any, machine: str) -> None:
    register(invoke)
    assert post_events(invoke, penalty())["statusCode"] == 202
    deliver()
    _problem(_file(invoke, claims=FOREIGN), 403)
    unknown = _problem(_file(invoke, subject_id="PEN-NOPE", key="obj-2"), 422)
    assert unknown["errors"][0]["loc"] == ["body", "subject_id"]
    not_a_result = _problem(_file(invoke, subject_type="RESTORATION", subject_id="RST-x", key="obj-3"), 422)
    assert not_a_result["errors"][0]["loc"] == ["body", "subject_id"]
    _problem(_file(invoke, subject_type="GRIEVANCE", key="obj-4"), 422)
    assert _objections(aws) == []
    assert boto3.client("stepfunctions").list_executions(stateMachineArn=machine)["executions"] == []


def test_the_sample_filing_starts_its_execution_and_bad_decisions_store_nothing(
        invoke: Any, deliver: Any, aws: Any, machine: str) -> None:
    register(invoke)
    assert post_events(invoke, penalty())["statusCode"] == 202
    deliver()
    filed = _file(invoke)
    assert filed["statusCode"] == 201, filed["body"]
    assert json_body(filed)["objection_id"] == OBJECTION_ID
    (execution,) = boto3.client("stepfunctions").list_executions(stateMachineArn=machine)["executions"]
    assert execution["name"] == f"objection-{USCC}-001"
    read = invoke("objections", api_event("objections/get_objection"))
    assert (read["statusCode"], json_body(read)["status"]) == (200, "UNDER_REVIEW")
    listed = invoke("objections", api_event("objections/list_objections"))
    assert [o["objection_id"] for o in json_body(listed)["items"]] == [OBJECTION_ID]
    stored = _objections(aws)
    # Bad decisions: by an enterprise, a misfit correction, one the workflow is not waiting for yet
    _problem(_decide(invoke, claims=OWN), 403)
    misfit = _problem(_decide(invoke, {"outcome": "UPHELD", "reasons": ["x"], "correction": {"months": 3}}), 422)
    assert misfit["errors"][0]["loc"] == ["body", "correction", "months"]
    early = _problem(_decide(invoke), 409)
    assert early["waiting_for"] is None
    _problem(invoke("objections", api_event("objections/get_objection", claims=FOREIGN)), 403)
    assert _objections(aws) == stored
