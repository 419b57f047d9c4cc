"""Details of the events on the `credit` bus (source `customs.credit`). Each is versioned by
`schema_version`; consumers accept the versions they know and reject others loudly."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.domain.model_configs import STRICT
from shared.domain.tiers import Tier

FACTS_RECORDED = "CreditFactsRecorded"
REEVALUATION_REQUESTED = "ReevaluationRequested"
TIER_CHANGED = "TierChanged"
DISCLOSURE_PUBLISHED = "DisclosurePublished"
DISCLOSURE_ENDED = "DisclosureEnded"
RESTORATION_RECEIVED = "RestorationReceived"
RESTORATION_DECIDED = "RestorationDecided"
CERTIFICATION_DECIDED = "CertificationDecided"
OBJECTION_DECIDED = "ObjectionDecided"
DEADLINE_MISSED = "DeadlineMissed"


class _Detail(BaseModel):
    model_config = STRICT


class CreditFactsRecorded(_Detail):
    """Internal: new facts were stored for an enterprise; its tier must be re-evaluated."""

    schema_version: Literal[1] = 1
    uscc: str
    event_ids: list[str] = []
    recorded_at: str


class ReevaluationRequested(_Detail):
    """Internal: a date-driven duty (e.g. an arrears threshold) fell due for an enterprise."""

    schema_version: Literal[1] = 1
    uscc: str
    reason: str
    due_on: str


class Citation(_Detail):
    rule_id: str
    article: str
    summary: str
    evidence: list[str]


class TierChanged(_Detail):
    """Public: an enterprise's tier changed by a recorded decision."""

    schema_version: Literal[1] = 1
    uscc: str
    decision_id: str
    from_tier: Tier
    to_tier: Tier
    effective_at: str
    rule_pack: str
    grounds: list[Citation]
    correction: bool = False


class DisclosurePublished(_Detail):
    """Public: a record went on the public disclosure feed (Art 33). `published_until` is the last day
    it is shown (inclusive); `published_at` the instant the system published it."""

    schema_version: Literal[1] = 1
    uscc: str
    event_id: str
    severity: Literal["GENERAL", "SERIOUS", "MINOR"]
    rule_ids: list[str]
    published_from: str
    published_until: str | None
    published_at: str


class DisclosureEnded(_Detail):
    """Public: a record left the feed, in exactly one way. `ended_on` is the first day it is no longer
    shown (EXPIRED: the day after `published_until`); `ended_at` the instant the system recorded it."""

    schema_version: Literal[1] = 1
    uscc: str
    event_id: str
    reason: Literal["EXPIRED", "RESTORED", "WITHDRAWN"] = Field(description="how the disclosure ended")
    ended_on: str
    ended_at: str


class RestorationReceived(_Detail):
    """Internal: a restoration or upgrade application was stored RECEIVED; the review function takes it."""

    schema_version: Literal[1] = 1
    uscc: str
    restoration_id: str
    kind: Literal["DISCLOSURE", "TIER"]
    received_at: str


class Reason(_Detail):
    rule_id: str
    article: str
    detail: str


class RestorationDecided(_Detail):
    """Public: a restoration (DISCLOSURE) or upgrade (TIER) application was finally decided (APPROVED or
    REJECTED, by the review or an officer). An approval is followed by a tier re-evaluation."""

    schema_version: Literal[1] = 1
    uscc: str
    restoration_id: str
    kind: Literal["DISCLOSURE", "TIER"]
    status: Literal["APPROVED", "REJECTED"]
    event_ids: list[str]
    reasons: list[Reason]
    decided_at: str
    decided_by: str


class CertificationDecided(_Detail):
    """Public: an officer decided a certification or re-certification case (Art 8). An approval is
    followed by the tier decision to `target_tier`; a failed re-certification by one to REGULAR."""

    schema_version: Literal[1] = 1
    uscc: str
    case_id: str
    kind: Literal["INITIAL", "RECERTIFICATION"]
    target_tier: Tier
    outcome: Literal["APPROVED", "REJECTED"]
    reasons: list[str]
    score: int | None
    decided_at: str
    decided_by: str


class ObjectionDecided(_Detail):
    """Public: an officer decided an objection (Art 39). UPHELD: the correction was applied and the tier
    re-evaluated (`decision_id`: the new decision citing Art 39); DISMISSED: nothing else changed."""

    schema_version: Literal[1] = 1
    uscc: str
    objection_id: str
    subject_type: Literal["EVENT", "DISCLOSURE", "DECISION", "RESTORATION"]
    subject_id: str
    outcome: Literal["UPHELD", "DISMISSED"]
    reasons: list[str]
    decision_id: str | None = None
    decided_at: str
    decided_by: str


class DeadlineMissed(_Detail):
    """Public: a case passed a statutory deadline undecided and was marked `overdue` (the `case-deadlines`
    schedule); once per case and deadline."""

    schema_version: Literal[1] = 1
    case_type: Literal["RESTORATION", "CERTIFICATION", "OBJECTION"]
    case_id: str
    uscc: str
    deadline_kind: str
    deadline: str
