"""Restoration and upgrade applications through the handlers under moto: receipt (restorations), the
review through the template's real `RestorationReceived` rule (restoration_review), the re-evaluation
through `ReevaluationRequested` (evaluation), officer decisions and extensions, bad input.

Today is 2026-11-20 (Friday, CST) in these tests."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.integration.conftest import scan_main
from tests.integration.test_credit_events_api import OFFICER, credit, decisions, penalty, post_events
from tests.integration.test_registry_api import OTHER_USCC, REGISTRATION, USCC, register
from tests.support.apigw import api_event, header_of, json_body

OWN = {"client_id": "erp", "scope": "credit/enterprise", "uscc": USCC}
FOREIGN = {"client_id": "other-erp", "scope": "credit/enterprise", "uscc": OTHER_USCC}
DOCUMENTS = [{"type": "FULFILMENT_PROOF", "reference": "京关缴〔2026〕1号"},
             {"type": "COMMITMENT_LETTER", "reference": "CL-2026-1"}]


def apply(invoke: Any, body: dict[str, Any] | None = None, claims: Any = OWN, key: str = "k-1",
          **changes: Any) -> dict[str, Any]:
    payload = body if body is not None else {"uscc": USCC, "kind": "DISCLOSURE", "event_ids": ["PEN-1"],
                                             "documents": DOCUMENTS, **changes}
    return invoke("restorations", api_event("restorations/post_restoration", body=payload,
                                            headers={"Idempotency-Key": key}, claims=claims))


def read(invoke: Any, restoration_id: str, claims: Any = OWN) -> dict[str, Any]:
    return invoke("restorations", api_event("restorations/get_restoration", claims=claims,
                                            path_params={"restoration_id": restoration_id}))


def decide(invoke: Any, restoration_id: str, body: dict[str, Any], claims: Any = OFFICER) -> dict[str, Any]:
    return invoke("restorations", api_event("restorations/post_decision", body=body, claims=claims,
                                            path_params={"restoration_id": restoration_id}))


def extend(invoke: Any, restoration_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return invoke("restorations", api_event("restorations/post_extension", body=body, claims=OFFICER,
                                            path_params={"restoration_id": restoration_id}))


def discredited_by_pen_1(invoke: Any, deliver: Any, decided_on: str = "2026-07-01") -> None:
    register(invoke)
    assert post_events(invoke, penalty(decided_on=decided_on))["statusCode"] == 202
    deliver()
    assert credit(invoke)["tier"] == "DISCREDITED"


def test_a_record_past_its_minimum_period_is_restored_and_leaves_the_public_view(
        invoke: Any, deliver: Any, bus: Any, aws: Any) -> None:
    # Given a D2 record decided 2026-07-01 (GENERAL: minimum period ends 2026-10-01)
    discredited_by_pen_1(invoke, deliver)
    assert [d["event_id"] for d in credit(invoke)["disclosures"]] == ["PEN-1"]
    # When the enterprise applies with both documents
    response = apply(invoke)
    assert response["statusCode"] == 201, response["body"]
    created = json_body(response)
    assert created["status"] == "RECEIVED"
    # received Friday 2026-11-20: 3rd working day Wed 25th, 10th Fri 4 December
    assert (created["decide_by"], created["respond_by"]) == ("2026-11-25", "2026-12-04")
    assert header_of(response, "Location") == f"/v1/restorations/{created['restoration_id']}"
    # And the bus delivers the review, then the re-evaluation
    outcomes = deliver()
    assert {"reviewed": True, "status": "APPROVED"}.items() <= outcomes[0].items()
    # Then the application is APPROVED with its history
    body = json_body(read(invoke, created["restoration_id"]))
    assert (body["status"], body["reasons"], body["decided_by"]) == ("APPROVED", [], "restoration_review")
    assert [h["status"] for h in body["history"]] == ["RECEIVED", "APPROVED"]
    assert body["clock"]["extended"] is None
    # And the record is no longer disclosed (RESTORED), the tier stays (a record restoration is no upgrade)
    view = credit(invoke)
    assert (view["tier"], view["disclosures"]) == ("DISCREDITED", [])
    stored = next(i for i in scan_main(aws) if i["sk"]["S"] == "EVT#PEN-1")
    assert stored["classification"]["M"]["restored_on"]["S"] == "2026-11-20"
    # And RestorationDecided went on the bus, with the re-evaluation request
    published = [e["detail-type"] for e in bus.tail()]
    assert published.count("RestorationDecided") == 1
    assert "ReevaluationRequested" in published
    # And the guard is released: a new application on the same record is received (and refused: restored)
    again = apply(invoke, key="k-2")
    assert again["statusCode"] == 201, again["body"]
    deliver()
    refused = json_body(read(invoke, json_body(again)["restoration_id"]))
    assert [r["rule_id"] for r in refused["reasons"]] == ["NOT_A_DISCLOSED_RECORD"]


def test_a_redelivered_review_changes_nothing(invoke: Any, deliver: Any, bus: Any, aws: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    apply(invoke)
    received = list(bus.drain("restoration_review"))
    assert len(received) == 1
    first = invoke("restoration_review", received[0])
    assert first["status"] == "APPROVED"
    before = sorted(str(i) for i in scan_main(aws))
    second = invoke("restoration_review", received[0])
    assert (second["reviewed"], second["status"]) == (False, "APPROVED")
    assert sorted(str(i) for i in scan_main(aws)) == before


def test_an_application_inside_the_minimum_period_is_rejected_with_its_reason(invoke: Any, deliver: Any) -> None:
    # decided 2026-08-20: the 3-month minimum ends 2026-11-20, today
    discredited_by_pen_1(invoke, deliver, decided_on="2026-08-20")
    restoration_id = json_body(apply(invoke))["restoration_id"]
    deliver()
    body = json_body(read(invoke, restoration_id))
    assert body["status"] == "REJECTED"
    (reason,) = body["reasons"]
    assert (reason["rule_id"], reason["article"]) == ("WITHIN_MINIMUM_PERIOD", "Arts 36-40")
    assert "2026-11-21" in reason["detail"]
    assert [d["event_id"] for d in credit(invoke)["disclosures"]] == ["PEN-1"]


def test_an_upgrade_application_after_the_waiting_period_makes_the_enterprise_regular(
        invoke: Any, deliver: Any, bus: Any, aws: Any) -> None:
    # Given tax due 2026-01-31, unpaid past 2026-04-30 (D4 from 2026-05-01), settled 2026-08-01
    register(invoke)
    tax = {"event_id": "TAX-1", "uscc": USCC, "type": "TAX_OVERDUE", "business_line": "OWN_ACCOUNT",
           "decided_on": "2026-01-20", "due_on": "2026-01-31", "amount_cny": "52000.00", "document_no": "T-1",
           "authority": "Beijing Customs"}
    paid = {"event_id": "PAY-1", "uscc": USCC, "type": "ARREARS_SETTLED", "business_line": "OWN_ACCOUNT",
            "decided_on": "2026-08-01", "refers_to": "TAX-1", "document_no": "R-1", "authority": "Beijing Customs"}
    post_events(invoke, tax, paid)
    deliver()
    assert credit(invoke)["tier"] == "DISCREDITED"
    # When it applies for an upgrade (3 months from settlement: from 2026-11-01)
    response = apply(invoke, {"uscc": USCC, "kind": "TIER", "documents": DOCUMENTS})
    assert response["statusCode"] == 201, response["body"]
    deliver()
    # Then it is approved and a decision to REGULAR cites Arts 29-30 with the application
    assert json_body(read(invoke, json_body(response)["restoration_id"]))["status"] == "APPROVED"
    latest = decisions(invoke)[0]
    assert (latest["from_tier"], latest["to_tier"]) == ("DISCREDITED", "REGULAR")
    (ground,) = latest["grounds"]
    assert (ground["rule_id"], ground["article"]) == ("UPGRADE", "Arts 29-30")
    assert ground["evidence"] == [json_body(response)["restoration_id"]]
    assert "certification is barred through 2027-11-20" in ground["summary"]
    assert credit(invoke)["tier"] == "REGULAR"
    audit = aws.scan(TableName=os.environ["AUDIT_TABLE_NAME"])["Items"]
    assert sorted(a["action"]["S"] for a in audit) == ["RestorationDecided", "TierChanged", "TierChanged"]


def test_a_court_restructuring_order_goes_to_an_officer_who_decides_once(invoke: Any, deliver: Any,
                                                                         bus: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    documents = [{"type": "COURT_RESTRUCTURING_ORDER", "reference": "(2026)京01破12号"}, DOCUMENTS[1]]
    restoration_id = json_body(apply(invoke, documents=documents))["restoration_id"]
    deliver()
    body = json_body(read(invoke, restoration_id, claims=OFFICER))
    assert (body["status"], [r["rule_id"] for r in body["reasons"]]) == ("NEEDS_OFFICER",
                                                                          ["COURT_RESTRUCTURING_ORDER"])
    # a second application on the same record while this one is open is 409, naming it
    conflict = apply(invoke, key="k-2")
    assert conflict["statusCode"] == 409
    assert json_body(conflict)["open_applications"] == [restoration_id]
    # an enterprise token cannot decide
    assert decide(invoke, restoration_id, {"outcome": "APPROVED"}, claims=OWN)["statusCode"] == 403
    decided = decide(invoke, restoration_id, {"outcome": "APPROVED", "reasons": [{"detail": "order covers it"}]})
    assert decided["statusCode"] == 200, decided["body"]
    assert (json_body(decided)["status"], json_body(decided)["decided_by"]) == ("APPROVED", "officer")
    deliver()
    assert credit(invoke)["disclosures"] == []
    assert decide(invoke, restoration_id, {"outcome": "REJECTED", "reasons": [{"detail": "x"}]})["statusCode"] == 409


def test_an_officer_cannot_approve_what_a_condition_refuses(invoke: Any, deliver: Any, aws: Any) -> None:
    discredited_by_pen_1(invoke, deliver, decided_on="2026-08-20")  # inside the minimum period today
    documents = [DOCUMENTS[1], {"type": "OTHER", "reference": "bank statement"}]
    restoration_id = json_body(apply(invoke, documents=documents))["restoration_id"]
    deliver()
    body = json_body(read(invoke, restoration_id))
    assert body["status"] == "REJECTED"  # a refusing condition wins over "needs a person"
    assert {r["rule_id"] for r in body["reasons"]} == {"WITHIN_MINIMUM_PERIOD"}


def test_extension_once_before_decide_by_moves_both_deadlines(invoke: Any, deliver: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    restoration_id = json_body(apply(invoke))["restoration_id"]
    assert extend(invoke, restoration_id, {"reason": "r", "working_days": 11})["statusCode"] == 422
    assert extend(invoke, restoration_id, {"reason": "r", "working_days": 0})["statusCode"] == 422
    response = extend(invoke, restoration_id, {"reason": "court records requested", "working_days": 5})
    assert response["statusCode"] == 200, response["body"]
    clock = json_body(response)["clock"]
    # 3 + 5 = 8th working day after 2026-11-20 is 2026-12-02; 10 + 5 = 15th is 2026-12-11
    assert (clock["decide_by"], clock["respond_by"]) == ("2026-12-02", "2026-12-11")
    assert (clock["extended"]["reason"], clock["extended"]["working_days"]) == ("court records requested", 5)
    again = extend(invoke, restoration_id, {"reason": "more", "working_days": 1})
    assert again["statusCode"] == 409


def test_an_extension_after_decide_by_is_409(invoke: Any, deliver: Any, clock: Any) -> None:
    from datetime import timedelta

    discredited_by_pen_1(invoke, deliver)
    restoration_id = json_body(apply(invoke))["restoration_id"]
    clock.advance(timedelta(days=6))  # 2026-11-26, after decide_by 2026-11-25
    assert extend(invoke, restoration_id, {"reason": "late", "working_days": 2})["statusCode"] == 409


def test_the_list_is_newest_first_and_paginated(invoke: Any, deliver: Any, clock: Any) -> None:
    from datetime import timedelta

    discredited_by_pen_1(invoke, deliver)
    post_events(invoke, penalty("PEN-2", decided_on="2026-07-02"), key="b")
    deliver()
    first = json_body(apply(invoke, key="a"))["restoration_id"]
    clock.advance(timedelta(seconds=1))
    second = json_body(apply(invoke, key="b", event_ids=["PEN-2"]))["restoration_id"]
    page = invoke("restorations", api_event("restorations/list_restorations", claims=OWN,
                                            query={"uscc": USCC, "limit": "1"}))
    assert page["statusCode"] == 200, page["body"]
    body = json_body(page)
    assert [i["restoration_id"] for i in body["items"]] == [second]
    rest = invoke("restorations", api_event("restorations/list_restorations", claims=OWN,
                                            query={"uscc": USCC, "next_token": body["next_token"]}))
    assert [i["restoration_id"] for i in json_body(rest)["items"]] == [first]
    foreign = invoke("restorations", api_event("restorations/list_restorations", claims=FOREIGN,
                                               query={"uscc": USCC}))
    assert foreign["statusCode"] == 403


@pytest.mark.parametrize(
    ("changes", "status", "loc"),
    [
        ({"event_ids": ["PEN-1", "NOPE"]}, 422, ["body", "event_ids", 1]),
        ({"event_ids": None}, 422, ["body"]),
        ({"documents": [{"type": "TAX_RECEIPT", "reference": "x"}]}, 422, ["body", "documents", 0, "type"]),
        ({"kind": "TIER"}, 422, ["body"]),
        ({"uscc": OTHER_USCC}, 403, None),
    ],
)
def test_bad_applications_are_problems_and_store_nothing(invoke: Any, deliver: Any, aws: Any,
                                                         changes: dict[str, Any], status: int,
                                                         loc: list[Any] | None) -> None:
    discredited_by_pen_1(invoke, deliver)
    before = len(scan_main(aws))
    response = apply(invoke, **changes)
    assert response["statusCode"] == status, response["body"]
    assert header_of(response, "Content-Type") == "application/problem+json"
    if loc is not None:
        assert any(e["loc"][:len(loc)] == loc for e in json_body(response)["errors"]), response["body"]
    assert len(scan_main(aws)) == before


def test_an_event_of_another_enterprise_is_named_and_422(invoke: Any, deliver: Any, aws: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    register(invoke, {**REGISTRATION, "uscc": OTHER_USCC}, key="k-other")
    post_events(invoke, penalty("THEIRS", uscc=OTHER_USCC), key="other")
    deliver()
    before = len(scan_main(aws))
    response = apply(invoke, event_ids=["THEIRS"])
    assert response["statusCode"] == 422
    assert "THEIRS" in json_body(response)["detail"]
    assert len(scan_main(aws)) == before


def test_another_enterprise_cannot_read_an_application(invoke: Any, deliver: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    restoration_id = json_body(apply(invoke))["restoration_id"]
    assert read(invoke, restoration_id, claims=FOREIGN)["statusCode"] == 403
    assert read(invoke, restoration_id, claims=OFFICER)["statusCode"] == 200
    assert read(invoke, "RST-nope", claims=OFFICER)["statusCode"] == 404


def test_a_second_open_tier_application_is_409(invoke: Any, deliver: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    body = {"uscc": USCC, "kind": "TIER", "documents": DOCUMENTS}
    assert apply(invoke, body)["statusCode"] == 201
    assert apply(invoke, body, key="k-2")["statusCode"] == 409


def test_an_application_without_idempotency_key_is_400_and_stores_nothing(invoke: Any, deliver: Any,
                                                                          aws: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    before = len(scan_main(aws))
    response = invoke("restorations", api_event("restorations/post_restoration", claims=OWN,
                                                headers={"Idempotency-Key": None}))
    assert response["statusCode"] == 400
    assert len(scan_main(aws)) == before


def test_the_same_request_with_the_same_key_replays_the_201(invoke: Any, deliver: Any) -> None:
    discredited_by_pen_1(invoke, deliver)
    first, second = apply(invoke, key="same"), apply(invoke, key="same")
    assert (first["statusCode"], second["statusCode"]) == (201, 201)
    assert json_body(first) == json_body(second)
    assert header_of(second, "Idempotent-Replayed") == "true"
