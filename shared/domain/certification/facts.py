"""Stored certification cases as the rules engine's tier facts (Art 8). Apart from the case model
(`records`) so that the evaluation, which reads every enterprise's cases, loads only these few names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from shared.domain.certification.statuses import CaseKind, CaseStatus
from shared.domain.clock import instant_of
from shared.domain.rules.facts import TierFact, TierFactKind
from shared.domain.tiers import Tier


def certification_facts(items: Iterable[Mapping[str, Any]]) -> tuple[TierFact, ...]:
    """Stored cases → the engine's tier facts: an approval whose outcome was applied grants its target
    tier (`CERTIFIED`, at `decided_at`); a re-certification that failed or was withdrawn withdraws the
    certificate (`CERTIFICATE_WITHDRAWN`). The engine turns them into Art 8 decisions."""
    facts: list[TierFact] = []
    for item in items:
        decided_at = item.get("decided_at")
        if not item.get("outcome_applied") or not decided_at:
            continue
        status, at, case_id = item["status"], instant_of(str(decided_at)), str(item["case_id"])
        if status == CaseStatus.APPROVED.value:
            facts.append(TierFact(TierFactKind.CERTIFIED, at, Tier(item["target_tier"]), case_id))
        elif item["kind"] == CaseKind.RECERTIFICATION.value and status in (CaseStatus.REJECTED.value,
                                                                             CaseStatus.WITHDRAWN.value):
            facts.append(TierFact(TierFactKind.CERTIFICATE_WITHDRAWN, at, fact_id=case_id))
    return tuple(facts)
