"""GET /v1/enterprises/{uscc}/credit: public, point in time."""

from __future__ import annotations

from typing import Any

from tests.integration.test_registry_api import USCC, register
from tests.support.apigw import api_event, json_body


def view(invoke: Any, query: dict[str, str] | None = None, uscc: str = USCC) -> dict[str, Any]:
    return invoke("credit_views", api_event("credit_views/get_credit", path_params={"uscc": uscc}, query=query))


def test_public_view_needs_no_token_and_shows_the_tier(invoke: Any) -> None:
    register(invoke)
    response = view(invoke)
    assert response["statusCode"] == 200
    body = json_body(response)
    assert (body["tier"], body["is_aeo"]) == ("REGULAR", False)
    assert body["as_of"] == "2026-11-20T02:00:00.000Z"


def test_future_as_of_is_422(invoke: Any) -> None:
    register(invoke)
    response = view(invoke, {"as_of": "2027-01-01T00:00:00+08:00"})
    assert response["statusCode"] == 422
    assert json_body(response)["errors"][0]["loc"] == ["query", "as_of"]


def test_as_of_before_management_is_404(invoke: Any) -> None:
    # Given an enterprise registered today (2026-11-20) with registered_on 2019-05-20
    register(invoke)
    # Then it was not under management before 2019-05-20 (CST) ...
    assert view(invoke, {"as_of": "2019-05-19T23:59:59+08:00"})["statusCode"] == 404
    # ... and was REGULAR from that day, although the system learnt of it only today
    first_day = view(invoke, {"as_of": "2019-05-20T00:00:00+08:00"})
    assert first_day["statusCode"] == 200, first_day["body"]
    body = json_body(first_day)
    assert (body["tier"], body["tier_since"], body["disclosures"]) == ("REGULAR", "2019-05-19T16:00:00.000Z", [])
    assert json_body(view(invoke, {"as_of": "2020-01-01T00:00:00+08:00"}))["tier"] == "REGULAR"


def test_unparseable_as_of_is_422(invoke: Any) -> None:
    register(invoke)
    response = view(invoke, {"as_of": "yesterday"})
    assert response["statusCode"] == 422
    assert ["query", "as_of"] in [e["loc"] for e in json_body(response)["errors"]]


def test_invalid_uscc_in_path_is_422(invoke: Any) -> None:
    response = view(invoke, uscc="91110000600037341A")
    assert response["statusCode"] == 422
