"""The restoration use cases against an in-memory store (the `RestorationStore` port): receipt, review,
officer decision and extension never touch another enterprise, and a re-delivered review changes
nothing."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.adapters.credit_store import EnterpriseItems
from shared.domain.clock import FixedClock
from shared.domain.errors import Conflict, DomainError
from shared.domain.restoration import Extension, OfficerDecision, RestorationApplication
from shared.usecases import restorations as uc
from tests.unit.rules.builders import OTHER_USCC, USCC, at

EVENTS = {
    USCC: [("A-1", "SMUGGLING_PENALTY", "2026-04-15"), ("A-2", "SMUGGLING_PENALTY", "2026-09-01")],
    OTHER_USCC: [("B-1", "SMUGGLING_PENALTY", "2026-04-15")],
}


class InMemoryStore:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], dict[str, Any]] = {}
        for uscc, events in EVENTS.items():
            self.items[(f"ENT#{uscc}", "PROFILE")] = {
                "uscc": uscc, "name": uscc, "registration_status": "REGISTERED",
                "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01", "tier": "REGULAR",
                "tier_since": "2026-01-01T00:00:00.000Z", "created_at": "2026-01-01T00:00:00.000Z",
                "updated_at": "2026-01-01T00:00:00.000Z", "version": 1}
            for event_id, etype, decided_on in events:
                self.items[(f"ENT#{uscc}", f"EVT#{event_id}")] = {
                    "event_id": event_id, "uscc": uscc, "type": etype, "business_line": "OWN_ACCOUNT",
                    "decided_on": decided_on, "penalty_kind": "FINE", "amount_cny": "250000.00"}

    def partition(self, uscc: str) -> dict[tuple[str, str], dict[str, Any]]:
        return {k: copy.deepcopy(v) for k, v in self.items.items()
                if k[0] in (f"ENT#{uscc}", f"RSTOPEN#{uscc}")}

    def records_of(self, uscc: str, event_ids: Sequence[str]) -> set[str]:
        return {e for e in event_ids if (f"ENT#{uscc}", f"EVT#{e}") in self.items}

    def enterprise_exists(self, uscc: str) -> bool:
        return (f"ENT#{uscc}", "PROFILE") in self.items

    def enterprise_items(self, uscc: str) -> EnterpriseItems:
        found = EnterpriseItems()
        for (pk, sk), item in self.items.items():
            if pk != f"ENT#{uscc}":
                continue
            if sk == "PROFILE":
                found.profile = copy.deepcopy(item)
            elif sk.startswith("EVT#"):
                found.events.append(copy.deepcopy(item))
            elif sk.startswith("RST#"):
                found.restorations.append(copy.deepcopy(item))
        return found

    def create(self, application: dict[str, Any], guards: Sequence[str]) -> None:
        keys = [(f"RSTOPEN#{application['uscc']}", g) for g in guards]
        held = {k[1]: self.items[k]["restoration_id"] for k in keys if k in self.items}
        if held:
            raise Conflict("held", extra={"open_applications": sorted(set(held.values()))})
        self.items[(f"ENT#{application['uscc']}", f"RST#{application['restoration_id']}")] = copy.deepcopy(application)
        for key in keys:
            self.items[key] = {"restoration_id": application["restoration_id"]}

    def get(self, uscc: str, restoration_id: str) -> dict[str, Any] | None:
        item = self.items.get((f"ENT#{uscc}", f"RST#{restoration_id}"))
        return copy.deepcopy(item) if item else None

    def page(self, uscc: str, limit: int, start: dict[str, Any] | None
             ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
        found = sorted((k[1], v) for k, v in self.items.items() if k[0] == f"ENT#{uscc}" and k[1].startswith("RST#"))
        return [copy.deepcopy(v) for _, v in reversed(found)][:limit], None

    def save(self, application: dict[str, Any], expected_version: int, *, release: Sequence[str] = (),
             audit: dict[str, Any] | None = None) -> None:
        key = (f"ENT#{application['uscc']}", f"RST#{application['restoration_id']}")
        if self.items[key]["version"] != expected_version:
            raise Conflict("version")
        self.items[key] = copy.deepcopy(application)
        for guard in release:
            self.items.pop((f"RSTOPEN#{application['uscc']}", guard), None)


class Bus:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, detail_type: str, details: list[dict[str, Any]]) -> int:
        self.sent.extend((detail_type, d) for d in details)
        return 1


DOCS = [{"type": "FULFILMENT_PROOF", "reference": "p"}, {"type": "COMMITMENT_LETTER", "reference": "l"}]


def received(store: InMemoryStore, bus: Bus, clock: FixedClock, **body: Any) -> dict[str, Any]:
    application = RestorationApplication(**{"uscc": USCC, "kind": "DISCLOSURE", "event_ids": ["A-1"],
                                            "documents": DOCS, **body})
    return uc.receive_application(store, bus, clock, application, "erp")


def test_receipt_review_and_redelivery() -> None:
    store, bus, clock = InMemoryStore(), Bus(), FixedClock(at("2026-08-01"))
    created = received(store, bus, clock)
    assert [t for t, _ in bus.sent] == ["RestorationReceived"]
    outcome = uc.review_application(store, bus, clock, USCC, created["restoration_id"])
    assert outcome["status"] == "APPROVED"
    assert [t for t, _ in bus.sent][1:] == ["ReevaluationRequested", "RestorationDecided"]
    snapshot = copy.deepcopy(store.items)
    again = uc.review_application(store, bus, clock, USCC, created["restoration_id"])
    assert (again["reviewed"], store.items, len(bus.sent)) == (False, snapshot, 3)


def test_a_failed_publish_is_made_good_by_the_retry() -> None:
    store, bus, clock = InMemoryStore(), Bus(), FixedClock(at("2026-08-01"))
    created = received(store, bus, clock)

    def failing(detail_type: str, details: list[dict[str, Any]]) -> int:
        raise RuntimeError("bus unavailable")

    with pytest.raises(RuntimeError):
        uc.review_application(store, failing, clock, USCC, created["restoration_id"])
    assert store.get(USCC, created["restoration_id"])["status"] == "APPROVED"  # type: ignore[index]
    uc.review_application(store, bus, clock, USCC, created["restoration_id"])
    assert [t for t, _ in bus.sent][1:] == ["ReevaluationRequested", "RestorationDecided"]
    assert store.get(USCC, created["restoration_id"])["published"] is True  # type: ignore[index]


_ACTIONS = st.lists(st.sampled_from(["apply-A-1", "apply-A-2", "apply-tier", "apply-other-docs", "review",
                                     "approve", "reject", "extend", "tick"]), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ACTIONS)
def test_an_application_never_changes_another_enterprise(actions: list[str]) -> None:
    store, bus, clock = InMemoryStore(), Bus(), FixedClock(at("2026-08-01"))
    other_before = store.partition(OTHER_USCC)
    ids: list[str] = []
    for action in actions:
        try:
            if action == "apply-A-1":
                ids.append(received(store, bus, clock)["restoration_id"])
            elif action == "apply-A-2":
                ids.append(received(store, bus, clock, event_ids=["A-2"])["restoration_id"])
            elif action == "apply-tier":
                ids.append(received(store, bus, clock, kind="TIER", event_ids=None)["restoration_id"])
            elif action == "apply-other-docs":
                ids.append(received(store, bus, clock, documents=[{"type": "OTHER", "reference": "o"}],
                                    event_ids=["A-2"])["restoration_id"])
            elif action == "review" and ids:
                uc.review_application(store, bus, clock, USCC, ids[-1])
            elif action in ("approve", "reject") and ids:
                reasons = [{"detail": "seen"}] if action == "reject" else []
                uc.decide_as_officer(store, bus, clock, ids[-1], OfficerDecision(
                    outcome="APPROVED" if action == "approve" else "REJECTED", reasons=reasons), "officer")
            elif action == "extend" and ids:
                uc.extend(store, clock, ids[-1], Extension(reason="r", working_days=2), "officer")
            elif action == "tick":
                clock.advance(timedelta(days=3))
        except DomainError:
            pass
    assert store.partition(OTHER_USCC) == other_before
    assert all(d["uscc"] == USCC for _, d in bus.sent)
