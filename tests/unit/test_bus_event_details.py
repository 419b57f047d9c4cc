"""Event details are plain dataclasses turned into the outbox's dicts by `detail_of`: the dict is what
pydantic serializes for the same shape (which the pydantic models of the details produced), key order
and defaults included, and pydantic validates it back into the same detail."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from shared.domain import bus_events as bus
from shared.domain.tiers import Tier

U = "91110000600037341L"
SAMPLES: list[Any] = [
    bus.CreditFactsRecorded(uscc=U, recorded_at="2026-05-01T02:00:00.000Z"),
    bus.CreditFactsRecorded(uscc=U, event_ids=["E-1", "E-2"], recorded_at="2026-05-01T02:00:00.000Z"),
    bus.ReevaluationRequested(uscc=U, reason="arrears", due_on="2026-05-01"),
    bus.TierChanged(uscc=U, decision_id="D-1", from_tier=Tier.REGULAR, to_tier=Tier.DISCREDITED,
                    effective_at="2026-05-01T02:00:00.000Z", rule_pack="order-282/1",
                    grounds=[bus.Citation(rule_id="R1", article="Art 12", summary="s", evidence=["E-1"])]),
    bus.DisclosurePublished(uscc=U, event_id="E-1", severity="SERIOUS", rule_ids=["R1"],
                            published_from="2026-05-01", published_until=None, published_at="2026-05-01T02:00:00.000Z"),
    bus.DisclosureEnded(uscc=U, event_id="E-1", reason="EXPIRED", ended_on="2027-05-01",
                        ended_at="2027-05-01T00:00:00.000Z"),
    bus.RestorationReceived(uscc=U, restoration_id="RST-1", kind="TIER",
                            received_at="2026-05-01T02:00:00.000Z"),
    bus.RestorationDecided(uscc=U, restoration_id="RST-1", kind="DISCLOSURE", status="REJECTED",
                           event_ids=["E-1"], reasons=[bus.Reason(rule_id="R", article="Art 36", detail="d")],
                           decided_at="2026-05-02T02:00:00.000Z", decided_by="officer"),
    bus.CertificationDecided(uscc=U, case_id="C-1", kind="INITIAL", target_tier=Tier.ADVANCED_CERTIFIED,
                             outcome="APPROVED", reasons=[], score=95, decided_at="2026-05-02T02:00:00.000Z",
                             decided_by="officer"),
    bus.ObjectionDecided(uscc=U, objection_id="O-1", subject_type="EVENT", subject_id="E-1",
                         outcome="DISMISSED", reasons=["r"], decided_at="2026-05-02T02:00:00.000Z", decided_by="o"),
    bus.DeadlineMissed(case_type="RESTORATION", case_id="RST-1", uscc=U, deadline_kind="decide_by",
                       deadline="2026-05-06"),
]


@pytest.mark.parametrize("detail", SAMPLES, ids=lambda d: type(d).__name__)
def test_a_detail_is_what_pydantic_serializes_and_validates_back(detail: Any) -> None:
    adapter = TypeAdapter(type(detail))
    dumped = bus.detail_of(detail)
    expected = adapter.dump_python(detail, mode="json")
    assert dumped == expected
    assert list(dumped) == list(expected)  # the same key order: the outbox id hashes the content
    assert adapter.validate_python(dumped) == detail


def test_the_tier_change_detail_in_full() -> None:
    assert bus.detail_of(SAMPLES[3]) == {
        "schema_version": 1, "uscc": U, "decision_id": "D-1", "from_tier": "REGULAR",
        "to_tier": "DISCREDITED", "effective_at": "2026-05-01T02:00:00.000Z", "rule_pack": "order-282/1",
        "grounds": [{"rule_id": "R1", "article": "Art 12", "summary": "s", "evidence": ["E-1"]}], "correction": False,
    }


def test_a_tier_given_by_its_value_gives_the_same_detail() -> None:
    by_value = bus.TierChanged(**{**vars(SAMPLES[3]), "from_tier": "REGULAR", "to_tier": "DISCREDITED"})
    assert bus.detail_of(by_value) == bus.detail_of(SAMPLES[3])


@pytest.mark.parametrize(("make", "field"), [
    (lambda: bus.DeadlineMissed(case_type="PARCEL", case_id="X", uscc="U", deadline_kind="k", deadline="2026-05-06"),
     "case_type"),
    (lambda: bus.RestorationDecided(uscc="U", restoration_id="R", kind="TIER", status="NEEDS_OFFICER", event_ids=[],
                                    reasons=[], decided_at="t", decided_by="b"), "status"),
    (lambda: bus.DisclosureEnded(uscc="U", event_id="E", reason="FORGOTTEN", ended_on="d", ended_at="t"), "reason"),
])
def test_a_value_outside_a_literal_field_is_refused_when_the_detail_is_made(make: Any, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        make()
