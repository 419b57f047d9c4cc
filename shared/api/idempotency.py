"""`Idempotency-Key` through Powertools idempotency (DynamoDB persistence, payload validation).

The key is scoped to the caller and the route, and the payload hash covers method, resource, path
parameters and body: the same key with the same request replays the first response; the same key
with another request is a 409. Only successful responses are kept: a request that failed
validation leaves no record, so the caller can correct it and retry with the same key."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from shared.api.auth import Principal
from shared.api.contract import Route
from shared.api.http import set_header
from shared.domain.errors import Conflict

EXPIRES_AFTER_SECONDS = 24 * 3600
Resolve = Callable[[dict[str, Any], Any], dict[str, Any]]


class _NotStored(Exception):
    """Carries a non-2xx response out of the idempotent function so Powertools deletes its record."""

    def __init__(self, response: dict[str, Any]) -> None:
        super().__init__(response.get("statusCode"))
        self.response = response


def _canonical_body(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except (ValueError, TypeError):
        return raw


def _mark_replay(response: Any, idempotent_data: Any) -> Any:  # Powertools hook protocol names
    if isinstance(response, dict):
        set_header(response, "Idempotent-Replayed", "true")
    return response


_runner: tuple[Callable[..., dict[str, Any]], Any] | None = None


def _build_runner() -> tuple[Callable[..., dict[str, Any]], Any]:
    # Imported here: the idempotency package pulls in boto3 (~200 ms); GET-only paths never pay it.
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from shared.adapters.dynamodb import dynamodb_client
    from shared.adapters.settings import settings

    persistence = DynamoDBPersistenceLayer(
        table_name=settings().idempotency_table_name, boto3_client=dynamodb_client()
    )
    config = IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="request",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=EXPIRES_AFTER_SECONDS,
        response_hook=_mark_replay,
    )

    @idempotent_function(data_keyword_argument="envelope", persistence_store=persistence, config=config)
    def run(*, envelope: dict[str, Any], resolve: Resolve, event: dict[str, Any], context: Any) -> dict[str, Any]:
        response = resolve(event, context)
        if not 200 <= int(response.get("statusCode", 500)) < 300:
            raise _NotStored(response)
        return response

    return run, config


def run_idempotent(resolve: Resolve, event: Mapping[str, Any], context: Any, principal: Principal,
                   route: Route, key: str) -> dict[str, Any]:
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    global _runner
    if _runner is None:
        _runner = _build_runner()
    runner, config = _runner
    config.register_lambda_context(context)  # in-progress records expire with the invocation
    envelope = {
        "key": f"{principal.client_id}|{route.method} {route.path}|{key}",
        "request": {
            "path": event.get("pathParameters") or {},
            "body": _canonical_body(event.get("body")),
        },
    }
    try:
        return runner(envelope=envelope, resolve=resolve, event=dict(event), context=context)
    except _NotStored as not_stored:
        return not_stored.response
    except IdempotencyValidationError as exc:
        raise Conflict("this Idempotency-Key was already used with a different request") from exc
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict("a request with this Idempotency-Key is still in progress; retry shortly") from exc


def reset() -> None:
    """Forget the cached runner (tests switch tables between cases)."""
    global _runner
    _runner = None
