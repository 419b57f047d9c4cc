"""Details of the events on the `credit` bus (source `customs.credit`). Each is versioned by
`schema_version`; consumers accept the versions they know and reject others loudly.

Frozen dataclasses, not pydantic models: every producer is our own code (type-checked), and the bus
consumers and schedules that announce events load no pydantic at cold start. `detail_of` turns one
into the detail written to the outbox (JSON-ready: enums as their values, field order kept).
`pydantic.TypeAdapter(TheDetail)` validates a detail or gives its JSON schema where one is wanted
(tests, tools)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from typing import Any, Literal, get_args, get_origin, get_type_hints

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


CaseType = Literal["RESTORATION", "CERTIFICATION", "OBJECTION"]
DecisionOutcome = Literal["APPROVED", "REJECTED"]
ObjectionOutcome = Literal["UPHELD", "DISMISSED"]


class _Detail:
    """Refuses a value outside a `Literal` field's values when the detail is made (as the pydantic models
    did): a producer that passes a wrong status fails loudly instead of announcing it."""

    def __post_init__(self) -> None:
        for name, allowed in _literal_fields(type(self)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{type(self).__name__}.{name} is {getattr(self, name)!r}, not one of {allowed}")


_LITERAL_FIELDS: dict[type, tuple[tuple[str, tuple[Any, ...]], ...]] = {}


def _literal_fields(cls: type) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """The `Literal` fields of a detail class and their values (resolved once per class)."""
    if cls not in _LITERAL_FIELDS:
        hints = get_type_hints(cls)
        _LITERAL_FIELDS[cls] = tuple((f.name, get_args(hints[f.name])) for f in fields(cls)
                                     if get_origin(hints[f.name]) is Literal)
    return _LITERAL_FIELDS[cls]


def detail_of(detail: Any) -> dict[str, Any]:
    """The JSON-ready dict of an event detail: its fields in declaration order (defaults included),
    enums as their values, nested details as dicts, sequences as lists."""
    return {f.name: _plain(getattr(detail, f.name)) for f in fields(detail)}


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return detail_of(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, kw_only=True)
class CreditFactsRecorded(_Detail):
    """Internal: new facts were stored for an enterprise; its tier must be re-evaluated."""

    schema_version: Literal[1] = 1
    uscc: str
    event_ids: list[str] = field(default_factory=list)
    recorded_at: str


@dataclass(frozen=True, kw_only=True)
class ReevaluationRequested(_Detail):
    """Internal: a date-driven duty (e.g. an arrears threshold) fell due for an enterprise."""

    schema_version: Literal[1] = 1
    uscc: str
    reason: str
    due_on: str


@dataclass(frozen=True, kw_only=True)
class Citation(_Detail):
    rule_id: str
    article: str
    summary: str
    evidence: list[str]


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
class DisclosureEnded(_Detail):
    """Public: a record left the feed, in exactly one way. `ended_on` is the first day it is no longer
    shown (EXPIRED: the day after `published_until`); `ended_at` the instant the system recorded it."""

    schema_version: Literal[1] = 1
    uscc: str
    event_id: str
    reason: Literal["EXPIRED", "RESTORED", "WITHDRAWN"]  # how the disclosure ended
    ended_on: str
    ended_at: str


@dataclass(frozen=True, kw_only=True)
class RestorationReceived(_Detail):
    """Internal: a restoration or upgrade application was stored RECEIVED; the review function takes it."""

    schema_version: Literal[1] = 1
    uscc: str
    restoration_id: str
    kind: Literal["DISCLOSURE", "TIER"]
    received_at: str


@dataclass(frozen=True, kw_only=True)
class Reason(_Detail):
    rule_id: str
    article: str
    detail: str


@dataclass(frozen=True, kw_only=True)
class RestorationDecided(_Detail):
    """Public: a restoration (DISCLOSURE) or upgrade (TIER) application was finally decided (APPROVED or
    REJECTED, by the review or an officer). An approval is followed by a tier re-evaluation."""

    schema_version: Literal[1] = 1
    uscc: str
    restoration_id: str
    kind: Literal["DISCLOSURE", "TIER"]
    status: DecisionOutcome
    event_ids: list[str]
    reasons: list[Reason]
    decided_at: str
    decided_by: str


@dataclass(frozen=True, kw_only=True)
class CertificationDecided(_Detail):
    """Public: an officer decided a certification or re-certification case (Art 8). An approval is
    followed by the tier decision to `target_tier`; a failed re-certification by one to REGULAR."""

    schema_version: Literal[1] = 1
    uscc: str
    case_id: str
    kind: Literal["INITIAL", "RECERTIFICATION"]
    target_tier: Tier
    outcome: DecisionOutcome
    reasons: list[str]
    score: int | None
    decided_at: str
    decided_by: str


@dataclass(frozen=True, kw_only=True)
class ObjectionDecided(_Detail):
    """Public: an officer decided an objection (Art 39). UPHELD: the correction was applied and the tier
    re-evaluated (`decision_id`: the new decision citing Art 39); DISMISSED: nothing else changed."""

    schema_version: Literal[1] = 1
    uscc: str
    objection_id: str
    subject_type: Literal["EVENT", "DISCLOSURE", "DECISION", "RESTORATION"]
    subject_id: str
    outcome: ObjectionOutcome
    reasons: list[str]
    decision_id: str | None = None
    decided_at: str
    decided_by: str


@dataclass(frozen=True, kw_only=True)
class DeadlineMissed(_Detail):
    """Public: a case passed a statutory deadline undecided and was marked `overdue` (the `case-deadlines`
    schedule); once per case and deadline."""

    schema_version: Literal[1] = 1
    case_type: CaseType
    case_id: str
    uscc: str
    deadline_kind: str
    deadline: str
