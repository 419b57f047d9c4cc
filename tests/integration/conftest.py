"""Handlers driven by API Gateway events from `events/`, against moto with the template's tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from moto import mock_aws

from shared.adapters import clock as clock_adapter
from shared.adapters import dynamodb as dynamodb_adapter
from shared.adapters.settings import settings
from shared.api import idempotency
from shared.domain.clock import FixedClock
from tests.support.bus import WiredBus, bus_name, wire_bus
from tests.support.lambdas import LambdaContext, handler_module
from tests.support.sqs_batches import invoke_one, queue_fed_functions
from tests.support.template import create_tables

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


class RequestCounter:
    """Counts DynamoDB API calls made through the adapters' shared client, by operation."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    def reset(self) -> None:
        self.calls.clear()

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("dynamodb")
        for env, name in create_tables(client).items():
            monkeypatch.setenv(env, name)
        monkeypatch.setenv("EVENT_BUS_NAME", bus_name())
        _reset()
        yield client
    _reset()


def _reset() -> None:
    settings.cache_clear()
    dynamodb_adapter.reset_clients()
    idempotency.reset()


@pytest.fixture
def bus(aws: Any) -> WiredBus:
    """The template's rules on the `credit` bus, delivering to capture queues (one per target function)."""
    return wire_bus(boto3.client("events"), boto3.client("sqs"))


class Outcomes(list[dict[str, Any]]):
    """What the functions answered, in delivery order; `by_function` splits them by target function."""

    def __init__(self) -> None:
        super().__init__()
        self.by_function: dict[str, list[dict[str, Any]]] = {}


@pytest.fixture
def deliver(bus: WiredBus, invoke: Any) -> Any:
    """Deliver what the rules matched to their functions until nothing is pending (EventBridge's job)."""

    def _deliver() -> Outcomes:
        outcomes = Outcomes()
        while True:
            pending = [(f, e) for f in bus.queues if f != "*" for e in bus.drain(f)]
            if not pending:
                return outcomes
            for function, event in pending:
                outcome = invoke(function, event)
                outcomes.append(outcome)
                outcomes.by_function.setdefault(function, []).append(outcome)

    return _deliver


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(NOW)
    clock_adapter.install_clock(fixed)
    yield fixed
    clock_adapter.install_clock(None)


@pytest.fixture
def requests(aws: Any) -> RequestCounter:
    counter = RequestCounter()
    dynamodb_adapter.dynamodb_client().meta.events.register("before-call.dynamodb.*", counter)
    return counter


@pytest.fixture
def invoke(aws: Any, clock: FixedClock) -> Any:
    fed = queue_fed_functions()

    def _invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
        context = LambdaContext(function_name=function)
        if function in fed and "detail-type" in event:  # a bus event arrives in an SQS batch
            return invoke_one(handler_module(function), event, context)
        return handler_module(function).lambda_handler(event, context)

    return _invoke


def scan_main(client: Any) -> list[dict[str, Any]]:
    return client.scan(TableName=settings().table_name)["Items"]
