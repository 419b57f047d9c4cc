# ruff: noqa: F811  (the module fixtures of the certification workflow test, shared: one runtime per module)
"""The objection state machine from the synthesized template (`cdk.out`), executed by the emulator with
the real handlers and driven through its callback by the API: an upheld objection to a D2 penalty takes
the enterprise back to REGULAR by a new decision citing Art 39, the record leaves the feed and the earlier
`as_of` view is unchanged; a dismissed one changes nothing; the bad inputs are problems storing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from local.runtime import Runtime
from tests.e2e.client import Api
from tests.integration.local_runtime.conftest import wait_until
from tests.integration.local_runtime.test_certification_workflow import (  # noqa: F401 (module fixtures)
    BEIJING,
    SHANGHAI,
    SHENZHEN,
    _execution,
    _post,
    api,
    runtime,
    token,
)


def _penalise(api: Api, token: Callable[[str], str], uscc: str, event_id: str) -> dict[str, Any]:
    penalty = {"event_id": event_id, "uscc": uscc, "type": "SMUGGLING_PENALTY", "business_line": "OWN_ACCOUNT",
               "decided_on": "2026-01-15", "penalty_kind": "FINE", "amount_cny": "250000.00",
               "document_no": f"D-{event_id}", "authority": "Shanghai Customs"}
    assert _post(api, "/v1/credit-events", {"events": [penalty]}, token("demo-events"), key=event_id).status < 300
    officer = token("demo-officer")
    wait_until(lambda: api.get(f"/v1/enterprises/{uscc}/credit").json["tier"] == "DISCREDITED")
    (decision, *_) = api.get(f"/v1/enterprises/{uscc}/decisions", token=officer).json["items"]
    return dict(decision)


def _feed(api: Api, uscc: str, as_of: str | None = None) -> list[dict[str, Any]]:
    query = {"uscc": uscc, **({"as_of": as_of} if as_of else {})}
    return list(api.get("/v1/disclosures", query=query).json["items"])


def _objection(api: Api, officer: str, objection_id: str) -> Any:
    return api.get(f"/v1/objections/{objection_id}", token=officer).json


def _file(api: Api, token: Callable[[str], str], uscc: str, subject_type: str, subject_id: str, key: str) -> Any:
    return _post(api, "/v1/objections", {"uscc": uscc, "subject_type": subject_type, "subject_id": subject_id,
                                         "grounds": "the penalty was annulled on appeal", "evidence": ["ruling-1"]},
                 token(f"demo-enterprise-{uscc}"), key=key)


def test_an_upheld_objection_to_a_d2_penalty_corrects_by_a_new_decision(runtime: Runtime, api: Api,
                                                                        token: Callable[[str], str]) -> None:
    officer = token("demo-officer")
    downgrade = _penalise(api, token, BEIJING, "PEN-OBJ-1")
    before = api.get(f"/v1/enterprises/{BEIJING}/credit", query={"as_of": downgrade["effective_at"]}).json
    assert [d["event_id"] for d in before["disclosures"]] == ["PEN-OBJ-1"]
    feed_then = _feed(api, BEIJING, downgrade["effective_at"])
    assert [(d["event_id"], d["status"]) for d in feed_then] == [("PEN-OBJ-1", "PUBLISHED")]
    # Bad input first: another enterprise's record, an unknown one, another enterprise's token
    foreign = _file(api, token, SHANGHAI, "EVENT", "PEN-OBJ-1", "obj-foreign")
    assert (foreign.status, foreign.json["errors"][0]["loc"]) == (422, ["body", "subject_id"])
    unknown = _file(api, token, BEIJING, "DECISION", "D-nope", "obj-unknown")
    assert (unknown.status, unknown.json["errors"][0]["loc"]) == (422, ["body", "subject_id"])
    not_own = _post(api, "/v1/objections", {"uscc": BEIJING, "subject_type": "EVENT", "subject_id": "PEN-OBJ-1",
                                            "grounds": "x"}, token(f"demo-enterprise-{SHANGHAI}"), key="obj-403")
    assert (not_own.status, not_own.header("Content-Type")) == (403, "application/problem+json")
    for problem in (foreign, unknown):
        assert problem.header("Content-Type") == "application/problem+json"
    assert api.get("/v1/objections", token=officer, query={"uscc": BEIJING}).json["items"] == []
    # When the enterprise objects to the penalty
    filed = _file(api, token, BEIJING, "EVENT", "PEN-OBJ-1", "obj-1")
    assert filed.status == 201, filed.text
    objection_id = filed.json["objection_id"]
    assert filed.json["execution_arn"].endswith(f":execution:customs-credit-objection-dev:objection-{BEIJING}-001")
    # Then a second objection on the same subject is a conflict
    second = _file(api, token, BEIJING, "EVENT", "PEN-OBJ-1", "obj-2")
    assert (second.status, second.json["open_objection_id"]) == (409, objection_id)
    # When the workflow waits for the review and the officer upholds it
    wait_until(lambda: "waiting for the officer's review" in
               [h["what"] for h in _objection(api, officer, objection_id)["history"]])
    misfit = _post(api, f"/v1/objections/{objection_id}/decision",
                   {"outcome": "UPHELD", "reasons": ["annulled"], "correction": {"disclosure_months": 3}}, officer)
    assert (misfit.status, misfit.json["errors"][0]["loc"]) == (422, ["body", "correction", "disclosure_months"])
    upheld = _post(api, f"/v1/objections/{objection_id}/decision", {"outcome": "UPHELD", "reasons": ["annulled"]},
                   officer)
    assert upheld.status == 200, upheld.text
    # Then the tier is REGULAR by a new decision citing Art 39 with the objection as evidence
    done = wait_until(lambda: (o := _objection(api, officer, objection_id))["decision"]
                      and o["decision"]["decision_id"] and o)
    assert done["status"] == "UPHELD"
    assert wait_until(lambda: _execution(runtime, done["execution_arn"]) == "SUCCEEDED")
    latest = api.get(f"/v1/enterprises/{BEIJING}/decisions", token=officer).json["items"]
    assert latest[0]["decision_id"] == done["decision"]["decision_id"]
    assert (latest[0]["from_tier"], latest[0]["to_tier"]) == ("DISCREDITED", "REGULAR")
    assert {"rule_id": "OBJECTION", "article": "Art 39"}.items() <= next(
        g for g in latest[0]["grounds"] if g["rule_id"] == "OBJECTION").items()
    assert latest[1] == downgrade  # the earlier decision is kept as it was
    now = api.get(f"/v1/enterprises/{BEIJING}/credit").json
    assert (now["tier"], now["disclosures"]) == ("REGULAR", [])
    assert api.get(f"/v1/enterprises/{BEIJING}/credit", query={"as_of": downgrade["effective_at"]}).json == before
    # And the record is off the feed, while the feed as it was (earlier the same day) is unchanged
    assert _feed(api, BEIJING) == []
    assert _feed(api, BEIJING, downgrade["effective_at"]) == feed_then
    own = api.get(f"/v1/enterprises/{BEIJING}/disclosures", token=officer).json["items"]
    assert [(d["event_id"], d["status"]) for d in own] == [("PEN-OBJ-1", "WITHDRAWN")]
    # And the audit chain holds the correction after what was there, still valid
    audit = api.get(f"/v1/enterprises/{BEIJING}/audit/verification", token=officer).json
    assert audit["valid"] is True
    # And a decision on the closed objection is a conflict
    settled = _objection(api, officer, objection_id)
    again = _post(api, f"/v1/objections/{objection_id}/decision", {"outcome": "DISMISSED", "reasons": ["x"]},
                  officer)
    assert (again.status, again.json["current_status"]) == (409, "UPHELD")
    assert again.header("Content-Type") == "application/problem+json"
    # And another enterprise reads nor decides it (403), and the objection is as it was
    assert api.get(f"/v1/objections/{objection_id}", token=token(f"demo-enterprise-{SHANGHAI}")).status == 403
    by_enterprise = _post(api, f"/v1/objections/{objection_id}/decision", {"outcome": "DISMISSED", "reasons": ["x"]},
                          token(f"demo-enterprise-{BEIJING}"))
    assert by_enterprise.status == 403
    assert _objection(api, officer, objection_id) == settled


def test_a_dismissed_objection_changes_nothing_else(runtime: Runtime, api: Api, token: Callable[[str], str]) -> None:
    officer = token("demo-officer")
    _penalise(api, token, SHENZHEN, "PEN-OBJ-2")
    decisions = api.get(f"/v1/enterprises/{SHENZHEN}/decisions", token=officer).json
    view = api.get(f"/v1/enterprises/{SHENZHEN}/credit").json
    objection_id = _file(api, token, SHENZHEN, "DISCLOSURE", "PEN-OBJ-2", "obj-3").json["objection_id"]
    wait_until(lambda: "waiting for the officer's review" in
               [h["what"] for h in _objection(api, officer, objection_id)["history"]])
    dismissed = _post(api, f"/v1/objections/{objection_id}/decision", {"outcome": "DISMISSED", "reasons": ["no"]},
                      officer)
    assert dismissed.status == 200, dismissed.text
    done = wait_until(lambda: (o := _objection(api, officer, objection_id)) and _execution(
        runtime, o["execution_arn"]) == "SUCCEEDED" and o)
    assert (done["status"], done["decision"]["decision_id"]) == ("DISMISSED", None)
    assert api.get(f"/v1/enterprises/{SHENZHEN}/decisions", token=officer).json == decisions
    assert {**api.get(f"/v1/enterprises/{SHENZHEN}/credit").json, "as_of": None} == {**view, "as_of": None}


def test_a_review_past_review_by_is_marked_overdue_and_shown_in_the_console(
        runtime: Runtime, api: Api, token: Callable[[str], str]) -> None:
    officer = token("demo-officer")
    _penalise(api, token, SHANGHAI, "PEN-OBJ-3")
    filed = _file(api, token, SHANGHAI, "EVENT", "PEN-OBJ-3", "obj-4").json
    objection_id, review_by = filed["objection_id"], filed["review_by"]
    wait_until(lambda: "waiting for the officer's review" in
               [h["what"] for h in _objection(api, officer, objection_id)["history"]])

    def console() -> Any:
        return next(e for e in api.get("/_local/executions").json["items"]
                    if e["execution_arn"] == filed["execution_arn"])["waiting_for"]

    assert (console()["deadline"], console()["overdue"]) == (review_by, False)
    try:
        # When the clock travels to the day after review_by (CST) and case-deadlines runs
        late = api.post("/_local/clock", {"now": f"{date.fromisoformat(review_by) + timedelta(days=1)}T01:00:00+08:00"})
        assert late.status == 200, late.text
        ran = api.post("/_local/schedules/case-deadlines/run")
        assert ran.status == 200, ran.text
        # Then the objection is marked overdue once (DeadlineMissed) and is still under review
        marked = wait_until(lambda: (o := _objection(api, token("demo-officer"), objection_id)) and [
            h for h in o["history"] if h["by"] == "case-deadlines"] and o)
        assert (marked["status"], marked["overdue"]) == ("UNDER_REVIEW", True)
        assert [h["what"] for h in marked["history"] if h["by"] == "case-deadlines"] == [
            f"review_by {review_by} passed: overdue (DeadlineMissed)"]
        # And the operators' console shows the execution waiting past its deadline
        assert (console()["state"], console()["overdue"]) == ("UnderReview", True)
        assert api.post("/_local/schedules/case-deadlines/run").status == 200
        assert len([h for h in _objection(api, token("demo-officer"), objection_id)["history"]
                    if h["by"] == "case-deadlines"]) == 1
    finally:
        api.post("/_local/clock", {"now": None})
