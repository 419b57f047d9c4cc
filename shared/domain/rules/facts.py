"""What the engine is told about one enterprise: plain, immutable data, validated at the edge.

`EnterpriseFacts` holds tuples and mappings, not pydantic models to re-validate: events are
`CreditEvent`s (validated when they came in) or `EventRecord`s built from storage. Tier-affecting
decisions that are not credit events (certification granted or withdrawn, approved upgrades and
tier restorations, record restorations) come as `TierFact` / `RecordRestoration` values; the
workflows that produce them live elsewhere.

`business_types` and `registration_status` are carried for completeness: under ORDER_282 they do
not change the tier (Art 41 entities can be downgraded like any other; D3 reads each event's own
`business_line`). Event ids are unique within `events` (storage keys them by `event_id`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from shared.domain.credit_events import BusinessLine, EventLike
from shared.domain.registration import BusinessType, RegistrationStatus
from shared.domain.tiers import AEO_TIERS, Tier


class TierFactKind(StrEnum):
    CERTIFIED = "CERTIFIED"  # certification (or re-certification to another tier) granted: tier = the tier
    CERTIFICATE_WITHDRAWN = "CERTIFICATE_WITHDRAWN"  # failed re-certification, relinquished, withdrawn -> REGULAR
    UPGRADED = "UPGRADED"  # upgrade / tier restoration approved (Arts 29-30, 36-40) -> REGULAR


@dataclass(frozen=True)
class TierFact:
    kind: TierFactKind
    at: datetime  # the instant the decision took effect (timezone-aware)
    tier: Tier | None = None  # CERTIFIED: ADVANCED_CERTIFIED or CERTIFIED
    fact_id: str = ""  # decision / case id, cited in transitions

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("TierFact.at must be timezone-aware")
        if self.kind is TierFactKind.CERTIFIED and self.tier not in AEO_TIERS:
            raise ValueError("a CERTIFIED fact needs tier ADVANCED_CERTIFIED or CERTIFIED")


@dataclass(frozen=True)
class RecordRestoration:
    """An approved restoration of records (`kind: DISCLOSURE`): their disclosure ends as RESTORED."""

    at: datetime
    event_ids: tuple[str, ...]
    restoration_id: str = ""

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("RecordRestoration.at must be timezone-aware")


@dataclass(frozen=True)
class DisclosureOverride:
    """A law or regulation that sets another disclosure for one record (it prevails, Arts 34-35)."""

    legal_basis: str
    published: bool | None = None
    min_months: int | None = None
    max_months: int | None = None
    withdrawn_on: date | None = None  # an upheld objection (Art 39) withdrew the disclosure on this day,
    withdrawn_at: str | None = None  # at this instant (ISO): point-in-time reads before it still see it


@dataclass(frozen=True)
class ObjectionWithdrawal:
    """An upheld objection against a record (Art 39): from the day of the decision (CST) the record
    stops counting, as a `PENALTY_REVOKED` would make it, and its disclosure ends WITHDRAWN."""

    objection_id: str
    event_id: str
    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("ObjectionWithdrawal.at must be timezone-aware")


@dataclass(frozen=True)
class EnterpriseFacts:
    uscc: str
    events: tuple[EventLike, ...] = ()  # every credit event, incl. ARREARS_SETTLED and PENALTY_REVOKED
    business_types: frozenset[BusinessType] = frozenset()
    registration_status: RegistrationStatus = RegistrationStatus.REGISTERED
    # documents per (calendar year, business line): the denominator of the D3 ratio
    declaration_volumes: Mapping[tuple[int, BusinessLine], int] = field(default_factory=lambda: MappingProxyType({}))
    tier_facts: tuple[TierFact, ...] = ()
    record_restorations: tuple[RecordRestoration, ...] = ()
    disclosure_overrides: Mapping[str, DisclosureOverride] = field(default_factory=lambda: MappingProxyType({}))
    withdrawals: tuple[ObjectionWithdrawal, ...] = ()  # upheld objections against records (Art 39)

    def with_events(self, *events: EventLike) -> EnterpriseFacts:
        from dataclasses import replace

        return replace(self, events=(*self.events, *events))
