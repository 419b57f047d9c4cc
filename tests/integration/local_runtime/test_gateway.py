"""The API Gateway emulation against the fixture stack: routes, the Cognito authorizer's checks, the
REST v1 proxy event and response, and API Gateway's own answers (no gateway responses in the
fixture template, so AWS's defaults apply)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug import Request
from werkzeug.test import EnvironBuilder

from infra.constructs.api import problem_template
from local.api_model import GatewayResponse
from local.gateway import Gateway
from local.lambdas import Invocation
from local.runtime import Runtime
from local.tokens import TokenIssuer
from local.workers import process_exists
from tests.e2e.client import Api
from tests.integration.local_runtime.conftest import wait_until


def _reader(api: Api, runtime: Runtime) -> str:
    assert runtime.services.clients is not None
    client = runtime.services.clients.create(("fixture/read",), None, "reader")
    return api.token(client.client_id, client.client_secret)


def test_unknown_route_is_missing_authentication_token(api: Api) -> None:
    # Given a path and a method the template does not define
    # When calling them
    unknown_path = api.get("/v1/nothing-here")
    unknown_method = api.request("DELETE", "/v1/items/abc")
    # Then API Gateway's default answer comes back, with a correlation id
    for reply in (unknown_path, unknown_method):
        assert reply.status == 403
        assert reply.json == {"message": "Missing Authentication Token"}
        assert reply.header("x-correlation-id")


def test_missing_forged_and_expired_tokens_are_401(api: Api, runtime: Runtime, real_time: None) -> None:
    # Given a reader's valid token, a token signed with another key, and no token
    token = _reader(api, runtime)
    claims = jwt.decode(token, options={"verify_signature": False})
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, other_key, algorithm="RS256")
    # When calling a protected method with each
    missing = api.get("/v1/items/abc")
    forged_reply = api.get("/v1/items/abc", token=forged)
    garbage = api.get("/v1/items/abc", headers={"Authorization": "Bearer not-a-jwt"})
    runtime.clock.set(runtime.clock.now() + timedelta(hours=2))
    expired = api.get("/v1/items/abc", token=token)
    # Then the gateway answers 401 without invoking the function
    assert [r.status for r in (missing, forged_reply, garbage, expired)] == [401, 401, 401, 401]
    assert missing.json == {"message": "Unauthorized"}
    assert expired.json == {"message": "The incoming token has expired"}


def test_wrong_scope_is_403(api: Api, runtime: Runtime) -> None:
    # Given a token with fixture/read only
    token = _reader(api, runtime)
    # When posting to a method that needs fixture/write
    reply = api.post("/v1/items", {"a": 1}, token=token)
    # Then the gateway refuses it
    assert reply.status == 403
    assert "fixture/write" in reply.json["message"]


def test_proxy_event_has_the_rest_v1_shape(api: Api, runtime: Runtime) -> None:
    # Given a reader token
    token = _reader(api, runtime)
    # When calling GET /v1/items/{id} with repeated query parameters and headers
    reply = api.get("/v1/items/item-7", token=token, query={"tag": ["a", "b"], "one": "1"},
                    headers={"X-Correlation-Id": "corr-123", "X-Repeat": "first"})
    # Then the function received API Gateway's REST proxy event
    assert reply.status == 200, reply.text
    event = reply.json["event"]
    assert event["resource"] == "/v1/items/{id}"
    assert event["path"] == "/v1/items/item-7"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "item-7"}
    assert event["queryStringParameters"] == {"tag": "b", "one": "1"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "one": ["1"]}
    assert event["headers"]["X-Correlation-Id"] == "corr-123"
    assert event["multiValueHeaders"]["X-Repeat"] == ["first"]
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "fixture"
    assert context["path"] == "/fixture/v1/items/item-7"
    assert context["resourcePath"] == "/v1/items/{id}"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["requestId"]
    # And the claims sit where the Cognito authorizer puts them, as strings
    claims = context["authorizer"]["claims"]
    assert claims["scope"] == "fixture/read"
    assert claims["token_use"] == "access"
    assert all(isinstance(v, str) for v in claims.values())
    # And the response carries the function's headers and the caller's correlation id
    assert reply.header("X-Single") == "one"
    assert sorted(reply.headers_named("Set-Cookie")) == ["a=1", "b=2"]
    assert reply.header("x-correlation-id") == "corr-123"


def test_literal_segment_beats_path_parameter(api: Api, runtime: Runtime) -> None:
    # Given /v1/items/mine and /v1/items/{id} both exist
    token = _reader(api, runtime)
    # When calling /v1/items/mine
    reply = api.get("/v1/items/mine", token=token)
    # Then the literal resource matched
    assert reply.json["event"]["resource"] == "/v1/items/mine"
    assert reply.json["event"]["pathParameters"] is None


def test_public_greedy_proxy_with_any_method(api: Api) -> None:
    # Given a public {proxy+} resource with ANY
    # When sending a PATCH with a JSON body and no token
    reply = api.request("PATCH", "/v1/public/a/b/c", body={"x": 1}, token=None)
    # Then the function got the greedy parameter, the body, and no authorizer
    event = reply.json["event"]
    assert reply.status == 200
    assert event["pathParameters"] == {"proxy": "a/b/c"}
    assert json.loads(event["body"]) == {"x": 1}
    assert "authorizer" not in event["requestContext"]


def test_binary_bodies_travel_base64(api: Api) -> None:
    # Given a body of every byte value, of a declared binary media type
    payload = bytes(range(256))
    # When posting it
    reply = api.request("POST", "/v1/public/upload", raw=payload,
                        headers={"Content-Type": "application/octet-stream"})
    # Then the function received it base64-encoded
    event = reply.json["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == payload
    # And a base64 response is decoded for the caller
    binary = api.get("/v1/public/binary")
    assert binary.raw == bytes(range(256))
    assert binary.header("Content-Type") == "application/octet-stream"


def test_malformed_function_response_is_502(api: Api) -> None:
    # Given the function answers an object without statusCode on /broken
    # When calling it
    reply = api.get("/v1/public/broken")
    # Then API Gateway's 502 comes back
    assert reply.status == 502
    assert reply.json == {"message": "Internal server error"}


def test_function_error_is_502(api: Api) -> None:
    # Given a request that makes the function raise
    # When calling it
    reply = api.get("/v1/public/raise")
    # Then the gateway answers 502 and does not leak the error
    assert reply.status == 502
    assert reply.json == {"message": "Internal server error"}


def test_two_slow_requests_run_at_the_same_time(api: Api) -> None:
    # Given a function that sleeps before it answers, and two clients calling it at once
    with ThreadPoolExecutor(2) as clients:
        replies = list(clients.map(lambda _: api.get("/v1/public/slow", query={"seconds": "0.5"}), range(2)))
    # Then each ran in a worker of its own, and the two runs overlapped in time
    assert [r.status for r in replies] == [200, 200]
    first, second = (r.json for r in replies)
    assert first["pid"] != second["pid"]
    assert first["started"] < second["ended"]
    assert second["started"] < first["ended"]


def test_function_over_its_timeout_is_stopped_and_answered_502(
        api: Api, aws: Callable[[str], Any], runtime: Runtime) -> None:
    # Given the function behind the API with a one-second timeout
    assert runtime.stack is not None
    name = runtime.stack.physical_id("Worker")
    lam = aws("lambda")
    lam.update_function_configuration(FunctionName=name, Timeout=1)
    try:
        # When a request makes it run for a minute
        reply = api.get("/v1/public/slow", query={"seconds": "60", "marker": "over-timeout"})
    finally:
        lam.update_function_configuration(FunctionName=name, Timeout=10)
    # Then the gateway answers as API Gateway does for a failed function
    assert reply.status == 502
    assert reply.json == {"message": "Internal server error"}
    # And the worker that ran it was stopped
    table = runtime.stack.physical_id("Table")
    items = aws("dynamodb").scan(TableName=table)["Items"]
    [pid] = [int(i["pid"]["N"]) for i in items if "over-timeout" in i["event"]["S"]]
    wait_until(lambda: not process_exists(pid), timeout=5)


def test_function_outliving_api_gateways_29_seconds_is_504(runtime: Runtime) -> None:
    # Given the fixture API in front of a function that answers after 30 s (a fake: nothing waits)
    assert runtime.model is not None
    assert runtime.services.tokens is not None

    def slow(_function: str, _event: dict[str, Any]) -> Invocation:
        return Invocation("r-1", json.dumps({"statusCode": 200, "body": "late"}).encode(), None, 30_000.0)

    gateway = Gateway(runtime.model, runtime.services.tokens, slow, runtime.emulator.account, runtime.clock.now)
    # When a request reaches it
    reply = gateway.handle(Request(EnvironBuilder(method="GET", path="/v1/public/anything").get_environ()))
    # Then the client gets API Gateway's integration timeout, not the late answer
    assert reply.status_code == 504
    assert json.loads(reply.get_data()) == {"message": "Endpoint request timed out"}


INJECTING_PATHS = ["/v1/items/a%22,%22x%22:%221", "/v1/items/a%01%0A%1F%5C%22", "/v1/nothing/%22%7D%5D"]


@pytest.mark.parametrize("template", [
    problem_template(401, "unauthorized", "Unauthorized"),
    # the shape issue 11 found in the template: the client's path inside a JSON string
    '{"message": $context.error.messageString, "instance": "$context.path", "r": "$context.resourcePath"}',
])
@pytest.mark.parametrize("path", INJECTING_PATHS)
def test_gateway_responses_are_json_for_any_path(api: Api, runtime: Runtime, template: str, path: str) -> None:
    # Given gateway responses rendered from a template (the stack's problem template, or one that
    # substitutes the client's path), for unknown routes and missing tokens alike
    assert runtime.gateway is not None
    configured = runtime.gateway.model.gateway_responses
    saved = dict(configured)
    for response_type in ("UNAUTHORIZED", "MISSING_AUTHENTICATION_TOKEN"):
        configured[response_type] = GatewayResponse(response_type, None, {}, {"application/json": template})
    try:
        # When the path carries a quote-comma-key sequence, control characters or a backslash
        reply = api.get(path)
    finally:
        configured.clear()
        configured.update(saved)
    # Then the body parses as JSON, with no injected key, and the handlers' /v1 form of instance
    assert reply.status in {401, 403}
    body = reply.json
    assert "x" not in body
    assert set(body) <= {"type", "title", "status", "detail", "instance", "errors", "message", "r"}
    if "$context.path" in template:  # the path comes back intact, as a string
        assert body["instance"].endswith(unquote(path))
    else:
        assert body["instance"] in {"", "/v1/items/{id}"}


def test_401_problems_say_what_was_wrong_without_secrets(api: Api, runtime: Runtime, real_time: None) -> None:
    # Given the stack's problem template for 401s, a reader, and tokens wrong in each way
    assert runtime.gateway is not None
    assert runtime.services.tokens is not None
    assert runtime.services.clients is not None
    client = runtime.services.clients.create(("fixture/read",), None, "reader")
    token = api.token(client.client_id, client.client_secret)
    claims = jwt.decode(token, options={"verify_signature": False})
    forged = jwt.encode(claims, rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256")
    elsewhere = TokenIssuer(runtime.services.tokens._key, "https://issuer.example", runtime.clock.now)
    other_issuer = elsewhere.issue(client)["access_token"]
    configured = runtime.gateway.model.gateway_responses
    saved = dict(configured)
    configured["UNAUTHORIZED"] = GatewayResponse("UNAUTHORIZED", 401, {}, {
        "application/json": problem_template(401, "unauthorized", "Unauthorized")})
    try:
        # When calling a protected method with each
        replies = {
            "missing": api.get("/v1/items/abc"),
            "malformed": api.get("/v1/items/abc", headers={"Authorization": "Bearer not-a-jwt"}),
            "signature": api.get("/v1/items/abc", token=forged),
            "issuer": api.get("/v1/items/abc", token=other_issuer),
        }
        runtime.clock.set(runtime.clock.now() + timedelta(hours=2))
        replies["expired"] = api.get("/v1/items/abc", token=token)
    finally:
        configured.clear()
        configured.update(saved)
    # Then each is a 401 whose detail names what was wrong, and no secret or token appears
    details = {reason: reply.json["detail"] for reason, reply in replies.items()}
    assert all(reply.status == 401 for reply in replies.values())
    assert "no token" in details["missing"]
    assert "not a well-formed JWT" in details["malformed"]
    assert "signature does not verify" in details["signature"]
    assert "another issuer" in details["issuer"]
    assert runtime.services.tokens.issuer in details["issuer"]
    assert details["expired"].startswith("The incoming token has expired: it expired at ")
    for detail in details.values():
        assert client.client_secret not in detail
        assert token not in detail
        assert "not-a-jwt" not in detail
        assert "PRIVATE" not in detail
