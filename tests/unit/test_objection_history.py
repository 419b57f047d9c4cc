"""An upheld objection corrects by adding, never by editing (Art 39): on in-memory stores, what was
stored before the correction is still there as it was (decisions, audit entries, the record, the
disclosure's history), and point-in-time reads before the correction's instant (the credit view, the
feed, the decision in force) answer what was public then, also earlier on the day of the correction."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from shared.domain.clock import FixedClock, china_date, iso_instant
from shared.domain.disclosure_feed import on_feed_at, public_view
from shared.domain.objection import ObjectionStatus, SubjectType
from shared.usecases.credit_views import credit_view
from shared.usecases.decisions import decision_in_force
from shared.usecases.evaluation import evaluate_enterprise
from tests.support.memory_stores import Memory, memory_stores
from tests.unit.rules.builders import USCC
from tests.unit.test_objections import FILED, _decide_and_run, _discredited, _file, _run_to_review

UPHELD_AT = FILED + timedelta(days=2)


@pytest.mark.pins("CHOICE-OBJECTION-CORRECTION-INSTANT")
def test_an_upheld_event_objection_adds_and_edits_nothing_stored_before() -> None:
    memory = Memory()
    event_id, first_decision = _discredited(memory)
    before = copy.deepcopy({"decisions": memory.decisions[USCC], "audit": memory.audit,
                            "event": memory.events[USCC][event_id], "disclosure": memory.disclosures[USCC][event_id]})
    objection_id = str(_file(memory, SubjectType.EVENT, event_id)["objection_id"])
    _run_to_review(memory, objection_id)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, UPHELD_AT)

    # added, not edited: the earlier decision and audit entries as they were, the correction after them
    assert memory.decisions[USCC][:1] == before["decisions"]
    assert memory.audit[:len(before["audit"])] == before["audit"]
    added = memory.audit[len(before["audit"]):]
    assert [a.get("action") for a in added if a.get("decision_id")] == ["TierChanged"]
    assert next(a for a in added if a.get("decision_id"))["objection_id"] == objection_id
    # the record's content is kept; only its derived classification says it was withdrawn, and when
    event = memory.events[USCC][event_id]
    assert {k: v for k, v in event.items() if k != "classification"} == {
        k: v for k, v in before["event"].items() if k != "classification"}
    disclosure = memory.disclosures[USCC][event_id]
    assert disclosure["history"][:len(before["disclosure"]["history"])] == before["disclosure"]["history"]
    assert (disclosure["status"], disclosure["ended_at"]) == ("WITHDRAWN", iso_instant(UPHELD_AT))

    # point in time: a minute before the correction (same CST day) the record was on the feed, published
    just_before = UPHELD_AT - timedelta(minutes=1)
    day = china_date(just_before)
    assert china_date(UPHELD_AT) == day
    assert on_feed_at(disclosure, day, iso_instant(just_before)) is True
    assert public_view(disclosure, day, iso_instant(just_before))["status"] == "PUBLISHED"
    assert on_feed_at(disclosure, day, iso_instant(UPHELD_AT)) is False
    assert public_view(disclosure, day, iso_instant(UPHELD_AT))["status"] == "WITHDRAWN"
    decisions = memory.decisions[USCC]
    assert decision_in_force(decisions, just_before)["decision_id"] == first_decision
    assert decision_in_force(decisions, UPHELD_AT)["correction_of"] == objection_id
    stores = memory_stores(memory)
    later = UPHELD_AT + timedelta(days=1)
    assert credit_view(stores, USCC, just_before, later)["tier"] == "DISCREDITED"
    assert credit_view(stores, USCC, later, later)["tier"] == "REGULAR"


def test_an_evaluation_after_the_correction_changes_nothing_more() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    objection_id = str(_file(memory, SubjectType.EVENT, event_id)["objection_id"])
    _run_to_review(memory, objection_id)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, UPHELD_AT)
    settled = copy.deepcopy((memory.decisions[USCC], memory.disclosures[USCC], memory.events[USCC]))
    evaluate_enterprise(memory_stores(memory), FixedClock(UPHELD_AT + timedelta(days=3)), USCC, "later event")
    assert (memory.decisions[USCC], memory.disclosures[USCC], memory.events[USCC]) == settled


def test_the_correction_decision_says_the_record_was_withdrawn_by_the_objection() -> None:
    memory = Memory()
    event_id, _ = _discredited(memory)
    objection_id = str(_file(memory, SubjectType.EVENT, event_id)["objection_id"])
    _run_to_review(memory, objection_id)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, UPHELD_AT)
    correction = memory.decisions[USCC][-1]
    grounds = {g["rule_id"]: g for g in correction["grounds"]}
    assert grounds["CORRECTION"]["summary"] == (
        f"{event_id} was withdrawn by the upheld objection {objection_id} (Art 39) on 2026-11-22: what it "
        f"grounded (D2) no longer counts")
    assert grounds["OBJECTION"]["summary"] == (
        f"Objection {objection_id} upheld (Art 39): record {event_id} is withdrawn from 2026-11-22; it no longer "
        f"counts and its disclosure ends WITHDRAWN")
    assert f"{event_id} was withdrawn by the upheld objection {objection_id} (Art 39)" in correction["explanation"]
    assert "without the withdrawal the tier would be DISCREDITED" in correction["explanation"]
    assert "revoked" not in correction["explanation"]


def test_the_art_39_ground_says_what_each_disclosure_and_decision_correction_did() -> None:
    cases = [(SubjectType.DISCLOSURE, None, "the disclosure of record {e} ends WITHDRAWN on 2026-11-22; the record "
                                            "still counts"),
             (SubjectType.DISCLOSURE, {"disclosure_months": 6}, "the disclosure of record {e} takes the corrected "
                                                                "period of 6 months; the record still counts"),
             (SubjectType.DECISION, None, "decision {d} is made again on the corrected facts")]
    for subject_type, correction, said in cases:
        memory = Memory()
        event_id, decision_id = _discredited(memory)
        subject = decision_id if subject_type is SubjectType.DECISION else event_id
        objection_id = str(_file(memory, subject_type, subject)["objection_id"])
        _run_to_review(memory, objection_id)
        _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, UPHELD_AT, correction)
        ground = next(g for g in memory.decisions[USCC][-1]["grounds"] if g["rule_id"] == "OBJECTION")
        assert ground["summary"] == f"Objection {objection_id} upheld (Art 39): " + said.format(e=event_id,
                                                                                                d=decision_id)
        assert (ground["article"], ground["evidence"]) == ("Art 39", [objection_id, subject])
