"""Domain errors. The API layer maps each to one RFC 9457 problem type and status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra or {}


class NotFound(DomainError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(DomainError):
    """A state conflict: the resource exists with other content, or a condition failed."""

    status = 409
    title = "Conflict"
    type_slug = "conflict"


class ValidationFailed(DomainError):
    status = 422
    title = "Validation failed"
    type_slug = "validation-failed"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"
    type_slug = "unauthorized"
