"""Domain errors: plain exceptions naming what went wrong. What each means to an HTTP client (status,
problem type, title) is decided at the edge, in `shared.api.problems.DOMAIN_PROBLEMS`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.domain.enterprise_profile import Enterprise


class DomainError(Exception):
    """A request the domain refuses. `errors` lists offending fields (`{"loc": [...], "msg": ...}`);
    `extra` carries members a client needs to act (e.g. the current record on a conflict)."""

    def __init__(self, detail: str, *, errors: list[dict[str, Any]] | None = None,
                 extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.extra = extra or {}


class NotFound(DomainError):
    """The thing asked about does not exist (or did not at the instant asked about)."""


class Conflict(DomainError):
    """A state conflict: the resource exists with other content, or a condition failed."""


class EnterpriseAlreadyExists(Conflict):
    """A registration for a USCC that is already under management."""

    def __init__(self, existing: Enterprise) -> None:
        super().__init__(f"enterprise {existing.uscc} is already registered")
        self.existing = existing


class ValidationFailed(DomainError):
    """Well-formed input the rules refuse (a field, or a combination of fields)."""


class Forbidden(DomainError):
    """The caller is known but may not act on this resource."""


class Unauthorized(DomainError):
    """The caller is not known (no or invalid credentials)."""


class NoRulePackInForce(DomainError):
    """A strict rule-pack lookup for an instant before every loaded pack."""
