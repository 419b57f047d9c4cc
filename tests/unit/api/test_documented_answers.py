"""The committed OpenAPI document describes every status and media type the handlers answer
(`test_openapi_document` keeps it equal to the generator)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts.openapi import DOCUMENT

SPEC = json.loads(DOCUMENT.read_text())
OPERATIONS = [(method.upper(), path, operation) for path, methods in SPEC["paths"].items()
              for method, operation in methods.items()]


def _id(operation: tuple[str, str, Any]) -> str:
    return f"{operation[0]} {operation[1]}"


@pytest.mark.parametrize("operation", OPERATIONS, ids=_id)
def test_every_error_is_documented_as_a_problem_document(operation: tuple[str, str, Any]) -> None:
    _, _, spec = operation
    for status, response in spec["responses"].items():
        if int(status) >= 400:
            assert list(response["content"]) == ["application/problem+json"], status


@pytest.mark.parametrize("operation", [o for o in OPERATIONS if o[0] == "POST"], ids=_id)
def test_every_json_body_route_documents_400_and_415(operation: tuple[str, str, Any]) -> None:
    assert {"400", "415"} <= set(operation[2]["responses"])


@pytest.mark.parametrize("operation", [o for o in OPERATIONS if "{" in o[1]], ids=_id)
def test_every_route_with_a_path_parameter_documents_404(operation: tuple[str, str, Any]) -> None:
    assert "404" in operation[2]["responses"]


def test_the_description_says_what_to_send_as_content_type_and_how_dates_are_written() -> None:
    description = SPEC["info"]["description"]
    assert "Content-Type: application/json" in description
    assert "without any `Content-Type` is read as JSON" in description
    assert "YYYY-MM-DD" in description
    assert "%2B" in description
