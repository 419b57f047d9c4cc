"""What an evaluation answers: the tier, its grounds, the restoration notice, corrections, and their
serialisation (`to_dict`, the shapes the API and the stored decisions use)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Any

from shared.domain.rules.model import CountedFrom
from shared.domain.rules.severity import RecordClassification
from shared.domain.rules.timeline import Transition
from shared.domain.tiers import Tier


@dataclass(frozen=True)
class Ground:
    """One rule grounding the downgrade in force: all its arisings in the current downgrade together.

    `arose_on` is its first arising in this downgrade, `last_arose_on` its latest (a new arising of a
    ground restarts its waiting period and the automatic clean period); `evidence` every event that
    proved it; `summary` describes the latest arising."""

    rule_id: str
    article: str
    summary: str
    evidence: tuple[str, ...]
    arose_on: date
    consequence: Tier
    last_arose_on: date
    arisings: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "article": self.article, "summary": self.summary,
                "evidence": list(self.evidence), "arose_on": self.arose_on.isoformat(),
                "last_arose_on": self.last_arose_on.isoformat(), "arisings": self.arisings,
                "consequence": self.consequence.value}


class Route(StrEnum):
    APPLICATION = "APPLICATION"  # may apply from `application_from`
    AFTER_SETTLEMENT = "AFTER_SETTLEMENT"  # arrears unpaid: the waiting period starts when paid
    NO_APPLICATION_ROUTE = "NO_APPLICATION_ROUTE"  # automatic restoration only


@dataclass(frozen=True)
class GroundRoute:
    rule_id: str
    article: str
    arose_on: date
    route: Route
    waiting_months: int | None
    counted_from: CountedFrom
    application_from: date | None

    def to_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "article": self.article, "arose_on": self.arose_on.isoformat(),
                "route": self.route.value, "waiting_months": self.waiting_months,
                "counted_from": self.counted_from.value,
                "application_from": None if self.application_from is None else self.application_from.isoformat()}


@dataclass(frozen=True)
class RestorationNotice:
    """How and when the tier in force can be restored (served with every tier decision, "两书同达")."""

    tier: Tier
    downgraded: bool
    application_route: bool  # every current ground has an application route
    earliest_application_on: date | None  # None: no route, or a waiting period has not started (unpaid arrears)
    automatic_on: date | None  # restored automatically on this day if no new ground arises first
    target_tier: Tier | None
    grounds: tuple[GroundRoute, ...]
    documents: tuple[str, ...]
    document_substitutes: tuple[tuple[str, str], ...]
    articles: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        iso = lambda d: None if d is None else d.isoformat()  # noqa: E731
        return {
            "tier": self.tier.value, "downgraded": self.downgraded, "application_route": self.application_route,
            "earliest_application_on": iso(self.earliest_application_on), "automatic_on": iso(self.automatic_on),
            "target_tier": None if self.target_tier is None else self.target_tier.value,
            "grounds": [g.to_dict() for g in self.grounds], "documents": list(self.documents),
            "document_substitutes": dict(self.document_substitutes),
            "articles": list(self.articles), "text": self.text,
        }


@dataclass(frozen=True)
class Correction:
    """A revocation that removed an event which grounded a rule: the tier decision it leads to is a correction."""

    revocation_event_id: str
    revoked_event_id: str
    revoked_on: date
    rule_ids: tuple[str, ...]  # what the revoked event grounded
    tier_without_correction: Tier  # the tier the enterprise would hold if no revocation counted
    by_objection: bool = False  # the "revocation" is an upheld objection against the record (Art 39)

    @property
    def withdrawn_by(self) -> str:
        """How the record was taken away, as decisions and explanations say it."""
        if self.by_objection:
            return f"was withdrawn by the upheld objection {self.revocation_event_id} (Art 39)"
        return f"was revoked by {self.revocation_event_id}"

    def to_dict(self) -> dict[str, Any]:
        return {"revocation_event_id": self.revocation_event_id, "revoked_event_id": self.revoked_event_id,
                "revoked_on": self.revoked_on.isoformat(), "rule_ids": list(self.rule_ids),
                "tier_without_correction": self.tier_without_correction.value, "by_objection": self.by_objection}


@dataclass(frozen=True, eq=False)
class Evaluation:
    """The result of `evaluate`. Immutable. `records` (the per-record classification) is derived on
    first access and cached: bulk re-evaluations that read the tier and grounds do not pay for it.
    Equality compares every field and the records."""

    uscc: str
    as_of: datetime
    tier: Tier
    tier_since: datetime | None  # None: the tier has not changed since the start (REGULAR)
    grounds: tuple[Ground, ...]  # the grounds of the downgrade in force (empty when not downgraded)
    rule_pack: str
    rule_pack_in_force: bool
    rule_pack_note: str | None
    explanation: str
    restoration_notice: RestorationNotice
    classify: Callable[[], tuple[RecordClassification, ...]] = field(repr=False)
    corrections: tuple[Correction, ...]
    transitions: tuple[Transition, ...]  # the tier history up to as_of
    notes: tuple[str, ...]
    next_change_on: date | None  # the next day the tier may change without new facts
    simulated_event_ids: tuple[str, ...] = ()

    @cached_property
    def records(self) -> tuple[RecordClassification, ...]:
        """Every counted record (by decided_on, event_id), then the withdrawn ones, classified (Arts 33-35)."""
        return self.classify()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        names = [f.name for f in fields(self) if f.name != "classify"]
        return (all(getattr(self, n) == getattr(other, n) for n in names)
                and self.records == other.records)

    __hash__ = None  # type: ignore[assignment]

    @property
    def is_aeo(self) -> bool:
        return self.tier.is_aeo

    @property
    def is_correction(self) -> bool:
        return bool(self.corrections)

    def citations(self) -> list[dict[str, Any]]:
        """Grounds in the decision shape of the contract (`{rule_id, article, summary, evidence}`)."""
        return [{"rule_id": g.rule_id, "article": g.article, "summary": g.summary, "evidence": list(g.evidence)}
                for g in self.grounds]

    def to_dict(self) -> dict[str, Any]:
        return {
            "uscc": self.uscc, "as_of": self.as_of.isoformat(), "tier": self.tier.value, "is_aeo": self.is_aeo,
            "tier_since": None if self.tier_since is None else self.tier_since.isoformat(),
            "grounds": [g.to_dict() for g in self.grounds], "rule_pack": self.rule_pack,
            "rule_pack_in_force": self.rule_pack_in_force, "rule_pack_note": self.rule_pack_note,
            "explanation": self.explanation, "restoration_notice": self.restoration_notice.to_dict(),
            "records": [r.to_dict() for r in self.records],
            "corrections": [c.to_dict() for c in self.corrections],
            "transitions": [t.to_dict() for t in self.transitions], "notes": list(self.notes),
            "next_change_on": None if self.next_change_on is None else self.next_change_on.isoformat(),
            "simulated_event_ids": list(self.simulated_event_ids),
        }
