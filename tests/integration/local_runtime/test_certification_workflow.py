"""The certification state machine from the synthesized template (`cdk.out`), executed by the emulator
with the real handlers, driven through its callbacks by the API as partners and officers drive it:
apply, certifiers, suspend/resume, audit, decision → CERTIFIED and on the list; the bad inputs;
withdrawal and termination stopping the execution."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from local.runtime import Options, Runtime
from shared.domain.clock import CHINA_TZ
from tests.e2e.client import Api
from tests.e2e.test_partner_journey import new_uscc, registration
from tests.integration.local_runtime.conftest import stop_runtime, wait_until

CDK_OUT = Path(__file__).resolve().parents[3] / "cdk.out"
BEIJING, SHANGHAI, SHENZHEN = "91110000600037341L", "91310000MA1FL0000N", "91440300MA5D000002"
SUZHOU = "91320500MA1MX0000R"
ALL_MET = [{"standard_id": c, "result": "MET"} for c in
           ("INTERNAL_CONTROL", "FINANCIAL_STATUS", "LEGAL_COMPLIANCE", "TRADE_SECURITY")]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    saved_env = dict(os.environ)
    rt = Runtime(Options(port=0, emulator_port=0, data_dir=tmp_path_factory.mktemp("cert-data"), cdk_out=CDK_OUT,
                         warm=False, save_every_s=3600, seed="demo"))
    try:
        rt.start()
        yield rt
    finally:
        stop_runtime(rt, saved_env)


@pytest.fixture(scope="module")
def api(runtime: Runtime) -> Api:
    return Api(f"http://127.0.0.1:{runtime.http.port}")


@pytest.fixture(scope="module")
def token(api: Api) -> Callable[[str], str]:
    def _token(client_id: str) -> str:
        reply = api.post("/_local/token", {"client_id": client_id, "client_secret": f"{client_id}-secret"})
        return str(reply.json["access_token"])

    return _token


def _post(api: Api, path: str, body: Any, token: str, key: str | None = None) -> Any:
    return api.post(path, body, token=token, headers={"Idempotency-Key": key} if key else None)


def _apply(api: Api, token: Callable[[str], str], uscc: str, target_tier: str = "CERTIFIED",
           enterprise: str | None = None) -> str:
    reply = _post(api, "/v1/certifications", {"uscc": uscc, "target_tier": target_tier,
                                              "self_assessment": {"items": ALL_MET}},
                  enterprise or token(f"demo-enterprise-{uscc}"),
                  key=f"apply-{uscc}" + ("" if target_tier == "CERTIFIED" else f"-{target_tier}"))
    assert reply.status == 201, reply.text
    return str(reply.json["case_id"])


def _case(api: Api, officer: str, case_id: str) -> Any:
    return api.get(f"/v1/certifications/{case_id}", token=officer).json


def _execution(runtime: Runtime, arn: str) -> str:
    return str(runtime.emulator.client("stepfunctions").describe_execution(executionArn=arn)["status"])


def test_apply_audit_approve_certifies_and_lists(runtime: Runtime, api: Api, token: Callable[[str], str]) -> None:
    officer = token("demo-officer")
    # Given the six demo certifiers seeded at start
    roster = api.get("/v1/certifiers", token=officer).json["items"]
    assert [c["certifier_id"] for c in roster] == [f"CERT-00{n}" for n in range(1, 7)]
    # When an enterprise applies
    case_id = _apply(api, token, BEIJING)
    base = f"/v1/certifications/{case_id}"
    # Then its execution assigns two certifiers and waits for the audit
    case = wait_until(lambda: (c := _case(api, officer, case_id))["waiting_for"] == "AUDIT" and c)
    assert case["status"] == "UNDER_AUDIT"
    assert [c["certifier_id"] for c in case["certifiers"]] == ["CERT-001", "CERT-002"]
    assert case["execution_arn"].endswith(f":execution:customs-credit-certification-dev:cert-{BEIJING}-001")
    # And a retried application is replayed, not run twice
    again = _post(api, "/v1/certifications", {"uscc": BEIJING, "target_tier": "CERTIFIED",
                                              "self_assessment": {"items": ALL_MET}},
                  token(f"demo-enterprise-{BEIJING}"), key=f"apply-{BEIJING}")
    assert again.json["case_id"] == case_id
    # Bad input: each a problem naming the field or the state, nothing stored
    version = len(case["history"])
    early = _post(api, f"{base}/decision", {"outcome": "APPROVED", "reasons": []}, officer)
    assert (early.status, early.json["current_status"]) == (409, "UNDER_AUDIT")
    unknown = _post(api, f"{base}/audit", {"items": [*ALL_MET, {"standard_id": "NO_SUCH.9", "result": "MET"}]},
                    officer)
    assert (unknown.status, unknown.json["errors"][0]["loc"]) == (422, ["body", "items", 4, "standard_id"])
    outside = _post(api, f"{base}/audit", {"items": [{**ALL_MET[0], "result": "GOOD"}, *ALL_MET[1:]]}, officer)
    assert (outside.status, outside.json["errors"][0]["loc"]) == (422, ["body", "items", 0, "result"])
    left_out = _post(api, f"{base}/audit", {"items": ALL_MET[1:]}, officer)
    assert (left_out.status, left_out.json["errors"][0]["loc"]) == (422, ["body", "items"])
    not_suspended = _post(api, f"{base}/resumptions", None, officer)
    assert (not_suspended.status, not_suspended.json["clock"]) == (409, "RUNNING")
    other = api.get(base, token=token(f"demo-enterprise-{SHANGHAI}"))
    assert other.status == 403
    assert len(_case(api, officer, case_id)["history"]) == version
    # When an officer suspends and resumes the clock, extends once, then records the audit
    assert _post(api, f"{base}/suspensions", {"reason": "AUDIT"}, officer).json["clock"]["suspended"] is True
    assert _post(api, f"{base}/resumptions", None, officer).status == 200
    assert _post(api, f"{base}/extension", None, officer).status == 200
    twice = _post(api, f"{base}/extension", None, officer)
    assert twice.status == 409
    assert twice.json["extension"]["days"] == 30  # the problem names the extension already recorded
    stored = len(_case(api, officer, case_id)["history"])
    foreign = token(f"demo-enterprise-{SHANGHAI}")
    assert _post(api, f"{base}/withdrawal", None, foreign).status == 403
    for_other = {"uscc": BEIJING, "target_tier": "CERTIFIED", "self_assessment": {"items": ALL_MET}}
    assert _post(api, "/v1/certifications", for_other, foreign, key="foreign").status == 403
    assert len(_case(api, officer, case_id)["history"]) == stored
    audited = _post(api, f"{base}/audit", {"items": ALL_MET}, officer)
    assert (audited.status, audited.json["score"]["total"]) == (200, 100)
    # And decides once the workflow waits for the decision
    wait_until(lambda: _case(api, officer, case_id)["waiting_for"] == "DECIDE")
    decided = _post(api, f"{base}/decision", {"outcome": "APPROVED", "reasons": ["all items met"]}, officer)
    assert decided.status == 200
    # Then the enterprise is CERTIFIED by a decision, on the public list, and the execution succeeded
    wait_until(lambda: api.get(f"/v1/enterprises/{BEIJING}", token=officer).json["credit"]["tier"] == "CERTIFIED")
    listed = api.get("/v1/lists/certified").json["items"]
    assert BEIJING in [e["uscc"] for e in listed]
    decisions = api.get(f"/v1/enterprises/{BEIJING}/decisions", token=officer).json["items"]
    assert decisions[0]["to_tier"] == "CERTIFIED"
    assert wait_until(lambda: _execution(runtime, case["execution_arn"]) == "SUCCEEDED")


def test_withdrawal_aborts_the_execution_and_bars(runtime: Runtime, api: Api, token: Callable[[str], str]) -> None:
    officer, enterprise = token("demo-officer"), token(f"demo-enterprise-{SHANGHAI}")
    case_id = _apply(api, token, SHANGHAI)
    case = wait_until(lambda: (c := _case(api, officer, case_id))["waiting_for"] == "AUDIT" and c)
    withdrawn = _post(api, f"/v1/certifications/{case_id}/withdrawal", None, enterprise)
    assert withdrawn.json["status"] == "WITHDRAWN"
    assert _execution(runtime, case["execution_arn"]) == "ABORTED"
    barred = _post(api, "/v1/certifications", {"uscc": SHANGHAI, "target_tier": "CERTIFIED",
                                               "self_assessment": {"items": ALL_MET}}, enterprise, key="again")
    assert barred.status == 409
    assert [r["code"] for r in barred.json["refusals"]] == ["BARRED_WITHDRAWN_APPLICATION"]


def test_a_penalty_that_discredits_terminates_the_case(runtime: Runtime, api: Api,
                                                       token: Callable[[str], str]) -> None:
    officer = token("demo-officer")
    case_id = _apply(api, token, SHENZHEN)
    case = wait_until(lambda: (c := _case(api, officer, case_id))["waiting_for"] == "AUDIT" and c)
    penalty = {"event_id": "PEN-CERT-TERM-1", "uscc": SHENZHEN, "type": "SMUGGLING_PENALTY",
               "business_line": "OWN_ACCOUNT", "decided_on": "2026-01-15", "penalty_kind": "FINE",
               "amount_cny": "250000.00", "document_no": "T-1", "authority": "Shenzhen Customs"}
    assert _post(api, "/v1/credit-events", {"events": [penalty]}, token("demo-events"), key="pen-1").status < 300
    ended = wait_until(lambda: (c := _case(api, officer, case_id))["status"] == "TERMINATED" and c)
    assert ended["termination_cause"] == "DISCREDITED"
    assert wait_until(lambda: _execution(runtime, case["execution_arn"]) == "ABORTED")


def _decided(api: Api, officer: str, case_id: str, audit: list[dict[str, str]], outcome: str) -> dict[str, Any]:
    """Audit then decide once the workflow waits for each step; the case as decided."""
    wait_until(lambda: _case(api, officer, case_id)["waiting_for"] == "AUDIT")
    assert _post(api, f"/v1/certifications/{case_id}/audit", {"items": audit}, officer).status == 200
    wait_until(lambda: _case(api, officer, case_id)["waiting_for"] == "DECIDE")
    decided = _post(api, f"/v1/certifications/{case_id}/decision", {"outcome": outcome, "reasons": ["decided"]},
                    officer)
    assert decided.status == 200, decided.text
    return dict(decided.json)


def test_a_failed_case_bars_a_new_application_for_12_months(runtime: Runtime, api: Api,
                                                             token: Callable[[str], str]) -> None:
    uscc = new_uscc()
    registered = _post(api, "/v1/enterprises", registration(uscc), token("demo-registry"), key=str(uuid.uuid4()))
    assert registered.status == 201
    client = api.post("/_local/clients", {"scopes": ["credit/enterprise"], "uscc": uscc}).json
    enterprise = api.post("/_local/token", {"client_id": client["client_id"],
                                            "client_secret": client["client_secret"]}).json["access_token"]
    officer = token("demo-officer")
    case_id = _apply(api, token, uscc, enterprise=enterprise)
    failed = _decided(api, officer, case_id, [{**ALL_MET[0], "result": "NOT_MET"}, *ALL_MET[1:]], "REJECTED")
    assert (failed["status"], failed["score"]["passed"]) == ("REJECTED", False)
    again = _post(api, "/v1/certifications", {"uscc": uscc, "target_tier": "CERTIFIED",
                                              "self_assessment": {"items": ALL_MET}}, enterprise, key="again")
    assert again.status == 409
    (refusal,) = again.json["refusals"]
    closed = date.fromisoformat(failed["closed_on"])
    assert refusal["code"] == "BARRED_FAILED_CERTIFICATION"
    assert refusal["until"] == closed.replace(year=closed.year + 1).isoformat()
    assert wait_until(lambda: _execution(runtime, failed["execution_arn"]) == "SUCCEEDED")


def test_an_ace_recertification_is_opened_by_the_schedule_after_clock_travel(
        runtime: Runtime, api: Api, token: Callable[[str], str]) -> None:
    officer = token("demo-officer")
    case_id = _apply(api, token, SUZHOU, target_tier="ADVANCED_CERTIFIED")
    approved = _decided(api, officer, case_id, ALL_MET, "APPROVED")
    wait_until(lambda: api.get(f"/v1/enterprises/{SUZHOU}", token=officer).json["credit"]["tier"]
               == "ADVANCED_CERTIFIED")
    certified_on = date.fromisoformat(approved["closed_on"])
    anniversary = certified_on.replace(year=certified_on.year + 5)
    opens_on = anniversary - timedelta(days=90)
    try:
        # When the clock travels to the opening day, 90 days before the 5-year anniversary, and the schedule runs
        runtime.clock.set(datetime.combine(opens_on, time(1, 0), CHINA_TZ))
        officer = token("demo-officer")
        (ran,) = api.post("/_local/schedules/recertification-due/run").json["targets"]
        assert ran["status"] == "Succeeded", ran
        # Then one re-certification case is open (the schedule's automatic catch-up firing may have opened it)
        recert_id = f"RECERT-{SUZHOU}-ace-{anniversary.isoformat()}"
        recert = wait_until(lambda: (c := _case(api, officer, recert_id))["waiting_for"] == "AUDIT" and c)
        assert (recert["kind"], recert["target_tier"], recert["status"]) == (
            "RECERTIFICATION", "ADVANCED_CERTIFIED", "UNDER_AUDIT")
        assert recert["execution_arn"].endswith(f":recert-{SUZHOU}-ace-{anniversary.isoformat()}")
        assert recert["clock"]["received_on"] == opens_on.isoformat()
        # And a second run opens nothing more
        (again,) = api.post("/_local/schedules/recertification-due/run").json["targets"]
        assert (again["result"]["due"], again["result"]["done"]) == (0, 0)
        listed = api.get("/v1/certifications", token=officer, query={"uscc": SUZHOU}).json["items"]
        assert [c["case_id"] for c in listed if c["kind"] == "RECERTIFICATION"] == [recert_id]
        # When the day after its decide_by comes with the audit still awaited, case-deadlines marks it once
        decide_by = date.fromisoformat(recert["clock"]["decide_by"])
        runtime.clock.set(datetime.combine(decide_by + timedelta(days=1), time(0, 40), CHINA_TZ))
        officer = token("demo-officer")
        api.post("/_local/schedules/case-deadlines/run")
        marker = "schedule:case-deadlines"
        late = wait_until(lambda: (c := _case(api, officer, recert_id))["history"][-1]["by"] == marker and c)
        assert (late["overdue"], late["history"][-1]["what"]) == (
            True, f"DECIDE_BY {decide_by.isoformat()} missed: marked overdue")
        (again,) = api.post("/_local/schedules/case-deadlines/run").json["targets"]
        assert (again["status"], again["result"]["marked"]) == ("Succeeded", 0)
        # And the operators' console names the case and shows the deadline read from it, overdue
        (execution,) = [e for e in api.get("/_local/executions").json["items"] if e["case_id"] == recert_id]
        assert execution["waiting_for"]["state"] in ("Audit", "DeskReview")
        assert (execution["waiting_for"]["deadline"], execution["waiting_for"]["overdue"]) == (
            decide_by.isoformat(), True)
    finally:
        runtime.clock.set(None)
