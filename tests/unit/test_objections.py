"""Objections (Art 39) on in-memory stores: which subjects an enterprise may object to, the one open
objection per subject, the officer's decision, and what each upheld correction changes (and what it
must not: nothing stored before is edited away, point-in-time reads still answer what was public)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.adapters.objections import OpenObjectionExists
from shared.domain.bus_events import OBJECTION_DECIDED, TIER_CHANGED
from shared.domain.clock import FixedClock, iso_instant
from shared.domain.enterprise import RegistrationData
from shared.domain.errors import Conflict, NotFound, ValidationFailed
from shared.domain.objection import ObjectionStatus, SubjectType, execution_name, review_by
from shared.domain.tiers import Tier
from shared.usecases.credit_events import CreditEventBatch, ingest_credit_events
from shared.usecases.credit_views import credit_view
from shared.usecases.enterprises import register_enterprise
from shared.usecases.evaluation import evaluate_enterprise
from shared.usecases.objections import cases, steps
from tests.support.memory_stores import Memory, memory_stores
from tests.unit.rules.builders import OTHER_USCC, USCC, fine

FILED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
OTHER = RegistrationData(uscc=OTHER_USCC, name="Other Co.", registration_status="REGISTERED",
                         business_types=["CONSIGNOR_CONSIGNEE"], registered_on="2020-01-01")
REGISTRATION = RegistrationData(uscc=USCC, name="Example Trading Co.", registration_status="REGISTERED",
                                business_types=["CONSIGNOR_CONSIGNEE"], registered_on="2020-01-01")


def _discredited(memory: Memory) -> tuple[str, str]:
    """A D2 penalty (smuggling): DISCREDITED, the record disclosed. Returns (event id, decision id)."""
    clock = FixedClock(FILED - timedelta(days=10))
    stores = memory_stores(memory)
    register_enterprise(stores, FixedClock(FILED - timedelta(days=30)), REGISTRATION)
    register_enterprise(stores, FixedClock(FILED - timedelta(days=30)), OTHER)
    penalty = fine("SMUGGLING_PENALTY", "2026-11-01", "20000")
    ingest_credit_events(stores, clock, CreditEventBatch(events=[penalty]))
    evaluate_enterprise(stores, clock, USCC, trigger="test")
    assert memory.profiles[USCC]["tier"] == Tier.DISCREDITED
    return penalty.event_id, memory.decisions[USCC][0]["decision_id"]


def _file(memory: Memory, subject_type: SubjectType, subject_id: str, uscc: str = USCC) -> dict[str, Any]:
    return cases.file(memory_stores(memory), FixedClock(FILED), uscc, subject_type, subject_id, "it is wrong",
                      ["doc-1"], "enterprise-client")


def _run_to_review(memory: Memory, objection_id: str) -> None:
    stores = memory_stores(memory)
    assert steps.filed(stores, objection_id)["status"] == "UNDER_REVIEW"
    steps.wait(stores, FixedClock(FILED), objection_id, f"token-{objection_id}")


def _decide_and_run(memory: Memory, objection_id: str, outcome: ObjectionStatus, at: datetime,
                    correction: dict[str, Any] | None = None) -> dict[str, Any]:
    stores, clock = memory_stores(memory), FixedClock(at)
    view = cases.decide(stores, clock, objection_id, outcome, ["reviewed"], correction, "officer-1")
    assert memory.objection_workflow.resumed[-1] == (f"token-{objection_id}", {"outcome": outcome.value})
    steps.apply(stores, clock, objection_id)
    if outcome is ObjectionStatus.UPHELD:
        steps.reevaluate(stores, clock, objection_id)
    steps.notify(stores, clock, objection_id)
    return view


def test_review_by_is_20_calendar_days_after_filing() -> None:
    assert review_by(date(2026, 5, 1)) == date(2026, 5, 21)


def test_filing_stores_the_objection_under_review_and_starts_its_named_execution() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    created = _file(memory, SubjectType.EVENT, event_id)
    objection_id = created["objection_id"]
    assert objection_id == f"OBJ-{USCC}-001"
    assert created["review_by"] == "2026-12-10"
    assert created["execution_arn"].endswith(f":objection:objection-{USCC}-001")
    assert memory.objection_workflow.started == {execution_name(objection_id): {"uscc": USCC,
                                                                               "objection_id": objection_id}}
    view = cases.get(memory_stores(memory), objection_id, FILED)
    assert (view["status"], view["overdue"], view["decision"]) == ("UNDER_REVIEW", False, None)
    assert cases.get(memory_stores(memory), objection_id, FILED + timedelta(days=21))["overdue"] is True


@pytest.mark.parametrize("subject_type", list(SubjectType))
def test_a_subject_of_another_enterprise_or_unknown_is_refused_naming_subject_id(subject_type: SubjectType) -> None:
    memory = Memory()
    event_id, decision_id = _discredited(memory)
    own = {SubjectType.EVENT: event_id, SubjectType.DISCLOSURE: event_id, SubjectType.DECISION: decision_id,
           SubjectType.RESTORATION: "RST-unknown"}[subject_type]
    for uscc, subject_id in ((OTHER_USCC, own), (USCC, "nope")):
        with pytest.raises(ValidationFailed) as refused:
            _file(memory, subject_type, subject_id, uscc)
        assert refused.value.errors[0]["loc"] == ["body", "subject_id"]
    assert memory.objection.objections == {}
    assert memory.objection_workflow.started == {}


def test_a_second_open_objection_on_the_same_subject_is_a_conflict_and_stores_nothing() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    first = _file(memory, SubjectType.EVENT, event_id)["objection_id"]
    with pytest.raises(OpenObjectionExists) as conflict:
        _file(memory, SubjectType.EVENT, event_id)
    assert isinstance(conflict.value, Conflict)
    assert conflict.value.extra == {"open_objection_id": first}
    assert list(memory.objection.objections) == [first]
    # another subject type on the same record is another subject
    assert _file(memory, SubjectType.DISCLOSURE, event_id)["objection_id"] == f"OBJ-{USCC}-002"


def test_decisions_refuse_a_closed_objection_a_misfit_correction_and_an_early_call() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    objection_id = _file(memory, SubjectType.EVENT, event_id)["objection_id"]
    stores, clock = memory_stores(memory), FixedClock(FILED)
    with pytest.raises(Conflict, match="not waiting"):  # the workflow has not stored its token yet
        cases.decide(stores, clock, objection_id, ObjectionStatus.DISMISSED, ["no"], None, "officer-1")
    _run_to_review(memory, objection_id)
    with pytest.raises(ValidationFailed) as misfit:
        cases.decide(stores, clock, objection_id, ObjectionStatus.UPHELD, ["yes"], {"disclosure_months": 3}, "o")
    assert misfit.value.errors[0]["loc"] == ["body", "correction", "disclosure_months"]
    assert memory.objection.objections[objection_id]["version"] == 2  # filed, waiting: nothing more stored
    _decide_and_run(memory, objection_id, ObjectionStatus.DISMISSED, FILED + timedelta(days=1))
    with pytest.raises(Conflict, match="decided already"):
        cases.decide(stores, clock, objection_id, ObjectionStatus.UPHELD, ["yes"], None, "officer-1")
    with pytest.raises(NotFound):
        cases.get(stores, "OBJ-bad", FILED)


def test_dismissed_changes_nothing_but_the_objection() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    before = (dict(memory.profiles[USCC]), list(memory.decisions[USCC]), dict(memory.events[USCC]))
    objection_id = _file(memory, SubjectType.EVENT, event_id)["objection_id"]
    _run_to_review(memory, objection_id)
    _decide_and_run(memory, objection_id, ObjectionStatus.DISMISSED, FILED + timedelta(days=1))
    assert (memory.profiles[USCC], memory.decisions[USCC], memory.events[USCC]) == before
    ((_kind, detail),) = [p for p in memory.published if p[0] == OBJECTION_DECIDED]
    assert (detail["outcome"], detail["decision_id"]) == ("DISMISSED", None)
    # the subject is free again: a new objection may be filed
    assert _file(memory, SubjectType.EVENT, event_id)["objection_id"] == f"OBJ-{USCC}-002"


def test_an_upheld_objection_to_a_d2_penalty_withdraws_it_by_a_new_decision_citing_art_39() -> None:
    memory = Memory()
    event_id, first_decision = _discredited(memory)
    objection_id = _file(memory, SubjectType.EVENT, event_id)["objection_id"]
    _run_to_review(memory, objection_id)
    decided_at = FILED + timedelta(days=2)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, decided_at)

    assert memory.profiles[USCC]["tier"] == Tier.REGULAR
    first, correction = memory.decisions[USCC]
    assert first["decision_id"] == first_decision
    assert first["to_tier"] == "DISCREDITED"
    assert (correction["from_tier"], correction["to_tier"]) == ("DISCREDITED", "REGULAR")
    assert correction["correction_of"] == objection_id
    cited = {g["rule_id"]: g for g in correction["grounds"]}
    assert cited["OBJECTION"]["article"] == cited["CORRECTION"]["article"] == "Art 39"
    assert cited["OBJECTION"]["evidence"] == [objection_id, event_id]
    assert memory.objection.objections[objection_id]["decision_id"] == correction["decision_id"]
    assert any(a.get("decision_id") == correction["decision_id"] for a in memory.audit)
    assert [p[0] for p in memory.published][-2:] == [TIER_CHANGED, OBJECTION_DECIDED]
    stores = memory_stores(memory)
    after = credit_view(stores, USCC, decided_at + timedelta(hours=1), decided_at + timedelta(hours=1))
    assert (after["tier"], after["disclosures"]) == ("REGULAR", [])
    then = credit_view(stores, USCC, FILED, decided_at + timedelta(hours=1))
    assert then["tier"] == "DISCREDITED"
    assert [d["event_id"] for d in then["disclosures"]] == [event_id]
    # the same day, a minute before the correction, the record was public (withdrawn at an instant, not a day)
    just_before = credit_view(stores, USCC, decided_at - timedelta(minutes=1), decided_at + timedelta(hours=1))
    assert [d["event_id"] for d in just_before["disclosures"]] == [event_id]
    classification = memory.events[USCC][event_id]["classification"]
    assert classification["withdrawn_on"] == "2026-11-22"
    assert classification["withdrawn_at"] == iso_instant(decided_at)
    # steps run again (a retry) record nothing more
    for step in (steps.apply, steps.reevaluate, steps.notify):
        step(stores, FixedClock(decided_at + timedelta(minutes=5)), objection_id)
    assert len(memory.decisions[USCC]) == 2
    assert len([p for p in memory.published if p[0] == OBJECTION_DECIDED]) == 1


def test_an_upheld_disclosure_objection_ends_the_disclosure_but_the_record_still_counts() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    objection_id = _file(memory, SubjectType.DISCLOSURE, event_id)["objection_id"]
    _run_to_review(memory, objection_id)
    decided_at = FILED + timedelta(days=3)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, decided_at)
    assert memory.profiles[USCC]["tier"] == Tier.DISCREDITED  # the record is not withdrawn
    classification = memory.events[USCC][event_id]["classification"]
    assert classification["withdrawn_on"] == "2026-11-23"
    assert classification["override_basis"] == f"Art 39: objection {objection_id} upheld"
    remade = memory.decisions[USCC][-1]
    assert remade["from_tier"] == remade["to_tier"] == "DISCREDITED"
    assert any(g["rule_id"] == "OBJECTION" for g in remade["grounds"])
    stores = memory_stores(memory)
    assert credit_view(stores, USCC, decided_at + timedelta(days=1), decided_at + timedelta(days=1))[
        "disclosures"] == []
    assert len(credit_view(stores, USCC, FILED, decided_at)["disclosures"]) == 1


@pytest.mark.pins("CHOICE-OBJECTION-CORRECTION-INSTANT")
def test_a_corrected_disclosure_period_re_times_the_disclosure() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    until_before = memory.events[USCC][event_id]["classification"]["disclosure_until"]
    objection_id = _file(memory, SubjectType.DISCLOSURE, event_id)["objection_id"]
    _run_to_review(memory, objection_id)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, FILED + timedelta(days=3),
                    {"disclosure_months": 6})
    classification = memory.events[USCC][event_id]["classification"]
    assert classification["disclosure_until"] == "2027-05-02" != until_before  # 6 months, through the last day
    assert classification.get("withdrawn_on") is None


def test_an_upheld_decision_objection_remakes_the_decision_once() -> None:
    memory = Memory()
    event_id, decision_id = _discredited(memory)
    objection_id = _file(memory, SubjectType.DECISION, decision_id)["objection_id"]
    _run_to_review(memory, objection_id)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, FILED + timedelta(days=1))
    assert len(memory.decisions[USCC]) == 2
    remade = memory.decisions[USCC][-1]
    assert remade["trigger"] == f"objection {objection_id} upheld (Art 39)"
    assert remade["effective_at"] == iso_instant(FILED + timedelta(days=1))
    assert memory.events[USCC][event_id]["classification"].get("withdrawn_on") is None


def test_a_replayed_execution_waits_with_its_new_token_or_passes_a_decided_review() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    objection_id = _file(memory, SubjectType.EVENT, event_id)["objection_id"]
    _run_to_review(memory, objection_id)
    stores, clock = memory_stores(memory), FixedClock(FILED)
    history = list(memory.objection.objections[objection_id]["history"])
    # When the execution runs again from the start (the local runtime after a restart lost it)
    steps.filed(stores, objection_id)
    steps.wait(stores, clock, objection_id, "token-again")
    # Then the new token is stored, no history line added, and the officer's decision resumes it
    assert memory.objection.objections[objection_id]["task_token"] == "token-again"
    assert memory.objection.objections[objection_id]["history"] == history
    cases.decide(stores, clock, objection_id, ObjectionStatus.DISMISSED, ["reviewed"], None, "officer-1")
    assert memory.objection_workflow.resumed[-1] == ("token-again", {"outcome": "DISMISSED"})
    # And run again once decided, its review step completes at once, changing nothing
    decided = dict(memory.objection.objections[objection_id])
    assert steps.wait(stores, clock, objection_id, "token-third")["status"] == "DISMISSED"
    assert memory.objection_workflow.resumed[-1] == ("token-third", {"outcome": "DISMISSED"})
    assert memory.objection.objections[objection_id] == decided
