"""POST /v1/enterprises and GET /v1/enterprises/{uscc} through the registry handler under moto."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from shared.domain.clock import FixedClock
from tests.integration.conftest import scan_main
from tests.support.apigw import api_event, content_type, header_of, json_body

USCC = "91110000600037341L"
OTHER_USCC = "91310115MA1K4ABC18"
REGISTRATION = {
    "uscc": USCC,
    "name": "Beijing Example Trading Co., Ltd.",
    "customs_code": "1101234567",
    "registration_status": "REGISTERED",
    "business_types": ["CONSIGNOR_CONSIGNEE"],
    "registered_on": "2019-05-20",
}
REGISTRY_CLAIMS = {"client_id": "registry-client", "scope": "credit/registry"}


def register(invoke: Any, body: Any = REGISTRATION, key: str | None = "key-1",
             claims: Any = REGISTRY_CLAIMS) -> dict[str, Any]:
    return invoke("registry", api_event("registry/post_enterprise", body=body,
                                        headers={"Idempotency-Key": key}, claims=claims))


def read(invoke: Any, uscc: str = USCC, claims: Any = ...) -> dict[str, Any]:
    return invoke("registry", api_event("registry/get_enterprise", path_params={"uscc": uscc}, claims=claims))


def test_registration_creates_a_regular_enterprise(invoke: Any, aws: Any) -> None:
    # Given a valid registration
    # When the registration system posts it
    response = register(invoke)
    # Then it is created at tier REGULAR and stored once
    assert response["statusCode"] == 201, response["body"]
    body = json_body(response)
    assert body["uscc"] == USCC
    # REGULAR since 00:00 CST of registered_on (2019-05-20), as the credit view says before any decision
    assert body["credit"] == {"tier": "REGULAR", "is_aeo": False, "tier_since": "2019-05-19T16:00:00.000Z"}
    assert body["created_at"] == "2026-11-20T02:00:00.000Z"
    assert header_of(response, "Location") == f"/v1/enterprises/{USCC}"
    assert header_of(response, "x-correlation-id") == "corr-registry-post-1"
    assert len(scan_main(aws)) == 1


def test_same_key_same_body_replays_the_first_response(invoke: Any) -> None:
    first = register(invoke)
    # When the partner retries with the same key and body
    again = register(invoke)
    # Then it gets the first response again, marked as a replay
    assert again["statusCode"] == 201
    assert json_body(again) == json_body(first)
    assert header_of(again, "Idempotent-Replayed") == "true"


def test_same_key_other_body_is_409_and_changes_nothing(invoke: Any) -> None:
    register(invoke)
    # When the same key comes back with another body
    response = register(invoke, body={**REGISTRATION, "name": "Another Name Co."})
    # Then it is a conflict and the stored name is unchanged
    assert response["statusCode"] == 409
    assert content_type(response) == "application/problem+json"
    assert "Idempotency-Key" in json_body(response)["detail"]
    assert json_body(read(invoke))["name"] == REGISTRATION["name"]


def test_re_registering_with_the_same_body_under_a_new_key_replays(invoke: Any, aws: Any) -> None:
    first = register(invoke, key="key-a")
    # When the same enterprise is registered again under another key
    again = register(invoke, key="key-b")
    # Then the natural key (uscc) makes it a replay of the stored enterprise
    assert again["statusCode"] == 201
    assert json_body(again) == json_body(first)
    assert len(scan_main(aws)) == 1


def test_business_type_order_does_not_matter_for_the_natural_key(invoke: Any) -> None:
    register(invoke, body={**REGISTRATION, "business_types": ["CONSIGNOR_CONSIGNEE", "CUSTOMS_BROKER"]}, key="a")
    again = register(invoke, body={**REGISTRATION, "business_types": ["CUSTOMS_BROKER", "CONSIGNOR_CONSIGNEE"]},
                     key="b")
    assert again["statusCode"] == 201


def test_re_registering_with_another_body_is_409_with_the_current_record(invoke: Any) -> None:
    register(invoke, key="key-a")
    # When another registration body arrives for the same uscc
    response = register(invoke, body={**REGISTRATION, "name": "Renamed Co."}, key="key-b")
    # Then it is a conflict carrying the current record
    assert response["statusCode"] == 409
    problem = json_body(response)
    assert problem["status"] == 409
    assert problem["current"]["name"] == REGISTRATION["name"]


def test_malformed_json_is_400_and_stores_nothing(invoke: Any, aws: Any) -> None:
    response = register(invoke, body='{"uscc": ')
    assert response["statusCode"] == 400
    assert content_type(response) == "application/problem+json"
    assert scan_main(aws) == []


def test_missing_idempotency_key_is_400_and_stores_nothing(invoke: Any, aws: Any) -> None:
    response = register(invoke, key=None)
    assert response["statusCode"] == 400
    assert json_body(response)["errors"][0]["loc"] == ["header", "Idempotency-Key"]
    assert scan_main(aws) == []


def test_no_token_is_401(invoke: Any, aws: Any) -> None:
    response = register(invoke, claims=None)
    assert response["statusCode"] == 401
    assert content_type(response) == "application/problem+json"
    assert scan_main(aws) == []


def test_wrong_scope_is_403(invoke: Any, aws: Any) -> None:
    response = register(invoke, claims={"client_id": "tax", "scope": "credit/events"})
    assert response["statusCode"] == 403
    assert scan_main(aws) == []


@pytest.mark.parametrize(
    ("change", "loc"),
    [
        ({"uscc": "91110000600037341A"}, ["body", "uscc"]),  # wrong check character
        ({"uscc": "91110000600037341"}, ["body", "uscc"]),  # 17 characters
        ({"uscc": "91310115ma1k4abc18"}, ["body", "uscc"]),  # lower case
        ({"registration_status": "ACTIVE"}, ["body", "registration_status"]),
        ({"business_types": []}, ["body", "business_types"]),
        ({"customs_code": "12345"}, ["body", "customs_code"]),
        ({"registered_on": "2019-13-01"}, ["body", "registered_on"]),
        ({"registered_on": "2026-11-21"}, ["body", "registered_on"]),  # tomorrow (CST)
        ({"name": ""}, ["body", "name"]),
        ({"nickname": "Acme"}, ["body", "nickname"]),  # unknown field
    ],
)
def test_each_bad_field_is_named_in_a_422(invoke: Any, aws: Any, change: dict[str, Any], loc: list[str]) -> None:
    response = register(invoke, body={**REGISTRATION, **change})
    assert response["statusCode"] == 422, response["body"]
    problem = json_body(response)
    assert problem["type"].endswith("/validation-failed")
    assert loc in [e["loc"] for e in problem["errors"]]
    assert scan_main(aws) == []


def test_all_bad_fields_are_listed_together(invoke: Any) -> None:
    response = register(invoke, body={**REGISTRATION, "uscc": "X", "business_types": [], "extra": 1})
    locs = [e["loc"] for e in json_body(response)["errors"]]
    assert ["body", "uscc"] in locs
    assert ["body", "business_types"] in locs
    assert ["body", "extra"] in locs


def test_a_failed_request_does_not_burn_its_idempotency_key(invoke: Any) -> None:
    # Given a request that failed validation under key K
    register(invoke, body={**REGISTRATION, "business_types": []}, key="K")
    # When the corrected request is sent with the same key
    response = register(invoke, key="K")
    # Then it is processed, not rejected as a reused key
    assert response["statusCode"] == 201


def test_enterprise_reads_its_own_record(invoke: Any) -> None:
    register(invoke)
    response = read(invoke)
    assert response["statusCode"] == 200
    body = json_body(response)
    assert body["credit"]["tier"] == "REGULAR"
    # registered 2019; on 2026-11-20 the 2025 window has closed, so the next report is 2026's
    assert body["compliance_calendar"]["annual_report"] == {
        "year": 2026, "window_opens": "2027-01-01", "window_closes": "2027-06-30"}


def test_a_filed_report_is_no_longer_shown_as_due(invoke: Any, clock: FixedClock) -> None:
    # Given the enterprise registered in 2019 and, on 2027-03-01, its 2026 report due
    register(invoke)
    clock.advance(timedelta(days=101))
    due = json_body(read(invoke))["compliance_calendar"]["annual_report"]
    assert due == {"year": 2026, "window_opens": "2027-01-01", "window_closes": "2027-06-30"}
    # When it files the 2026 report
    filed = invoke("ingestion", api_event("ingestion/post_annual_report", body={"year": 2026},
                                          headers={"Idempotency-Key": "ar"}, path_params={"uscc": USCC}))
    assert filed["statusCode"] == 201, filed["body"]
    # Then the calendar names the 2027 report, not the filed one
    assert json_body(read(invoke))["compliance_calendar"]["annual_report"] == {
        "year": 2027, "window_opens": "2028-01-01", "window_closes": "2028-06-30"}


def test_enterprise_token_for_another_enterprise_is_403(invoke: Any) -> None:
    register(invoke)
    response = read(invoke, claims={"client_id": "other", "scope": "credit/enterprise", "uscc": OTHER_USCC})
    assert response["statusCode"] == 403
    assert "not" in json_body(response)["detail"]


def test_officer_reads_any_enterprise(invoke: Any) -> None:
    register(invoke)
    response = read(invoke, claims={"client_id": "officer", "scope": "credit/officer"})
    assert response["statusCode"] == 200


def test_unknown_enterprise_is_404(invoke: Any) -> None:
    response = read(invoke, uscc=OTHER_USCC, claims={"client_id": "officer", "scope": "credit/officer"})
    assert response["statusCode"] == 404
    assert content_type(response) == "application/problem+json"


def test_registration_costs_one_conditional_write_plus_idempotency(invoke: Any, requests: Any) -> None:
    # When a new enterprise is registered
    register(invoke)
    # Then the main table sees one PutItem; the rest is the idempotency record (save + complete)
    assert requests.calls == {"PutItem": 2, "UpdateItem": 1}


def test_a_read_costs_the_profile_and_one_query_of_the_filed_report_years(invoke: Any, requests: Any) -> None:
    register(invoke)
    requests.reset()
    read(invoke)
    # the profile (GetItem) and the annual reports already filed (Query on AR#, keys only)
    assert requests.calls == {"GetItem": 1, "Query": 1}
