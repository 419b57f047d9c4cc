"""An in-process stand-in for API Gateway in front of the API functions: a WSGI app that turns an HTTP
request into the REST proxy event of the route's function (per `shared/api/contract.py`), calls its
handler, and turns the proxy response back into HTTP. Schemathesis drives it through its WSGI
transport, so no socket, no subprocess and no per-request process hop: a few thousand requests fit
in the suite's time budget.

The Cognito authorizer's part is played by a fixed table of bearer tokens → claims (one per scope,
the enterprise's bound to a registered `uscc`). A request without a known token reaches the
function without claims, where the handler's own check answers 401/403 (as it would for a
mis-wired method); the gateway's own answers (unknown resource, 413) are not what is under test."""

from __future__ import annotations

import base64
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote

from shared.api.contract import ROUTES, Route
from shared.api.observability import metrics
from tests.support.lambdas import LambdaContext, handler_module

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

REASONS = {200: "OK", 201: "Created", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
           404: "Not Found", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type",
           422: "Unprocessable Content", 429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway"}


def _match(route: Route, segments: list[str]) -> dict[str, str] | None:
    template = route.path.strip("/").split("/")
    if len(template) != len(segments):
        return None
    parameters: dict[str, str] = {}
    for expected, actual in zip(template, segments, strict=True):
        if expected.startswith("{") and expected.endswith("}"):
            if not actual:
                return None
            parameters[expected[1:-1]] = unquote(actual, errors="surrogateescape")
        elif expected != actual:
            return None
    return parameters


@dataclass
class HandlerGateway:
    """WSGI app; `tokens` maps a bearer token to the claims the authorizer would pass."""

    tokens: dict[str, dict[str, str]]
    statuses: Counter[int] = field(default_factory=Counter)
    """Every answer's status code, counted (the fuzz run's figures)."""
    answers: Counter[tuple[str, int, str]] = field(default_factory=Counter)
    """(route, status, media type) of every answer."""

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = str(environ["REQUEST_METHOD"]).upper()
        raw_path = str(environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", ""))
        raw_path = raw_path.split("?", 1)[0]
        segments = raw_path.strip("/").split("/")
        for route in ROUTES:
            if route.method == method and (parameters := _match(route, segments)) is not None:
                response = self._invoke(route, parameters, environ)
                return self._answer(route, response, start_response)
        # API Gateway's own answer for a resource or method it does not have (MISSING_AUTHENTICATION_TOKEN)
        self.statuses[403] += 1
        start_response("403 Forbidden", [("Content-Type", "application/json")])
        return [b'{"message": "Missing Authentication Token"}']

    def _invoke(self, route: Route, parameters: dict[str, str], environ: dict[str, Any]) -> dict[str, Any]:
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for key, value in environ.items():
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                name = "-".join(part.capitalize() for part in key.removeprefix("HTTP_").split("_"))
                # WSGI carries header bytes as latin-1 code points; API Gateway passes them as sent
                value = str(value).encode("latin-1").decode("utf-8", errors="replace")
                headers[name] = value
                multi_headers.setdefault(name, []).append(value)
        query_pairs = parse_qsl(str(environ.get("QUERY_STRING", "")), keep_blank_values=True)
        multi_query: dict[str, list[str]] = {}
        for key, value in query_pairs:
            multi_query.setdefault(key, []).append(value)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data: bytes = environ["wsgi.input"].read(length) if length else b""
        body: str | None
        try:
            body, is_base64 = (data.decode("utf-8"), False) if data else (None, False)
        except UnicodeDecodeError:
            body, is_base64 = base64.b64encode(data).decode(), True
        claims = self._claims(headers.get("Authorization")) if not route.public else None
        path = route.path
        for name, value in parameters.items():
            path = path.replace("{" + name + "}", value)
        request_id = str(uuid.uuid4())
        context: dict[str, Any] = {
            "resourcePath": route.path, "httpMethod": route.method, "path": f"/api{path}", "stage": "api",
            "requestId": request_id, "requestTimeEpoch": 1795300000000,
            "identity": {"sourceIp": "127.0.0.1", "userAgent": headers.get("User-Agent")},
        }
        if claims is not None:
            context["authorizer"] = {"claims": claims}
        event = {
            "resource": route.path, "path": path, "httpMethod": route.method,
            "headers": headers or None, "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {k: v[-1] for k, v in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": parameters or None, "stageVariables": None, "requestContext": context,
            "body": body, "isBase64Encoded": is_base64,
        }
        try:
            return handler_module(route.function).lambda_handler(
                event, LambdaContext(function_name=route.function))
        finally:
            # With POWERTOOLS_METRICS_DISABLED a flush keeps the metric set, and Powertools prints it
            # anyway once a metric holds 100 values: thousands of requests would fill the output.
            metrics.clear_metrics()

    def _claims(self, authorization: str | None) -> dict[str, str] | None:
        scheme, _, token = (authorization or "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.tokens.get(token.strip())

    def _answer(self, route: Route, response: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        status = int(response["statusCode"])
        headers: list[tuple[str, str]] = []
        single = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
        for name, values in (response.get("multiValueHeaders") or {}).items():
            single.pop(name, None)
            headers.extend((str(name), str(v)) for v in values or [])
        headers.extend(single.items())
        body = response.get("body") or ""
        payload = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode("utf-8")
        media_type = next((v.split(";")[0].strip() for k, v in headers if k.lower() == "content-type"), "")
        self.statuses[status] += 1
        self.answers[(f"{route.method} {route.path}", status, media_type)] += 1
        start_response(f"{status} {REASONS.get(status, 'Status')}", headers)
        return [payload]
