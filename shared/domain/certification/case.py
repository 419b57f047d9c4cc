"""A certification or re-certification case and its transitions (Arts 17-23), as pure functions.

Each transition takes a case and returns the next one, or raises `CaseStateConflict` naming the
status when the action is not allowed in it (`ALLOWED`). The system assigns certifiers and
terminates; officers suspend, resume, extend, audit and decide; the enterprise withdraws. The
audit step is the on-site audit on the STANDARD route and the desk review on the SIMPLIFIED
route: both record item results the same way. A decision needs a running clock, and an approval
a passing score. `outcome` says what a closed case does to the tier and which bar it starts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any

from shared.domain.certification.certifiers import CertifierChoice
from shared.domain.certification.clock import CaseClock, SuspensionReason
from shared.domain.certification.errors import CaseStateConflict
from shared.domain.certification.scoring import Score, score, validate_audit
from shared.domain.certification.standards import STANDARD_2026, ItemResult, StandardItem
from shared.domain.certification.statuses import OPEN_STATUSES as OPEN_STATUSES  # defined apart: cheap to import
from shared.domain.certification.statuses import CaseKind as CaseKind
from shared.domain.certification.statuses import CaseStatus as CaseStatus
from shared.domain.certification.statuses import Route as Route
from shared.domain.rules.certification import CertificationRules
from shared.domain.tiers import Tier


class Action(StrEnum):
    ASSIGN_CERTIFIERS = "ASSIGN_CERTIFIERS"
    SUSPEND = "SUSPEND"
    RESUME = "RESUME"
    EXTEND = "EXTEND"
    AUDIT = "AUDIT"
    DECIDE = "DECIDE"
    WITHDRAW = "WITHDRAW"
    TERMINATE = "TERMINATE"


ALLOWED: Mapping[Action, frozenset[CaseStatus]] = {
    Action.ASSIGN_CERTIFIERS: frozenset({CaseStatus.RECEIVED, CaseStatus.AWAITING_CERTIFIERS}),
    Action.SUSPEND: OPEN_STATUSES,
    Action.RESUME: OPEN_STATUSES,
    Action.EXTEND: OPEN_STATUSES,
    Action.AUDIT: frozenset({CaseStatus.UNDER_AUDIT}),
    Action.DECIDE: frozenset({CaseStatus.AWAITING_DECISION}),
    Action.WITHDRAW: OPEN_STATUSES,
    Action.TERMINATE: OPEN_STATUSES,
}


class Outcome(StrEnum):
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reasons: tuple[str, ...]
    decided_on: date


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    uscc: str
    kind: CaseKind
    route: Route
    target_tier: Tier
    status: CaseStatus
    clock: CaseClock
    certifier_ids: tuple[str, ...] = ()
    audit: Mapping[str, ItemResult] | None = None
    score: Score | None = None
    decision: Decision | None = None
    closed_on: date | None = None
    termination_cause: str | None = None


def open_case(case_id: str, uscc: str, kind: CaseKind, route: Route, target_tier: Tier,
              received_on: date, rules: CertificationRules) -> Case:
    return Case(case_id, uscc, kind, route, target_tier, CaseStatus.RECEIVED, CaseClock.start(received_on, rules))


def require(case: Case, action: Action) -> None:
    if case.status not in ALLOWED[action]:
        raise CaseStateConflict(f"{action.value} is not allowed while the case is {case.status.value}",
                                status=case.status.value, action=action.value)


def assign_certifiers(case: Case, choice: CertifierChoice) -> Case:
    require(case, Action.ASSIGN_CERTIFIERS)
    if not choice.complete:
        return replace(case, status=CaseStatus.AWAITING_CERTIFIERS)
    ids = tuple(c.certifier_id for c in choice.chosen)
    return replace(case, status=CaseStatus.UNDER_AUDIT, certifier_ids=ids)


def suspend(case: Case, reason: SuspensionReason, on: date) -> Case:
    require(case, Action.SUSPEND)
    return replace(case, clock=case.clock.suspend(reason, on))


def resume(case: Case, on: date) -> Case:
    require(case, Action.RESUME)
    return replace(case, clock=case.clock.resume(on))


def extend(case: Case, on: date, rules: CertificationRules) -> Case:
    require(case, Action.EXTEND)
    return replace(case, clock=case.clock.extend(on, rules))


def record_audit(case: Case, entries: Sequence[Mapping[str, Any]], rules: CertificationRules,
                 catalogue: Sequence[StandardItem] = STANDARD_2026) -> Case:
    """The audit (or desk review) results, validated against the target tier's standard, and the score."""
    require(case, Action.AUDIT)
    results = validate_audit(entries, case.target_tier, catalogue)
    return replace(case, status=CaseStatus.AWAITING_DECISION, audit=results,
                   score=score(results, case.target_tier, rules))


def decide(case: Case, outcome: Outcome, reasons: Sequence[str], on: date) -> Case:
    require(case, Action.DECIDE)
    if case.clock.suspended:
        raise CaseStateConflict("the clock is suspended: resume it before deciding",
                                status=case.status.value, action=Action.DECIDE.value, clock="SUSPENDED")
    if outcome is Outcome.APPROVED and not (case.score and case.score.passed):
        raise CaseStateConflict("the audit score does not pass: the case cannot be approved",
                                status=case.status.value, action=Action.DECIDE.value,
                                score=case.score.as_json() if case.score else None)
    status = CaseStatus.APPROVED if outcome is Outcome.APPROVED else CaseStatus.REJECTED
    return replace(case, status=status, decision=Decision(outcome, tuple(reasons), on), closed_on=on)


def withdraw(case: Case, on: date) -> Case:
    require(case, Action.WITHDRAW)
    return replace(case, status=CaseStatus.WITHDRAWN, clock=case.clock.close(on), closed_on=on)


def terminate(case: Case, on: date, cause: str) -> Case:
    """The enterprise became DISCREDITED/SD or was deregistered (`cause` says which)."""
    require(case, Action.TERMINATE)
    return replace(case, status=CaseStatus.TERMINATED, clock=case.clock.close(on), closed_on=on,
                   termination_cause=cause)
