"""API Gateway REST API (v1) emulation: the template's resources and methods, the authorizers
(a Cognito authorizer's checks; a Lambda TOKEN authorizer invoked as in AWS, `local/authorizers.py`),
Lambda proxy integration events and responses, and gateway responses.

Like API Gateway, the gateway itself answers what never reaches a function: an unknown resource
or method (MISSING_AUTHENTICATION_TOKEN), a missing, forged or expired token (UNAUTHORIZED, 401),
a token without one of the method's AuthorizationScopes (ACCESS_DENIED, 403), a body over 10 MB
(REQUEST_TOO_LARGE) and a function that failed or answered nonsense (502). Bodies and headers come
from the template's AWS::ApiGateway::GatewayResponse resources when it defines them.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from werkzeug import Request, Response

from local.api_model import GatewayResponse, Method, RestApiModel
from local.authorizers import LambdaAuthorizers, method_arn
from local.lambdas import Invocation
from local.tokens import TokenError, TokenIssuer, authorizer_claims

log = logging.getLogger("local.gateway")

MAX_PAYLOAD = 10 * 1024 * 1024
INTEGRATION_TIMEOUT_MS = 29_000
"""API Gateway stops waiting for a Lambda integration after 29 s, whatever the function's Timeout."""
CORRELATION_HEADER = "x-correlation-id"

# API Gateway's default status per response type (used when the template does not set one).
DEFAULT_STATUS = {
    "ACCESS_DENIED": 403, "BAD_REQUEST_BODY": 400, "BAD_REQUEST_PARAMETERS": 400, "EXPIRED_TOKEN": 403,
    "INTEGRATION_FAILURE": 504, "INTEGRATION_TIMEOUT": 504, "MISSING_AUTHENTICATION_TOKEN": 403,
    "REQUEST_TOO_LARGE": 413, "RESOURCE_NOT_FOUND": 404, "THROTTLED": 429, "UNAUTHORIZED": 401,
    "UNSUPPORTED_MEDIA_TYPE": 415, "DEFAULT_5XX": 502, "DEFAULT_4XX": 400, "API_CONFIGURATION_ERROR": 500,
    "AUTHORIZER_CONFIGURATION_ERROR": 500, "AUTHORIZER_FAILURE": 500,
}
_CONTEXT_VARIABLE = re.compile(r"\$\{?context\.([A-Za-z.]+)\}?")


@dataclass
class _Call:
    """What API Gateway knows about one request (`$context` in templates and logs)."""

    request: Request
    request_id: str
    path: str
    stage: str
    api_id: str
    started: float
    resource_path: str = ""
    path_parameters: dict[str, str] | None = None

    @property
    def context_path(self) -> str:
        return f"/{self.stage}{self.path}"


class Gateway:
    def __init__(self, model: RestApiModel, tokens: TokenIssuer, invoke: Callable[[str, dict[str, Any]], Invocation],
                 account: str, now: Callable[[], datetime], region: str = "us-east-1") -> None:
        self.model = model
        self.tokens = tokens
        self.invoke = invoke
        self.account = account
        self.region = region
        self.now = now
        self.authorizers = LambdaAuthorizers(invoke, now)

    def handle(self, request: Request) -> Response:
        call = _Call(request=request, request_id=str(uuid.uuid4()), path=request.path, stage=self.model.stage,
                     api_id=self.model.api_id, started=time.perf_counter())
        match = self.model.match(request.method.upper(), request.path)
        if match.method is None:
            return self.gateway_response("MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", call)
        method = match.method
        call.resource_path = method.resource_path
        call.path_parameters = match.path_parameters
        if (request.content_length or 0) > MAX_PAYLOAD:
            return self.gateway_response("REQUEST_TOO_LARGE", "Request Too Long", call)

        claims: dict[str, Any] | None = None
        authorizer_context: dict[str, Any] | None = None
        if method.authorizer is not None:
            arn = method_arn(self.region, self.account, self.model.api_id, self.model.stage,
                             request.method.upper(), request.path)
            decision = self.authorizers.decide(method.authorizer, request.headers, arn)
            if decision.status == 401:
                return self.gateway_response("UNAUTHORIZED", "Unauthorized", call,
                                             explained=_explained("Unauthorized", decision.explanation))
            if decision.status == 403:
                return self.gateway_response(
                    "ACCESS_DENIED", "User is not authorized to access this resource with an explicit deny", call,
                    explained=_explained("User is not authorized to access this resource", decision.explanation))
            if decision.status:
                log.error("%s %s: %s", method.http_method, method.resource_path, decision.explanation)
                return self.gateway_response("AUTHORIZER_CONFIGURATION_ERROR", "Internal server error", call,
                                             status=500)
            authorizer_context = decision.context
        elif method.needs_token:
            try:
                claims = self.tokens.verify(_bearer(request.headers.get("Authorization")))
            except TokenError as exc:
                return self.gateway_response("UNAUTHORIZED", exc.detail, call, explained=exc.explained)
            granted = set(str(claims.get("scope", "")).split())
            if method.scopes and not granted.intersection(method.scopes):
                return self.gateway_response(
                    "ACCESS_DENIED",
                    f"User is not authorized to access this resource: the token has none of the scopes "
                    f"{', '.join(method.scopes)}", call)

        if method.integration_type != "AWS_PROXY" or not method.function_name:
            log.error("%s %s: integration %s is not emulated", method.http_method, method.resource_path,
                      method.integration_type)
            return self.gateway_response("API_CONFIGURATION_ERROR", "Internal server error", call)

        event = self.proxy_event(call, method, claims)
        if authorizer_context is not None:
            event["requestContext"]["authorizer"] = authorizer_context
        try:
            invocation = self.invoke(method.function_name, event)
        except LookupError:
            log.error("function %s of %s %s is not deployed", method.function_name, method.http_method,
                      method.resource_path)
            return self.gateway_response("DEFAULT_5XX", "Internal server error", call, status=500)
        if invocation.duration_ms > INTEGRATION_TIMEOUT_MS:
            # In AWS the client has its 504 at 29 s and the function runs on; here the answer waits for
            # the function (its own Timeout still ends it), and is the one AWS gives.
            return self.gateway_response("INTEGRATION_TIMEOUT", "Endpoint request timed out", call)
        if invocation.failed:  # a function error, and a function stopped at its Timeout (Sandbox.Timedout)
            return self.gateway_response("DEFAULT_5XX", "Internal server error", call, status=502)
        return self.proxy_response(invocation, call)

    # --- the Lambda proxy contract ----------------------------------------------------------
    def proxy_event(self, call: _Call, method: Method, claims: dict[str, Any] | None) -> dict[str, Any]:
        request = call.request
        raw_headers: list[tuple[str, str]] = request.environ.get("local.raw_headers") or list(request.headers.items())
        headers: dict[str, str] = {}
        multi_headers: dict[str, list[str]] = {}
        for name, value in raw_headers:
            headers[name] = value
            multi_headers.setdefault(name, []).append(value)
        source_ip = request.remote_addr or "127.0.0.1"
        for name, value in (("X-Forwarded-For", source_ip), ("X-Forwarded-Proto", "http"),
                            ("X-Forwarded-Port", str(request.environ.get("SERVER_PORT", "")))):
            if not any(k.lower() == name.lower() for k in headers):
                headers[name] = value
                multi_headers[name] = [value]
        query = {k: request.args.getlist(k)[-1] for k in request.args}
        multi_query = {k: request.args.getlist(k) for k in request.args}
        body, is_base64 = self._body(request)
        now = self.now()
        context: dict[str, Any] = {
            "resourceId": _short_id(method.resource_path),
            "resourcePath": method.resource_path,
            "httpMethod": request.method.upper(),
            "extendedRequestId": call.request_id[:16],
            "requestTime": now.astimezone(UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": call.context_path,
            "accountId": self.account,
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "stage": self.model.stage,
            "domainPrefix": request.host.split(":")[0].split(".")[0],
            "requestTimeEpoch": int(now.timestamp() * 1000),
            "requestId": call.request_id,
            "identity": {
                "cognitoIdentityPoolId": None, "accountId": None, "cognitoIdentityId": None, "caller": None,
                "sourceIp": source_ip, "principalOrgId": None, "accessKey": None,
                "cognitoAuthenticationType": None, "cognitoAuthenticationProvider": None, "userArn": None,
                "userAgent": request.headers.get("User-Agent"), "user": None,
            },
            "domainName": request.host,
            "apiId": self.model.api_id,
        }
        if claims is not None:
            context["authorizer"] = {"claims": authorizer_claims(claims)}
        return {
            "resource": method.resource_path,
            "path": call.path,
            "httpMethod": request.method.upper(),
            "headers": headers or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": query or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": call.path_parameters or None,
            "stageVariables": None,
            "requestContext": context,
            "body": body,
            "isBase64Encoded": is_base64,
        }

    def _body(self, request: Request) -> tuple[str | None, bool]:
        data = request.get_data(cache=False)
        if not data:
            return None, False
        content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if any(fnmatch.fnmatch(content_type, pattern.lower()) for pattern in self.model.binary_media_types):
            return base64.b64encode(data).decode(), True
        try:
            return data.decode("utf-8"), False
        except UnicodeDecodeError:
            # API Gateway would mangle undeclared binary; passing it base64-encoded loses nothing.
            return base64.b64encode(data).decode(), True

    def proxy_response(self, invocation: Invocation, call: _Call) -> Response:
        try:
            result = invocation.json()
            if not isinstance(result, dict):
                raise ValueError("not an object")
            status = int(result.get("statusCode", 0))
            if not 100 <= status <= 599:
                raise ValueError(f"statusCode {status}")
            body = result.get("body")
            if result.get("isBase64Encoded") and body is not None:
                payload = base64.b64decode(body)
            elif body is None:
                payload = b""
            else:
                payload = (body if isinstance(body, str) else json.dumps(body)).encode()
            headers: list[tuple[str, str]] = []
            single = {str(k): str(v) for k, v in (result.get("headers") or {}).items()}
            for name, values in (result.get("multiValueHeaders") or {}).items():
                single.pop(name, None)
                headers.extend((str(name), str(v)) for v in values or [])
            headers.extend(single.items())
        except (ValueError, TypeError, AttributeError) as exc:
            log.error("malformed Lambda proxy response (%s): %s", exc, invocation.payload[:200])
            return self.gateway_response("DEFAULT_5XX", "Internal server error", call, status=502)
        # Built with the function's headers so that werkzeug adds no default Content-Type.
        response = Response(payload, status=status, headers=headers)
        self._finish(response, call)
        return response

    # --- answers of the gateway itself ------------------------------------------------------
    def gateway_response(self, response_type: str, message: str, call: _Call, status: int | None = None,
                         explained: str | None = None) -> Response:
        """API Gateway's answer. `explained`, when given, replaces `message` in a template's
        `messageString` (the stack's problem `detail`): locally a 401 says what was wrong with the
        token, where AWS says only "Unauthorized". Without a template the body is AWS's exactly."""
        default_status = status or DEFAULT_STATUS.get(response_type, 500)
        fallback = "DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX"
        configured: GatewayResponse | None = (self.model.gateway_responses.get(response_type)
                                              or self.model.gateway_responses.get(fallback))
        status_code = (configured.status_code if configured and configured.status_code
                       and configured.response_type == response_type else default_status)
        template = None
        if configured and configured.templates:
            template = configured.templates.get("application/json") or next(iter(configured.templates.values()))
        if template is not None:
            body = self._render(template, response_type, explained or message, call)
        else:
            body = json.dumps({"message": message})
        response = Response(body, status=status_code, content_type="application/json")
        if configured:
            for name, expression in configured.headers.items():
                value = self._header_value(expression, call)
                if value is not None:
                    response.headers[name] = value
        error_type = _ERROR_TYPES.get(response_type)
        if error_type:
            response.headers["x-amzn-ErrorType"] = error_type
        self._finish(response, call)
        return response

    def _render(self, template: str, response_type: str, message: str, call: _Call) -> str:
        """Substitute `$context` variables as API Gateway does, except that every value but the
        already-quoted `messageString` is JSON-escaped: a template that puts a client-shaped value
        (the path) inside a JSON string still renders valid JSON here, with nothing injected."""
        values = {
            "error.message": message,
            "error.responseType": response_type,
            "requestId": call.request_id,
            "extendedRequestId": call.request_id[:16],
            "path": call.context_path,
            "resourcePath": call.resource_path,
            "httpMethod": call.request.method.upper(),
            "stage": call.stage,
            "apiId": call.api_id,
            "domainName": call.request.host,
            "identity.sourceIp": call.request.remote_addr or "",
        }
        escaped = {name: json.dumps(value, ensure_ascii=False)[1:-1] for name, value in values.items()}
        escaped["error.messageString"] = json.dumps(message, ensure_ascii=False)
        return _CONTEXT_VARIABLE.sub(lambda m: escaped.get(m.group(1), ""), template)

    def _header_value(self, expression: str, call: _Call) -> str | None:
        if len(expression) >= 2 and expression.startswith("'") and expression.endswith("'"):
            return expression[1:-1]
        request = call.request
        for prefix, lookup in (("method.request.header.", lambda n: request.headers.get(n)),
                               ("method.request.querystring.", lambda n: request.args.get(n)),
                               ("method.request.path.", lambda n: (call.path_parameters or {}).get(n))):
            if expression.startswith(prefix):
                return lookup(expression[len(prefix):])
        if expression == "context.requestId":
            return call.request_id
        return None

    def _finish(self, response: Response, call: _Call) -> None:
        response.headers["x-amzn-RequestId"] = call.request_id
        response.headers["x-amz-apigw-id"] = call.request_id[:16]
        if CORRELATION_HEADER not in response.headers:
            response.headers[CORRELATION_HEADER] = call.request.headers.get(CORRELATION_HEADER) or call.request_id
        log.debug("%s %s → %s in %.1f ms", call.request.method, call.path, response.status_code,
                  (time.perf_counter() - call.started) * 1000)


def _explained(message: str, explanation: str) -> str:
    return f"{message}: {explanation}" if explanation else message


def _bearer(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.lower().startswith("bearer "):
        value = value[7:].strip()
    return value or None


def _short_id(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:6]


_ERROR_TYPES = {"UNAUTHORIZED": "UnauthorizedException", "ACCESS_DENIED": "AccessDeniedException",
                "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException"}
