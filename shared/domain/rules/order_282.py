"""ORDER_282: GACC Order No. 282, 《中华人民共和国海关注册登记和备案企业信用管理办法》.

Promulgated 2026-01-13, in force 2026-04-01, repeals Order No. 251. The article text was not
available (regulation-research.md, "Bottom line"): each rule below says where its figures come
from with the labels of regulation-research.md §0, and every figure is a parameter here, not in
the engine. Read each rule next to its article; change a figure here (or in a later pack), never
in code. Defaults are those of spec/RULES.md.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from shared.domain.credit_events import BusinessLine, PenaltyKind
from shared.domain.credit_events import CreditEventType as T
from shared.domain.measures import ORDER_282_MEASURES
from shared.domain.rules.certification import ORDER_282_CERTIFICATION
from shared.domain.rules.model import (
    AnnualReportRules,
    ArrearsTrigger,
    AutomaticRestoration,
    CountedFrom,
    EventTrigger,
    GroundRule,
    LineThreshold,
    RecordRules,
    RepeatTrigger,
    RestorationCheck,
    RestorationRules,
    ReviewOutcome,
    RulePack,
    Severity,
    SeverityRule,
    TierRestorationRules,
    UpgradeRoute,
    ViolationThresholdTrigger,
)
from shared.domain.tiers import Tier

DISCREDITED = Tier.DISCREDITED
SD = Tier.SERIOUSLY_DISCREDITED
_UPGRADE_SRC = "[B✓] Order 251 upgrade periods (ssopdot 6808); Order 282 Arts 29-30 'streamlined' [A]"
_NO_ROUTE_SRC = "[B✓] Order 251: items 1 and 7 have no application route; automatic route only"
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
    upgrade=UpgradeRoute(None, CountedFrom.DETERMINATION, _NO_ROUTE_SRC),
    record_severity=Severity.SERIOUS,
)

D2 = GroundRule(
    rule_id="D2", article="Art 15",
    title="Smuggling act punished by customs",
    text="An administrative penalty by customs for a smuggling act.",
    source="[B✓] Order 251 Art 22(2)",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.SMUGGLING_PENALTY})),),
    upgrade=UpgradeRoute(12, CountedFrom.DETERMINATION, _UPGRADE_SRC),
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
    upgrade=UpgradeRoute(6, CountedFrom.DETERMINATION, _UPGRADE_SRC),
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
    upgrade=UpgradeRoute(3, CountedFrom.SETTLEMENT, _UPGRADE_SRC),
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
    upgrade=UpgradeRoute(3, CountedFrom.SETTLEMENT, _UPGRADE_SRC),
    record_severity=Severity.GENERAL,
)

D6 = GroundRule(
    rule_id="D6", article="Art 15",
    title="Resisting or obstructing customs officers, penalised",
    text="A penalty for resisting or obstructing customs officers performing their duties.",
    source="[B~] Order 251 Art 22(6); ssopdot 6808 confirms it exists",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.OBSTRUCTION_PENALTY})),),
    upgrade=UpgradeRoute(12, CountedFrom.DETERMINATION, _UPGRADE_SRC),
    record_severity=Severity.GENERAL,
)

D7 = GroundRule(
    rule_id="D7", article="Art 15",
    title="Bribing customs officers, fined or criminally liable",
    text="A fine or criminal liability for bribing customs officers.",
    source="[B~] Order 251 Art 22(7)",
    consequence=DISCREDITED,
    triggers=(EventTrigger(frozenset({T.BRIBERY})),),
    upgrade=UpgradeRoute(None, CountedFrom.DETERMINATION, _NO_ROUTE_SRC),
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
    source="[D] customs mapping of regulation-research §2.10; RULES.md 'Overdue-arrears records are "
           "disclosed from the day they become a ground'",
    minor_penalty_kinds=frozenset({PenaltyKind.WARNING}),
    minor_fine_ceiling=Decimal("3000.00"),
    ground_only_types=frozenset({T.TAX_OVERDUE, T.FINE_OVERDUE}),
)

# ---------------------------------------------------------------------------------------------
# Arts 29-30 — upgrade of discredited enterprises; Arts 36-40 — restoration; Art 11 — annual report
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

_DISCLOSURE = frozenset({"DISCLOSURE"})
_TIER = frozenset({"TIER"})
_BOTH = frozenset({"DISCLOSURE", "TIER"})
_REJECT, _OFFICER = ReviewOutcome.REJECTED, ReviewOutcome.NEEDS_OFFICER

RESTORATION_CHECKS = (
    # Documents (both kinds: the restoration notice of every tier decision asks for them).
    RestorationCheck("DOCUMENTS_MISSING", "Arts 36-40", _BOTH, _REJECT,
                     "A FULFILMENT_PROOF (or a COURT_RESTRUCTURING_ORDER in its place) and a COMMITMENT_LETTER "
                     "are required; without them, and without OTHER documents a person could weigh, the "
                     "application is refused.",
                     "[N] NDRC Order 36 (2025) documents; [D] the same documents for an upgrade application"),
    RestorationCheck("OTHER_DOCUMENTS_ONLY", "Arts 36-40", _BOTH, _OFFICER,
                     "A required document is missing but OTHER documents were given: an officer decides whether "
                     "they prove what the missing one would.",
                     "[D] a person weighs documents the rules do not name"),
    RestorationCheck("COURT_RESTRUCTURING_ORDER", "Arts 36-40", _BOTH, _OFFICER,
                     "A court order approving reorganisation replaces the fulfilment proof; an officer confirms "
                     "that the order covers the obligations of the records.",
                     "[N] substitute document; [D] always read by an officer"),
    # Record restoration (Arts 36-40).
    RestorationCheck("NOT_A_DISCLOSED_RECORD", "Arts 33-35", _DISCLOSURE, _REJECT,
                     "Only a record whose disclosure has not ended can be restored: not an overdue tax or fine "
                     "that never became a ground, not a record already expired, withdrawn or restored.",
                     "[D] nothing to restore"),
    RestorationCheck("WITHIN_MINIMUM_PERIOD", "Arts 36-40", _DISCLOSURE, _REJECT,
                     "The minimum period of the record's class (GENERAL 3 months, SERIOUS 12, MINOR none) runs "
                     "from the day after its disclosure starts; an application received on or before its last "
                     "day is refused, one received the day after may be approved.",
                     "RULES.md 'Counting periods' (GENERAL 2026-04-15: refused 2026-07-15, possible 2026-07-16)"),
    RestorationCheck("NON_RESTORABLE_BY_LAW", "Art 40", _DISCLOSURE, _REJECT,
                     "A record grounding a rule that a law marks non-restorable (`GroundRule.restorable=False`) "
                     "is never restored.",
                     "[N] national framework exclusions"),
    RestorationCheck("OBLIGATIONS_UNFULFILLED", "Arts 36-40", _DISCLOSURE, _REJECT,
                     "An overdue tax or fine among the records that is not settled by the day of the decision.",
                     "RULES.md 'no unsettled arrears among the records'"),
    RestorationCheck("NEW_GROUND_OF_SAME_KIND", "Arts 36-40", _DISCLOSURE, _REJECT,
                     "Another record of the same kind (grounding one of the same rules; for a record grounding "
                     "none, of the same event type) arising after the record's disclosure start and on or before "
                     "the day of the decision.",
                     "[N] refusal on recurrence; [D] 'after the record' up to the decision day"),
    # Upgrade on application (Arts 29-30).
    RestorationCheck("NOT_DOWNGRADED", "Arts 29-30", _TIER, _REJECT,
                     "Only a DISCREDITED or SERIOUSLY_DISCREDITED enterprise can apply for an upgrade.",
                     "[D] nothing to upgrade"),
    RestorationCheck("NO_APPLICATION_ROUTE", "Arts 29-30", _TIER, _REJECT,
                     "A ground without an application route (D1, D7) leaves only the automatic route.",
                     _NO_ROUTE_SRC),
    RestorationCheck("UPGRADE_WAITING_PERIOD", "Arts 29-30", _TIER, _REJECT,
                     "An application received before the earliest application day of the restoration notice "
                     "(12 months D2/D6/D8, 6 D3, 3 D4/D5 from settlement, 12 SD) is refused.",
                     _UPGRADE_SRC),
    RestorationCheck("ARREARS_UNPAID", "Arts 29-30", _TIER, _REJECT,
                     "No upgrade while any overdue tax or fine of the enterprise is unpaid on the day of the "
                     "decision (grounding or not).",
                     "RULES.md 'Neither route upgrades while an obligation is unfulfilled'"),
)
"""The review's conditions: a failed REJECTED check refuses; otherwise a failed NEEDS_OFFICER check
sends the application to an officer; otherwise it is approved."""

RESTORATION = RestorationRules(
    article="Arts 36-40",
    text="Conditions: conduct corrected; obligations fulfilled (no unsettled arrears among the records); "
         "the minimum period of the record's class passed. Documents: proof of fulfilment and a credit "
         "commitment letter; a court order approving reorganisation replaces the proof. Decision within "
         "3 working days of receipt (extension up to 10 working days with a recorded reason); result to "
         "the applicant within 10 working days. Refused: records whose rule a law marks non-restorable, a "
         "new ground of the same kind before the decision, an application during the minimum period.",
    source="[N] NDRC Order 36 (2025) and 国办发〔2025〕22号; [D] extension 10 working days; objection review "
           "20 days [H✓/B~]",
    required_documents=("FULFILMENT_PROOF", "COMMITMENT_LETTER"),
    substitutes={"COURT_RESTRUCTURING_ORDER": "FULFILMENT_PROOF"},
    decision_working_days=3,
    extension_max_working_days=10,
    feedback_working_days=10,
    objection_review_days=20,
    refusals=("NON_RESTORABLE_BY_LAW", "NEW_GROUND_OF_SAME_KIND", "WITHIN_MINIMUM_PERIOD",
              "OBLIGATIONS_UNFULFILLED"),
    checks=RESTORATION_CHECKS,
)

ANNUAL_REPORT = AnnualReportRules(
    article="Art 11",
    text="The report for year Y is filed between 1 January and 30 June of Y+1, the first for the year "
         "of registration. Missing on 1 July sets `annual_report_overdue`; it does not change the tier.",
    source="[A] Art 11 re-establishes the report; [H✓] Order 237 Art 7 window; [D] no tier consequence",
    opens=(1, 1),
    closes=(6, 30),
    first_report_year_offset=0,
    overdue_changes_tier=False,
)

ORDER_282 = RulePack(
    pack_id="ORDER_282",
    title="GACC Order No. 282 — Measures for the Credit Management of Enterprises Registered or Filed "
          "with Customs",
    effective_from=date(2026, 4, 1),
    source="GACC Order No. 282 (promulgated 2026-01-13, in force 2026-04-01); official interpretation "
           "2026-01-27 [A]; figures per spec/RULES.md and regulation-research.md",
    grounds=(D1, D2, D3, D4, D5, D6, D7, D8, S1, S2, S3),
    severities=SEVERITIES,
    records=RECORDS,
    tier_restoration=TIER_RESTORATION,
    restoration=RESTORATION,
    annual_report=ANNUAL_REPORT,
    measures=ORDER_282_MEASURES,
    certification=ORDER_282_CERTIFICATION,
    notes=(
        "The article text of Order 282 was not available; verify every figure against the official text "
        "before go-live (regulation-research.md 'Bottom line').",
    ),
)
