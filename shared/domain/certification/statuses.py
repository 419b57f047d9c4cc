"""A certification case's kind, route and status: plain values, apart from the case model so that
readers of stored cases (the evaluation's tier facts, the re-certification due item) need not load
the whole certification domain."""

from __future__ import annotations

from enum import StrEnum


class CaseKind(StrEnum):
    INITIAL = "INITIAL"
    RECERTIFICATION = "RECERTIFICATION"


class Route(StrEnum):
    STANDARD = "STANDARD"  # on-site audit
    SIMPLIFIED = "SIMPLIFIED"  # desk review (Art 23)


class CaseStatus(StrEnum):
    RECEIVED = "RECEIVED"
    AWAITING_CERTIFIERS = "AWAITING_CERTIFIERS"
    UNDER_AUDIT = "UNDER_AUDIT"
    AWAITING_DECISION = "AWAITING_DECISION"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    TERMINATED = "TERMINATED"
    WITHDRAWN = "WITHDRAWN"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.AWAITING_CERTIFIERS,
                           CaseStatus.UNDER_AUDIT, CaseStatus.AWAITING_DECISION})
