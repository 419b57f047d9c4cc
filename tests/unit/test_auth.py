"""Claims → principal and the route authorization rule."""

from __future__ import annotations

from typing import Any

import pytest

from shared.api.auth import authorize, principal_from_claims
from shared.api.contract import ROUTES, find_route
from shared.domain.errors import Forbidden, Unauthorized

OWN = find_route("GET", "/v1/enterprises/{uscc}")
REGISTER = find_route("POST", "/v1/enterprises")
PUBLIC = find_route("GET", "/v1/enterprises/{uscc}/credit")
USCC = "91110000600037341L"


def event(claims: dict[str, str] | None, uscc: str = USCC) -> dict[str, Any]:
    context: dict[str, Any] = {"authorizer": {"claims": claims}} if claims else {}
    return {"requestContext": context, "pathParameters": {"uscc": uscc}}


def test_scopes_are_read_from_the_space_separated_claim() -> None:
    principal = principal_from_claims({"scope": "credit/officer credit/events", "client_id": "c"})
    assert principal.scopes == {"credit/officer", "credit/events"}
    assert principal.is_officer


def test_protected_route_without_claims_is_unauthorized() -> None:
    assert REGISTER is not None
    with pytest.raises(Unauthorized):
        authorize(REGISTER, event(None))


def test_wrong_scope_is_forbidden() -> None:
    assert REGISTER is not None
    with pytest.raises(Forbidden):
        authorize(REGISTER, event({"scope": "credit/enterprise", "uscc": USCC, "client_id": "e"}))


def test_enterprise_token_reaches_only_its_own_enterprise() -> None:
    assert OWN is not None
    own = {"scope": "credit/enterprise", "uscc": USCC, "client_id": "e"}
    assert authorize(OWN, event(own)).uscc == USCC
    with pytest.raises(Forbidden):
        authorize(OWN, event(own, uscc="91310115MA1K4ABC18"))
    with pytest.raises(Forbidden):  # an enterprise token without a uscc claim reaches nobody
        authorize(OWN, event({"scope": "credit/enterprise", "client_id": "e"}))


def test_officer_reaches_every_enterprise() -> None:
    assert OWN is not None
    authorize(OWN, event({"scope": "credit/officer", "client_id": "o"}, uscc="91310115MA1K4ABC18"))


def test_public_route_admits_anonymous_callers() -> None:
    assert PUBLIC is not None
    assert authorize(PUBLIC, event(None)).client_id == "anonymous"


def test_every_protected_route_names_known_scopes_and_own_routes_admit_enterprises() -> None:
    from shared.api.contract import ALL_SCOPES, SCOPE_ENTERPRISE

    for route in ROUTES:
        assert set(route.scopes) <= set(ALL_SCOPES), route
        if route.own:
            assert SCOPE_ENTERPRISE in route.scopes, route
