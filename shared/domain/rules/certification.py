"""The rule pack's certification section (Arts 8, 17-23): figures of scoring, the decision clock,
certifier conflicts, the application bar and re-certification, as data.

Kept in its own module so the pack model only names the type; `shared.domain.certification`
holds the functions that read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shared.domain.certification.standards import ItemResult
from shared.domain.rules.model import Severity
from shared.domain.tiers import Tier


@dataclass(frozen=True)
class CertificationRules:
    article: str
    text: str
    source: str
    start_score: int
    deductions: Mapping[ItemResult, int]  # points taken off per item with this result
    disqualifying_results: frozenset[ItemResult]  # one such item fails the audit whatever the total
    pass_marks: Mapping[Tier, int]  # lowest passing total per target tier
    decision_days: int  # calendar days after receipt (Art 20)
    extension_days: int
    certifiers_per_case: int  # Art 19
    conflict_months: int  # a relation ending within this rolling window disqualifies a certifier
    bar_months: int  # no application for this long after a bar event
    ace_recertification_months: int  # Art 22
    recertification_lead_days: int  # the ACE case opens this many days before the anniversary
    assessment_months: int  # CE credit assessment cycle, counted from certification
    assessment_trigger_severities: frozenset[Severity]  # a record of these classes triggers CE re-certification
    simplified_max_severity: Severity  # Art 23: no record above this class for the simplified route
    failed_recertification_tier: Tier

    def pass_mark(self, target_tier: Tier) -> int:
        return self.pass_marks[target_tier]


ORDER_282_CERTIFICATION = CertificationRules(
    article="Arts 8, 17-23",
    text="Start at 100; MET 0, BASICALLY_MET -1, NOT_MET -2; pass with no NOT_MET and at least 95 (ACE) "
         "or 90 (CE). Decision 90 calendar days after receipt, +30 on one recorded extension, plus the "
         "days suspended for an audit, verification or investigation. At least 2 qualified certifiers "
         "without a relation to the enterprise in the last 3 years. No application for 12 months after "
         "a failed certification or re-certification, a withdrawal, a downgrade from ACE/CE or an upgrade "
         "from DISCREDITED. ACE re-certified every 5 years, the case opening 90 days before; CE when its "
         "yearly assessment finds a GENERAL or SERIOUS record or a missed annual report; simplified route "
         "with no record above MINOR and every report of the cycle filed; a failed re-certification "
         "downgrades to REGULAR.",
    source="[H✓] 2018 scoring; [B✓] 2022 pass mark 95; [D] CE pass mark 90; [B✓] 90 days, [H✓/B~] +30; "
           "[A] Art 20 suspensions; [A]/[D] Art 19 two certifiers, 3-year recusal; [B✓] 12-month bar; "
           "[A]/[B✓] ACE 5 years; [A]/[D] CE yearly assessment; [D] simplified route conditions",
    start_score=100,
    deductions={ItemResult.MET: 0, ItemResult.BASICALLY_MET: 1, ItemResult.NOT_MET: 2},
    disqualifying_results=frozenset({ItemResult.NOT_MET}),
    pass_marks={Tier.ADVANCED_CERTIFIED: 95, Tier.CERTIFIED: 90},
    decision_days=90,
    extension_days=30,
    certifiers_per_case=2,
    conflict_months=36,
    bar_months=12,
    ace_recertification_months=60,
    recertification_lead_days=90,
    assessment_months=12,
    assessment_trigger_severities=frozenset({Severity.GENERAL, Severity.SERIOUS}),
    simplified_max_severity=Severity.MINOR,
    failed_recertification_tier=Tier.REGULAR,
)
