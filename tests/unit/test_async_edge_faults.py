"""Fault injection on every async edge, through the store and bus ports (`Failing` wraps any port):
throttling, lost conditions, a failing publish, a function error, a timeout. On each edge the work
either raises (so Lambda's async retries, then the function's DLQ, apply: the DLQ keeps the event,
which names the enterprise, so a redrive re-runs it) or is retried inside the use case; a retry
loses nothing and doubles nothing.

Edges: ingestion → bus → evaluation; arrears-watch schedule → evaluation; restoration receipt →
review → evaluation; and under all of them the outbox relay (state change + events in one
transaction → the outbox table's stream → pipe → relay → PutEvents), whose failures the pipe retries
(from the record a partial failure names, or the batch halved after an error) and then parks in its
DLQ with the stream coordinates, while the outbox keeps the event pending until a redrive sends it.
Consumers drop repeats by `bus_event_id`: `OutboxMemory.delivered_ids` is what they keep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from infra.catalog import FUNCTIONS
from infra.constructs.functions import ASYNC_RETRY_ATTEMPTS
from local.stream_pipe import StreamPipe
from shared.domain.audit_chain import ChainHead, verify
from shared.domain.bus_events import FACTS_RECORDED, REEVALUATION_REQUESTED, TIER_CHANGED
from shared.domain.clock import FixedClock
from shared.domain.enterprise import RegistrationData
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.domain.tiers import Tier
from shared.usecases import restorations as restoration_uc
from shared.usecases.arrears_watch import run_arrears_watch
from shared.usecases.credit_events import CreditEventBatch, ingest_credit_events
from shared.usecases.enterprises import register_enterprise
from shared.usecases.evaluation import MAX_ATTEMPTS, evaluate_enterprise
from shared.usecases.outbox_relay import StreamedEvent, redrive, relay
from shared.usecases.stores import Stores
from tests.support.lambdas import LambdaContext, handler_module
from tests.support.memory_outbox import run_pipe
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


class RelayTimedOut(Exception):
    """The relay's invocation timed out: to the pipe, a function error (the batch is retried)."""


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
    throttled = stores._replace(credit=Failing(stores.credit, {"load": lambda: Throttled("throttled")}))
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
        ingest_credit_events(stores._replace(credit=throttled), clock, smuggling())
    assert memory.profiles == {}  # Art 41: the enterprise comes with its events or not at all
    assert memory.events == {}
    assert memory.published == []

    ingest_credit_events(stores._replace(credit=throttled), clock, smuggling())  # the partner's retry
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
    results = ingest_credit_events(stores._replace(credit=racing), clock, smuggling())

    assert results == [{"event_id": "PEN-1", "status": "created"}]
    assert memory.profiles[USCC]["registration_status"] == "REGISTERED"
    assert list(memory.events[USCC]) == ["PEN-1"]


def test_a_failed_publish_after_the_events_are_stored_is_retried_by_the_pipe_and_the_partners_retry_adds_nothing(
        ) -> None:
    memory = Memory()
    stores, clock = registered(memory)
    memory.outbox.relay_on_commit = False
    ingest_credit_events(stores, clock, smuggling())
    failing_bus = Failing(stores.bus, {"send": lambda: PublishFailed("bus unavailable")}, times=1)

    assert list(memory.events[USCC]) == ["PEN-1"]  # stored, its trigger with it in the outbox
    run_pipe(memory.outbox, failing_bus)  # PutEvents fails once: the pipe retries the batch
    assert kinds(memory) == [FACTS_RECORDED]
    results = ingest_credit_events(stores, clock, smuggling())  # the partner's retry all the same
    assert results == [{"event_id": "PEN-1", "status": "duplicate"}]  # not stored twice
    run_pipe(memory.outbox, stores.bus)
    assert kinds(memory) == [FACTS_RECORDED]  # and not announced twice
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
        evaluate_enterprise(stores._replace(credit=failing), clock, USCC, trigger="test")
    assert USCC not in memory.decisions

    evaluate_enterprise(stores._replace(credit=failing), clock, USCC, trigger="retry")  # Lambda's retry
    evaluate_enterprise(stores, clock, USCC, trigger="redelivered")  # at-least-once: again
    assert len(memory.decisions[USCC]) == 1
    assert len(memory.audit) == 1
    assert chain_is_valid(memory)


def dies_after(inner: Any, method: str, death: BaseException) -> Any:
    """`inner` whose `method` does its work, then the invocation is killed (nothing after it runs)."""
    wrapped = Failing(inner, {})
    real = getattr(inner, method)

    def work_then_die(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)
        raise death

    setattr(wrapped, method, work_then_die)
    return wrapped


def test_an_evaluation_killed_after_its_commit_doubles_nothing_on_the_retry() -> None:
    memory = Memory()
    stores, clock = registered(memory)
    ingest_credit_events(stores, clock, smuggling())
    dying = stores._replace(credit=dies_after(stores.credit, "commit_evaluation", TimedOut()))

    with pytest.raises(TimedOut):
        evaluate_enterprise(dying, clock, USCC, trigger="test")
    evaluate_enterprise(stores, clock, USCC, trigger="retry")
    assert len(memory.decisions[USCC]) == 1
    assert len(memory.audit) == 1
    assert kinds(memory).count(TIER_CHANGED) == 1  # committed with the decision, delivered once


def test_a_tier_change_whose_publish_failed_is_still_announced() -> None:
    """The lost TierChanged (issue 11): before the outbox the evaluation committed, then published; a
    failed publish left the tier changed and the retry found nothing to announce."""
    memory = Memory()
    stores, clock = registered(memory)
    memory.outbox.relay_on_commit = False
    ingest_credit_events(stores, clock, smuggling())
    failing_bus = Failing(stores.bus, {"send": lambda: PublishFailed("bus unavailable")})

    evaluate_enterprise(stores, clock, USCC, trigger="test")
    run_pipe(memory.outbox, failing_bus)  # every retry fails: the batch is parked
    assert TIER_CHANGED not in kinds(memory)
    parked = memory.outbox.dlq  # the stream coordinates of each batch (halved after errors), and why
    assert [p["error"].split(":")[0] for p in parked] == ["PublishFailed"] * len(parked)
    assert sum(p["batchSize"] for p in parked) == len(memory.outbox.stream)
    evaluate_enterprise(stores, clock, USCC, trigger="retry")  # the evaluation's own retry: no new event
    pending = [e.detail_type for e in memory.outbox.undelivered()]
    assert (pending[0], pending[-1], len(pending)) == (FACTS_RECORDED, TIER_CHANGED, len(memory.outbox.stream))

    outcome = redrive(stores.bus, memory.outbox, "2026-11-20T03:00:00.000Z")  # after the DLQ alarm
    assert outcome == {"pending": len(pending), "sent": len(pending), "refused": 0}
    assert kinds(memory).count(TIER_CHANGED) == 1
    assert memory.outbox.undelivered() == []


def test_a_partial_put_events_failure_resends_from_the_refused_entry_and_consumers_see_each_once() -> None:
    memory = Memory()
    stores, clock = registered(memory)
    memory.outbox.relay_on_commit = False
    ingest_credit_events(stores, clock, smuggling())
    evaluate_enterprise(stores, clock, USCC, trigger="test")
    refused_once: set[str] = set()

    class RefusesTierChangedOnce:
        def send(self, events: Any) -> set[str]:
            tier = {e.id for e in events if e.detail_type == TIER_CHANGED and e.id not in refused_once}
            refused_once.update(tier)  # FailedEntryCount 1: that entry did not go out, the others did
            return stores.bus.send([e for e in events if e.id not in tier]) | tier

    run_pipe(memory.outbox, RefusesTierChangedOnce())
    assert refused_once  # the refusal happened
    assert memory.outbox.dlq == []
    assert [e.id for e in memory.outbox.sent] == [s.event.id for s in memory.outbox.stream]  # each once
    assert memory.outbox.undelivered() == []


@pytest.mark.parametrize("fault", [lambda: Throttled("mark throttled"), lambda: RelayTimedOut("Task timed out")],
                         ids=["throttled-mark", "timeout-after-put-events"])
def test_a_relay_that_fails_after_put_events_sends_again_with_the_same_id(fault: Any) -> None:
    memory = Memory()
    stores, clock = registered(memory)
    memory.outbox.relay_on_commit = False
    ingest_credit_events(stores, clock, smuggling())
    marks = Failing(memory.outbox, {"mark_delivered": fault}, times=1)  # the events went out, then this

    pipe: StreamPipe[StreamedEvent] = StreamPipe(
        invoke=lambda batch: relay(batch, stores.bus, marks, "2026-11-20T02:00:00.000Z"),
        sequence_of=lambda s: s.sequence, park=memory.outbox.dlq.append, max_retries=2)
    pipe.deliver(memory.outbox.stream)

    assert len(memory.outbox.sent) == 2  # at least once: sent again by the pipe's retry...
    assert len(memory.outbox.delivered_ids()) == 1  # ...with the same id, so consumers keep one
    assert memory.outbox.undelivered() == []
    assert memory.outbox.dlq == []


def test_a_bad_record_is_isolated_by_bisecting_and_parked_alone() -> None:
    memory = Memory()
    stores, clock = registered(memory)
    memory.outbox.relay_on_commit = False
    for n in range(4):
        batch = CreditEventBatch(events=[fine("SMUGGLING_PENALTY", "2026-11-01", "20000", event_id=f"PEN-{n}")])
        ingest_credit_events(stores, clock, batch)
    poison = memory.outbox.stream[2].event.id

    class RejectsOneEntry:  # e.g. an entry over the 256 KB PutEvents limit: an error, every time
        def send(self, events: Any) -> set[str]:
            if any(e.id == poison for e in events):
                raise PublishFailed("entry too large")
            return stores.bus.send(events)

    run_pipe(memory.outbox, RejectsOneEntry())
    (parked,) = memory.outbox.dlq
    assert (parked["startSequenceNumber"], parked["batchSize"]) == (memory.outbox.stream[2].sequence, 1)
    assert [e.id for e in memory.outbox.undelivered()] == [poison]  # kept pending for the redrive
    assert len(memory.outbox.delivered_ids()) == 3  # the others went out, once each


# --- arrears-watch schedule → evaluation --------------------------------------------------------

class ArrearsDueIndex:
    """The ARREARS due index in memory: one entry per threshold, consumed once, with the events of the
    consumption written to the outbox in the same step (the port of `shared.usecases.due_work.DueIndex`)."""

    def __init__(self, memory: Memory, entries: list[tuple[str, str]]) -> None:
        self.memory = memory
        self.entries = sorted(f"{day}#{uscc}#ARR-1" for day, uscc in entries)

    def due_page(self, kind: str, through: Any, start: dict[str, Any] | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
        due = [e for e in self.entries if e <= through.isoformat() + "#\uffff"
               and (start is None or e > start["gsi2sk"])]
        page = due[:limit]
        return ([{"gsi2sk": e, "uscc": e.split("#")[1]} for e in page],
                {"gsi2sk": page[-1]} if len(due) > limit else None, len(page))

    def consume(self, entry: Any, outbox: Sequence[BusEvent] = ()) -> bool:
        if entry["gsi2sk"] not in self.entries:
            return False
        self.entries.remove(entry["gsi2sk"])
        self.memory.outbox.write(outbox)
        return True


def _arrears_due(memory: Memory) -> tuple[Stores, FixedClock, ArrearsDueIndex]:
    """A registered enterprise with an unpaid fine, a clock on the day its threshold passes, and the
    threshold's entry on the due index."""
    stores, clock = registered(memory)
    batch = CreditEventBatch(events=[fine_overdue("2026-09-01", "2026-10-01", "600000", event_id="ARR-1")])
    ingest_credit_events(stores, clock, batch)
    threshold = date(2027, 4, 2)  # fine due 2026-10-01 + 6 months ends 2027-04-01; D5 holds from the next day
    return stores, FixedClock(at(threshold.isoformat())), ArrearsDueIndex(memory, [(threshold.isoformat(), USCC)])


def test_a_failed_consume_leaves_the_entry_due_and_announces_nothing_so_the_retry_requests_once() -> None:
    memory = Memory()
    _stores, clock, index = _arrears_due(memory)
    memory.published.clear()
    throttled = Failing(index, {"consume": lambda: Throttled("throttled")}, times=1)

    with pytest.raises(Throttled):
        run_arrears_watch(clock, throttled)
    assert len(index.entries) == 1  # not consumed: nothing is skipped...
    assert memory.published == []  # ...and nothing announced without its consumption
    outcome = run_arrears_watch(clock, throttled)  # Lambda's retry
    assert outcome["enterprises_due"] == 1
    assert index.entries == []
    assert [d["uscc"] for k, d in memory.published if k == REEVALUATION_REQUESTED] == [USCC]


def test_a_trigger_delivered_twice_makes_one_decision() -> None:
    memory = Memory()
    stores, clock, index = _arrears_due(memory)
    memory.published.clear()
    run_arrears_watch(clock, index)
    (trigger,) = [d for k, d in memory.published if k == REEVALUATION_REQUESTED]
    for _delivery in range(2):  # at-least-once delivery: the bus (or a redrive) may deliver it twice
        evaluate_enterprise(stores, clock, trigger["uscc"], trigger=REEVALUATION_REQUESTED)
    assert memory.profiles[USCC]["tier"] != Tier.REGULAR
    assert len(memory.decisions[USCC]) == 1  # one decision whatever the number of triggers
    assert chain_is_valid(memory)


# --- restoration receipt → review → evaluation --------------------------------------------------

def test_a_throttled_review_changes_nothing_and_the_redelivery_decides_once() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    created = received(stores, clock)
    throttled = stores._replace(restorations=Failing(stores.restorations, {"save": lambda: Throttled("throttled")},
                                                     times=1))

    with pytest.raises(Throttled):
        restoration_uc.review_application(throttled, clock, USCC, created["restoration_id"])
    assert stores.restorations.get(USCC, created["restoration_id"])["status"] == "RECEIVED"  # type: ignore[index]
    for _delivery in range(2):
        restoration_uc.review_application(throttled, clock, USCC, created["restoration_id"])
    assert sent(memory) == ["RestorationReceived", "ReevaluationRequested", "RestorationDecided"]


def test_a_review_whose_second_event_is_refused_delivers_it_on_the_pipes_retry_and_each_once() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    memory.outbox.relay_on_commit = False
    created = received(stores, clock)
    restoration_uc.review_application(stores, clock, USCC, created["restoration_id"])

    class RefusesDecidedOnce:
        refused = False

        def send(self, events: Any) -> set[str]:
            decided = {e.id for e in events if e.detail_type == "RestorationDecided"}
            if decided and not self.refused:
                self.refused = True
                return stores.bus.send([e for e in events if e.id not in decided]) | decided
            return stores.bus.send(events)

    run_pipe(memory.outbox, RefusesDecidedOnce())
    assert sent(memory) == ["RestorationReceived", "ReevaluationRequested", "RestorationDecided"]
    application = stores.restorations.get(USCC, created["restoration_id"])
    assert application is not None
    assert (application["status"], application["published"]) == ("APPROVED", True)


def test_a_receipt_whose_publish_failed_is_still_reviewed() -> None:
    (stores, memory), clock = seeded(), FixedClock(at("2026-08-01"))
    memory.outbox.relay_on_commit = False
    created = received(stores, clock)
    run_pipe(memory.outbox, Failing(stores.bus, {"send": lambda: PublishFailed("bus unavailable")}))
    assert memory.outbox.dlq
    assert "RestorationReceived" not in sent(memory)
    clock.advance(timedelta(minutes=1))
    with pytest.raises(Conflict):
        received(stores, clock)  # the enterprise's retry: refused (its guards are held)...
    redrive(stores.bus, memory.outbox, "2026-08-01T03:00:00.000Z")  # ...but the redrive delivers the trigger
    assert "RestorationReceived" in sent(memory)
    (trigger,) = [d for k, d in memory.published if k == "RestorationReceived"]
    assert restoration_uc.review_application(stores, clock, USCC, trigger["restoration_id"])["reviewed"]
    assert created["restoration_id"] == trigger["restoration_id"]
