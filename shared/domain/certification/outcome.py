"""What a closed certification case does to the tier (Art 8) and which application bar it starts."""

from __future__ import annotations

from dataclasses import dataclass

from shared.domain.certification.case import Case, CaseKind, CaseStatus
from shared.domain.certification.eligibility import BarEvent, BarReason, bar_events_of_tier_change
from shared.domain.certification.errors import CaseStateConflict
from shared.domain.rules.certification import CertificationRules
from shared.domain.tiers import Tier


@dataclass(frozen=True, slots=True)
class CaseOutcome:
    new_tier: Tier | None  # None: the tier does not change
    bars: tuple[BarEvent, ...]
    article: str = "Art 8"


def outcome(case: Case, current_tier: Tier, rules: CertificationRules) -> CaseOutcome:
    """What a closed case does: an approval grants the target tier; a rejection starts the bar (and
    downgrades a re-certified enterprise); a withdrawal starts the bar (and, for a re-certification,
    downgrades like a failure); a termination does nothing more."""
    if case.status.is_open or case.closed_on is None:
        raise CaseStateConflict("the case is still open", status=case.status.value, action="OUTCOME")
    on, recert = case.closed_on, case.kind is CaseKind.RECERTIFICATION
    if case.status is CaseStatus.APPROVED:
        return CaseOutcome(None if current_tier is case.target_tier else case.target_tier, ())
    if case.status is CaseStatus.TERMINATED:
        return CaseOutcome(None, ())
    if case.status is CaseStatus.WITHDRAWN:
        bars: tuple[BarEvent, ...] = (BarEvent(BarReason.WITHDRAWN_APPLICATION, on),)
    else:
        failed = BarReason.FAILED_RECERTIFICATION if recert else BarReason.FAILED_CERTIFICATION
        bars = (BarEvent(failed, on),)
    if not recert:
        return CaseOutcome(None, bars)
    downgraded = rules.failed_recertification_tier
    return CaseOutcome(downgraded, bars + bar_events_of_tier_change(current_tier, downgraded, on))
