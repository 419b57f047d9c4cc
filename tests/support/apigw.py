"""API Gateway REST proxy events from `events/`, adjusted per test."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

EVENTS = Path(__file__).resolve().parents[2] / "events"


@cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"{name}.json").read_text())


def api_event(name: str, *, body: Any = ..., headers: dict[str, str | None] | None = None,
              claims: dict[str, str] | Any | None = ..., path_params: dict[str, str] | None = None,
              query: dict[str, str] | None = None) -> dict[str, Any]:
    """A copy of `events/<name>.json` with the given changes.

    `body` may be a dict (JSON-encoded), a raw string, or None; `claims=None` removes the authorizer
    (no token); a header set to None is removed."""
    event = copy.deepcopy(_load(name))
    if body is not ...:
        event["body"] = json.dumps(body) if isinstance(body, dict | list) else body
    for key, value in (headers or {}).items():
        for bucket in ("headers", "multiValueHeaders"):
            existing = {k for k in event[bucket] if k.lower() == key.lower()}
            for k in existing:
                del event[bucket][k]
            if value is not None:
                event[bucket][key] = value if bucket == "headers" else [value]
    if claims is None:
        event["requestContext"].pop("authorizer", None)
    elif claims is not ...:
        event["requestContext"]["authorizer"] = {"claims": claims}
    if path_params is not None:
        event["pathParameters"] = path_params
        path = event["resource"]
        for key, value in path_params.items():
            path = path.replace("{" + key + "}", value)
        event["path"] = path
    if query is not None:
        event["queryStringParameters"] = query
        event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    return event


def json_body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def header_of(response: dict[str, Any], name: str) -> str | None:
    for bucket in ("headers", "multiValueHeaders"):
        for key, value in (response.get(bucket) or {}).items():
            if key.lower() == name.lower():
                return value[0] if isinstance(value, list) else value
    return None


def content_type(response: dict[str, Any]) -> str | None:
    return header_of(response, "Content-Type")
