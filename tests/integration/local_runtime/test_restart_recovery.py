"""After a restart the local runtime carries on where it was. A runtime on the synthesized template
(`cdk.out`) is left as `kill -9` leaves it (nothing saved at stop: the tables come back from the write
journal alone) with a certification case waiting for its audit, an objection waiting for its review,
and a penalty whose bus delivery to the evaluation was still in its inbox queue; a second runtime on the
same data folder has the lost executions running again (the officer's audit and decision, and the
review, go through) and evaluates the penalty."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local.runtime import Options, Runtime
from tests.e2e.client import Api
from tests.integration.local_runtime.conftest import stop_runtime, wait_until
from tests.integration.local_runtime.test_certification_workflow import (
    ALL_MET,
    BEIJING,
    CDK_OUT,
    SHENZHEN,
    SUZHOU,
    _apply,
    _case,
    _post,
)
from tests.integration.local_runtime.test_objection_workflow import _file, _objection, _penalise


def _runtime(data: Path, seed: str | None) -> Runtime:
    return Runtime(Options(port=0, emulator_port=0, data_dir=data, cdk_out=CDK_OUT, warm=False,
                           save_every_s=3600, seed=seed))


def _tear_down(rt: Runtime, saved_env: dict[str, str], *, save: bool) -> None:
    if not save:
        rt.snapshots = None  # as `kill -9` leaves the data folder: no snapshot at stop, only the journal
    stop_runtime(rt, saved_env)


def _tokens(api: Api) -> Callable[[str], str]:
    def _token(client_id: str) -> str:
        return str(api.post("/_local/token", {"client_id": client_id,
                                              "client_secret": f"{client_id}-secret"}).json["access_token"])

    return _token


def _tier(api: Api, uscc: str) -> str:
    return str(api.get(f"/v1/enterprises/{uscc}/credit").json["tier"])


@pytest.fixture(scope="module")
def before_the_crash(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The first run, stopped as by `kill -9`: what it left waiting."""
    saved_env = dict(os.environ)
    data = tmp_path_factory.mktemp("restart-data")
    rt = _runtime(data, "demo")
    try:
        rt.start()
        api = Api(f"http://127.0.0.1:{rt.http.port}")
        token = _tokens(api)
        officer = token("demo-officer")
        case_id = _apply(api, token, BEIJING)
        wait_until(lambda: _case(api, officer, case_id)["waiting_for"] == "AUDIT")
        _penalise(api, token, SHENZHEN, "PEN-RESTART-1")
        filed = _file(api, token, SHENZHEN, "EVENT", "PEN-RESTART-1", "obj-restart-1")
        assert filed.status == 201, filed.text
        objection_id = filed.json["objection_id"]
        wait_until(lambda: "waiting for the officer's review" in
                   [h["what"] for h in _objection(api, officer, objection_id)["history"]])
        # The evaluation's inbox poller paused: the penalty's event reaches its inbox and stays there
        (evaluation,) = [p for p in rt.queues.pollers.values() if "Evaluation" in p.mapping.function]
        evaluation.stop()
        tier_before = _tier(api, SUZHOU)
        penalty = {"event_id": "PEN-RESTART-2", "uscc": SUZHOU, "type": "SMUGGLING_PENALTY",
                   "business_line": "OWN_ACCOUNT", "decided_on": "2026-01-15", "penalty_kind": "FINE",
                   "amount_cny": "250000.00", "document_no": "D-PEN-RESTART-2", "authority": "Suzhou Customs"}
        accepted = _post(api, "/v1/credit-events", {"events": [penalty]}, token("demo-events"), key="pen-restart-2")
        assert accepted.status < 300, accepted.text
        sqs = rt.emulator.client("sqs")
        wait_until(lambda: int(sqs.get_queue_attributes(QueueUrl=evaluation.url, AttributeNames=[
            "ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"]) > 0)
        assert _tier(api, SUZHOU) == tier_before != "DISCREDITED"
    finally:
        _tear_down(rt, saved_env, save=False)
    return {"data": data, "case_id": case_id, "objection_id": objection_id}


@pytest.fixture(scope="module")
def restarted(before_the_crash: dict[str, Any]) -> Iterator[Runtime]:
    saved_env = dict(os.environ)
    rt = _runtime(before_the_crash["data"], None)  # the demo data is in the tables
    try:
        rt.start()
        yield rt
    finally:
        _tear_down(rt, saved_env, save=True)


@pytest.fixture(scope="module")
def api(restarted: Runtime) -> Api:
    return Api(f"http://127.0.0.1:{restarted.http.port}")


def test_a_case_waiting_for_its_audit_is_audited_and_approved_after_the_restart(
        restarted: Runtime, api: Api, before_the_crash: dict[str, Any]) -> None:
    officer = _tokens(api)("demo-officer")
    case_id = before_the_crash["case_id"]
    base = f"/v1/certifications/{case_id}"
    # The lost execution is running again, under its name, listed on the console
    assert f"cert-{BEIJING}-001" in restarted.resumed_executions
    history = _case(api, officer, case_id)["history"]
    assert [h["what"] for h in history] == ["application received", "certifiers assigned", "waiting for AUDIT"]
    listed = api.get("/_local/executions", query={"format": "json"}).json
    assert f"cert-{BEIJING}-001" in str(listed)
    # The officer's audit and decision go through, and the enterprise is CERTIFIED
    audited = _post(api, f"{base}/audit", {"items": ALL_MET}, officer)
    assert audited.status == 200, audited.text
    decided = wait_until(lambda: (r := _post(api, f"{base}/decision", {"outcome": "APPROVED", "reasons": ["ok"]},
                                             officer)).status == 200 and r)
    assert decided.json["status"] == "APPROVED"
    wait_until(lambda: _tier(api, BEIJING) == "CERTIFIED")
    # And the replayed steps wrote no history twice
    whats = [h["what"] for h in _case(api, officer, case_id)["history"]]
    assert whats == ["application received", "certifiers assigned", "waiting for AUDIT", "audit recorded",
                     "waiting for DECIDE", "decided APPROVED", "outcome applied", "decision published"]


def test_an_objection_waiting_for_its_review_is_upheld_after_the_restart(
        restarted: Runtime, api: Api, before_the_crash: dict[str, Any]) -> None:
    officer = _tokens(api)("demo-officer")
    objection_id = before_the_crash["objection_id"]
    assert f"objection-{SHENZHEN}-001" in restarted.resumed_executions
    upheld = wait_until(lambda: (r := _post(api, f"/v1/objections/{objection_id}/decision",
                                            {"outcome": "UPHELD", "reasons": ["annulled"]}, officer)).status == 200
                        and r)
    assert upheld.json["status"] == "UPHELD"
    done = wait_until(lambda: (o := _objection(api, officer, objection_id))["decision"]
                      and o["decision"]["decision_id"] and o)
    assert done["status"] == "UPHELD"
    wait_until(lambda: _tier(api, SHENZHEN) == "REGULAR")


def test_an_event_whose_delivery_was_in_flight_is_evaluated_after_the_restart(api: Api) -> None:
    wait_until(lambda: _tier(api, SUZHOU) == "DISCREDITED")
