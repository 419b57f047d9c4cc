"""The shape of a rule pack: rules as data, each with its id, article and source label.

A `RulePack` is everything the engine needs to know about one legal regime (ORDER_282, later
ORDER_251): which event types ground which rule, every threshold and period, the record
severities and disclosure windows, the upgrade and restoration routes, the annual report window
and the Art 32 measures. The engine reads these objects; it holds no figure of its own.

Trigger kinds are in `triggers`; the defaults chosen where the law is silent are `Choice`s, each
with a stable id that the tests pinning it name (`@pytest.mark.pins("CHOICE-...")`).

Provenance labels (`source`): [A] Order 282 official interpretation, [B✓]/[B~] Order 251 (confirmed /
recalled), [N] national restoration framework, [C] commentary, [H] historical, [S~] certification
standards, [D] labelled default (legend in docs/rules.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from decimal import Decimal
from enum import Enum, StrEnum
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING, Any

from shared.domain.credit_events import CreditEventType, PenaltyKind
from shared.domain.measures import MeasuresCatalogue
from shared.domain.rules.triggers import ArrearsTrigger, Trigger
from shared.domain.tiers import Tier

if TYPE_CHECKING:  # the section imports Severity from here
    from shared.domain.rules.certification import CertificationRules


class Severity(StrEnum):
    """Record classes of Arts 34-35 (minor / general / serious)."""

    MINOR = "MINOR"
    GENERAL = "GENERAL"
    SERIOUS = "SERIOUS"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.MINOR: 0, Severity.GENERAL: 1, Severity.SERIOUS: 2}


class CountedFrom(StrEnum):
    """Where an upgrade waiting period starts."""

    DETERMINATION = "DETERMINATION"  # the date the ground arose (the enterprise became DISCREDITED on it)
    SETTLEMENT = "SETTLEMENT"  # the date the arrears were paid (D4, D5)


# ---------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class UpgradeRoute:
    """Upgrade on application (Arts 29-30): months spent downgraded before the enterprise may apply.
    `months=None`: no application route, only the automatic one."""

    months: int | None
    counted_from: CountedFrom
    source: str


@dataclass(frozen=True)
class GroundRule:
    rule_id: str
    article: str
    title: str
    text: str  # the rule in plain words, to be checked against the article
    source: str
    consequence: Tier  # DISCREDITED (Art 15) or SERIOUSLY_DISCREDITED (Art 16)
    triggers: tuple[Trigger, ...]
    upgrade: UpgradeRoute
    record_severity: Severity  # the class of a record that grounds this rule (Arts 34-35)
    enabled: bool = True
    restorable: bool = True  # Art 40: False when a law excludes restoration of such records

    @property
    def citation(self) -> dict[str, str]:
        return {"rule_id": self.rule_id, "article": self.article}


@dataclass(frozen=True)
class SeverityRule:
    """Disclosure of one record class (Arts 33-35). Months count from the disclosure start.
    `min_months=None`: restorable as soon as obligations are fulfilled; `max_months=None`: no automatic end."""

    severity: Severity
    article: str
    text: str
    source: str
    published: bool
    min_months: int | None
    max_months: int | None


@dataclass(frozen=True)
class RecordRules:
    """Which records are MINOR when they ground no rule, and which are no record until they ground one."""

    article: str
    text: str
    source: str
    minor_penalty_kinds: frozenset[PenaltyKind]  # warning only
    minor_fine_ceiling: Decimal  # or a fine <= this amount
    # Records only once they become a ground (CHOICE-ARREARS-RECORD-ONLY-AS-GROUND).
    ground_only_types: frozenset[CreditEventType]


@dataclass(frozen=True)
class AutomaticRestoration:
    from_tier: Tier
    clean_months: int  # months with no new ground
    article: str
    source: str


@dataclass(frozen=True)
class TierRestorationRules:
    """Arts 29-30: where upgrades lead, the automatic clean periods, the certification bar."""

    article: str
    text: str
    source: str
    target_tier: Tier
    automatic: tuple[AutomaticRestoration, ...]
    certification_bar_months: int

    @cached_property
    def automatic_months(self) -> Mapping[Tier, int]:
        return {rule.from_tier: rule.clean_months for rule in self.automatic}


class ReviewOutcome(StrEnum):
    """What a failed check makes of an application (the review answers the worst one)."""

    REJECTED = "REJECTED"
    NEEDS_OFFICER = "NEEDS_OFFICER"


@dataclass(frozen=True)
class RestorationCheck:
    """One condition of the restoration review (`kind: DISCLOSURE`, Arts 36-40) or of an upgrade
    application (`kind: TIER`, Arts 29-30): cited as `{rule_id, article, detail}` when it fails."""

    rule_id: str
    article: str
    applies_to: frozenset[str]  # application kinds: DISCLOSURE, TIER
    outcome: ReviewOutcome
    text: str
    source: str


@dataclass(frozen=True)
class RestorationRules:
    """Arts 36-40: conditions, documents, timelines, refusals (used by the restoration workflow)."""

    article: str
    text: str
    source: str
    required_documents: tuple[str, ...]
    substitutes: Mapping[str, str]  # document type -> the required type it replaces
    decision_working_days: int
    extension_max_working_days: int
    feedback_working_days: int
    objection_review_days: int
    refusals: tuple[str, ...]
    checks: tuple[RestorationCheck, ...] = ()
    """Every condition the review applies, as data (rule ids cited in `reasons`)."""

    @cached_property
    def checks_by_id(self) -> Mapping[str, RestorationCheck]:
        return {check.rule_id: check for check in self.checks}


@dataclass(frozen=True)
class AnnualReportRules:
    article: str
    text: str
    source: str
    opens: tuple[int, int]  # (month, day) in year Y+1
    closes: tuple[int, int]
    first_report_year_offset: int  # 0: the report for the registration year is the first one
    overdue_changes_tier: bool


@dataclass(frozen=True)
class Choice:
    """A default chosen where the rules are silent: stable id, what was chosen, why, and the rules it
    concerns. Each is pinned by at least one test that names its id."""

    choice_id: str
    title: str
    text: str
    source: str
    rule_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class RulePack:
    pack_id: str
    title: str
    effective_from: date  # CST date from which the pack is in force
    source: str
    grounds: tuple[GroundRule, ...]
    severities: tuple[SeverityRule, ...]
    records: RecordRules
    tier_restoration: TierRestorationRules
    restoration: RestorationRules
    annual_report: AnnualReportRules
    measures: MeasuresCatalogue
    certification: CertificationRules
    choices: tuple[Choice, ...] = ()
    notes: tuple[str, ...] = field(default=())

    # -- indexes the engine uses (computed once per pack object) ------------------------------
    @cached_property
    def rules_by_id(self) -> Mapping[str, GroundRule]:
        return {rule.rule_id: rule for rule in self.grounds}

    @cached_property
    def active_grounds(self) -> tuple[GroundRule, ...]:
        return tuple(rule for rule in self.grounds if rule.enabled)

    @cached_property
    def rule_order(self) -> Mapping[str, int]:
        return {rule.rule_id: index for index, rule in enumerate(self.grounds)}

    @cached_property
    def severity_rules(self) -> Mapping[Severity, SeverityRule]:
        return {rule.severity: rule for rule in self.severities}

    @cached_property
    def severity_windows(self) -> Mapping[Severity, tuple[bool, int | None, int | None]]:
        """severity -> (published, min months, max months)."""
        return {rule.severity: (rule.published, rule.min_months, rule.max_months) for rule in self.severities}

    @cached_property
    def rule_severity(self) -> Mapping[str, Severity]:
        """rule id -> the class of a record that grounds it."""
        return {rule.rule_id: rule.record_severity for rule in self.grounds}

    @cached_property
    def arrears_triggers(self) -> tuple[tuple[GroundRule, ArrearsTrigger], ...]:
        return tuple((rule, trig) for rule in self.active_grounds for trig in rule.triggers
                     if isinstance(trig, ArrearsTrigger))

    def rule(self, rule_id: str) -> GroundRule:
        return self.rules_by_id[rule_id]

    def with_rule(self, rule_id: str, **changes: Any) -> RulePack:
        """A copy of the pack with one rule changed (e.g. `enabled=True`): packs are values."""
        if rule_id not in self.rules_by_id:
            raise KeyError(rule_id)
        grounds = tuple(replace(rule, **changes) if rule.rule_id == rule_id else rule for rule in self.grounds)
        return replace(self, grounds=grounds)

    def describe(self) -> dict[str, Any]:
        """The whole pack as JSON-ready data (for documentation and an eventual read-only endpoint)."""
        result = to_jsonable(self)
        assert isinstance(result, dict)
        return result


def to_jsonable(value: Any) -> Any:
    """Dataclasses, enums, dates, decimals and fractions as plain JSON data."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    return value
