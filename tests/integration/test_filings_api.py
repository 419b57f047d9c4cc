"""Declaration volumes, personnel (Art 46) and annual reports (Art 11) through the ingestion handler."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import scan_main
from tests.integration.test_registry_api import OTHER_USCC, USCC, register
from tests.support.apigw import api_event, json_body

ENTERPRISE = {"client_id": "erp", "scope": "credit/enterprise", "uscc": USCC}


@pytest.fixture(autouse=True)
def _bus(bus: Any) -> None:
    """A recorded volume re-triggers evaluation on the `credit` bus."""


def post(invoke: Any, name: str, body: Any = ..., key: str = "k", uscc: str = USCC,
         claims: Any = ...) -> dict[str, Any]:
    return invoke("ingestion", api_event(f"ingestion/{name}", body=body, headers={"Idempotency-Key": key},
                                         path_params={"uscc": uscc}, claims=claims))


def test_a_declaration_volume_is_recorded_once(invoke: Any) -> None:
    register(invoke)
    first = post(invoke, "post_declaration_volume", key="a")
    assert first["statusCode"] == 201, first["body"]
    assert json_body(first) | {"recorded_at": None} == {
        "uscc": USCC, "year": 2025, "business_line": "OWN_ACCOUNT", "documents": 12000, "recorded_at": None}
    # Same natural key and body under another Idempotency-Key replays
    assert post(invoke, "post_declaration_volume", key="b")["statusCode"] == 201
    # Another figure for the same year and line is a conflict carrying the stored figure
    conflict = post(invoke, "post_declaration_volume", key="c",
                    body={"year": 2025, "business_line": "OWN_ACCOUNT", "documents": 1})
    assert conflict["statusCode"] == 409
    assert json_body(conflict)["current"]["documents"] == 12000


def test_volumes_of_two_lines_are_kept_apart(invoke: Any, aws: Any) -> None:
    register(invoke)
    post(invoke, "post_declaration_volume", key="a")
    second = post(invoke, "post_declaration_volume", key="b",
                  body={"year": 2025, "business_line": "BROKERAGE", "documents": 800})
    assert second["statusCode"] == 201
    assert len([i for i in scan_main(aws) if i["sk"]["S"].startswith("VOL#")]) == 2


def test_volume_for_an_unregistered_enterprise_is_422_on_the_path(invoke: Any, aws: Any) -> None:
    response = post(invoke, "post_declaration_volume", uscc=OTHER_USCC)
    assert response["statusCode"] == 422
    assert json_body(response)["errors"][0]["loc"] == ["path", "uscc"]
    assert scan_main(aws) == []


@pytest.mark.parametrize("body", [
    {"year": 2025, "business_line": "OWN_ACCOUNT", "documents": -1},
    {"year": 1999, "business_line": "OWN_ACCOUNT", "documents": 1},
    {"year": 2025, "business_line": "RETAIL", "documents": 1},
    {"year": 2025, "business_line": "OWN_ACCOUNT", "documents": 1, "note": "x"},
])
def test_bad_volume_is_422(invoke: Any, body: dict[str, Any]) -> None:
    register(invoke)
    assert post(invoke, "post_declaration_volume", body=body)["statusCode"] == 422


def test_a_declarant_is_recorded_as_related_personnel(invoke: Any) -> None:
    register(invoke)
    response = post(invoke, "post_person")
    assert response["statusCode"] == 201
    assert json_body(response)["role"] == "DECLARANT"


def test_person_needs_the_registry_scope(invoke: Any) -> None:
    register(invoke)
    assert post(invoke, "post_person", claims=ENTERPRISE)["statusCode"] == 403


def test_a_late_annual_report_is_accepted_and_marked_late(invoke: Any) -> None:
    # Given the 2025 window closed on 2026-06-30 and today is 2026-11-20
    register(invoke)
    response = post(invoke, "post_annual_report")
    assert response["statusCode"] == 201, response["body"]
    body = json_body(response)
    assert (body["year"], body["late"], body["window_closes"]) == (2025, True, "2026-06-30")


def test_a_report_before_its_window_opens_is_422(invoke: Any) -> None:
    register(invoke)
    response = post(invoke, "post_annual_report", body={"year": 2026})
    assert response["statusCode"] == 422
    assert json_body(response)["errors"][0]["loc"] == ["body", "year"]


def test_a_second_report_for_the_year_with_another_body_is_409(invoke: Any) -> None:
    register(invoke)
    post(invoke, "post_annual_report", key="a")
    again = post(invoke, "post_annual_report", key="b", body={"year": 2025, "contact": "other@example.cn"})
    assert again["statusCode"] == 409


def test_an_enterprise_files_only_its_own_report(invoke: Any) -> None:
    register(invoke)
    response = post(invoke, "post_annual_report", claims={**ENTERPRISE, "uscc": OTHER_USCC})
    assert response["statusCode"] == 403
