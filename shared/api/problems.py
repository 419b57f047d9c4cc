"""RFC 9457 problem details: the single shape of every error response, and the one table of what
each problem is (status, type, title) — for the handlers' domain errors and the gateway's own answers."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from shared.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NoRulePackInForce,
    NotFound,
    Unauthorized,
    ValidationFailed,
)

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://credit.customs.example/problems/"


class ProblemKind(NamedTuple):
    status: int
    slug: str  # the problem type is PROBLEM_BASE + slug
    title: str


BAD_REQUEST = ProblemKind(400, "bad-request", "Bad request")
UNAUTHORIZED = ProblemKind(401, "unauthorized", "Unauthorized")
FORBIDDEN = ProblemKind(403, "forbidden", "Forbidden")
NOT_FOUND = ProblemKind(404, "not-found", "Not found")
CONFLICT = ProblemKind(409, "conflict", "Conflict")
VALIDATION_FAILED = ProblemKind(422, "validation-failed", "Validation failed")

# Every problem by status: what a status means when nothing more specific is known (the gateway's
# own answers, the resolver's framework errors).
_BY_STATUS: dict[int, ProblemKind] = {kind.status: kind for kind in (
    BAD_REQUEST,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    ProblemKind(405, "method-not-allowed", "Method not allowed"),
    CONFLICT,
    ProblemKind(413, "request-too-large", "Request too large"),
    ProblemKind(415, "unsupported-media-type", "Unsupported media type"),
    VALIDATION_FAILED,
    ProblemKind(429, "throttled", "Too many requests"),
    ProblemKind(500, "internal-error", "Internal error"),
    ProblemKind(502, "bad-gateway", "Bad gateway"),
    ProblemKind(504, "timeout", "Gateway timeout"),
)}

# Each domain error class → its problem. A subclass not listed takes its nearest listed base's.
DOMAIN_PROBLEMS: dict[type[DomainError], ProblemKind] = {
    DomainError: BAD_REQUEST,
    Unauthorized: UNAUTHORIZED,
    Forbidden: FORBIDDEN,
    NotFound: NOT_FOUND,
    Conflict: CONFLICT,
    ValidationFailed: VALIDATION_FAILED,
    NoRulePackInForce: ProblemKind(422, "no-rule-pack-in-force", "No rule pack in force"),
}


def problem_kind(status: int) -> tuple[int, str, str]:
    """(status, type slug, title) of a status: the one table both handlers and the gateway use."""
    return tuple(_BY_STATUS[status])  # type: ignore[return-value]


def problem_of(error: DomainError) -> ProblemKind:
    """The problem a domain error is answered with (the nearest class in `DOMAIN_PROBLEMS`)."""
    for cls in type(error).__mro__:
        kind = DOMAIN_PROBLEMS.get(cls)
        if kind is not None:
            return kind
    return BAD_REQUEST  # pragma: no cover - DomainError itself is in the table


def problem_body(status: int, detail: str, *, instance: str | None = None, slug: str | None = None,
                 title: str | None = None, errors: list[dict[str, Any]] | None = None,
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    default = _BY_STATUS.get(status)
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (slug or (default.slug if default else "error")),
        "title": title or (default.title if default else "Error"),
        "status": status,
        "detail": detail,
        "instance": instance,
        "errors": errors or [],
    }
    for key, value in (extra or {}).items():
        # RFC 9457 members keep their meaning: a domain's own `status` (a case's) becomes `current_status`.
        body[f"current_{key}" if key in _MEMBERS else key] = value
    return body


_MEMBERS = frozenset({"type", "title", "status", "detail", "instance", "errors"})


def problem_json(body: dict[str, Any]) -> str:
    # `default=str`: a problem's `extra` may carry dates or decimals from a stored record. UTF-8 text
    # as is: a Chinese name is 3 bytes a character, not a 6-byte `\\uXXXX` escape.
    return json.dumps(body, default=str, ensure_ascii=False)


def problem_response(status: int, detail: str, **kwargs: Any) -> dict[str, Any]:
    """A complete API Gateway proxy response (for errors raised before the resolver runs)."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": PROBLEM_JSON},
        "body": problem_json(problem_body(status, detail, **kwargs)),
        "isBase64Encoded": False,
    }


def domain_problem_response(error: DomainError, instance: str | None) -> dict[str, Any]:
    """A complete API Gateway proxy response answering a domain error."""
    kind = problem_of(error)
    return problem_response(kind.status, error.detail, instance=instance, slug=kind.slug, title=kind.title,
                            errors=error.errors, extra=error.extra)
