"""Bus events in SQS batches (bus → inbox queue → function): a failed record is reported alone
(partial batch response), the others are done once; a batch whose every record failed raises."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from shared.api.bus_batches import handle_bus_batch
from shared.domain.bus_events import FACTS_RECORDED
from shared.domain.clock import FixedClock
from shared.domain.tiers import Tier
from shared.usecases.credit_events import CreditEventBatch, ingest_credit_events
from tests.support.lambdas import LambdaContext, handler_module
from tests.support.memory_stores import Memory, memory_stores
from tests.support.sqs_batches import sqs_batch
from tests.unit.rules.builders import USCC, fine


def bus_event(uscc: str, event_id: str = "e-1") -> dict[str, Any]:
    return {"id": event_id, "detail-type": FACTS_RECORDED, "source": "customs.credit", "detail": {"uscc": uscc}}


def test_a_batch_with_one_bad_record_reports_only_that_record() -> None:
    # Given three bus events, the second of which its handler cannot process
    seen: list[str] = []

    def handle(event: dict[str, Any]) -> None:
        if event["id"] == "bad":
            raise RuntimeError("cannot process")
        seen.append(event["id"])

    batch = sqs_batch([bus_event("A", "first"), bus_event("B", "bad"), bus_event("C", "third")],
                      message_ids=["m-1", "m-2", "m-3"])
    # When the batch is handled
    response = handle_bus_batch(batch, LambdaContext(), handle)
    # Then only the bad record's message id is reported, and the others were handled
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}
    assert seen == ["first", "third"]


def test_a_body_that_is_not_an_event_is_reported_and_its_neighbours_are_evaluated(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Given an enterprise with a smuggling penalty on file, and a batch holding its event between two
    # records that are not bus events (not JSON; a JSON list)
    memory = Memory()
    stores, clock = memory_stores(memory), FixedClock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    ingest_credit_events(stores, clock, CreditEventBatch(
        events=[fine("SMUGGLING_PENALTY", "2026-11-01", "20000", event_id="PEN-1")]))
    module = handler_module("evaluation")
    monkeypatch.setattr(module, "dynamodb_stores", lambda: stores)
    monkeypatch.setattr(module, "current_clock", lambda: clock)
    batch = sqs_batch(["not json", bus_event(USCC), "[1, 2]"], message_ids=["m-1", "m-2", "m-3"])
    # When the evaluation function gets the batch
    response = module.lambda_handler(batch, LambdaContext(function_name="evaluation"))
    # Then the two broken records are reported (retried, then the DLQ) and the enterprise was evaluated
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-1"}, {"itemIdentifier": "m-3"}]}
    assert memory.profiles[USCC]["tier"] == Tier.DISCREDITED


def test_a_batch_whose_every_record_failed_raises_so_the_poller_backs_off() -> None:
    def handle(event: dict[str, Any]) -> None:
        raise RuntimeError("dependency down")

    with pytest.raises(BatchProcessingError):
        handle_bus_batch(sqs_batch([bus_event("A"), bus_event("B")]), LambdaContext(), handle)
