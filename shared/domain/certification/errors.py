"""Errors of the certification domain; the API maps each through its base class (409 or 422)."""

from __future__ import annotations

from typing import Any

from shared.domain.errors import Conflict, ValidationFailed


class CaseStateConflict(Conflict):
    """An action the case's current status (or its clock's state) does not allow."""

    def __init__(self, detail: str, *, status: str, action: str, **extra: Any) -> None:
        super().__init__(detail, extra={"status": status, "action": action, **extra})
        self.case_status = status
        self.action = action


class ClockConflict(Conflict):
    """A suspension, resumption or extension the clock's state does not allow."""


class InvalidAudit(ValidationFailed):
    """An audit or self-assessment whose items do not fit the standard of the target tier."""
