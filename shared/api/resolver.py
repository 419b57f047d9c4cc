"""One resolver factory for every function: validation on, every error an RFC 9457 problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.router import Router
from aws_lambda_powertools.shared.json_encoder import Encoder
from pydantic import ValidationError

from shared.api.problems import PROBLEM_JSON, problem_body, problem_json, problem_of
from shared.domain.errors import DomainError

# The problem document's schema is a component of the OpenAPI document (`problem_schema`), added by
# the generator: building it as a pydantic model here would cost every cold start for documentation only.
PROBLEM_SCHEMA_REF = "#/components/schemas/ProblemModel"

# JSON is UTF-8 (RFC 8259); the charset parameter is for browsers, which otherwise may guess.
JSON = "application/json; charset=utf-8"

to_json = partial(json.dumps, separators=(",", ":"), cls=Encoder, ensure_ascii=False)
"""Every JSON body the API sends: compact, UTF-8 text as is (a Chinese name is 3 bytes a character,
not a 6-byte `\\uXXXX` escape per character). Powertools' default escapes everything outside ASCII."""


def _loc(loc: Any) -> list[Any]:
    return list(loc) if isinstance(loc, list | tuple) else [loc]


def _msg(error: dict[str, Any]) -> str:
    msg = str(error.get("msg") or error.get("type") or "invalid")
    # pydantic prefixes errors raised by our validators; the prefix says nothing to a partner.
    return msg.removeprefix("Value error, ")


def validation_errors(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"loc": _loc(e.get("loc", ())), "msg": _msg(e), "type": e.get("type", "")} for e in raw]


def problem(status: int, detail: str, instance: str | None, **kwargs: Any) -> Response:
    return Response(
        status_code=status,
        content_type=PROBLEM_JSON,
        body=problem_json(problem_body(status, detail, instance=instance, **kwargs)),
    )


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    # The body stays a dict: Powertools validates it against the route's declared response model.
    return Response(status_code=status, content_type=JSON, body=body, headers=headers)


def security_schemes() -> dict[str, Any]:
    """The OAuth2 client-credentials scheme every protected route refers to (as `oauth2`)."""
    from aws_lambda_powertools.event_handler.openapi.models import (
        OAuth2,
        OAuthFlowClientCredentials,
        OAuthFlows,
    )

    from shared.api.contract import ALL_SCOPES

    flows = OAuthFlows(clientCredentials=OAuthFlowClientCredentials(tokenUrl="/_local/token", scopes=ALL_SCOPES))
    return {"oauth2": OAuth2(flows=flows, description="Cognito client-credentials tokens in AWS; "
                                                     "`POST /_local/token` on the local runtime.")}


def make_resolver(*routers: Router) -> APIGatewayRestResolver:
    # The OpenAPI security scheme is configured only when the document is generated
    # (scripts/openapi.py): building it costs ~70 ms of import at every cold start for nothing.
    app = APIGatewayRestResolver(enable_validation=True, serializer=to_json)
    for router in routers:
        app.include_router(router)

    def instance() -> str | None:
        try:
            return app.current_event.path
        except Exception:  # pragma: no cover - no event bound
            return None

    @app.exception_handler(RequestValidationError)
    def _invalid_request(exc: RequestValidationError) -> Response:
        errors = validation_errors(list(exc.errors()))
        if any(e["type"] == "json_invalid" for e in errors):
            return problem(400, "the request body is not valid JSON", instance(),
                           errors=[{"loc": ["body"], "msg": "malformed JSON"}])
        return problem(422, f"{len(errors)} field(s) failed validation", instance(), errors=errors)

    @app.exception_handler(ValidationError)
    def _invalid_model(exc: ValidationError) -> Response:
        errors = validation_errors([dict(e) for e in exc.errors()])
        return problem(422, f"{len(errors)} field(s) failed validation", instance(), errors=errors)

    @app.exception_handler(DomainError)
    def _domain(exc: DomainError) -> Response:
        kind = problem_of(exc)
        return problem(kind.status, exc.detail, instance(), slug=kind.slug, title=kind.title,
                       errors=exc.errors, extra=exc.extra)

    @app.not_found
    def _not_found(_exc: Exception) -> Response:
        return problem(404, "no such route", instance())

    return app


def _powertools_path(path: str) -> str:
    return path.replace("{", "<").replace("}", ">")


def route(router: Router, method: str, path: str, *, responses: dict[int, Any] | None = None,
          description: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler for a route of the contract table: summary, tags and OAuth2 security in the
    OpenAPI document come from `contract.ROUTES`, so the document, the CDK authorizer scopes and
    the handlers' checks cannot drift apart."""
    from shared.api.contract import find_route

    spec = find_route(method, path)
    if spec is None:
        raise LookupError(f"{method} {path} is not in contract.ROUTES")
    takes_body = method in ("POST", "PUT", "PATCH")
    documented: dict[int, str] = {
        400: "Malformed request: " + ("body not valid JSON or not UTF-8, or a required header missing"
                                      if takes_body else "a header or parameter that cannot be read"),
        422: "Validation failed",
        # The entrypoint's answer to anything that escapes (a fault of the service, never of the request)
        500: "Internal error: a fault of the service, not of the request; quote the x-correlation-id",
    }
    if "{" in path:
        documented[404] = "No such resource: a path parameter that names nothing"
    if not spec.public:
        documented[401] = "No token, or a token that is not a valid access token"
        documented[403] = "Wrong scope or not your enterprise"
    if spec.idempotent:
        documented[409] = "Conflict: state, natural key or Idempotency-Key reused with another body"
    if takes_body:
        documented[415] = "The body is not sent as `Content-Type: application/json` (charset utf-8 if any)"
    answers: dict[int, Any] = {status: {"description": text} for status, text in documented.items()}
    for status, answer in (responses or {}).items():
        answers[status] = {**answers.get(status, {}), **answer}
    for status, answer in answers.items():
        if status >= 400:  # every error is a problem document, whatever the route's own description says
            answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_SCHEMA_REF}}}
    register = getattr(router, method.lower())
    return register(
        _powertools_path(path),
        summary=spec.summary,
        description=description,
        tags=list(spec.tags) or None,
        responses=dict(sorted(answers.items())),
        security=None if spec.public else [{"oauth2": list(spec.scopes)}],
    )
