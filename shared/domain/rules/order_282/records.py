"""ORDER_282's record classes and disclosure windows (Arts 33-35), and its restoration rules: upgrades
and automatic restoration of a tier (Arts 29-30), restoration of a record (Arts 36-40)."""

from __future__ import annotations

from decimal import Decimal

from shared.domain.credit_events import CreditEventType as T
from shared.domain.credit_events import PenaltyKind
from shared.domain.rules.model import (
    AutomaticRestoration,
    RecordRules,
    Severity,
    SeverityRule,
    TierRestorationRules,
)
from shared.domain.tiers import Tier

# ---------------------------------------------------------------------------------------------
# Arts 33-35 — record severity and disclosure on Credit China
# ---------------------------------------------------------------------------------------------

SEVERITIES = (
    SeverityRule(Severity.MINOR, "Arts 34-35",
                 "Warning only, or a fine of at most CNY 3,000, grounding no D/S rule: not published; "
                 "restorable as soon as obligations are fulfilled.",
                 "[N] national minor class (not published in principle); [D] CNY 3,000 ceiling "
                 "(Administrative Penalty Law Art 51 simplified procedure)",
                 published=False, min_months=None, max_months=None),
    SeverityRule(Severity.GENERAL, "Arts 34-35",
                 "Any other customs administrative penalty, including those grounding D2-D8: published "
                 "from the decision, restorable after 3 months, disclosure ends after 12 months.",
                 "[N] national general class 3 / 12 months (≈[C])",
                 published=True, min_months=3, max_months=12),
    SeverityRule(Severity.SERIOUS, "Arts 34-35",
                 "Records grounding D1 or S1-S2: published, restorable after 12 months, disclosure ends "
                 "after 36 months.",
                 "[N] national serious class 12 / 36 months (≈[C])",
                 published=True, min_months=12, max_months=36),
)

RECORDS = RecordRules(
    article="Arts 33-35",
    text="A penalty that grounds no rule is MINOR when it is a warning only or a fine of at most "
         "CNY 3,000, GENERAL otherwise. An overdue tax or fine is a record only from the day it becomes "
         "a D4/D5 ground (disclosure runs from that day); paid in time it is no record.",
    source="[D] customs mapping of the regulation research §2.10; the rules specification: overdue-arrears "
           "records are disclosed from the day they become a ground",
    minor_penalty_kinds=frozenset({PenaltyKind.WARNING}),
    minor_fine_ceiling=Decimal("3000.00"),
    ground_only_types=frozenset({T.TAX_OVERDUE, T.FINE_OVERDUE}),
)

# ---------------------------------------------------------------------------------------------
# Arts 29-30 — upgrade of discredited enterprises; Arts 36-40 — restoration
# ---------------------------------------------------------------------------------------------

TIER_RESTORATION = TierRestorationRules(
    article="Arts 29-30",
    text="On application, once the conduct is corrected and obligations fulfilled, after the waiting "
         "period of each ground (see each rule's upgrade route). Automatically when no new ground "
         "arises for 24 months (DISCREDITED) or 36 months (SERIOUSLY_DISCREDITED). An upgrade goes "
         "to REGULAR (a certificate lost on the downgrade is not restored) and starts the 12-month "
         "certification bar.",
    source="[B~] Order 251 automatic 2 years; [N]/[C] 36 months for SD; [B✓] 12-month bar after an "
           "upgrade from DISCREDITED",
    target_tier=Tier.REGULAR,
    automatic=(
        AutomaticRestoration(Tier.DISCREDITED, 24, "Arts 29-30", "[B~] Order 251: 2 consecutive years"),
        AutomaticRestoration(Tier.SERIOUSLY_DISCREDITED, 36, "Arts 29-30",
                             "[N] serious maximum; [C] 'listing 3 years'"),
    ),
    certification_bar_months=12,
)
