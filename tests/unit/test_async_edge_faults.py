"""Fault injection on every async edge, through the store and bus ports (`Failing` wraps any port):
throttling, lost conditions, a failing publish, a function error, a timeout. On each edge the work
either raises (so Lambda's async retries, then the function's DLQ, apply: the DLQ keeps the event,
which names the enterprise, so a redrive re-runs it) or is retried inside the use case; a retry
loses nothing and doubles nothing.

Edges: ingestion → bus → evaluation; arrears-watch schedule → evaluation; restoration receipt →
review → evaluation. A failure between a committed change and its publish is the transactional
outbox's business (issue 11, item 1): those cases are marked xfail(strict) until it lands."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from infra.catalog import FUNCTIONS
from infra.constructs.functions import ASYNC_RETRY_ATTEMPTS
from shared.domain.audit_chain import ChainHead, verify
from shared.domain.bus_events import FACTS_RECORDED, REEVALUATION_REQUESTED, TIER_CHANGED
from shared.domain.clock import FixedClock
from shared.domain.enterprise import RegistrationData
from shared.domain.errors import Conflict
from shared.domain.tiers import Tier
from shared.usecases import restorations as restoration_uc
from shared.usecases.arrears_watch import run_arrears_watch
from shared.usecases.credit_events import CreditEventBatch, ingest_credit_events
from shared.usecases.enterprises import register_enterprise
from shared.usecases.evaluation import MAX_ATTEMPTS, evaluate_enterprise
from shared.usecases.ports import Stores
from tests.support.lambdas import LambdaContext, handler_module
from tests.support.memory_stores import Failing, Memory, memory_stores
from tests.support.sqs_batches import sqs_batch
from tests.unit.rules.builders import USCC, at, fine, fine_overdue
from tests.unit.test_restoration_usecases import received, seeded, sent

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
REGISTRATION = RegistrationData(uscc=USCC, name="Example Trading Co.", registration_status="REGISTERED",
                                business_types=["CONSIGNOR_CONSIGNEE"], registered_on="2020-01-01")


class Throttled(Exception):
    """ProvisionedThroughputExceeded / ThrottlingException: the adapters let it through."""


class PublishFailed(Exception):
    """PutEvents refused (FailedEntryCount > 0) or unreachable."""


class TimedOut(BaseException):
    """Lambda's timeout kills the invocation where it stands (nothing after that point runs)."""


def smuggling() -> CreditEventBatch:
    return CreditEventBatch(events=[fine("SMUGGLING_PENALTY", "2026-11-01", "20000", event_id="PEN-1")])


def kinds(memory: Memory) -> list[str]:
    return [kind for kind, _ in memory.published]


def chain_is_valid(memory: Memory, uscc: str = USCC) -> bool:
    stores = memory_stores(memory)
    return verify(stores.audit.entries(uscc), ChainHead.from_plain(stores.audit.head(uscc))).valid


def registered(memory: Memory) -> tuple[Stores, FixedClock]:
    stores, clock = memory_stores(memory), FixedClock(NOW)
    register_enterprise(stores, clock, REGISTRATION)
    return stores, clock


# --- retry and DLQ configuration every edge relies on ------------------------------------------

def test_every_async_function_is_retried_then_parked() -> None:
    async_functions = [s.name for s in FUNCTIONS if s.is_async_target]
    queue_fed = {s.name: s.delivery for s in FUNCTIONS if s.is_queue_fed}
    assert {"arrears_watch"} <= set(async_functions)
    assert ASYNC_RETRY_ATTEMPTS == 2  # then the function's DLQ (tests/infra/test_async_edges.py)
    # bus-fed functions: a failed record is received again, then parked in the inbox's DLQ
    assert {"evaluation", "restoration_review"} <= set(queue_fed)
    assert all(delivery.max_receive_count >= 2 for delivery in queue_fed.values())


def test_the_evaluation_handler_raises_so_lambda_retries_and_the_redrive_does_the_work_once(
        monkeypatch: pytest.MonkeyPatch) -> None:
    memory = Memory()
    stores, clock = registered(memory)
    ingest_credit_events(stores, clock, smuggling())
    module = handler_module("evaluation")
    monkeypatch.setattr(module, "current_clock", lambda: clock)
    event = {"id": "e-1", "detail-type": FACTS_RECORDED, "detail": {"uscc": USCC, "event_ids": ["PEN-1"]}}
    throttled = replace(stores, credit=Failing(stores.credit, {"load": lambda: Throttled("throttled")}))
    monkeypatch.setattr(module, "dynamodb_stores", lambda: throttled)

    with pytest.raises(BatchProcessingError) as failed:  # not swallowed: received again, then the inbox DLQ
        module.lambda_handler(sqs_batch([event]), LambdaContext(function_name="evaluation"))
    assert isinstance(failed.value.child_exceptions[0][1], Throttled)
    assert memory.profiles[USCC]["tier"] == Tier.REGULAR

    monkeypatch.setattr(module, "dynamodb_stores", lambda: memory_stores(memory))
    for _redrive in range(2):  # the DLQ message is the event: redriven, even twice
        assert module.lambda_handler(sqs_batch([event]), LambdaContext(function_name="evaluation")) == {
            "batchItemFailures": []}
    assert memory.profiles[USCC]["tier"] == Tier.DISCREDITED
    assert len(memory.decisions[USCC]) == 1
    assert len(memory.audit) == 1
    assert kinds(memory).count(TIER_CHANGED) == 1


# --- ingestion → bus → evaluation -------------------------------------------------------------

def test_a_failed_batch_on_an_unknown_enterprise_leaves_no_enterprise_behind() -> None:
    memory = Memory()
    stores, clock = memory_stores(memory), FixedClock(NOW)
    throttled = Failing(stores.credit, {"add_events": lambda: Throttled("throttled")}, times=1)

    with pytest.raises(Throttled):
        ingest_credit_events(replace(stores, credit=throttled), clock, smuggling())
    assert memory.profiles == {}  # Art 41: the enterprise comes with its events or not at all
    assert memory.events == {}
    assert memory.published == []

    ingest_credit_events(replace(stores, credit=throttled), clock, smuggling())  # the partner's retry
    assert memory.profiles[USCC]["registration_status"] == "UNREGISTERED_RELATED"
    assert list(memory.events[USCC]) == ["PEN-1"]


def test_an_enterprise_registered_while_the_batch_is_written_is_kept_and_the_batch_stored() -> None:
    memory = Memory()
    stores, clock = memory_stores(memory), FixedClock(NOW)
    real_add = stores.credit.add_events
    calls: list[int] = []

    def register_meanwhile(*args: Any, **kwargs: Any) -> None:
        if not calls:
            calls.append(1)
            register_enterprise(stores, clock, REGISTRATION)  # the registry wins the race
        real_add(*args, **kwargs)

    racing = Failing(stores.credit, {})
    racing.add_events = register_meanwhile  # type: ignore[method-assign]
    results = ingest_credit_events(replace(stores, credit=racing), clock, smuggling())

    assert results == [{"event_id": "PEN-1", "status": "created"}]
    assert memory.profiles[USCC]["registration_status"] == "REGISTERED"
    assert list(memory.events[USCC]) == ["PEN-1"]


def test_a_failed_publish_after_the_events_are_stored_is_healed_by_the_partners_retry() -> None:
    memory = Memory()
    stores, clock = registered(memory)
    failing_bus = Failing(stores.bus, {"publish": lambda: PublishFailed("bus unavailable")}, times=1)

    with pytest.raises(PublishFailed):
        ingest_credit_events(replace(stores, bus=failing_bus), clock, smuggling())
    assert list(memory.events[USCC]) == ["PEN-1"]  # stored...
    assert kinds(memory) == []  # ...but nobody told the evaluation

    results = ingest_credit_events(replace(stores, bus=failing_bus), clock, smuggling())
    assert results == [{"event_id": "PEN-1", "status": "duplicate"}]  # not stored twice
    assert kinds(memory) == [FACTS_RECORDED]  # and now announced
    evaluate_enterprise(stores, clock, USCC, trigger=FACTS_RECORDED)
    assert len(memory.decisions[USCC]) == 1


@pytest.mark.parametrize(("fault", "times"), [(lambda: Throttled("throttled"), 1),  # raises at once
                                              (lambda: Conflict("condition failed"), MAX_ATTEMPTS)],  # all lost
                         ids=["throttled", "condition"])
def test_an_evaluation_whose_commit_fails_commits_on_the_retry_exactly_once(fault: Any, times: int) -> None:
    memory = Memory()
    stores, clock = registered(memory)
    ingest_credit_events(stores, clock, smuggling())
    failing = Failing(stores.credit, {"commit_evaluation": fault}, times=times)

    with pytest.raises((Throttled, Conflict)):
        evaluate_enterprise(replace(stores, credit=failing), clock, USCC, trigger="test")
    assert USCC not in memory.decisions

    evaluate_enterprise(replace(stores, credit=failing), clock, USCC, trigger="retry")  # Lambda's retry
    evaluate_enterprise(stores, clock, USCC, trigger="redelivered")  # at-least-once: again
    assert len(memory.decisions[USCC]) == 1
    assert len(memory.audit) == 1
    assert chain_is_valid(memory)


def test_an_evaluation_killed_after_its_commit_doubles_nothing_on_the_retry() -> None:
    memory = Memory()
    stores, clock = registered(memory)
    ingest_credit_events(stores, clock, smuggling())
    dying = Failing(stores.bus, {"publish": lambda: TimedOut()})

    with pytest.raises(TimedOut):
        evaluate_enterprise(replace(stores, bus=dying), clock, USCC, trigger="test")
    evaluate_enterprise(stores, clock, USCC, trigger="retry")
    assert len(memory.decisions[USCC]) == 1
    assert len(memory.audit) == 1


@pytest.mark.xfail(strict=True, reason="issue 11 item 1: TierChanged is lost when the publish after the commit "
                                       "fails; the transactional outbox delivers it")
def test_a_tier_change_whose_publish_failed_is_still_announced() -> None:
    memory = Memory()
    stores, clock = registered(memory)
    ingest_credit_events(stores, clock, smuggling())
    failing_bus = Failing(stores.bus, {"publish": lambda: PublishFailed("bus unavailable")}, times=1)

    with pytest.raises(PublishFailed):
        evaluate_enterprise(replace(stores, bus=failing_bus), clock, USCC, trigger="test")
    evaluate_enterprise(replace(stores, bus=failing_bus), clock, USCC, trigger="retry")
    assert kinds(memory).count(TIER_CHANGED) == 1


# --- arrears-watch schedule → evaluation --------------------------------------------------------

class ArrearsDueIndex:
    """The ARREARS due index in memory: one entry per threshold, consumed once (the port of
    `shared.usecases.due_work.DueIndex`)."""

    def __init__(self, entries: list[tuple[str, str]]) -> None:
        self.entries = sorted(f"{day}#{uscc}#ARR-1" for day, uscc in entries)

    def due_page(self, kind: str, through: Any, start: dict[str, Any] | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
        due = [e for e in self.entries if e <= through.isoformat() + "#\uffff"
               and (start is None or e > start["gsi2sk"])]
        page = due[:limit]
        return ([{"gsi2sk": e, "uscc": e.split("#")[1]} for e in page],
                {"gsi2sk": page[-1]} if len(due) > limit else None, len(page))

    def consume(self, entry: Any) -> bool:
        if entry["gsi2sk"] not in self.entries:
            return False
        self.entries.remove(entry["gsi2sk"])
        return True


def _arrears_due(memory: Memory) -> tuple[Stores, FixedClock, ArrearsDueIndex]:
    """A registered enterprise with an unpaid fine, a clock on the day its threshold passes, and the
    threshold's entry on the due index."""
    stores, clock = registered(memory)
    batch = CreditEventBatch(events=[fine_overdue("2026-09-01", "2026-10-01", "600000", event_id="ARR-1")])
    ingest_credit_events(stores, clock, batch)
    threshold = date(2027, 4, 2)  # fine due 2026-10-01 + 6 months ends 2027-04-01; D5 holds from the next day
    return stores, FixedClock(at(threshold.isoformat())), ArrearsDueIndex([(threshold.isoformat(), USCC)])


def _requester(bus: Any) -> Any:
    return lambda requests: bus.publish(REEVALUATION_REQUESTED, requests)


def test_a_failed_publish_leaves_the_entry_due_so_the_retry_finds_the_same_enterprises() -> None:
    memory = Memory()
    stores, clock, index = _arrears_due(memory)
    memory.published.clear()
    failing_bus = Failing(stores.bus, {"publish": lambda: PublishFailed("bus unavailable")}, times=1)

    with pytest.raises(PublishFailed):
        run_arrears_watch(clock, index, _requester(failing_bus))
    assert len(index.entries) == 1  # not consumed: nothing is skipped
    outcome = run_arrears_watch(clock, index, _requester(failing_bus))  # Lambda's retry
    assert outcome["enterprises_due"] == 1
    assert index.entries == []
    assert [d["uscc"] for k, d in memory.published if k == REEVALUATION_REQUESTED] == [USCC]


def test_a_consume_that_fails_after_the_publish_doubles_a_trigger_never_a_decision() -> None:
    memory = Memory()
    stores, clock, index = _arrears_due(memory)
    memory.published.clear()
    throttled = Failing(index, {"consume": lambda: Throttled("throttled")}, times=1)

    with pytest.raises(Throttled):
        run_arrears_watch(clock, throttled, _requester(stores.bus))
    run_arrears_watch(clock, throttled, _requester(stores.bus))
    triggers = [d for k, d in memory.published if k == REEVALUATION_REQUESTED]
    assert len(triggers) == 2  # at-least-once delivery: the trigger went out twice
    for trigger in triggers:
        evaluate_enterprise(stores, clock, trigger["uscc"], trigger=REEVALUATION_REQUESTED)
    assert memory.profiles[USCC]["tier"] != Tier.REGULAR
    assert len(memory.decisions[USCC]) == 1  # one decision whatever the number of triggers
    assert chain_is_valid(memory)


# --- restoration receipt → review → evaluation --------------------------------------------------

def test_a_throttled_review_changes_nothing_and_the_redelivery_decides_once() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    created = received(stores, clock)
    throttled = replace(stores, restorations=Failing(stores.restorations, {"save": lambda: Throttled("throttled")},
                                                     times=1))

    with pytest.raises(Throttled):
        restoration_uc.review_application(throttled, clock, USCC, created["restoration_id"])
    assert stores.restorations.get(USCC, created["restoration_id"])["status"] == "RECEIVED"  # type: ignore[index]
    for _delivery in range(2):
        restoration_uc.review_application(throttled, clock, USCC, created["restoration_id"])
    assert sent(memory) == ["RestorationReceived", "ReevaluationRequested", "RestorationDecided"]


def test_a_review_whose_second_publish_fails_republishes_on_the_retry_and_decides_once() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    created = received(stores, clock)

    class SecondFails:
        def publish(self, detail_type: str, details: Any) -> int:
            if detail_type == "RestorationDecided":
                raise PublishFailed("bus unavailable")
            return stores.bus.publish(detail_type, details)

    with pytest.raises(PublishFailed):
        restoration_uc.review_application(replace(stores, bus=SecondFails()), clock, USCC, created["restoration_id"])
    restoration_uc.review_application(stores, clock, USCC, created["restoration_id"])
    published = sent(memory)
    assert published.count("RestorationDecided") == 1
    assert published.count("ReevaluationRequested") == 2  # at-least-once; the evaluation is idempotent (above)
    application = stores.restorations.get(USCC, created["restoration_id"])
    assert application is not None
    assert (application["status"], application["published"]) == ("APPROVED", True)


@pytest.mark.xfail(strict=True, reason="issue 11 item 1: a receipt whose RestorationReceived publish failed is "
                                       "stored RECEIVED and never reviewed; the outbox delivers it")
def test_a_receipt_whose_publish_failed_is_still_reviewed() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    failing = replace(stores, bus=Failing(stores.bus, {"publish": lambda: PublishFailed("bus unavailable")}))

    with pytest.raises(PublishFailed):
        received(failing, clock)
    clock.advance(timedelta(minutes=1))
    received(stores, clock)  # the enterprise's retry: refused (its guards are held), never reviewed
    assert "RestorationReceived" in sent(memory)
