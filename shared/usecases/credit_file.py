"""The values the credit-file port (`ports.CreditFileStore`) exchanges with the use cases: what is
stored under one enterprise, an event id already taken, a new event, an evaluation's commit.

A module of their own, not `ports`: `ports` (the `Stores` every handler builds) is imported by every
function, these dataclasses only by the functions that read or write credit files; building them cost
every other function's cold start ~2 ms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.domain.credit_events.model import CreditEvent
    from shared.domain.enterprise_profile import Enterprise
    from shared.domain.outbox import BusEvent


@dataclass
class EnterpriseItems:
    """Everything stored under one enterprise, split by kind (plain mappings as stored)."""

    profile: dict[str, Any] | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    volumes: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    annual_reports: list[dict[str, Any]] = field(default_factory=list)
    persons: list[dict[str, Any]] = field(default_factory=list)
    restorations: list[dict[str, Any]] = field(default_factory=list)
    certifications: list[dict[str, Any]] = field(default_factory=list)
    disclosures: list[dict[str, Any]] = field(default_factory=list)  # DISC#<event_id>: public state of records
    due: list[dict[str, Any]] = field(default_factory=list)  # DUE#<KIND>: due-index items of the enterprise
    objections: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class StoredEventId:
    """A partner `event_id` already taken: by which enterprise, with what content."""

    event_id: str
    uscc: str
    content_hash: str
    event: Mapping[str, Any]  # the canonical content, as `CreditEvent.model_validate` reads it


@dataclass(frozen=True)
class NewEvent:
    event: CreditEvent
    arrears_threshold: date | None  # the day unpaid arrears become a ground (indexed for arrears-watch)


@dataclass(frozen=True)
class EvaluationCommit:
    """What one evaluation writes, all or nothing, on the condition that the profile is still at
    `expected_version` (else `Conflict`)."""

    uscc: str
    expected_version: int
    profile: Enterprise | None = None  # the new state (tier change, or new restoration dates)
    decision: Mapping[str, Any] | None = None  # the tier decision (with `effective_at`, `decision_id`)
    audit: Mapping[str, Any] | None = None  # the audit entry of the decision
    classifications: Sequence[tuple[str, Mapping[str, Any]]] = ()  # (event_id, record classification)
    # disclosure items (whole, with their index keys) and the version each replaces (None: created once)
    disclosures: Sequence[tuple[Mapping[str, Any], int | None]] = ()
    due_items: Sequence[Mapping[str, Any]] = ()  # due-index items under the enterprise (written whole)
    outbox: Sequence[BusEvent] = ()  # the events the change announces (TierChanged, disclosure events)

    @property
    def empty(self) -> bool:
        return (self.profile is None and self.decision is None and not self.classifications
                and not self.disclosures and not self.due_items and not self.outbox)
