"""A 401 or 403 from the handlers' own check says what was wrong and what to send, never the token."""

from __future__ import annotations

from typing import Any

import pytest

from shared.api.auth import authorize
from shared.api.contract import find_route
from shared.domain.errors import DomainError, Forbidden, Unauthorized

USCC = "91110000600037341L"
REGISTER = find_route("POST", "/v1/enterprises")
OWN = find_route("GET", "/v1/enterprises/{uscc}")
SECRET = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2lnbmF0dXJl"


def event(authorization: str | None = None, claims: dict[str, str] | None = None) -> dict[str, Any]:
    context: dict[str, Any] = {"authorizer": {"claims": claims}} if claims else {}
    headers = {"Authorization": authorization} if authorization is not None else {}
    return {"headers": headers, "requestContext": context, "pathParameters": {"uscc": USCC}}


def refusal(route: Any, request: dict[str, Any]) -> DomainError:
    assert route is not None
    with pytest.raises(DomainError) as raised:
        authorize(route, request)
    return raised.value


def test_no_token_says_which_header_to_send() -> None:
    error = refusal(REGISTER, event())
    assert isinstance(error, Unauthorized)
    assert error.detail.startswith("no bearer token")
    assert "Authorization: Bearer <access token>" in error.detail
    assert error.errors == [{"loc": ["header", "Authorization"], "msg": "missing"}]


@pytest.mark.parametrize("authorization", [SECRET, f"Basic {SECRET}", "Bearer "])
def test_a_header_that_is_not_a_bearer_token_is_named_malformed_without_echoing_it(authorization: str) -> None:
    error = refusal(REGISTER, event(authorization))
    assert isinstance(error, Unauthorized)
    assert "not a bearer token" in error.detail
    assert SECRET not in error.detail + str(error.errors)


def test_a_bearer_token_without_claims_is_unverified_and_not_echoed() -> None:
    error = refusal(REGISTER, event(f"Bearer {SECRET}"))
    assert isinstance(error, Unauthorized)
    assert "not verified" in error.detail
    assert SECRET not in error.detail + str(error.errors)


def test_an_id_token_is_refused_asking_for_an_access_token() -> None:
    claims = {"token_use": "id", "scope": "credit/registry", "client_id": "c"}
    error = refusal(REGISTER, event(f"Bearer {SECRET}", claims))
    assert isinstance(error, Unauthorized)
    assert "ID token" in error.detail
    assert "access token" in error.detail


def test_a_wrong_scope_names_the_scopes_needed_and_held() -> None:
    error = refusal(REGISTER, event("Bearer x", {"scope": "credit/events", "client_id": "c"}))
    assert isinstance(error, Forbidden)
    assert "credit/registry" in error.detail
    assert "this token has: credit/events" in error.detail


def test_an_enterprise_token_without_uscc_says_so() -> None:
    error = refusal(OWN, event("Bearer x", {"scope": "credit/enterprise", "client_id": "e"}))
    assert isinstance(error, Forbidden)
    assert "no uscc claim" in error.detail
