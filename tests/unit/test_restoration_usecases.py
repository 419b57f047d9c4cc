"""The restoration use cases against the in-memory stores (tests/support/memory_stores.py): receipt, review,
officer decision and extension never touch another enterprise, and a re-delivered review changes
nothing."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.clock import FixedClock
from shared.domain.errors import DomainError
from shared.domain.restoration_requests import Extension, OfficerDecision, RestorationApplication
from shared.usecases import restorations as uc
from shared.usecases.stores import Stores
from tests.support.memory_outbox import run_pipe
from tests.support.memory_stores import Failing, Memory, memory_stores
from tests.unit.rules.builders import OTHER_USCC, USCC, at

EVENTS = {
    USCC: [("A-1", "SMUGGLING_PENALTY", "2026-04-15"), ("A-2", "SMUGGLING_PENALTY", "2026-09-01")],
    OTHER_USCC: [("B-1", "SMUGGLING_PENALTY", "2026-04-15")],
}


def seeded() -> tuple[Stores, Memory]:
    """Two enterprises with their penalties, in the in-memory stores every use case test uses."""
    memory = Memory()
    for uscc, events in EVENTS.items():
        memory.profiles[uscc] = {
            "uscc": uscc, "name": uscc, "registration_status": "REGISTERED",
            "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01", "tier": "REGULAR",
            "tier_since": "2026-01-01T00:00:00.000Z", "created_at": "2026-01-01T00:00:00.000Z",
            "updated_at": "2026-01-01T00:00:00.000Z", "version": 1}
        memory.events[uscc] = {
            event_id: {"event_id": event_id, "uscc": uscc, "type": etype, "business_line": "OWN_ACCOUNT",
                       "decided_on": decided_on, "penalty_kind": "FINE", "amount_cny": "250000.00"}
            for event_id, etype, decided_on in events}
    return memory_stores(memory), memory


def partition(memory: Memory, uscc: str) -> dict[str, Any]:
    """Everything stored under one enterprise (what an application of another must never change)."""
    return copy.deepcopy({
        "profile": memory.profiles.get(uscc), "events": memory.events.get(uscc),
        "restorations": memory.restorations.get(uscc), "decisions": memory.decisions.get(uscc),
        "guards": {g: r for (u, g), r in memory.open_guards.items() if u == uscc},
        "audit": [a for a in memory.audit if a.get("pk") == f"ENT#{uscc}"]})


def sent(memory: Memory) -> list[str]:
    return [detail_type for detail_type, _ in memory.published]


DOCS = [{"type": "FULFILMENT_PROOF", "reference": "p"}, {"type": "COMMITMENT_LETTER", "reference": "l"}]


def received(stores: Stores, clock: FixedClock, **body: Any) -> dict[str, Any]:
    application = RestorationApplication(**{"uscc": USCC, "kind": "DISCLOSURE", "event_ids": ["A-1"],
                                            "documents": DOCS, **body})
    return uc.receive_application(stores, clock, application, "erp")


def test_receipt_review_and_redelivery() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    created = received(stores, clock)
    assert sent(memory) == ["RestorationReceived"]
    outcome = uc.review_application(stores, clock, USCC, created["restoration_id"])
    assert outcome["status"] == "APPROVED"
    assert sent(memory)[1:] == ["ReevaluationRequested", "RestorationDecided"]
    snapshot = partition(memory, USCC)
    again = uc.review_application(stores, clock, USCC, created["restoration_id"])
    assert (again["reviewed"], partition(memory, USCC), len(memory.published)) == (False, snapshot, 3)


def test_a_failed_publish_is_made_good_by_the_retry() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    created = received(stores, clock)
    memory.outbox.relay_on_commit = False  # the decision's events wait in the outbox's stream
    uc.review_application(stores, clock, USCC, created["restoration_id"])
    broken_bus = Failing(stores.bus, {"send": lambda: RuntimeError("bus unavailable")}, times=1)

    run_pipe(memory.outbox, broken_bus)  # the relay's PutEvents fails once; the pipe retries the batch
    assert stores.restorations.get(USCC, created["restoration_id"])["status"] == "APPROVED"  # type: ignore[index]
    assert sent(memory)[1:] == ["ReevaluationRequested", "RestorationDecided"]
    assert stores.restorations.get(USCC, created["restoration_id"])["published"] is True  # type: ignore[index]
    assert memory.outbox.dlq == []


_ACTIONS = st.lists(st.sampled_from(["apply-A-1", "apply-A-2", "apply-tier", "apply-other-docs", "review",
                                     "approve", "reject", "extend", "tick"]), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ACTIONS)
def test_an_application_never_changes_another_enterprise(actions: list[str]) -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    other_before = partition(memory, OTHER_USCC)
    ids: list[str] = []
    for action in actions:
        try:
            if action == "apply-A-1":
                ids.append(received(stores, clock)["restoration_id"])
            elif action == "apply-A-2":
                ids.append(received(stores, clock, event_ids=["A-2"])["restoration_id"])
            elif action == "apply-tier":
                ids.append(received(stores, clock, kind="TIER", event_ids=None)["restoration_id"])
            elif action == "apply-other-docs":
                ids.append(received(stores, clock, documents=[{"type": "OTHER", "reference": "o"}],
                                    event_ids=["A-2"])["restoration_id"])
            elif action == "review" and ids:
                uc.review_application(stores, clock, USCC, ids[-1])
            elif action in ("approve", "reject") and ids:
                reasons = [{"detail": "seen"}] if action == "reject" else []
                uc.decide_as_officer(stores, clock, ids[-1], OfficerDecision(
                    outcome="APPROVED" if action == "approve" else "REJECTED", reasons=reasons), "officer")
            elif action == "extend" and ids:
                uc.extend(stores, clock, ids[-1], Extension(reason="r", working_days=2), "officer")
            elif action == "tick":
                clock.advance(timedelta(days=3))
        except DomainError:
            pass
    assert partition(memory, OTHER_USCC) == other_before
    assert all(d["uscc"] == USCC for _, d in memory.published)
