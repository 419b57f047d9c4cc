"""The use cases against in-memory and fault-injecting stores (the `Stores` ports): no DynamoDB, no
EventBridge. What the handlers get from `dynamodb_stores()`, a test can replace."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.bus_events import FACTS_RECORDED, TIER_CHANGED
from shared.domain.clock import FixedClock
from shared.domain.enterprise import RegistrationData
from shared.domain.errors import Conflict
from shared.domain.tiers import Tier
from shared.usecases.credit_events import CreditEventBatch, ingest_credit_events
from shared.usecases.enterprises import register_enterprise
from shared.usecases.evaluation import MAX_ATTEMPTS, evaluate_enterprise
from tests.support.memory_stores import Failing, Memory, memory_stores
from tests.unit.rules.builders import USCC, fine

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
REGISTRATION = RegistrationData(uscc=USCC, name="Example Trading Co.", registration_status="REGISTERED",
                                business_types=["CONSIGNOR_CONSIGNEE"], registered_on="2020-01-01")


class Throttled(Exception):
    """What a throttled storage call raises (the adapter lets it through: Lambda retries the event)."""


def _penalised(memory: Memory) -> FixedClock:
    clock = FixedClock(NOW)
    stores = memory_stores(memory)
    register_enterprise(stores, clock, REGISTRATION)
    ingest_credit_events(stores, clock, CreditEventBatch(events=[fine("SMUGGLING_PENALTY", "2026-11-01", "20000")]))
    return clock


def test_registration_then_ingestion_then_evaluation_run_on_in_memory_stores() -> None:
    memory = Memory()
    clock = _penalised(memory)
    assert [kind for kind, _ in memory.published] == [FACTS_RECORDED]

    outcome = evaluate_enterprise(memory_stores(memory), clock, USCC, trigger="test")

    assert outcome["changed"] is True
    assert memory.profiles[USCC]["tier"] == Tier.DISCREDITED
    (decision,) = memory.decisions[USCC]
    assert [g["rule_id"] for g in decision["grounds"]] == ["D2"]
    assert memory.audit[0]["decision_id"] == decision["decision_id"]
    assert [kind for kind, _ in memory.published] == [FACTS_RECORDED, "DisclosurePublished", TIER_CHANGED]
    (disclosure,) = memory.disclosures[USCC].values()
    assert (disclosure["status"], "pending_events" in disclosure) == ("PUBLISHED", False)  # sent, then cleared
    (stored_event,) = memory.events[USCC].values()
    assert stored_event["classification"]["severity"] == "GENERAL"
    # evaluating again changes nothing (idempotent)
    assert evaluate_enterprise(memory_stores(memory), clock, USCC, trigger="again")["changed"] is False


def test_a_registration_replay_on_in_memory_stores_creates_nothing() -> None:
    stores = memory_stores()
    clock = FixedClock(NOW)
    assert register_enterprise(stores, clock, REGISTRATION)[1] is True
    assert register_enterprise(stores, clock, REGISTRATION)[1] is False


def test_a_lost_condition_makes_the_evaluation_reload_and_decide_again() -> None:
    memory = Memory()
    clock = _penalised(memory)
    stores = memory_stores(memory)
    racing = Failing(stores.credit, {"commit_evaluation": lambda: Conflict("condition failed")}, times=1)

    outcome = evaluate_enterprise(stores._replace(credit=racing), clock, USCC, trigger="test")

    assert racing.failures == 1
    assert outcome["changed"] is True
    assert len(memory.decisions[USCC]) == 1


def test_an_evaluation_that_always_loses_gives_up_and_leaves_everything_as_it_was() -> None:
    memory = Memory()
    clock = _penalised(memory)
    stores = memory_stores(memory)
    losing = Failing(stores.credit, {"commit_evaluation": lambda: Conflict("condition failed")})

    with pytest.raises(Conflict, match="lost"):
        evaluate_enterprise(stores._replace(credit=losing), clock, USCC, trigger="test")

    assert losing.failures == MAX_ATTEMPTS
    assert memory.profiles[USCC]["tier"] == Tier.REGULAR
    assert USCC not in memory.decisions
    assert TIER_CHANGED not in [kind for kind, _ in memory.published]


def test_a_throttled_write_stores_nothing_and_announces_nothing() -> None:
    memory = Memory()
    stores = memory_stores(memory)
    clock = FixedClock(NOW)
    register_enterprise(stores, clock, REGISTRATION)
    throttled = Failing(stores.credit, {"add_events": lambda: Throttled("ProvisionedThroughputExceeded")})

    with pytest.raises(Throttled):
        ingest_credit_events(stores._replace(credit=throttled), clock,
                             CreditEventBatch(events=[fine("SMUGGLING_PENALTY", "2026-11-01", "20000")]))

    assert memory.events == {}
    assert memory.event_ids == {}
    assert memory.published == []  # no evaluation is triggered for events that were not stored
