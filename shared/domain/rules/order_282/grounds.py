"""ORDER_282's grounds: Art 15 (DISCREDITED, D1-D8) and Art 16 (SERIOUSLY_DISCREDITED, S1-S3), each
with its article, plain-words text, provenance, trigger figures and upgrade route."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from shared.domain.credit_events import BusinessLine, PenaltyKind
from shared.domain.credit_events import CreditEventType as T
from shared.domain.rules.model import CountedFrom, GroundRule, Severity, UpgradeRoute
from shared.domain.rules.triggers import (
    ArrearsTrigger,
    EventTrigger,
    LineThreshold,
    RepeatTrigger,
    ViolationThresholdTrigger,
)
from shared.domain.tiers import Tier

DISCREDITED = Tier.DISCREDITED
SD = Tier.SERIOUSLY_DISCREDITED
UPGRADE_SOURCE = "[B✓] Order 251 upgrade periods (ssopdot 6808); Order 282 Arts 29-30 'streamlined' [A]"
NO_ROUTE_SOURCE = "[B✓] Order 251: items 1 and 7 have no application route; automatic route only"
_SD_ROUTE = UpgradeRoute(12, CountedFrom.DETERMINATION,
                         "[N] serious minimum 12 months; [C] 'rectification 1 year'")

# ---------------------------------------------------------------------------------------------
# Art 15 — discredited enterprises (失信企业). Any one ground makes the enterprise DISCREDITED.
# Baseline: Order 251 Art 22, refined by Order 282 (separate counting per business line; new D8).
# ---------------------------------------------------------------------------------------------

D1 = GroundRule(
    rule_id="D1", article="Art 15",
    title="Smuggling crime, criminal liability pursued",
    text="A case filed by the anti-smuggling police in which the judicial organs pursued criminal "
         "liability for smuggling. Dated by the judgment's effective date (decided_on).",
    source="[B✓] Order 251 Art 22(1) (anqiu, ssopdot); dating [H✓] Order 237 Art 29",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.SMUGGLING_CRIME})),),
    upgrade=UpgradeRoute(None, CountedFrom.DETERMINATION, NO_ROUTE_SOURCE),
    record_severity=Severity.SERIOUS,
)

D2 = GroundRule(
    rule_id="D2", article="Art 15",
    title="Smuggling act punished by customs",
    text="An administrative penalty by customs for a smuggling act.",
    source="[B✓] Order 251 Art 22(2)",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.SMUGGLING_PENALTY})),),
    upgrade=UpgradeRoute(12, CountedFrom.DETERMINATION, UPGRADE_SOURCE),
    record_severity=Severity.GENERAL,
)

D3 = GroundRule(
    rule_id="D3", article="Art 15",
    title="Violations of customs supervision rules above the 12-month thresholds, per business line",
    text="Within the rolling 12 months ending on the day considered, counted separately for the "
         "own-account line and the brokerage line: the number of supervision-violation penalties "
         "exceeds the line's ratio of the previous calendar year's documents (declarations, filing "
         "lists, manifests) AND their fines exceed the line's amount. When the previous year's "
         "documents are unknown, the amount alone decides. Not counted: non-intentional own-account "
         "violations (fault tolerance); voluntary disclosures punished by a warning or a fine of at "
         "most CNY 500,000.",
    source="[B✓] Order 251 Art 22(3) (anqiu: own-account 1/1000 and CNY 1,000,000; ssopdot: brokerage "
           "CNY 300,000), [B~] brokerage ratio 5/10000; [A] Order 282 separates the two lines; "
           "[B~/✓] voluntary-disclosure exemption (crsrw, aeo.net.cn); [D] fault tolerance kept after "
           "公告2023年第170号 expired 2025-12-31; [B~] 'within 1 year' = rolling 12 months",
    consequence=DISCREDITED,
    triggers=(ViolationThresholdTrigger(
        event_types=frozenset({T.SUPERVISION_VIOLATION_PENALTY}),
        window_months=12,
        lines=(
            LineThreshold(BusinessLine.OWN_ACCOUNT, Fraction(1, 1000), Decimal("1000000.00")),
            LineThreshold(BusinessLine.BROKERAGE, Fraction(5, 10000), Decimal("300000.00")),
        ),
        non_intentional_excluded_lines=frozenset({BusinessLine.OWN_ACCOUNT}),
        voluntary_disclosure_exempt_kinds=frozenset({PenaltyKind.WARNING}),
        voluntary_disclosure_exempt_fine_max=Decimal("500000.00"),
    ),),
    upgrade=UpgradeRoute(6, CountedFrom.DETERMINATION, UPGRADE_SOURCE),
    record_severity=Severity.GENERAL,
)

D4 = GroundRule(
    rule_id="D4", article="Art 15",
    title="Tax unpaid more than 3 months after its due date",
    text="Tax still unpaid more than 3 calendar months after the payment due date: the ground arises "
         "on the day after due date + 3 months, unless the tax was paid before that day.",
    source="[B✓] Order 251 Art 22(4); [C] Brownstein '3 months'",
    consequence=DISCREDITED,
    triggers=(ArrearsTrigger(frozenset({T.TAX_OVERDUE}), months=3),),
    upgrade=UpgradeRoute(3, CountedFrom.SETTLEMENT, UPGRADE_SOURCE),
    record_severity=Severity.GENERAL,
)

D5 = GroundRule(
    rule_id="D5", article="Art 15",
    title="Fine or confiscation unpaid more than 6 months after its due date, above CNY 10,000",
    text="A fine, confiscated illegal gains or recovered smuggling value above CNY 10,000 still unpaid "
         "more than 6 calendar months after its due date: the ground arises on the day after due "
         "date + 6 months, unless paid before that day.",
    source="[B~] Order 251 Art 22(5); [C] Brownstein '6 months, > 10,000'",
    consequence=DISCREDITED,
    triggers=(ArrearsTrigger(frozenset({T.FINE_OVERDUE}), months=6, amount_above=Decimal("10000.00")),),
    upgrade=UpgradeRoute(3, CountedFrom.SETTLEMENT, UPGRADE_SOURCE),
    record_severity=Severity.GENERAL,
)

D6 = GroundRule(
    rule_id="D6", article="Art 15",
    title="Resisting or obstructing customs officers, penalised",
    text="A penalty for resisting or obstructing customs officers performing their duties.",
    source="[B~] Order 251 Art 22(6); ssopdot 6808 confirms it exists",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.OBSTRUCTION_PENALTY})),),
    upgrade=UpgradeRoute(12, CountedFrom.DETERMINATION, UPGRADE_SOURCE),
    record_severity=Severity.GENERAL,
)

D7 = GroundRule(
    rule_id="D7", article="Art 15",
    title="Bribing customs officers, fined or criminally liable",
    text="A fine or criminal liability for bribing customs officers.",
    source="[B~] Order 251 Art 22(7)",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.BRIBERY})),),
    upgrade=UpgradeRoute(None, CountedFrom.DETERMINATION, NO_ROUTE_SOURCE),
    record_severity=Severity.GENERAL,
)

D8 = GroundRule(
    rule_id="D8", article="Art 15",
    title="Intentional violation of export-control law, penalised by customs",
    text="Any one customs administrative penalty for an intentional violation of export-control law "
         "(a non-intentional one grounds nothing).",
    source="[A] new in Order 282 Art 15; [D] any single penalty (threshold unknown)",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.EXPORT_CONTROL_VIOLATION_PENALTY}), require_intentional=True),),
    upgrade=UpgradeRoute(12, CountedFrom.DETERMINATION, "[D] as D2 (new ground, period unknown)"),
    record_severity=Severity.GENERAL,
)

# ---------------------------------------------------------------------------------------------
# Art 16 — seriously discredited enterprises (严重失信企业): entry on the Art 16 list at the same time.
# Baseline: Order 251 Art 23.
# ---------------------------------------------------------------------------------------------

S1 = GroundRule(
    rule_id="S1", article="Art 16",
    title="Criminal liability for food-safety, cosmetics or solid-waste smuggling offences",
    text="Criminal liability for violating import/export food-safety or cosmetics rules, or for "
         "smuggling solid waste.",
    source="[B~] Order 251 Art 23(1); [A] Art 16 list entry",
    consequence=SD,
    triggers=(EventTrigger(frozenset({T.FOOD_SAFETY_CRIME, T.COSMETICS_CRIME, T.SOLID_WASTE_SMUGGLING_CRIME})),),
    upgrade=_SD_ROUTE,
    record_severity=Severity.SERIOUS,
)

S2 = GroundRule(
    rule_id="S2", article="Art 16",
    title="Customs fine above CNY 2,500,000 for illegally importing solid waste",
    text="A customs fine strictly above CNY 2,500,000 for the illegal import of solid waste.",
    source="[B~] Order 251 Art 23(2)",
    consequence=SD,
    triggers=(EventTrigger(frozenset({T.SOLID_WASTE_IMPORT_PENALTY}), fine_above=Decimal("2500000.00")),),
    upgrade=_SD_ROUTE,
    record_severity=Severity.SERIOUS,
)

S3 = GroundRule(
    rule_id="S3", article="Art 16",
    title="Bribery, obstruction, repeated major violations (one commentary) — OFF by default",
    text="Per one commentary, Order 282 'upgraded' the SD criteria to bribery of customs officers, "
         "obstruction of customs duties and repeated major violations. Unverified, so disabled: when "
         "enabled, a bribery or obstruction record, or 2 smuggling penalties within 12 months, make "
         "the enterprise SERIOUSLY_DISCREDITED.",
    source="[C] Brownstein; [D] disabled by default; 'repeated major' = 2 smuggling penalties in 12 months [D]",
    consequence=SD,
    triggers=(
        EventTrigger(frozenset({T.BRIBERY, T.OBSTRUCTION_PENALTY})),
        RepeatTrigger(frozenset({T.SMUGGLING_PENALTY}), min_count=2, window_months=12),
    ),
    upgrade=_SD_ROUTE,
    record_severity=Severity.SERIOUS,
    enabled=False,
)

GROUNDS = (D1, D2, D3, D4, D5, D6, D7, D8, S1, S2, S3)
