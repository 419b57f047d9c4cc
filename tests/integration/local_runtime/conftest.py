"""The local runtime started in this process on the fixture stack (`fixture_assembly/`: one function
behind a REST API, rules, schedules, a state machine with a callback task, a DLQ), and everything
it changes in the process (environment, moto patches, the installed clock) put back afterwards,
because other suites run in the same pytest process."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from local import moto_patches
from local.runtime import Options, Runtime
from tests.e2e.client import Api

FIXTURE_ASSEMBLY = Path(__file__).parent / "fixture_assembly"


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    saved_env = dict(os.environ)
    data = tmp_path_factory.mktemp("local-data")
    rt = Runtime(Options(port=0, emulator_port=0, data_dir=data, cdk_out=FIXTURE_ASSEMBLY, warm=False,
                         save_every_s=3600))
    try:
        rt.start()
        yield rt
    finally:
        stop_runtime(rt, saved_env)


def stop_runtime(rt: Runtime, saved_env: dict[str, str]) -> None:
    """Stop an in-process runtime and undo what it did to the process: moto patches, environment,
    cached clients and moto's backends (the next runtime in this process starts clean)."""
    rt.stop()
    moto_patches.revert()
    os.environ.clear()
    os.environ.update(saved_env)
    _reset_shared_caches()
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def _reset_shared_caches() -> None:
    import boto3

    from shared.adapters import dynamodb

    boto3.DEFAULT_SESSION = None  # it may carry the runtime's in-process transport
    from shared.adapters.settings import settings
    from shared.api import idempotency

    settings.cache_clear()
    dynamodb.reset_clients()
    idempotency.reset()


@pytest.fixture
def api(runtime: Runtime) -> Api:
    return Api(f"http://127.0.0.1:{runtime.http.port}")


@pytest.fixture
def aws(runtime: Runtime) -> Callable[[str], Any]:
    """boto3 clients on the emulator endpoint (what the AWS CLI would talk to)."""
    return runtime.emulator.client


@pytest.fixture
def real_time(runtime: Runtime) -> Iterator[None]:
    runtime.clock.set(None)
    yield
    runtime.clock.set(None)


class Calls:
    """The fixture function's invocations, as recorded in the fixture table."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.table = runtime.stack.physical_id("Table") if runtime.stack else ""

    def events(self) -> list[Any]:
        items = self.runtime.emulator.client("dynamodb").scan(TableName=self.table)["Items"]
        return [json.loads(i["event"]["S"]) for i in items]

    def matching(self, predicate: Callable[[Any], bool]) -> list[Any]:
        return [e for e in self.events() if predicate(e)]

    def wait_for(self, predicate: Callable[[Any], bool], count: int = 1, timeout: float = 15.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.matching(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"expected {count} matching invocation(s), saw {self.matching(predicate)}")


@pytest.fixture
def calls(runtime: Runtime) -> Calls:
    return Calls(runtime)


def wait_until(condition: Callable[[], Any], timeout: float = 15.0, interval: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")
