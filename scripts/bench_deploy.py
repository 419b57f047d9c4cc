"""`make bench` sections (issue 12): cold import in the DEPLOYED form, beside the virtualenv form and
a cookbook-style handler measured in the same run; list-price cost per million ingested events and
per million public credit-view reads.

Deployed form: each function's asset from `cdk.out/asset.*` and the layer's `python/` on `sys.path`
(as /var/task and /opt/python on Lambda), no site-packages, `PYTHONDONTWRITEBYTECODE=1` on a
read-only copy: only the bytecode the artefacts ship is used. Each handler is measured in rounds of
three fresh interpreters (the handler, the floor, the cookbook anchor) in every order in turn, and its
ratios are the medians of the per-round ratios: the machine is shared, and a floor measured once, minutes
before a handler, differed from it by up to half. The layer is built for arm64; on an
x86_64 machine pydantic-core's binary cannot load, so the bench builds a same-content x86_64 copy
(same lock, same versions, `--python-platform x86_64-manylinux2014`) and says so."""

from __future__ import annotations

import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO / ".bench"
CDK_OUT = REPO / "cdk.out"
RUNS = 24  # rounds of (handler, floor, anchor) per handler: every order of the three, four times
AUX_RUNS = 3  # the informational columns: virtualenv, no .pyc
FLOOR_RATIO_TARGET = 1.1
COOKBOOK_RATIO_TARGET = 0.6

_PROBE = """
import importlib.util, os, sys, time
sys.path[:0] = {paths!r}
t0 = time.perf_counter()
{body}
print((time.perf_counter() - t0) * 1000)
"""
_IMPORT_HANDLER = """spec = importlib.util.spec_from_file_location("handler", {path!r})
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)"""
_FLOOR = """from aws_lambda_powertools.event_handler import APIGatewayRestResolver
APIGatewayRestResolver(enable_validation=True)
from aws_lambda_powertools.event_handler.openapi.params import Body"""

COOKBOOK_HANDLER = '''"""A cookbook-style handler: Powertools REST resolver with validation, a pydantic model, boto3."""
import os

import boto3
from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from pydantic import BaseModel

logger = Logger()
app = APIGatewayRestResolver(enable_validation=True)
table = boto3.resource("dynamodb").Table(os.environ.get("TABLE_NAME", "credit"))


class Credit(BaseModel):
    uscc: str
    tier: str


@app.get("/enterprises/<uscc>/credit")
def get_credit(uscc: str) -> Credit:
    item = table.get_item(Key={"pk": uscc}).get("Item", {})
    return Credit(uscc=uscc, tier=str(item.get("tier", "REGULAR")))


@logger.inject_lambda_context
def lambda_handler(event, context):
    return app.resolve(event, context)
'''


def _probe_args(paths: list[str], body: str, isolated: bool) -> list[str]:
    return [sys.executable, *(["-S"] if isolated else []), "-c", _PROBE.format(paths=paths, body=body)]


def _once(args: list[str], env: dict[str, str]) -> float:
    return float(subprocess.run(args, capture_output=True, text=True, env=env, check=True).stdout.split()[-1])


def _run(paths: list[str], body: str, env: dict[str, str], isolated: bool, runs: int = RUNS) -> list[float]:
    args = _probe_args(paths, body, isolated)
    return [_once(args, env) for _ in range(runs)]


Probe = tuple[list[str], dict[str, str]]


def _interleaved(probes: dict[str, Probe], runs: int) -> dict[str, list[float]]:
    """`runs` rounds of one fresh interpreter per probe, so a handler and the floor and anchor it is
    divided by see the same machine state (the machine is shared: one probe measured minutes after
    another can differ by half). The rounds go through every order of the probes in turn, so each
    probe follows each other equally often: in a rotation the handler always ran right after the
    anchor (the largest import) and the floor never did, which read about 0.02 high."""
    orders = list(itertools.permutations(probes))
    samples: dict[str, list[float]] = {name: [] for name in probes}
    for round_no in range(runs):
        for name in orders[round_no % len(orders)]:
            samples[name].append(_once(*probes[name]))
    return samples


def _ratio(samples: list[float], references: list[float]) -> float:
    """Median of the per-round ratios: each round's handler over the reference measured beside it."""
    return statistics.median(s / r for s, r in zip(samples, references, strict=True))


def _base_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TZ")}
    return {**keep, "PYTHONDONTWRITEBYTECODE": "1", "AWS_DEFAULT_REGION": "us-east-1",
            "PYDANTIC_DISABLE_PLUGINS": "__all__", **(extra or {})}


def _template() -> dict[str, Any]:
    return dict(json.loads((CDK_OUT / "CustomsCreditStack.template.json").read_text()))


def _asset_dir(s3_key: Any) -> Path:
    return CDK_OUT / f"asset.{str(s3_key).removesuffix('.zip')}"


def _layer_python() -> tuple[Path, str]:
    """The layer's python/ to put on sys.path, and how it was obtained."""
    (layer,) = [r for r in _template()["Resources"].values() if r["Type"] == "AWS::Lambda::LayerVersion"]
    deployed = _asset_dir(layer["Properties"]["Content"]["S3Key"]) / "python"
    if platform.machine() in ("aarch64", "arm64"):
        return deployed, f"layer asset {deployed.parent.name[:18]}… (arm64, as deployed)"
    copy = BENCH_DIR / "layer-x86_64"
    stamp = copy / ".built"
    if not stamp.exists() or stamp.stat().st_mtime < (REPO / ".layer" / ".built").stat().st_mtime:
        subprocess.run([str(REPO / "scripts" / "build-layer.sh")], check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "LAYER_OUT": str(copy), "LAYER_PLATFORM": "x86_64-manylinux2014"})
        stamp.touch()
    return copy / "python", ("same-content x86_64 layer copy (same lock and versions, bytecode compiled the same "
                             "way; this machine is x86_64 and the arm64 pydantic-core cannot load here)")


def _read_only_copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    for path in [target, *target.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~0o222)
    return target


def _cookbook_site() -> Path:
    """Powertools + pydantic + boto3 at the locked versions, installed by pip (default: with bytecode)."""
    lock = tomllib.loads((REPO / "uv.lock").read_text())
    versions = {p["name"]: p["version"] for p in lock["package"]}
    wanted = [f"{name}=={versions[name]}" for name in ("aws-lambda-powertools", "pydantic", "boto3")]
    site = BENCH_DIR / ("cookbook-" + "-".join(w.split("==")[1] for w in wanted))
    if not (site / ".built").exists():
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "--target", str(site), *wanted], check=True, env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
        (site / ".built").touch()
    return site


def _line(label: str, samples: list[float], note: str = "") -> float:
    median = statistics.median(samples)
    print(f"  {label:<30} median {median:7.1f} ms   min {min(samples):7.1f}   max {max(samples):7.1f}   {note}")
    return median


def bench_deployed_cold_imports() -> None:
    from tests.support.template import function_environment

    print(f"\n== cold import as deployed (issue 12; fresh interpreters, no writable bytecode cache; per handler "
          f"{RUNS} rounds of handler, floor and anchor interleaved, ratios are medians of per-round ratios)")
    functions = {r["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]: r["Properties"]
                 for r in _template()["Resources"].values() if r["Type"] == "AWS::Lambda::Function"}
    layer_source, layer_note = _layer_python()
    print(f"  layer: {layer_note}")
    with tempfile.TemporaryDirectory(prefix="bench-deployed-") as tmp:
        root = Path(tmp)
        layer = _read_only_copy(layer_source, root / "opt" / "python")
        empty_cache = root / "empty-pycache"
        empty_cache.mkdir()
        site = _cookbook_site()
        cookbook_dir = root / "cookbook"
        cookbook_dir.mkdir()
        (cookbook_dir / "handler.py").write_text(COOKBOOK_HANDLER)
        floor_probe: Probe = (_probe_args([str(layer)], _FLOOR, True), _base_env())
        cookbook_probe: Probe = (_probe_args([str(cookbook_dir), str(site)], _IMPORT_HANDLER.format(
            path=str(cookbook_dir / "handler.py")), True), _base_env({"TABLE_NAME": "credit"}))

        _line("(floor) virtualenv", _run([], _FLOOR, {**os.environ, **_base_env()}, False, AUX_RUNS))
        rows: list[tuple[str, float, float, float, float, float]] = []
        floors: list[float] = []
        cookbooks: list[float] = []
        for name, props in sorted(functions.items()):
            asset = _read_only_copy(_asset_dir(props["Code"]["S3Key"]), root / "task" / name)
            env = _base_env(function_environment(name))
            handler_file = str(asset / (props["Handler"].split(".")[0] + ".py"))
            deployed_probe: Probe = (_probe_args([str(asset), str(layer)], _IMPORT_HANDLER.format(path=handler_file),
                                                 True), env)
            samples = _interleaved({"deployed": deployed_probe, "floor": floor_probe, "anchor": cookbook_probe},
                                   RUNS)
            floors += samples["floor"]
            cookbooks += samples["anchor"]
            venv = statistics.median(_run([str(REPO)], _IMPORT_HANDLER.format(
                path=str(REPO / "functions" / name / "handler.py")), {**os.environ, **env}, False, AUX_RUNS))
            # What Lambda paid before the artefacts shipped bytecode: sources only, nothing cached.
            no_pyc = statistics.median(_run([str(asset), str(layer)], _IMPORT_HANDLER.format(path=handler_file),
                                            {**env, "PYTHONPYCACHEPREFIX": str(empty_cache)}, True, AUX_RUNS))
            rows.append((name, venv, statistics.median(samples["deployed"]), no_pyc,
                         _ratio(samples["deployed"], samples["floor"]),
                         _ratio(samples["deployed"], samples["anchor"])))
        floor = _line("(floor) deployed layer", floors, "Powertools REST resolver + validation, from the layer")
        cookbook = _line("(anchor) cookbook handler", cookbooks, "pip-installed Powertools + pydantic + boto3")
        print(f"  {'handler':<22} {'virtualenv':>11} {'deployed':>10} {'no .pyc':>9} {'÷floor':>7} {'÷anchor':>8}")
        for name, venv, deployed, no_pyc, by_floor, by_anchor in rows:
            ok = by_floor <= FLOOR_RATIO_TARGET and by_anchor <= COOKBOOK_RATIO_TARGET
            print(f"  {name:<22} {venv:9.1f}ms {deployed:8.1f}ms {no_pyc:7.0f}ms {by_floor:7.2f} "
                  f"{by_anchor:8.2f}   {'ok' if ok else 'OVER TARGET'}")
        print(f"  targets: deployed ≤ {FLOOR_RATIO_TARGET}× floor (overall median {FLOOR_RATIO_TARGET * floor:.0f} ms) "
              f"and ≤ {COOKBOOK_RATIO_TARGET}× the cookbook handler ({COOKBOOK_RATIO_TARGET * cookbook:.0f} ms); "
              f"virtualenv and no .pyc: median of {AUX_RUNS}")


def _count_costs() -> tuple[dict[str, Counter[str]], dict[str, int]]:
    """Counts per scenario: API requests, invocations, GB-seconds, DynamoDB units, bus events, transitions."""
    import boto3
    from moto import mock_aws

    from shared.adapters import clock as clock_adapter
    from shared.adapters import dynamodb as dynamodb_adapter
    from shared.adapters.settings import settings
    from shared.api import idempotency
    from shared.domain.clock import FixedClock
    from tests.integration.conftest import NOW
    from tests.support.apigw import api_event
    from tests.support.bus import bus_name, wire_bus
    from tests.support.lambdas import LambdaContext, handler_module
    from tests.support.sqs_batches import sqs_batch
    from tests.support.template import create_tables

    memory = {r["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]: r["Properties"]["MemorySize"]
              for r in _template()["Resources"].values() if r["Type"] == "AWS::Lambda::Function"}
    evaluation_id = next(logical_id for logical_id, r in _template()["Resources"].items()
                         if r["Type"] == "AWS::Lambda::Function"
                         and r["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "evaluation")
    inbox_batch = next(int(r["Properties"].get("BatchSize", 10)) for r in _template()["Resources"].values()
                       if r["Type"] == "AWS::Lambda::EventSourceMapping"
                       and r["Properties"]["FunctionName"] == {"Ref": evaluation_id})
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    scenarios: dict[str, Counter[str]] = {}
    sizes = {"ingested events": 0, "credit-view reads": 0}
    with mock_aws():
        for env, name in create_tables(boto3.client("dynamodb")).items():
            os.environ[env] = name
        os.environ["EVENT_BUS_NAME"] = bus_name()
        bus = wire_bus(boto3.client("events"), boto3.client("sqs"))
        settings.cache_clear()
        dynamodb_adapter.reset_clients()
        idempotency.reset()
        clock_adapter.install_clock(FixedClock(NOW))
        counts: Counter[str] = Counter()

        def count_call(model: Any, params: dict[str, Any], **_: Any) -> None:
            if model.name in ("PutItem", "UpdateItem", "DeleteItem"):
                counts["ddb_write_units"] += 1
            elif model.name == "TransactWriteItems":
                counts["ddb_write_units"] += 2 * len(params["TransactItems"])  # transactional: 2 WRU per item
            elif model.name == "GetItem":
                counts["ddb_read_units"] += 1

        def count_read(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
            if model.name == "Query":
                counts["ddb_read_units"] += max(1, parsed.get("Count", 0))
            elif model.name == "BatchGetItem":
                counts["ddb_read_units"] += sum(len(v) for v in parsed.get("Responses", {}).values())

        client = dynamodb_adapter.dynamodb_client()
        client.meta.events.register("before-parameter-build.dynamodb.*", count_call)
        client.meta.events.register("after-call.dynamodb.*", count_read)

        def invoke(function: str, event: dict[str, Any], api: bool) -> Any:
            started = time.perf_counter()
            result = handler_module(function).lambda_handler(event, LambdaContext())
            billed_ms = max(1.0, (time.perf_counter() - started) * 1000)
            counts["lambda_requests"] += 1
            counts["apigw_rest_requests"] += int(api)
            counts["lambda_arm_gb_s_x1e6"] += round(billed_ms / 1000 * memory[function] / 1024 * 1e6)
            return result

        # 500 events over 100 enterprises (5 each, 1 per batch), then public reads of those enterprises.
        usccs = [_uscc(n) for n in range(100)]
        batches, per_batch = 5, 100
        for b in range(batches):
            events = [{"event_id": f"cost-{b}-{i}", "uscc": usccs[i],
                       "type": "SUPERVISION_VIOLATION_PENALTY", "business_line": "OWN_ACCOUNT",
                       "decided_on": "2026-10-15", "penalty_kind": "FINE",
                       "amount_cny": "1000.00", "document_no": f"DOC-{b}-{i}", "authority": "Shanghai Customs"}
                      for i in range(per_batch)]
            response = invoke("ingestion", api_event("ingestion/post_credit_events", body={"events": events},
                                                     headers={"Idempotency-Key": f"cost-{b}"},
                                                     claims={"client_id": "bench", "scope": "credit/events"}), api=True)
            assert response["statusCode"] == 202, response["body"]
            delivered = bus.drain("evaluation")
            counts["eventbridge_events"] += len(delivered)
            # The evaluation's inbox queue delivers them in batches of its event source mapping's size.
            for start in range(0, len(delivered), inbox_batch):
                invoke("evaluation", sqs_batch(delivered[start:start + inbox_batch]), api=False)
        sizes["ingested events"] = batches * per_batch
        scenarios["ingested events"] = counts.copy()
        counts.clear()
        reads = 100
        for uscc in usccs[:reads]:
            invoke("credit_views", api_event("credit_views/get_credit", path_params={"uscc": uscc}), api=True)
        sizes["credit-view reads"] = reads
        scenarios["credit-view reads"] = counts.copy()
        clock_adapter.install_clock(None)
    return scenarios, sizes


def _uscc(n: int) -> str:
    from stdnum.cn import uscc as stdnum_uscc

    base = f"9131000{n:010d}"
    return base + str(stdnum_uscc.calc_check_digit(base))


def bench_costs() -> None:
    from scripts.prices import PRICES

    print("\n== list-price cost per million (issue 12; counts from the real handlers under moto, prices: "
          "scripts/prices.py)")
    scenarios, sizes = _count_costs()
    for scenario, counts in scenarios.items():
        per_million = 1e6 / sizes[scenario]
        quantities = {unit: n * per_million for unit, n in counts.items() if unit != "lambda_arm_gb_s_x1e6"}
        quantities["lambda_arm_gb_s"] = counts["lambda_arm_gb_s_x1e6"] / 1e6 * per_million
        quantities.setdefault("sfn_transitions", 0.0)  # no workflow on these paths
        shown = ", ".join(f"{unit} {q:,.0f}" for unit, q in sorted(quantities.items()))
        print(f"  per 1M {scenario}: {shown}")
        for region, prices in PRICES.items():
            parts, total, currency, missing, unverified = [], 0.0, "", [], False
            for unit, quantity in sorted(quantities.items()):
                price = prices[unit]
                currency = price.currency
                unverified = unverified or (not price.verified and quantity > 0)
                if price.amount is None:
                    if quantity:
                        missing.append(unit)
                    continue
                cost = quantity / price.per * price.amount
                total += cost
                parts.append(f"{unit} {cost:,.2f}")
            figure = f"{total:,.2f} {currency}" if not missing else f"n/a (no recorded price: {', '.join(missing)})"
            if unverified and not missing:
                figure += " UNVERIFIED (prices not read from the page: scripts/prices.py)"
            print(f"    {region:<11} {figure}" + (f"   = {'; '.join(parts)}" if not missing else ""))
    print("  Not priced: the SQS requests of the evaluation's inbox queue, the outbox's DynamoDB stream, Pipe and "
          "relay function (no recorded price; the relay's DynamoDB writes are counted).")
    print("  GB-seconds use the functions' memory settings and durations measured in-process under moto (an upper "
          "bound: moto is slower than DynamoDB); DynamoDB units count items (≤1 KB written, ≤4 KB read).")


def main() -> None:
    bench_deployed_cold_imports()
    bench_costs()


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
