"""Case transitions: which action is allowed in which status, and what a closed case leads to."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain.certification.case import (
    ALLOWED,
    Action,
    Case,
    CaseKind,
    CaseStatus,
    Outcome,
    Route,
    assign_certifiers,
    decide,
    extend,
    open_case,
    record_audit,
    resume,
    suspend,
    terminate,
    withdraw,
)
from shared.domain.certification.certifiers import DEMO_CERTIFIERS, choose_certifiers
from shared.domain.certification.clock import SuspensionReason
from shared.domain.certification.eligibility import BarReason
from shared.domain.certification.errors import CaseStateConflict, InvalidAudit
from shared.domain.certification.outcome import outcome
from shared.domain.certification.standards import items_for
from shared.domain.rules import ORDER_282
from shared.domain.tiers import Tier

RULES = ORDER_282.certification
USCC = "91310000MA1FL0000X"
RECEIVED = date(2026, 5, 1)
CE = Tier.CERTIFIED


def new_case(kind: CaseKind = CaseKind.INITIAL, target: Tier = CE) -> Case:
    return open_case("case-1", USCC, kind, Route.STANDARD, target, RECEIVED, RULES)


def audit(tier: Tier = CE, result: str = "MET") -> list[dict[str, Any]]:
    return [{"standard_id": i.standard_id, "result": result} for i in items_for(tier)]


def under_audit(kind: CaseKind = CaseKind.INITIAL) -> Case:
    return assign_certifiers(new_case(kind), choose_certifiers(DEMO_CERTIFIERS, USCC, RECEIVED, RULES))


def awaiting_decision(result: str = "MET", kind: CaseKind = CaseKind.INITIAL) -> Case:
    return record_audit(under_audit(kind), audit(result=result), RULES)


def test_the_standard_path_received_to_approved() -> None:
    case = new_case()
    assert case.status is CaseStatus.RECEIVED
    assert case.clock.decide_by(RECEIVED) == date(2026, 7, 30)
    case = under_audit()
    assert case.status is CaseStatus.UNDER_AUDIT
    assert case.certifier_ids == ("CERT-001", "CERT-002")
    case = record_audit(case, audit(), RULES)
    assert case.status is CaseStatus.AWAITING_DECISION
    assert case.score
    assert case.score.total == 100
    case = decide(case, Outcome.APPROVED, ["all items met"], date(2026, 6, 1))
    assert case.status is CaseStatus.APPROVED
    assert case.closed_on == date(2026, 6, 1)
    assert outcome(case, Tier.REGULAR, RULES).new_tier is CE


def test_without_two_certifiers_the_case_waits_and_is_assigned_when_the_roster_changes() -> None:
    waiting = assign_certifiers(new_case(), choose_certifiers(DEMO_CERTIFIERS[:1], USCC, RECEIVED, RULES))
    assert waiting.status is CaseStatus.AWAITING_CERTIFIERS
    assert waiting.certifier_ids == ()
    assigned = assign_certifiers(waiting, choose_certifiers(DEMO_CERTIFIERS[:2], USCC, RECEIVED, RULES))
    assert assigned.status is CaseStatus.UNDER_AUDIT


@pytest.mark.parametrize(("case_at", "action"), [
    ("received", Action.AUDIT), ("under_audit", Action.DECIDE), ("received", Action.DECIDE),
    ("decision", Action.AUDIT), ("under_audit", Action.ASSIGN_CERTIFIERS),
])
def test_an_action_in_the_wrong_status_names_the_status(case_at: str, action: Action) -> None:
    case = {"received": new_case, "under_audit": under_audit, "decision": awaiting_decision}[case_at]()
    run = {Action.AUDIT: lambda: record_audit(case, audit(), RULES),
           Action.DECIDE: lambda: decide(case, Outcome.REJECTED, [], RECEIVED),
           Action.ASSIGN_CERTIFIERS: lambda: assign_certifiers(
               case, choose_certifiers(DEMO_CERTIFIERS, USCC, RECEIVED, RULES))}[action]
    with pytest.raises(CaseStateConflict) as caught:
        run()
    assert caught.value.extra["status"] == case.status.value
    assert caught.value.extra["action"] == action.value
    assert case.status.value in caught.value.detail


def test_closed_cases_accept_no_action() -> None:
    closed = withdraw(new_case(), date(2026, 5, 5))
    for attempt in (lambda: suspend(closed, SuspensionReason.AUDIT, date(2026, 5, 6)),
                    lambda: extend(closed, date(2026, 5, 6), RULES), lambda: withdraw(closed, date(2026, 5, 6)),
                    lambda: terminate(closed, date(2026, 5, 6), "DISCREDITED")):
        with pytest.raises(CaseStateConflict, match="WITHDRAWN"):
            attempt()
    assert all(CaseStatus.WITHDRAWN not in statuses for statuses in ALLOWED.values())


def test_suspend_resume_and_extend_move_the_deadline_in_any_open_status() -> None:
    case = suspend(under_audit(), SuspensionReason.VERIFICATION, date(2026, 5, 10))
    case = resume(case, date(2026, 5, 14))
    case = extend(case, date(2026, 5, 15), RULES)
    assert case.status is CaseStatus.UNDER_AUDIT
    assert case.clock.decide_by(date(2026, 5, 15)) == date(2026, 9, 2)


def test_a_decision_while_the_clock_is_suspended_is_refused() -> None:
    case = suspend(awaiting_decision(), SuspensionReason.INVESTIGATION, date(2026, 5, 10))
    with pytest.raises(CaseStateConflict, match="suspended") as caught:
        decide(case, Outcome.REJECTED, ["x"], date(2026, 5, 11))
    assert caught.value.extra["clock"] == "SUSPENDED"


def test_an_approval_needs_a_passing_score_but_a_rejection_does_not() -> None:
    failing = awaiting_decision(result="NOT_MET")
    with pytest.raises(CaseStateConflict, match="does not pass"):
        decide(failing, Outcome.APPROVED, [], date(2026, 6, 1))
    assert decide(failing, Outcome.REJECTED, ["NOT_MET items"], date(2026, 6, 1)).status is CaseStatus.REJECTED
    assert decide(awaiting_decision(), Outcome.REJECTED, ["x"], date(2026, 6, 1)).status is CaseStatus.REJECTED


def test_an_invalid_audit_leaves_the_case_under_audit() -> None:
    case = under_audit()
    with pytest.raises(InvalidAudit):
        record_audit(case, audit()[1:], RULES)
    assert case.status is CaseStatus.UNDER_AUDIT
    assert case.audit is None


def test_withdrawal_and_termination_close_an_open_suspension() -> None:
    case = suspend(under_audit(), SuspensionReason.AUDIT, date(2026, 5, 10))
    withdrawn = withdraw(case, date(2026, 5, 20))
    terminated = terminate(case, date(2026, 5, 20), "DISCREDITED")
    assert not withdrawn.clock.suspended
    assert withdrawn.clock.suspensions[-1].end == date(2026, 5, 20)
    assert terminated.status is CaseStatus.TERMINATED
    assert terminated.termination_cause == "DISCREDITED"


def test_outcomes_of_initial_cases() -> None:
    rejected = decide(awaiting_decision(), Outcome.REJECTED, ["x"], date(2026, 6, 1))
    result = outcome(rejected, Tier.REGULAR, RULES)
    assert result.new_tier is None
    assert [(b.reason, b.on) for b in result.bars] == [
        (BarReason.FAILED_CERTIFICATION, date(2026, 6, 1))]
    withdrawn = outcome(withdraw(new_case(), date(2026, 5, 3)), Tier.REGULAR, RULES)
    assert withdrawn.new_tier is None
    assert [b.reason for b in withdrawn.bars] == [BarReason.WITHDRAWN_APPLICATION]
    assert outcome(terminate(new_case(), date(2026, 5, 3), "DISCREDITED"), Tier.DISCREDITED, RULES).bars == ()


def test_a_failed_recertification_downgrades_to_regular_with_both_bars() -> None:
    case = decide(awaiting_decision(kind=CaseKind.RECERTIFICATION), Outcome.REJECTED, ["x"], date(2026, 6, 1))
    result = outcome(case, CE, RULES)
    assert result.new_tier is Tier.REGULAR
    assert [b.reason for b in result.bars] == [BarReason.FAILED_RECERTIFICATION, BarReason.DOWNGRADED_FROM_CERTIFIED]


def test_a_passed_recertification_keeps_the_tier() -> None:
    case = decide(awaiting_decision(kind=CaseKind.RECERTIFICATION), Outcome.APPROVED, [], date(2026, 6, 1))
    assert outcome(case, CE, RULES).new_tier is None


def test_the_outcome_of_an_open_case_is_refused() -> None:
    with pytest.raises(CaseStateConflict, match="still open"):
        outcome(under_audit(), Tier.REGULAR, RULES)
