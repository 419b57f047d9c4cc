"""Bodies found by the contract fuzz (tests/contract) that once escaped the boundary as a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import scan_main
from tests.integration.test_http_boundary import JSON_BODY_ROUTES, PROBLEM_JSON, post
from tests.support.apigw import content_type, json_body

DEPTH = 5_000
NESTED = {"array": "[" * DEPTH + "]" * DEPTH, "object": '{"a":' * DEPTH + "1" + "}" * DEPTH}


@pytest.mark.parametrize("route", JSON_BODY_ROUTES, ids=lambda r: r.path)
@pytest.mark.parametrize("shape", sorted(NESTED))
def test_json_nested_deeper_than_the_decoder_can_follow_is_a_400_problem(invoke: Any, aws: Any, route: Any,
                                                                         shape: str) -> None:
    # Given JSON nested 5,000 deep (Python's decoder gives up at about 1,000 with a RecursionError)
    # When it is posted to a route that takes a JSON body
    response = post(invoke, route.path, NESTED[shape])
    # Then the answer is a 400 problem document on the body, and nothing is stored
    assert response["statusCode"] == 400, response["body"]
    assert content_type(response) == PROBLEM_JSON
    assert json_body(response)["errors"] == [{"loc": ["body"], "msg": "nested too deeply"}]
    assert scan_main(aws) == []


def test_json_nested_a_few_levels_is_read() -> None:
    from shared.api.entrypoint import _nested_too_deeply

    assert not _nested_too_deeply('{"events": [{"a": [[[1]]]}]}' * 20, base64_encoded=False)
    assert _nested_too_deeply(NESTED["array"], base64_encoded=False)
