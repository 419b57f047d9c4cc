"""The REST API read from a template: paths from the resource tree, scopes from the methods,
the stage, binary media types, gateway responses; and API Gateway's matching order."""

from __future__ import annotations

from pathlib import Path

import pytest

from local import api_model, assembly
from tests.integration.local_runtime.conftest import FIXTURE_ASSEMBLY

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def fixture_model() -> api_model.RestApiModel:
    cloud = assembly.load(FIXTURE_ASSEMBLY)
    model = api_model.build(cloud, {"Worker": "worker-fn", "Api": "abc123"})
    assert model is not None
    return model


def test_methods_come_from_the_resource_tree(fixture_model: api_model.RestApiModel) -> None:
    # Given the fixture template
    # When reading its REST API
    methods = {(m.http_method, m.resource_path): m for m in fixture_model.methods}
    # Then every method has its full path, authorization and function
    assert set(methods) == {("GET", "/v1/items/{id}"), ("POST", "/v1/items"), ("GET", "/v1/items/mine"),
                            ("ANY", "/v1/public/{proxy+}")}
    assert methods[("GET", "/v1/items/{id}")].scopes == ("fixture/read", "fixture/admin")
    assert methods[("GET", "/v1/items/{id}")].needs_token
    assert not methods[("ANY", "/v1/public/{proxy+}")].needs_token
    assert {m.function_name for m in methods.values()} == {"worker-fn"}
    assert fixture_model.stage == "fixture"
    assert fixture_model.binary_media_types == ("application/octet-stream",)
    assert fixture_model.api_id == "abc123"


@pytest.mark.parametrize(("method", "path", "resource", "params"), [
    ("GET", "/v1/items/mine", "/v1/items/mine", {}),
    ("GET", "/v1/items/42", "/v1/items/{id}", {"id": "42"}),
    ("DELETE", "/v1/public/x/y", "/v1/public/{proxy+}", {"proxy": "x/y"}),
    ("GET", "/v1/items/42/", "/v1/items/{id}", {"id": "42"}),
])
def test_matching_prefers_literals_then_parameters_then_greedy(
        fixture_model: api_model.RestApiModel, method: str, path: str, resource: str, params: dict[str, str]) -> None:
    # Given the fixture routes
    # When matching a request
    match = fixture_model.match(method, path)
    # Then API Gateway's precedence picks the resource
    assert match.method is not None
    assert match.method.resource_path == resource
    assert match.path_parameters == params


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/items"), ("PUT", "/v1/items/1"), ("GET", "/v2/x"),
                                              ("GET", "/v1/public")])
def test_unmatched_requests(fixture_model: api_model.RestApiModel, method: str, path: str) -> None:
    # Given a method not defined on a resource, or no resource
    # When matching
    # Then nothing matches (the gateway answers MISSING_AUTHENTICATION_TOKEN)
    assert fixture_model.match(method, path).method is None


def test_product_template_routes_and_problem_gateway_responses() -> None:
    # Given the synthesized product template (make synth)
    cdk_out = REPO / "cdk.out"
    if not (cdk_out / "manifest.json").exists():
        pytest.skip("cdk.out is not synthesized")
    cloud = assembly.load(cdk_out)
    # When reading its REST API
    model = api_model.build(cloud, {})
    assert model is not None
    # Then every route of the contract is there, each protected one behind the token authorizer
    # (whose policy carries the contract's scopes: tests/unit/test_token_authorizer.py, tests/infra/test_api.py)
    from shared.api.contract import ROUTES

    methods = {(m.http_method, m.resource_path): m for m in model.methods}
    for route in ROUTES:
        method = methods[(route.method, route.path)]
        assert method.needs_token == (not route.public)
        assert (method.authorizer is not None) == (not route.public)
        if method.authorizer is not None:
            assert method.authorizer.authorizer_type == "TOKEN"
            assert method.authorizer.identity_header == "Authorization"
    # And the gateway's own errors are RFC 9457 problems with the correlation header
    unauthorized = model.gateway_responses["UNAUTHORIZED"]
    assert unauthorized.status_code == 401
    assert "$context.error.messageString" in unauthorized.templates["application/json"]
    assert unauthorized.headers["x-correlation-id"] == "method.request.header.x-correlation-id"


def test_only_layer_assets_get_a_placeholder() -> None:
    # Given the product template (a layer asset and one asset per function)
    cdk_out = REPO / "cdk.out"
    if not (cdk_out / "manifest.json").exists():
        pytest.skip("cdk.out is not synthesized")
    from local.deploy import _layer_only_keys

    cloud = assembly.load(cdk_out)
    # When choosing which uploads to replace
    layer_keys = _layer_only_keys(cloud)
    # Then exactly the layer's content is replaced, never a function's code
    layers = {r["Properties"]["Content"]["S3Key"] for r in cloud.resources_of("AWS::Lambda::LayerVersion").values()}
    functions = {r["Properties"]["Code"]["S3Key"] for r in cloud.resources_of("AWS::Lambda::Function").values()}
    assert layer_keys == layers
    assert not layer_keys & functions
