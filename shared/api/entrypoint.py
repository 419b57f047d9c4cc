"""The decorator stack around every API function: correlation id, logging, metrics, authorization,
request body media type and encoding, `Idempotency-Key`, resolver, and a problem response for
anything that escapes."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.metrics import MetricUnit

from shared.api.auth import authorize
from shared.api.contract import find_route
from shared.api.http import header, replace_header, set_header
from shared.api.observability import logger, metrics, traced
from shared.api.problems import domain_problem_response, problem_response
from shared.domain.errors import DomainError

CORRELATION_HEADER = "x-correlation-id"
MAX_IDEMPOTENCY_KEY = 128

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]

JSON_MEDIA_TYPE = "application/json"
SEND_JSON = f"send the body as JSON with the header `Content-Type: {JSON_MEDIA_TYPE}`"
_CONTENT_TYPE_LOC = ["header", "Content-Type"]


def _body_problem(event: dict[str, Any]) -> dict[str, Any] | None:
    """415 unless the body is declared `application/json` (UTF-8, the only charset JSON has) or not
    declared at all (RFC 9110 8.3 lets a recipient examine undeclared data: it is read as JSON, or 400);
    400 when its bytes are not UTF-8. Checked before the resolver, which would otherwise read a form
    or multipart body as fields (`curl -d` sends `application/x-www-form-urlencoded`), or fail
    decoding it."""
    instance = event.get("path")
    content_type = (header(event, "Content-Type") or "").strip()
    if content_type:
        media_type, *parameters = (part.strip() for part in content_type.split(";"))
        if media_type.lower() != JSON_MEDIA_TYPE:
            # Printable ASCII only: the header is echoed into the problem document.
            shown = media_type[:100] if media_type.isascii() and media_type.isprintable() else "this media type"
            return problem_response(415, f"{shown} is not accepted here: {SEND_JSON}", instance=instance,
                                    errors=[{"loc": _CONTENT_TYPE_LOC, "msg": f"expected {JSON_MEDIA_TYPE}"}])
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in ("utf-8", "utf8"):
                return problem_response(415, f"JSON is UTF-8: drop the charset parameter or make it utf-8; "
                                        f"{SEND_JSON}", instance=instance,
                                        errors=[{"loc": _CONTENT_TYPE_LOC, "msg": "charset must be utf-8"}])
        # Media types are case-insensitive (RFC 9110 8.3.1); Powertools compares them as written.
        replace_header(event, "Content-Type", JSON_MEDIA_TYPE)
    if not _is_utf8(event.get("body"), bool(event.get("isBase64Encoded"))):
        return problem_response(400, "the request body is not UTF-8 text; JSON must be encoded as UTF-8",
                                instance=instance, errors=[{"loc": ["body"], "msg": "not UTF-8"}])
    if _nested_too_deeply(event.get("body"), bool(event.get("isBase64Encoded"))):
        return problem_response(400, "the JSON body is nested too deeply to be read; no document of this API "
                                "nests more than a few levels", instance=instance,
                                errors=[{"loc": ["body"], "msg": "nested too deeply"}])
    return None


def _nested_too_deeply(body: Any, base64_encoded: bool) -> bool:
    """Python's JSON decoder raises RecursionError on arrays or objects nested about a thousand deep
    (`[[[[...]]]]` is a few kilobytes); the resolver and the idempotency layer would let it escape as
    a 500. Other decoding errors are left to the resolver's 400."""
    if not isinstance(body, str) or (body.count("[") + body.count("{")) < _DEEP_ENOUGH_TO_CHECK:
        return False
    try:
        json.loads(base64.b64decode(body) if base64_encoded else body)
    except RecursionError:
        return True
    except ValueError:
        return False
    return False


_DEEP_ENOUGH_TO_CHECK = 64
"""Below this many brackets the decoder's recursion stays far from the limit (1000 frames); no document of
this API has more than a few, so the extra decode is rare."""


def _is_utf8(body: Any, base64_encoded: bool) -> bool:
    """Bytes that are not UTF-8 reach the function base64-encoded (the local gateway, or a binary media
    type); a string may still carry lone surrogates that no UTF-8 encoder accepts."""
    if not isinstance(body, str):
        return body is None
    try:
        data = base64.b64decode(body, validate=True) if base64_encoded else body.encode("utf-8")
        data.decode("utf-8")
    except (binascii.Error, UnicodeError):
        return False
    return True


def _dispatch(app: APIGatewayRestResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    route = find_route(str(event.get("httpMethod", "")), str(event.get("resource", "")))
    if route is None:
        return app.resolve(event, context)
    principal = authorize(route, event)
    if route.method in ("POST", "PUT", "PATCH") and (refused := _body_problem(event)) is not None:
        return refused

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
