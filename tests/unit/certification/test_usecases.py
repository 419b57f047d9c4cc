"""The certification use cases on in-memory stores and a fake Step Functions: application, the
workflow's steps, the officers' steps (and their 409/422 answers), the outcome through the evaluation,
the bar, withdrawal and termination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.bus_events import CERTIFICATION_DECIDED, REEVALUATION_REQUESTED
from shared.domain.certification.case import Action, CaseStatus, Outcome
from shared.domain.certification.certifiers import DEMO_CERTIFIERS
from shared.domain.certification.clock import SuspensionReason
from shared.domain.certification.errors import CaseStateConflict, ClockConflict, InvalidAudit
from shared.domain.certification.standards import items_for
from shared.domain.clock import FixedClock
from shared.domain.enterprise import RegistrationData
from shared.domain.errors import Conflict
from shared.domain.tiers import Tier
from shared.usecases.certification import cases, roster, steps
from shared.usecases.enterprises import register_enterprise
from shared.usecases.evaluation import evaluate_enterprise
from shared.usecases.stores import Stores
from tests.support.memory_stores import Memory, memory_stores
from tests.unit.rules.builders import USCC

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
OFFICER = "demo-officer"
ALL_MET = [{"standard_id": c, "result": "MET"} for c in
           ("INTERNAL_CONTROL", "FINANCIAL_STATUS", "LEGAL_COMPLIANCE", "TRADE_SECURITY")]


@pytest.fixture
def memory() -> Memory:
    return Memory()


@pytest.fixture
def stores(memory: Memory) -> Stores:
    return memory_stores(memory)


@pytest.fixture
def clock(stores: Stores) -> FixedClock:
    clock = FixedClock(NOW)
    register_enterprise(stores, clock, RegistrationData(
        uscc=USCC, name="Example Trading Co.", registration_status="REGISTERED",
        business_types=["CONSIGNOR_CONSIGNEE"], registered_on="2020-01-01"))
    return clock


def _roster(stores: Stores, clock: FixedClock, count: int = 6) -> None:
    for certifier in DEMO_CERTIFIERS[:count]:
        roster.add_certifier(stores, clock, certifier, OFFICER)


def _open(stores: Stores, clock: FixedClock) -> str:
    return str(cases.apply(stores, clock, USCC, Tier.CERTIFIED, ALL_MET, "ent")["case_id"])


def _to_audit(stores: Stores, clock: FixedClock, case_id: str) -> None:
    assert steps.eligibility(stores, clock, case_id)["eligible"] is True
    assert steps.assign(stores, clock, case_id)["status"] == "UNDER_AUDIT"
    steps.wait(stores, clock, case_id, Action.AUDIT, "tok-audit")


def test_application_stores_the_case_and_starts_a_named_execution(stores: Stores, memory: Memory,
                                                                  clock: FixedClock) -> None:
    created = cases.apply(stores, clock, USCC, Tier.CERTIFIED, ALL_MET, "ent")
    assert created["case_id"] == f"CERT-{USCC}-001"
    assert created["status"] == "RECEIVED"
    assert created["decide_by"] == "2027-02-18"  # 90 days after 2026-11-20
    assert memory.workflows.started == {f"cert-{USCC}-001": {"uscc": USCC, "case_id": created["case_id"]}}
    assert created["execution_arn"].endswith(f":execution:certification:cert-{USCC}-001")


def test_a_second_application_while_one_is_open_is_refused_naming_the_code(stores: Stores, clock: FixedClock) -> None:
    _open(stores, clock)
    with pytest.raises(Conflict) as refused:
        _open(stores, clock)
    assert [r["code"] for r in refused.value.extra["refusals"]] == ["OPEN_CASE"]


def test_a_self_assessment_that_leaves_out_an_item_is_422_and_stores_nothing(stores: Stores, memory: Memory,
                                                                             clock: FixedClock) -> None:
    with pytest.raises(InvalidAudit) as invalid:
        cases.apply(stores, clock, USCC, Tier.CERTIFIED, ALL_MET[:3], "ent")
    assert invalid.value.errors[0]["loc"] == ["body", "self_assessment", "items"]
    assert memory.certification.cases == {}
    assert memory.workflows.started == {}


def test_fewer_than_two_certifiers_waits_and_a_roster_change_resumes(stores: Stores, memory: Memory,
                                                                      clock: FixedClock) -> None:
    _roster(stores, clock, count=1)
    case_id = _open(stores, clock)
    steps.eligibility(stores, clock, case_id)
    assert steps.assign(stores, clock, case_id)["status"] == "AWAITING_CERTIFIERS"
    steps.wait(stores, clock, case_id, Action.ASSIGN_CERTIFIERS, "tok-certifiers")
    assert memory.workflows.resumed == []

    changed = roster.add_certifier(stores, clock, DEMO_CERTIFIERS[1], OFFICER)

    assert changed["resumed_cases"] == [case_id]
    assert memory.workflows.resumed == [("tok-certifiers", {"roster_changed": True})]
    assert steps.assign(stores, clock, case_id)["status"] == "UNDER_AUDIT"
    assert memory.certification.waiting == {}


def test_officer_steps_need_the_workflow_waiting_for_them(stores: Stores, clock: FixedClock) -> None:
    _roster(stores, clock)
    case_id = _open(stores, clock)
    steps.eligibility(stores, clock, case_id)
    steps.assign(stores, clock, case_id)
    with pytest.raises(CaseStateConflict) as not_waiting:  # UNDER_AUDIT, but no task token stored yet
        cases.record_audit(stores, clock, case_id, ALL_MET, OFFICER)
    assert not_waiting.value.extra["waiting_for"] is None
    with pytest.raises(CaseStateConflict) as before_audit:
        cases.decide(stores, clock, case_id, Outcome.APPROVED, [], OFFICER)
    assert before_audit.value.extra["status"] == "UNDER_AUDIT"


def test_bad_audits_are_refused_and_store_nothing(stores: Stores, memory: Memory, clock: FixedClock) -> None:
    _roster(stores, clock)
    case_id = _open(stores, clock)
    _to_audit(stores, clock, case_id)
    version = memory.certification.cases[case_id]["version"]
    unknown = [*ALL_MET, {"standard_id": "NO_SUCH.1", "result": "MET"}]
    with pytest.raises(InvalidAudit) as invalid:
        cases.record_audit(stores, clock, case_id, unknown, OFFICER)
    assert invalid.value.errors[0]["loc"] == ["body", "items", 4, "standard_id"]
    with pytest.raises(InvalidAudit) as left_out:
        cases.record_audit(stores, clock, case_id, ALL_MET[1:], OFFICER)
    assert "INTERNAL_CONTROL.1" in left_out.value.errors[0]["msg"]
    assert memory.certification.cases[case_id]["version"] == version
    assert memory.workflows.resumed == []


def test_clock_steps_suspend_resume_and_extend_once(stores: Stores, clock: FixedClock) -> None:
    case_id = _open(stores, clock)
    with pytest.raises(ClockConflict):
        cases.resume(stores, clock, case_id, OFFICER)  # a resumption without a suspension
    cases.suspend(stores, clock, case_id, SuspensionReason.AUDIT, OFFICER)
    clock.advance(timedelta(days=10))
    view = cases.resume(stores, clock, case_id, OFFICER)
    assert view["clock"]["decide_by"] == "2027-02-28"  # +10 days suspended
    assert cases.extend(stores, clock, case_id, OFFICER)["clock"]["decide_by"] == "2027-03-30"
    with pytest.raises(ClockConflict):
        cases.extend(stores, clock, case_id, OFFICER)


def test_approval_certifies_through_the_evaluation_and_publishes(stores: Stores, memory: Memory,
                                                                 clock: FixedClock) -> None:
    _roster(stores, clock)
    case_id = _open(stores, clock)
    _to_audit(stores, clock, case_id)
    audited = cases.record_audit(stores, clock, case_id, ALL_MET, OFFICER)
    assert audited["score"]["total"] == 100
    assert memory.workflows.resumed[-1] == ("tok-audit", {"status": "AWAITING_DECISION"})
    steps.wait(stores, clock, case_id, Action.DECIDE, "tok-decide")
    decided = cases.decide(stores, clock, case_id, Outcome.APPROVED, ["all standards met"], OFFICER)
    assert decided["status"] == "APPROVED"
    assert memory.profiles[USCC]["tier"] == "REGULAR"  # not before the outcome step

    steps.outcome(stores, clock, case_id)
    steps.outcome(stores, clock, case_id)  # a retried step publishes nothing twice
    evaluate_enterprise(stores, clock, USCC, trigger="ReevaluationRequested")

    assert memory.profiles[USCC]["tier"] == "CERTIFIED"
    (decision,) = memory.decisions[USCC]
    assert decision["to_tier"] == "CERTIFIED"
    kinds = [kind for kind, _ in memory.published]
    assert kinds.count(CERTIFICATION_DECIDED) == 1
    assert kinds.count(REEVALUATION_REQUESTED) == 1


def test_rejection_starts_the_bar(stores: Stores, clock: FixedClock) -> None:
    _roster(stores, clock)
    case_id = _open(stores, clock)
    _to_audit(stores, clock, case_id)
    cases.record_audit(stores, clock, case_id, [{**ALL_MET[0], "result": "NOT_MET"}, *ALL_MET[1:]], OFFICER)
    steps.wait(stores, clock, case_id, Action.DECIDE, "tok-decide")
    with pytest.raises(CaseStateConflict):
        cases.decide(stores, clock, case_id, Outcome.APPROVED, [], OFFICER)  # the score does not pass
    cases.decide(stores, clock, case_id, Outcome.REJECTED, ["INTERNAL_CONTROL not met"], OFFICER)
    clock.advance(timedelta(days=30))
    with pytest.raises(Conflict) as barred:
        _open(stores, clock)
    assert [r["code"] for r in barred.value.extra["refusals"]] == ["BARRED_FAILED_CERTIFICATION"]
    assert barred.value.extra["refusals"][0]["until"] == "2027-11-20"


def test_withdrawal_stops_the_execution_and_bars(stores: Stores, memory: Memory, clock: FixedClock) -> None:
    case_id = _open(stores, clock)
    view = cases.withdraw(stores, clock, case_id, "ent")
    assert view["status"] == "WITHDRAWN"
    assert memory.workflows.stopped[0][0].endswith(f"cert-{USCC}-001")
    with pytest.raises(Conflict) as barred:
        _open(stores, clock)
    assert [r["code"] for r in barred.value.extra["refusals"]] == ["BARRED_WITHDRAWN_APPLICATION"]


def test_a_downgrade_to_discredited_terminates_open_cases(stores: Stores, memory: Memory, clock: FixedClock) -> None:
    case_id = _open(stores, clock)
    result = steps.on_tier_changed(stores, clock, {"uscc": USCC, "to_tier": "DISCREDITED"})
    assert result["terminated"] == [case_id]
    assert memory.certification.cases[case_id]["status"] == CaseStatus.TERMINATED.value
    assert memory.workflows.stopped
    assert memory.certification.open_guards == {}
    assert steps.on_tier_changed(stores, clock, {"uscc": USCC, "to_tier": "CERTIFIED"})["terminated"] == []


def test_items_for_certified_are_what_all_met_covers() -> None:
    assert len(items_for(Tier.CERTIFIED)) == 13


# --- An execution started again from the start (the local runtime after a restart lost it) -----------


def _replay(stores: Stores, clock: FixedClock, case_id: str, token: str) -> tuple[str, dict[str, object]]:
    """What a new execution of the case does up to its first waiting step: (the action it waits for, the
    step's answer); the waiting step is the one the Assigned? choice picks from the assignment."""
    assert steps.eligibility(stores, clock, case_id)["eligible"] is True
    assignment = steps.assign(stores, clock, case_id)
    action = Action.ASSIGN_CERTIFIERS if assignment["status"] == "AWAITING_CERTIFIERS" else Action.AUDIT
    return action.value, steps.wait(stores, clock, case_id, action, token)


def test_a_replayed_execution_waiting_for_the_audit_stores_its_new_token_and_no_history(
        stores: Stores, memory: Memory, clock: FixedClock) -> None:
    _roster(stores, clock)
    case_id = _open(stores, clock)
    _to_audit(stores, clock, case_id)
    before = dict(memory.certification.cases[case_id])
    # When the execution runs again from the start
    action, answer = _replay(stores, clock, case_id, "tok-audit-2")
    # Then it waits for the audit again with its new token; the case is otherwise as it was
    after = memory.certification.cases[case_id]
    assert (action, answer["waiting_for"], after["task_token"]) == ("AUDIT", "AUDIT", "tok-audit-2")
    assert after["history"] == before["history"]
    assert {k: v for k, v in after.items() if k not in {"task_token", "version"}} == \
        {k: v for k, v in before.items() if k not in {"task_token", "version"}}
    assert memory.workflows.resumed == []
    # And the officer's audit resumes the new task
    cases.record_audit(stores, clock, case_id, ALL_MET, OFFICER)
    assert memory.workflows.resumed == [("tok-audit-2", {"status": "AWAITING_DECISION"})]


def test_a_replayed_execution_passes_the_audit_already_recorded_and_waits_for_the_decision(
        stores: Stores, memory: Memory, clock: FixedClock) -> None:
    _roster(stores, clock)
    case_id = _open(stores, clock)
    _to_audit(stores, clock, case_id)
    cases.record_audit(stores, clock, case_id, ALL_MET, OFFICER)
    steps.wait(stores, clock, case_id, Action.DECIDE, "tok-decide")
    history = list(memory.certification.cases[case_id]["history"])
    # When the execution runs again: its audit step completes at once, its decision step waits anew
    action, answer = _replay(stores, clock, case_id, "tok-audit-2")
    assert (action, answer["status"]) == ("AUDIT", "AWAITING_DECISION")
    assert memory.workflows.resumed[-1] == ("tok-audit-2", {"status": "AWAITING_DECISION"})
    steps.wait(stores, clock, case_id, Action.DECIDE, "tok-decide-2")
    assert memory.certification.cases[case_id]["history"] == history
    # Then the decision resumes the new execution and the outcome applies once
    cases.decide(stores, clock, case_id, Outcome.APPROVED, ["all standards met"], OFFICER)
    assert memory.workflows.resumed[-1] == ("tok-decide-2", {"status": "APPROVED"})
    # And a decided case whose outcome is not published yet goes on to it when replayed
    assert steps.eligibility(stores, clock, case_id)["eligible"] is True
    assert steps.assign(stores, clock, case_id)["status"] == "APPROVED"
    steps.wait(stores, clock, case_id, Action.AUDIT, "tok-audit-3")
    steps.wait(stores, clock, case_id, Action.DECIDE, "tok-decide-3")
    assert memory.workflows.resumed[-2:] == [("tok-audit-3", {"status": "APPROVED"}),
                                             ("tok-decide-3", {"status": "APPROVED"})]
    steps.outcome(stores, clock, case_id)
    assert steps.eligibility(stores, clock, case_id)["eligible"] is False  # published: finished


def test_a_replayed_execution_still_short_of_certifiers_writes_nothing(stores: Stores, memory: Memory,
                                                                      clock: FixedClock) -> None:
    _roster(stores, clock, count=1)
    case_id = _open(stores, clock)
    steps.eligibility(stores, clock, case_id)
    steps.assign(stores, clock, case_id)
    steps.wait(stores, clock, case_id, Action.ASSIGN_CERTIFIERS, "tok-certifiers")
    history = list(memory.certification.cases[case_id]["history"])
    action, _ = _replay(stores, clock, case_id, "tok-certifiers-2")
    assert action == "ASSIGN_CERTIFIERS"
    assert memory.certification.cases[case_id]["history"] == history
    assert memory.certification.cases[case_id]["task_token"] == "tok-certifiers-2"
