"""`make bench`: the product's performance figures, printed (never asserted).

Sections: cold import of every handler module; DynamoDB requests per operation; plus the
sections other modules register (rules engine throughput, local runtime latency) when present."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COLD_RUNS = 7
TARGET_COLD_IMPORT_MS = 250

_IMPORT_PROBE = """
import importlib.util, os, sys, time
sys.path.insert(0, {repo!r})
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
path = {path!r}
t0 = time.perf_counter()
spec = importlib.util.spec_from_file_location("handler_under_test", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print((time.perf_counter() - t0) * 1000)
"""


def cold_import_ms(path: Path) -> list[float]:
    """Import one handler module in fresh interpreters (what a Lambda cold start pays for the module),
    with the function's literal environment from the synthesized template."""
    from tests.support.template import function_environment

    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **function_environment(path.parent.name)}
    samples = []
    for _ in range(COLD_RUNS):
        out = subprocess.run([sys.executable, "-c", _IMPORT_PROBE.format(repo=str(REPO), path=str(path))],
                             capture_output=True, text=True, env=env, check=True)
        samples.append(float(out.stdout.strip().splitlines()[-1]))
    return samples


_FLOOR_PROBE = """
import time
t0 = time.perf_counter()
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
APIGatewayRestResolver(enable_validation=True)
from aws_lambda_powertools.event_handler.openapi.params import Body
print((time.perf_counter() - t0) * 1000)
"""


def floor_ms() -> list[float]:
    """The mandated stack alone (Powertools REST resolver with validation, hence pydantic): what every
    API handler pays before a line of ours runs."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYDANTIC_DISABLE_PLUGINS": "__all__"}
    return [float(subprocess.run([sys.executable, "-c", _FLOOR_PROBE], capture_output=True, text=True, env=env,
                                 check=True).stdout.strip()) for _ in range(COLD_RUNS)]


def section(title: str) -> None:
    print(f"\n== {title}")


def bench_cold_imports() -> None:
    section(f"cold import of each handler module (median of {COLD_RUNS} fresh interpreters; target ≤ "
            f"{TARGET_COLD_IMPORT_MS} ms)")
    floor = floor_ms()
    print(f"  {'(floor)':<16} median {statistics.median(floor):6.1f} ms   min {min(floor):6.1f}   "
          f"max {max(floor):6.1f}   Powertools REST resolver with enable_validation=True + pydantic, nothing else")
    for handler in sorted((REPO / "functions").glob("*/handler.py")):
        samples = cold_import_ms(handler)
        median = statistics.median(samples)
        flag = "ok" if median <= TARGET_COLD_IMPORT_MS else "OVER TARGET"
        print(f"  {handler.parent.name:<16} median {median:6.1f} ms   min {min(samples):6.1f}   "
              f"max {max(samples):6.1f}   {flag}")


def bench_request_counts() -> None:
    """Counts DynamoDB requests per API operation through the real handlers under moto."""
    import boto3
    from moto import mock_aws

    from shared.adapters import clock as clock_adapter
    from shared.adapters import dynamodb as dynamodb_adapter
    from shared.adapters.settings import settings
    from shared.api import idempotency
    from shared.domain.clock import FixedClock
    from tests.integration.conftest import NOW
    from tests.support.apigw import api_event
    from tests.support.lambdas import LambdaContext, handler_module
    from tests.support.template import create_tables

    section("DynamoDB requests per operation (counted at the client, moto)")
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    with mock_aws():
        for env, name in create_tables(boto3.client("dynamodb")).items():
            os.environ[env] = name
        settings.cache_clear()
        dynamodb_adapter.reset_clients()
        idempotency.reset()
        clock_adapter.install_clock(FixedClock(NOW))
        calls: Counter[str] = Counter()
        dynamodb_adapter.dynamodb_client().meta.events.register(
            "before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))

        def invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
            calls.clear()
            response: dict[str, Any] = handler_module(function).lambda_handler(event, LambdaContext())
            return response

        registry_claims = {"client_id": "bench", "scope": "credit/registry"}
        body: dict[str, Any] = {"uscc": "91110000600037341L", "name": "Bench Co.", "registration_status": "REGISTERED",
                "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01"}
        invoke("registry", api_event("registry/post_enterprise", body=body, headers={"Idempotency-Key": "b1"},
                                     claims=registry_claims))
        print(f"  POST /v1/enterprises (new)            {sum(calls.values())} requests  {dict(calls)}"
              "   (1 conditional PutItem on the main table + idempotency save/complete)")
        invoke("registry", api_event("registry/post_enterprise", body=body, headers={"Idempotency-Key": "b1"},
                                     claims=registry_claims))
        print(f"  POST /v1/enterprises (key replay)     {sum(calls.values())} requests  {dict(calls)}")
        invoke("registry", api_event("registry/get_enterprise", path_params={"uscc": body["uscc"]},
                                     claims={"client_id": "o", "scope": "credit/officer"}))
        print(f"  GET /v1/enterprises/{{uscc}}            {sum(calls.values())} requests  {dict(calls)}")
        invoke("credit_views", api_event("credit_views/get_credit", path_params={"uscc": body["uscc"]}))
        print(f"  GET /v1/enterprises/{{uscc}}/credit     {sum(calls.values())} requests  {dict(calls)}")
        clock_adapter.install_clock(None)


EXTRA_SECTIONS = ("scripts.bench_deploy", "scripts.bench_rules", "scripts.bench_ingestion", "scripts.bench_local",
                  "scripts.bench_certification")


def main() -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")  # figures, not the handlers' request logs
    started = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    bench_cold_imports()
    bench_request_counts()
    for module_name in EXTRA_SECTIONS:
        if (REPO / (module_name.replace(".", "/") + ".py")).exists():
            module = __import__(module_name, fromlist=["main"])
            module.main()
    print(f"\nbench took {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
