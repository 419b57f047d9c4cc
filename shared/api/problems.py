"""RFC 9457 problem details: the single shape of every error response."""

from __future__ import annotations

import json
from typing import Any

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://credit.customs.example/problems/"

_TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    409: ("conflict", "Conflict"),
    413: ("request-too-large", "Request too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-failed", "Validation failed"),
    429: ("throttled", "Too many requests"),
    500: ("internal-error", "Internal error"),
    502: ("bad-gateway", "Bad gateway"),
    504: ("timeout", "Gateway timeout"),
}


def problem_kind(status: int) -> tuple[int, str, str]:
    """(status, type slug, title) of a status: the one table both handlers and the gateway use."""
    slug, title = _TITLES[status]
    return status, slug, title


def problem_body(status: int, detail: str, *, instance: str | None = None, slug: str | None = None,
                 title: str | None = None, errors: list[dict[str, Any]] | None = None,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    default_slug, default_title = _TITLES.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or default_slug),
        "title": title or default_title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "errors": errors or [],
    }
    if extra:
        body.update(extra)
    return body


def problem_response(status: int, detail: str, **kwargs: Any) -> dict[str, Any]:
    """A complete API Gateway proxy response (for errors raised before the resolver runs)."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": PROBLEM_JSON},
        "body": json.dumps(problem_body(status, detail, **kwargs), default=str),
        "isBase64Encoded": False,
    }
