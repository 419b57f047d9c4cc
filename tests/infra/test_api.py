"""The REST API is `contract.ROUTES`, method for method: the token authorizer and scopes, integrations,
stage settings (access logs, X-Ray, throttling), RFC 9457 gateway responses."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra import outputs
from infra.constructs.api import ACCESS_LOG_FIELDS, STAGE_NAME
from shared.api.contract import ALL_SCOPES, ROUTES, Route
from shared.api.problems import PROBLEM_JSON
from shared.identity.policy import policy_allows, policy_document
from shared.identity.verification import Identity
from tests.infra.conftest import Synthesized
from tests.infra.support import logical_id_of_output


def resource_paths(synthesized: Synthesized) -> dict[str, str]:
    """Logical id of each API resource (and of the root) → its full path."""
    resources = synthesized.resources("AWS::ApiGateway::Resource")
    rest_api_id = logical_id_of_output(synthesized.raw, outputs.REST_API_ID)
    paths: dict[str, str] = {}

    def path_of(logical_id: str) -> str:
        if logical_id not in paths:
            props = resources[logical_id]["Properties"]
            parent = props["ParentId"]
            prefix = "" if "Fn::GetAtt" in parent and parent["Fn::GetAtt"][0] == rest_api_id else path_of(parent["Ref"])
            paths[logical_id] = f"{prefix}/{props['PathPart']}"
        return paths[logical_id]

    for logical_id in resources:
        path_of(logical_id)
    return paths


def methods_by_route(synthesized: Synthesized) -> dict[tuple[str, str], dict[str, Any]]:
    paths = resource_paths(synthesized)
    return {(m["Properties"]["HttpMethod"], paths[m["Properties"]["ResourceId"]["Ref"]]): m["Properties"]
            for m in synthesized.resources("AWS::ApiGateway::Method").values()}


def test_one_method_per_route(synthesized: Synthesized) -> None:
    # Given the contract's route table / When listing the API's methods
    methods = methods_by_route(synthesized)
    # Then they are exactly the routes, nothing more (no CORS preflights, no proxy catch-all)
    assert len(synthesized.resources("AWS::ApiGateway::Method")) == len(ROUTES)
    assert set(methods) == {(r.method, r.path) for r in ROUTES}


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.public], ids=lambda r: f"{r.method} {r.path}")
def test_protected_method_has_the_authorizer_and_exactly_its_scopes(synthesized: Synthesized, route: Route) -> None:
    # Given a protected route / When reading its method
    method = methods_by_route(synthesized)[(route.method, route.path)]
    (authorizer_id,) = synthesized.resources("AWS::ApiGateway::Authorizer")
    # Then the one token authorizer guards it
    assert method["AuthorizationType"] == "CUSTOM"
    assert method["AuthorizerId"] == {"Ref": authorizer_id}
    # And exactly the contract's scopes open it: the authorizer's policy for a token holding one of
    # them allows this method's ARN, for a token holding every other scope it does not
    concrete = route.path.replace("{", "x").replace("}", "")
    arn = f"arn:aws:execute-api:us-east-1:123456789012:abc/api/{route.method}{concrete}"
    for scope in route.scopes:
        assert policy_allows(policy_document(identity_with((scope,)), arn), arn)
    others = tuple(s for s in ALL_SCOPES if s not in route.scopes)
    assert not policy_allows(policy_document(identity_with(others), arn), arn)


def identity_with(scopes: tuple[str, ...]) -> Identity:
    return Identity(issuer="https://issuer.example", client_id="c", scopes=scopes, uscc=None, expires_at=0)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.public], ids=lambda r: f"{r.method} {r.path}")
def test_public_method_says_so_explicitly(synthesized: Synthesized, route: Route) -> None:
    # Given a public route / When reading its method
    method = methods_by_route(synthesized)[(route.method, route.path)]
    # Then it has no authorizer and no scopes
    assert method["AuthorizationType"] == "NONE"
    assert "AuthorizerId" not in method
    assert "AuthorizationScopes" not in method


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_method_proxies_to_the_routes_function(synthesized: Synthesized, route: Route) -> None:
    # Given a route / When reading its integration
    integration = methods_by_route(synthesized)[(route.method, route.path)]["Integration"]
    function_id = logical_id_of_output(synthesized.raw, outputs.function_output(route.function))
    # Then it is a Lambda proxy integration to the function the contract names
    assert integration["Type"] == "AWS_PROXY"
    assert integration["IntegrationHttpMethod"] == "POST"
    assert f'"{function_id}"' in json.dumps(integration["Uri"])


def test_authorizer_is_the_token_function_trusting_the_user_pool(synthesized: Synthesized) -> None:
    # Given the authorizer / When reading its function and that function's issuers
    (authorizer,) = synthesized.resources("AWS::ApiGateway::Authorizer").values()
    pool_id = logical_id_of_output(synthesized.raw, outputs.USER_POOL_ID)
    function_id = logical_id_of_output(synthesized.raw, outputs.function_output("authorizer"))
    issuers = synthesized.raw["Resources"][function_id]["Properties"]["Environment"]["Variables"]["TOKEN_ISSUERS"]
    # Then it is a cached TOKEN authorizer reading the Authorization header, run by the authorizer function
    assert authorizer["Properties"]["Type"] == "TOKEN"
    assert authorizer["Properties"]["IdentitySource"] == "method.request.header.Authorization"
    assert authorizer["Properties"]["AuthorizerResultTtlInSeconds"] == 300
    assert f'"{function_id}"' in json.dumps(authorizer["Properties"]["AuthorizerUri"])
    # And the function trusts the stack's user pool as an issuer of access tokens
    assert {"Ref": pool_id} in issuers["Fn::Join"][1]
    assert '"token_use":"access"' in json.dumps(issuers["Fn::Join"][1]).replace("\\", "")


GENERATED_BY_API_GATEWAY = {
    # ids, times, numbers, enums and the route from the template: nothing a client writes
    "$context.requestId": "c0ffee00-0000-4000-8000-000000000000", "$context.identity.sourceIp": "203.0.113.9",
    "$context.identity.caller": "-", "$context.identity.user": "-", "$context.authorizer.claims.client_id": "7abc",
    "$context.requestTime": "03/Dec/2026:13:00:00 +0000", "$context.httpMethod": "GET",
    "$context.resourcePath": "/v1/enterprises/{uscc}", "$context.status": "401", "$context.protocol": "HTTP/1.1",
    "$context.responseLength": "120", "$context.responseLatency": "3", "$context.integrationLatency": "-",
    "$context.error.responseType": "UNAUTHORIZED",
    # set by our authorizer from a verified token, reduced to [A-Za-z0-9._:@+-] (shared/identity/verification.py)
    "$context.authorizer.client_id": "7abc",
}
_VARIABLE = re.compile(r"\$context\.[A-Za-z_.]+")


def test_access_log_lines_are_json_for_any_request(synthesized: Synthesized) -> None:
    # Given the stage's access-log format
    (stage,) = synthesized.resources("AWS::ApiGateway::Stage").values()
    log_format = stage["Properties"]["AccessLogSetting"]["Format"]
    # Then it holds no variable a client can shape: not the raw path, not a free-text message
    used = set(_VARIABLE.findall(log_format))
    assert "$context.path" not in used
    assert used <= set(GENERATED_BY_API_GATEWAY), used - set(GENERATED_BY_API_GATEWAY)
    # And substituted as API Gateway does (as they are), each line is one JSON object with exactly
    # the documented fields
    line = _VARIABLE.sub(lambda m: GENERATED_BY_API_GATEWAY[m.group(0)], log_format)
    parsed = json.loads(line)
    assert set(parsed) == set(ACCESS_LOG_FIELDS)
    assert parsed["resourcePath"] == "/v1/enterprises/{uscc}"


def test_stage_logs_traces_and_throttles(synthesized: Synthesized) -> None:
    # Given the one stage / When reading its settings
    (stage,) = synthesized.resources("AWS::ApiGateway::Stage").values()
    props = stage["Properties"]
    access_log = props["AccessLogSetting"]
    log_format = json.loads(access_log["Format"])
    (settings,) = props["MethodSettings"]
    # Then JSON access logs carry who/what/outcome, X-Ray is on, and every method is throttled
    assert props["StageName"] == STAGE_NAME
    assert props["TracingEnabled"] is True
    assert synthesized.raw["Resources"][access_log["DestinationArn"]["Fn::GetAtt"][0]]["Type"] == "AWS::Logs::LogGroup"
    assert log_format == ACCESS_LOG_FIELDS
    for field in ("requestId", "ip", "caller", "user", "requestTime", "httpMethod", "resourcePath",
                  "status", "protocol", "responseLength", "clientId"):
        assert field in log_format
    assert (settings["HttpMethod"], settings["ResourcePath"]) == ("*", "/*")
    assert settings["ThrottlingRateLimit"] > 0
    assert settings["ThrottlingBurstLimit"] > 0
    assert settings["LoggingLevel"] == "ERROR"
    assert settings["DataTraceEnabled"] is False


@pytest.mark.parametrize(("response_type", "status"), [
    ("UNAUTHORIZED", 401), ("ACCESS_DENIED", 403), ("MISSING_AUTHENTICATION_TOKEN", 404),
    ("THROTTLED", 429), ("DEFAULT_4XX", None), ("DEFAULT_5XX", None),
])
def test_gateway_errors_are_problem_details(synthesized: Synthesized, response_type: str, status: int | None) -> None:
    # Given API Gateway's own error response of a type
    responses = {r["Properties"]["ResponseType"]: r["Properties"]
                 for r in synthesized.resources("AWS::ApiGateway::GatewayResponse").values()}
    response = responses[response_type]
    # When rendering its template with a message (as API Gateway's `messageString` would)
    body = json.loads(response["ResponseTemplates"]["application/json"]
                      .replace("$context.error.messageString", json.dumps("Unauthorized")))
    # Then it is an RFC 9457 problem with the status the contract promises
    assert response["ResponseParameters"]["gatewayresponse.header.Content-Type"] == f"'{PROBLEM_JSON}'"
    assert set(body) >= {"type", "title", "detail", "instance", "errors"}
    assert body["detail"] == "Unauthorized"
    if status is None:
        assert "StatusCode" not in response
        assert "status" not in body
    else:
        assert response["StatusCode"] == str(status)
        assert body["status"] == status


def test_gateway_error_templates_carry_nothing_the_client_shapes(synthesized: Synthesized) -> None:
    # Given every gateway response template (plain substitution: API Gateway escapes nothing)
    templates = [r["Properties"]["ResponseTemplates"]["application/json"]
                 for r in synthesized.resources("AWS::ApiGateway::GatewayResponse").values()]
    # When listing the context variables they substitute
    used = {m for t in templates for m in re.findall(r"\$context\.([A-Za-z.]+)", t)}
    # Then only the JSON-quoted message and the template's own route path go in, never the request path
    assert used == {"error.messageString", "resourcePath"}
    for template in templates:
        body = json.loads(template.replace("$context.error.messageString", json.dumps("x"))
                          .replace("$context.resourcePath", "/v1/enterprises/{uscc}"))
        assert body["instance"] == "/v1/enterprises/{uscc}"
