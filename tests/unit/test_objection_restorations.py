"""An upheld objection against a restoration result (Art 39) on in-memory stores: the refused application
is decided again as a NEW application through the restoration use cases (review, officer route,
approval through the evaluation), the refusal is kept as it was, and the tier decision cites Art 39
with the objection, the refused and the new application as evidence."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.domain.clock import FixedClock
from shared.domain.errors import Conflict, ValidationFailed
from shared.domain.objection import ObjectionStatus, SubjectType
from shared.domain.restoration_requests import OfficerDecision, RestorationApplication
from shared.usecases import restorations as uc
from shared.usecases.evaluation import evaluate_enterprise
from shared.usecases.objections import cases
from shared.usecases.stores import Stores
from tests.support.memory_stores import Memory
from tests.unit.rules.builders import OTHER_USCC, USCC
from tests.unit.test_objections import FILED, _decide_and_run, _file, _run_to_review
from tests.unit.test_restoration_usecases import DOCS, seeded

COURT = [{"type": "COURT_RESTRUCTURING_ORDER", "reference": "o"}, {"type": "COMMITMENT_LETTER", "reference": "l"}]
UPHELD_AT = FILED + timedelta(days=2)


def _apply(stores: Stores, uscc: str, event_id: str, documents: list[dict[str, str]],
           at: datetime = FILED) -> str:
    application = RestorationApplication(uscc=uscc, kind="DISCLOSURE", event_ids=[event_id], documents=documents)
    restoration_id = str(uc.receive_application(stores, FixedClock(at), application, "erp")["restoration_id"])
    uc.review_application(stores, FixedClock(at), uscc, restoration_id)
    return restoration_id


def _downgraded() -> tuple[Stores, Memory]:
    stores, memory = seeded()
    for uscc in (USCC, OTHER_USCC):
        for event in memory.events[uscc].values():  # what the feed shows of a record
            event.update(authority="Shanghai Customs", document_no=f"DOC-{event['event_id']}")
        evaluate_enterprise(stores, FixedClock(FILED - timedelta(days=1)), uscc, "test")
    return stores, memory


def _uphold(memory: Memory, uscc: str, subject_type: SubjectType, subject_id: str,
            at: datetime = UPHELD_AT) -> dict[str, Any]:
    objection_id = str(_file(memory, subject_type, subject_id, uscc)["objection_id"])
    _run_to_review(memory, objection_id)
    _decide_and_run(memory, objection_id, ObjectionStatus.UPHELD, at)
    return dict(memory.objection.objections[objection_id])


def test_a_refusal_on_facts_an_objection_corrected_is_approved_when_decided_again() -> None:
    stores, memory = _downgraded()
    # A-1's restoration is refused: A-2, of the same kind, arose after it
    refused = _apply(stores, USCC, "A-1", DOCS)
    assert [r["rule_id"] for r in memory.restorations[USCC][refused]["reasons"]] == ["NEW_GROUND_OF_SAME_KIND"]
    kept = copy.deepcopy(memory.restorations[USCC][refused])
    # the enterprise's objection against A-2 is upheld (A-2 withdrawn), then the one against the refusal
    _uphold(memory, USCC, SubjectType.EVENT, "A-2", FILED + timedelta(days=1))
    objection = _uphold(memory, USCC, SubjectType.RESTORATION, refused)
    redecision = objection["redecision"]
    assert redecision["status"] == "APPROVED"
    new = memory.restorations[USCC][redecision["restoration_id"]]
    assert new["redecision_of"] == {"restoration_id": refused, "objection_id": objection["objection_id"]}
    assert (new["kind"], new["event_ids"], new["documents"]) == (kept["kind"], kept["event_ids"], kept["documents"])
    assert memory.restorations[USCC][refused] == kept  # the refusal is not edited
    # the approval took effect through the evaluation: A-1's disclosure ends RESTORED
    assert memory.events[USCC]["A-1"]["classification"]["restored_on"] == UPHELD_AT.date().isoformat()
    decision = memory.decisions[USCC][-1]
    art39 = next(g for g in decision["grounds"] if g["rule_id"] == "OBJECTION")
    assert art39["article"] == "Art 39"
    assert art39["evidence"] == [objection["objection_id"], refused, redecision["restoration_id"]]
    assert f"decided again as application {redecision['restoration_id']} (APPROVED)" in art39["summary"]
    assert objection["decision_id"] == decision["decision_id"]


def test_a_refusal_by_an_officer_is_decided_again_on_the_officer_route() -> None:
    stores, memory = _downgraded()
    refused = _apply(stores, OTHER_USCC, "B-1", COURT)
    uc.decide_as_officer(stores, FixedClock(FILED), refused,
                         OfficerDecision(outcome="REJECTED", reasons=[{"detail": "order not read"}]), "officer-1")
    objection = _uphold(memory, OTHER_USCC, SubjectType.RESTORATION, refused)
    new_id = objection["redecision"]["restoration_id"]
    new = memory.restorations[OTHER_USCC][new_id]
    assert (objection["redecision"]["status"], new["status"]) == ("NEEDS_OFFICER", "NEEDS_OFFICER")
    assert new["gsi2sk"].startswith("2026-11-26#")  # its own clock, from the day of the re-decision, on the index
    assert memory.events[OTHER_USCC]["B-1"]["classification"].get("restored_on") is None
    view = uc.decide_as_officer(stores, FixedClock(UPHELD_AT + timedelta(hours=1)), new_id,
                                OfficerDecision(outcome="APPROVED"), "officer-2")
    assert (view["status"], view["redecision_of"]["restoration_id"]) == ("APPROVED", refused)
    evaluate_enterprise(stores, FixedClock(UPHELD_AT + timedelta(hours=2)), OTHER_USCC, "restoration approved")
    assert memory.events[OTHER_USCC]["B-1"]["classification"]["restored_on"] == UPHELD_AT.date().isoformat()
    assert memory.restorations[OTHER_USCC][refused]["status"] == "REJECTED"


@pytest.mark.pins("CHOICE-OBJECTION-RESTORATION-REDECIDED")
def test_decided_again_the_conditions_are_judged_as_at_the_original_receipt() -> None:
    stores, memory = _downgraded()
    early = datetime(2026, 7, 15, 2, 0, tzinfo=UTC)  # B-1 (GENERAL, 2026-04-15): minimum period ends 2026-07-15
    refused = _apply(stores, OTHER_USCC, "B-1", DOCS, early)
    assert [r["rule_id"] for r in memory.restorations[OTHER_USCC][refused]["reasons"]] == ["WITHIN_MINIMUM_PERIOD"]
    objection = _uphold(memory, OTHER_USCC, SubjectType.RESTORATION, refused)
    new = memory.restorations[OTHER_USCC][objection["redecision"]["restoration_id"]]
    assert (new["status"], new["conditions_on"]) == ("REJECTED", "2026-07-15")
    assert [r["rule_id"] for r in new["reasons"]] == ["WITHIN_MINIMUM_PERIOD"]


@pytest.mark.pins("CHOICE-OBJECTION-RESTORATION-REDECIDED")
def test_an_approval_is_no_result_to_object_to_and_an_open_application_blocks_upholding() -> None:
    stores, memory = _downgraded()
    approved = _apply(stores, OTHER_USCC, "B-1", DOCS)
    assert memory.restorations[OTHER_USCC][approved]["status"] == "APPROVED"
    with pytest.raises(ValidationFailed) as refused:
        _file(memory, SubjectType.RESTORATION, approved, OTHER_USCC)
    assert refused.value.errors[0]["loc"] == ["body", "subject_id"]
    # a refusal whose records another open application (received, not yet reviewed) covers
    rejected = _apply(stores, USCC, "A-1", DOCS)
    objection_id = str(_file(memory, SubjectType.RESTORATION, rejected, USCC)["objection_id"])
    _run_to_review(memory, objection_id)
    again = RestorationApplication(uscc=USCC, kind="DISCLOSURE", event_ids=["A-1"], documents=DOCS)
    open_id = uc.receive_application(stores, FixedClock(FILED + timedelta(hours=1)), again, "erp")["restoration_id"]
    stored = copy.deepcopy(memory.objection.objections[objection_id])
    with pytest.raises(Conflict) as blocked:
        cases.decide(stores, FixedClock(UPHELD_AT), objection_id, ObjectionStatus.UPHELD, ["wrong"], None, "o")
    assert blocked.value.extra == {"open_applications": [open_id]}
    assert memory.objection.objections[objection_id] == stored
    assert memory.objection_workflow.resumed == []
