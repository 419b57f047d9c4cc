"""The decorator stack around every API function: correlation id, logging, metrics, authorization,
`Idempotency-Key`, resolver, and a problem response for anything that escapes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.metrics import MetricUnit

from shared.api.auth import authorize
from shared.api.contract import find_route
from shared.api.http import header, set_header
from shared.api.observability import logger, metrics, traced
from shared.api.problems import domain_problem_response, problem_response
from shared.domain.errors import DomainError

CORRELATION_HEADER = "x-correlation-id"
MAX_IDEMPOTENCY_KEY = 128

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def _dispatch(app: APIGatewayRestResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    route = find_route(str(event.get("httpMethod", "")), str(event.get("resource", "")))
    if route is None:
        return app.resolve(event, context)
    principal = authorize(route, event)

    def resolve(ev: dict[str, Any], ctx: Any) -> dict[str, Any]:
        app.append_context(principal=principal, route=route)
        return app.resolve(ev, ctx)

    if not route.idempotent:
        return resolve(event, context)
    key = header(event, "Idempotency-Key")
    if not key or not key.strip():
        return problem_response(400, "the Idempotency-Key header is required on this route",
                                instance=event.get("path"),
                                errors=[{"loc": ["header", "Idempotency-Key"], "msg": "missing"}])
    if len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable():
        return problem_response(400, f"Idempotency-Key must be 1-{MAX_IDEMPOTENCY_KEY} printable characters",
                                instance=event.get("path"),
                                errors=[{"loc": ["header", "Idempotency-Key"], "msg": "invalid"}])
    from shared.api.idempotency import run_idempotent

    return run_idempotent(resolve, event, context, principal, route, key)


def api_handler(app: APIGatewayRestResolver) -> LambdaHandler:
    """Build the Lambda entry point of an API function around its resolver."""

    @metrics.log_metrics(raise_on_empty_metrics=False)
    def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        request_context = event.get("requestContext") or {}
        correlation_id = (header(event, CORRELATION_HEADER) or request_context.get("requestId")
                          or str(uuid.uuid4()))
        logger.set_correlation_id(correlation_id)
        logger.append_keys(route=f"{event.get('httpMethod')} {event.get('resource')}")
        try:
            response = _dispatch(app, event, context)
        except DomainError as exc:
            response = domain_problem_response(exc, event.get("path"))
        except Exception:
            logger.exception("unhandled error")
            response = problem_response(500, "internal error; quote the x-correlation-id when reporting it",
                                        instance=event.get("path"))
        status = int(response.get("statusCode", 500))
        if status >= 500:
            metrics.add_metric(name="ServerErrors", unit=MetricUnit.Count, value=1)
        elif status >= 400:
            metrics.add_metric(name="ClientErrors", unit=MetricUnit.Count, value=1)
        set_header(response, CORRELATION_HEADER, correlation_id)
        logger.info("request handled", extra={"status": status})
        return response

    return traced(lambda_handler)
