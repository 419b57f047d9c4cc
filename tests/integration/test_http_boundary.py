"""The HTTP boundary, route by route: what a request must look like before any domain code runs
(media type, encoding, strict JSON types, one rule for dates and one for instants), and how answers
are encoded (UTF-8, problem documents)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from shared.api.contract import ROUTES
from shared.domain.time_parsing import CALENDAR_DATE_REQUIRED, INSTANT_REQUIRED
from tests.integration.conftest import scan_main
from tests.integration.test_credit_events_api import penalty, post_events
from tests.integration.test_registry_api import REGISTRATION, USCC, register
from tests.support.apigw import api_event, content_type, json_body

ALL_SCOPES = {"client_id": "boundary", "scope": "credit/registry credit/events credit/enterprise credit/officer",
              "uscc": USCC}
JSON_BODY_ROUTES = [r for r in ROUTES if r.method == "POST"]
PROBLEM_JSON = "application/problem+json"


def post(invoke: Any, path: str, body: Any, *, content_type_header: str | None = "application/json",
         base64_encoded: bool = False, key: str = "boundary-1") -> dict[str, Any]:
    """POST `body` (a dict is JSON-encoded; bytes are sent base64-encoded, as the gateway passes them
    when they are not UTF-8) to the route whose resource is `path`."""
    route = next(r for r in JSON_BODY_ROUTES if r.path == path)
    if isinstance(body, bytes):
        raw: Any = base64.b64encode(body).decode()
    else:
        raw = json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body
    event = api_event("registry/post_enterprise", body=raw, claims=ALL_SCOPES,
                      headers={"Idempotency-Key": key, "Content-Type": content_type_header})
    event.update(resource=route.path, httpMethod="POST", path=route.path.replace("{uscc}", USCC),
                 pathParameters={"uscc": USCC} if "{uscc}" in route.path else None,
                 isBase64Encoded=base64_encoded)
    return invoke(route.function, event)  # type: ignore[no-any-return]


def get_credit(invoke: Any, as_of: str) -> dict[str, Any]:
    return invoke("credit_views",  # type: ignore[no-any-return]
                  api_event("credit_views/get_credit", path_params={"uscc": USCC}, query={"as_of": as_of}))


def messages(response: dict[str, Any], loc: list[Any]) -> list[str]:
    return [e["msg"] for e in json_body(response)["errors"] if e["loc"] == loc]


# --- media type and encoding -------------------------------------------------------------------


def test_a_body_that_is_not_utf8_is_a_400_problem_and_stores_nothing(invoke: Any, aws: Any) -> None:
    # Given a POST whose body is the single byte 0xff, declared as JSON
    # When it reaches the registry (the gateway passes bytes that are not UTF-8 base64-encoded)
    response = post(invoke, "/v1/enterprises", b"\xff", base64_encoded=True)
    # Then it is a 400 problem document that says what is wrong, and nothing is stored
    assert response["statusCode"] == 400, response["body"]
    assert content_type(response) == PROBLEM_JSON
    assert "not UTF-8" in json_body(response)["detail"]
    assert scan_main(aws) == []


@pytest.mark.parametrize("route", JSON_BODY_ROUTES, ids=lambda r: r.path)
@pytest.mark.parametrize("media_type", ["multipart/form-data", "text/plain",
                                        "application/x-www-form-urlencoded", "application/xml"])
def test_a_body_that_is_not_declared_json_is_415_naming_the_header(invoke: Any, aws: Any, route: Any,
                                                                    media_type: str) -> None:
    # Given a body that is valid JSON, sent with another media type (curl -d sends a form)
    # When it is posted to a route that takes a JSON body
    response = post(invoke, route.path, REGISTRATION, content_type_header=media_type)
    # Then the answer is a 415 problem document telling which header to send, and nothing is stored
    assert response["statusCode"] == 415, response["body"]
    assert content_type(response) == PROBLEM_JSON
    problem = json_body(response)
    assert problem["status"] == 415
    assert "Content-Type: application/json" in problem["detail"]
    assert problem["errors"][0]["loc"] == ["header", "Content-Type"]
    assert scan_main(aws) == []


def test_json_declared_in_another_charset_is_415(invoke: Any, aws: Any) -> None:
    response = post(invoke, "/v1/enterprises", REGISTRATION, content_type_header="application/json; charset=latin-1")
    assert response["statusCode"] == 415, response["body"]
    assert "utf-8" in json_body(response)["detail"]
    assert scan_main(aws) == []


@pytest.mark.parametrize("header", ["application/json; charset=UTF-8", "Application/JSON", None])
def test_json_with_a_utf8_charset_or_no_content_type_is_read_as_json(invoke: Any, header: str | None) -> None:
    # The documented choice: an undeclared body is examined as JSON (RFC 9110 8.3); a declared one must be JSON
    response = post(invoke, "/v1/enterprises", REGISTRATION, content_type_header=header)
    assert response["statusCode"] == 201, response["body"]


def test_an_undeclared_body_that_is_not_json_is_400(invoke: Any, aws: Any) -> None:
    response = post(invoke, "/v1/enterprises", "uscc=91110000600037341L", content_type_header=None)
    assert response["statusCode"] == 400, response["body"]
    assert content_type(response) == PROBLEM_JSON
    assert scan_main(aws) == []


# --- strict JSON types -------------------------------------------------------------------------


@pytest.mark.parametrize("documents", [True, "12", 12.0])
def test_declaration_documents_must_be_a_json_integer(invoke: Any, aws: Any, documents: Any) -> None:
    # Given a registered enterprise
    register(invoke)
    stored = len(scan_main(aws))
    # When its volume is posted with `documents` that is not a JSON integer
    body = {"year": 2025, "business_line": "OWN_ACCOUNT", "documents": documents}
    response = post(invoke, "/v1/enterprises/{uscc}/declaration-volumes", body)
    # Then it is 422 on that field, and nothing is stored
    assert response["statusCode"] == 422, response["body"]
    assert ["body", "documents"] in [e["loc"] for e in json_body(response)["errors"]]
    assert len(scan_main(aws)) == stored


def test_an_epoch_as_of_in_the_query_is_422(invoke: Any) -> None:
    register(invoke)
    response = get_credit(invoke, "1780000000")
    assert response["statusCode"] == 422, response["body"]
    assert messages(response, ["query", "as_of"]) == [INSTANT_REQUIRED]


def test_an_epoch_as_of_in_a_simulation_is_422(invoke: Any) -> None:
    register(invoke)
    response = post(invoke, "/v1/enterprises/{uscc}/simulations", {"as_of": 0})
    assert response["statusCode"] == 422, response["body"]
    assert messages(response, ["body", "as_of"]) == [INSTANT_REQUIRED]


# --- one rule for calendar dates, one for instants ---------------------------------------------


def test_a_datetime_is_refused_for_every_calendar_date_with_the_same_message(invoke: Any, aws: Any) -> None:
    # Given the same midnight-UTC date-time in the two calendar-date fields of the API
    registration = REGISTRATION | {"registered_on": "2020-01-01T00:00:00Z"}
    # When it is sent as `registered_on` and as `decided_on`
    registered = post(invoke, "/v1/enterprises", registration)
    register(invoke)
    reported = post_events(invoke, penalty(decided_on="2020-01-01T00:00:00Z"))
    # Then both are refused with one message that says what to send
    assert registered["statusCode"] == reported["statusCode"] == 422
    assert messages(registered, ["body", "registered_on"]) == [CALENDAR_DATE_REQUIRED]
    assert messages(reported, ["body", "events", 0, "decided_on"]) == [CALENDAR_DATE_REQUIRED]
    assert "YYYY-MM-DD" in CALENDAR_DATE_REQUIRED


@pytest.mark.parametrize("registered_on", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_calendar_date_outside_the_accepted_years_is_422_and_stores_nothing(invoke: Any, aws: Any,
                                                                             registered_on: str) -> None:
    # 0001-01-01 used to be stored and then fail (500) turning 00:00 CST of that day into UTC
    response = post(invoke, "/v1/enterprises", REGISTRATION | {"registered_on": registered_on})
    assert response["statusCode"] == 422, response["body"]
    [message] = messages(response, ["body", "registered_on"])
    assert "1900-2199" in message
    assert scan_main(aws) == []


@pytest.mark.parametrize("as_of", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-08:00"])
def test_an_instant_outside_the_accepted_years_is_422(invoke: Any, as_of: str) -> None:
    register(invoke)
    response = get_credit(invoke, as_of)
    assert response["statusCode"] == 422, response["body"]
    [message] = messages(response, ["query", "as_of"])
    assert "1900-2199" in message
    # the first accepted instant passes the type; it is before the enterprise was under management
    assert get_credit(invoke, "1900-01-01T00:00:00+08:00")["statusCode"] == 404


def test_an_unencoded_plus_in_as_of_gets_a_hint_to_encode_it(invoke: Any) -> None:
    register(invoke)
    # `?as_of=2026-11-20T10:00:00+08:00` unencoded: the `+` arrives as a space
    response = get_credit(invoke, "2026-11-20T10:00:00 08:00")
    assert response["statusCode"] == 422, response["body"]
    [message] = messages(response, ["query", "as_of"])
    assert "%2B" in message
    assert "Z" in message
    # and the encoded form is answered
    assert get_credit(invoke, "2026-11-20T10:00:00+08:00")["statusCode"] == 200


def test_a_date_only_as_of_is_refused_with_the_instant_to_send(invoke: Any) -> None:
    register(invoke)
    response = get_credit(invoke, "2026-11-01")
    assert response["statusCode"] == 422, response["body"]
    [message] = messages(response, ["query", "as_of"])
    assert "2026-11-01T00:00:00+08:00" in message
    assert "valid datetime or date" not in message  # pydantic's own message would contradict ours


# --- UTF-8 answers -----------------------------------------------------------------------------


def test_chinese_text_is_answered_as_utf8_not_escaped(invoke: Any) -> None:
    # Given an enterprise registered under its Chinese name
    name = "沪东中华造船（集团）有限公司"
    registered = post(invoke, "/v1/enterprises", REGISTRATION | {"name": name})
    assert registered["statusCode"] == 201, registered["body"]
    # When it is read back
    read = invoke("registry", api_event("registry/get_enterprise", path_params={"uscc": USCC},
                                        claims={"client_id": "o", "scope": "credit/officer"}))
    # Then the body carries the name's UTF-8 bytes, not \\u escapes, declared as UTF-8 JSON
    for response in (registered, read):
        assert name.encode("utf-8") in response["body"].encode("utf-8")
        assert "\\u" not in response["body"]
        assert content_type(response) == "application/json; charset=utf-8"


def test_problem_documents_carry_chinese_text_as_utf8(invoke: Any) -> None:
    # Given an enterprise registered under a Chinese name
    register(invoke, body=REGISTRATION | {"name": "沪东中华"}, key="first")
    # When another body is registered for the same uscc, the 409 problem carries the current record
    response = register(invoke, body=REGISTRATION | {"name": "江南造船"}, key="second")
    assert response["statusCode"] == 409, response["body"]
    assert content_type(response) == PROBLEM_JSON
    assert "沪东中华" in response["body"]
    assert "\\u" not in response["body"]
