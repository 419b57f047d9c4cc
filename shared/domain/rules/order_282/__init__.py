"""ORDER_282: GACC Order No. 282, 《中华人民共和国海关注册登记和备案企业信用管理办法》.

Promulgated 2026-01-13, in force 2026-04-01, repeals Order No. 251. The article text was not
available: each rule says where its figures come from (provenance labels, legend in docs/rules.md),
and every figure is a parameter here, not in the engine. Read each rule next to its article; change
a figure here (or in a later pack), never in code.

| module | what |
|---|---|
| `grounds` | Art 15 (D1-D8) and Art 16 (S1-S3) |
| `records` | record classes and disclosure (Arts 33-35); upgrades and restoration (Arts 29-30, 36-40) |
| `restoration` | the review's conditions for restoration and upgrade applications (Arts 29-30, 36-40) |
| `choices` | the defaults chosen where the rules are silent, each with a stable id |
"""

from __future__ import annotations

from datetime import date

from shared.domain.measures import ORDER_282_MEASURES
from shared.domain.rules.certification import ORDER_282_CERTIFICATION
from shared.domain.rules.model import AnnualReportRules, RulePack
from shared.domain.rules.order_282.choices import CHOICES
from shared.domain.rules.order_282.grounds import GROUNDS
from shared.domain.rules.order_282.records import RECORDS, SEVERITIES, TIER_RESTORATION
from shared.domain.rules.order_282.restoration import RESTORATION

__all__ = ["ORDER_282"]

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
           "2026-01-27 [A]; figures per the rules specification and the regulation research",
    grounds=GROUNDS,
    severities=SEVERITIES,
    records=RECORDS,
    tier_restoration=TIER_RESTORATION,
    restoration=RESTORATION,
    annual_report=ANNUAL_REPORT,
    measures=ORDER_282_MEASURES,
    certification=ORDER_282_CERTIFICATION,
    choices=CHOICES,
    notes=(
        "The article text of Order 282 was not available; verify every figure against the official text "
        "before go-live (the regulation research, 'Bottom line').",
    ),
)
