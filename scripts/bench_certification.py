"""Certification figures (`make bench` section; also `python -m scripts.bench_certification`), printed
and never asserted:

- application → first officer task waiting, on the local runtime (`python -m local --seed demo`):
  p50/p95 over sequential applications of freshly registered enterprises, from sending `POST
  /v1/certifications` to the first `GET /v1/certifications/{id}` that shows `waiting_for: AUDIT` (the
  execution ran Eligibility and AssignCertifiers and its Audit task stored its token); polled every 5 ms;
- `recertification-due` items read per case opened, under moto with the template's tables: a few ACE
  enterprises due today among 100,000 other records (events under other enterprises, other kinds of
  due entries, and re-certification entries due in later years), counted at the DynamoDB client from
  every response (`ScannedCount` of a Query or Scan, 1 per GetItem that found an item).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

APPLICATIONS = 20
POLL_S = 0.005
OTHER_RECORDS = 100_000
DUE_ENTERPRISES = 5
ALL_MET = [{"standard_id": c, "result": "MET"} for c in
           ("INTERNAL_CONTROL", "FINANCIAL_STATUS", "LEGAL_COMPLIANCE", "TRADE_SECURITY")]


def _application_latency() -> dict[str, float] | None:
    from scripts.bench_local import _free_port, _Http, _percentile, _start, _stop, _uscc

    with tempfile.TemporaryDirectory(prefix="bench-cert-") as scratch:
        port, emulator_port = _free_port(), _free_port()
        command = [sys.executable, "-m", "local", "--port", str(port), "--emulator-port", str(emulator_port),
                   "--data-dir", str(Path(scratch) / "data"), "--fresh", "--seed", "demo", "--log-level", "WARNING"]
        process, _healthy = _start(command, port, Path(scratch) / "runtime.log")
        try:
            client = _Http(port)
            _, registry = client.call("POST", "/_local/token", {"client_id": "demo-registry",
                                                                "client_secret": "demo-registry-secret"})
            _, officer = client.call("POST", "/_local/token", {"client_id": "demo-officer",
                                                               "client_secret": "demo-officer-secret"})
            as_officer = {"Authorization": f"Bearer {officer['access_token']}"}
            samples = []
            for index in range(APPLICATIONS):
                uscc = _uscc(index)
                status, _ = client.call("POST", "/v1/enterprises", {
                    "uscc": uscc, "name": f"Bench {index}", "registration_status": "REGISTERED",
                    "business_types": ["CONSIGNOR_CONSIGNEE"], "registered_on": "2020-01-01"},
                    headers={"Authorization": f"Bearer {registry['access_token']}", "Idempotency-Key": uscc})
                assert status == 201, status
                _, own = client.call("POST", "/_local/clients", {"scopes": ["credit/enterprise"], "uscc": uscc})
                _, token = client.call("POST", "/_local/token", {"client_id": own["client_id"],
                                                                 "client_secret": own["client_secret"]})
                started = time.perf_counter()
                status, created = client.call(
                    "POST", "/v1/certifications",
                    {"uscc": uscc, "target_tier": "CERTIFIED", "self_assessment": {"items": ALL_MET}},
                    headers={"Authorization": f"Bearer {token['access_token']}", "Idempotency-Key": str(uuid.uuid4())})
                assert status == 201, created
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    _, case = client.call("GET", f"/v1/certifications/{created['case_id']}", headers=as_officer)
                    if case["waiting_for"] == "AUDIT":
                        break
                    time.sleep(POLL_S)
                samples.append((time.perf_counter() - started) * 1000)
        finally:
            _stop(process)
    return {"p50": _percentile(samples, 0.5), "p95": _percentile(samples, 0.95), "max": max(samples)}


def _certify(stores: Any, clock: Any, uscc: str) -> None:
    """Register an enterprise and take an ADVANCED_CERTIFIED application through the workflow's steps."""
    from shared.domain.certification.case import Action, Outcome
    from shared.domain.enterprise import RegistrationData
    from shared.domain.tiers import Tier
    from shared.usecases.certification import cases, steps
    from shared.usecases.enterprises import register_enterprise
    from shared.usecases.evaluation import evaluate_enterprise

    register_enterprise(stores, clock, RegistrationData(uscc=uscc, name="Bench ACE", registration_status="REGISTERED",
                                                        business_types=["CONSIGNOR_CONSIGNEE"],
                                                        registered_on="2020-01-01"))
    case_id = cases.apply(stores, clock, uscc, Tier.ADVANCED_CERTIFIED, ALL_MET, "bench")["case_id"]
    steps.eligibility(stores, clock, case_id)
    steps.assign(stores, clock, case_id)
    steps.wait(stores, clock, case_id, Action.AUDIT, "audit")
    cases.record_audit(stores, clock, case_id, ALL_MET, "officer")
    steps.wait(stores, clock, case_id, Action.DECIDE, "decide")
    cases.decide(stores, clock, case_id, Outcome.APPROVED, ["bench"], "officer")
    steps.outcome(stores, clock, case_id)
    evaluate_enterprise(stores, clock, uscc, trigger="bench")


def _other_records(table: str, today: date) -> None:
    """100,000 items that are not due for re-certification: events under 2,000 enterprises, due entries of
    other kinds, and RECERTIFICATION entries of other enterprises due in later years. Written straight into
    moto's table (the DynamoDB API would take minutes for this many)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from shared.adapters.dynamodb import to_item

    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    later = today + timedelta(days=400)
    for n in range(OTHER_RECORDS):
        uscc = f"9111{n // 50:014d}" if n % 10 > 1 else f"9112{n:014d}"
        if n % 10 == 0:
            item = {"pk": f"ENT#{uscc}", "sk": "DUE#RECERTIFICATION", "gsi2pk": "DUE#RECERTIFICATION",
                    "gsi2sk": f"{later.isoformat()}#{uscc}#RECERTIFICATION", "uscc": uscc}
        elif n % 10 == 1:
            item = {"pk": f"ENT#{uscc}", "sk": "DUE#CLEAN_PERIOD", "gsi2pk": "DUE#CLEAN_PERIOD",
                    "gsi2sk": f"{today.isoformat()}#{uscc}#CLEAN_PERIOD", "uscc": uscc}
        else:
            item = {"pk": f"ENT#{uscc}", "sk": f"EVT#bench-{n}", "uscc": uscc, "type": "SMUGGLING_PENALTY",
                    "decided_on": "2026-05-01"}
        backend.put_item(table, to_item(item))


def _recertification_reads() -> dict[str, Any]:
    import boto3
    from moto import mock_aws

    from local.moto_transactions import rolled_back_by_item
    from shared.adapters import dynamodb as dynamodb_adapter
    from shared.adapters.recertification_due import DynamoRecertificationIndex
    from shared.adapters.settings import settings
    from shared.adapters.stores import dynamodb_stores
    from shared.domain.certification.certifiers import DEMO_CERTIFIERS
    from shared.domain.clock import CHINA_TZ, FixedClock
    from shared.usecases.certification import roster
    from shared.usecases.certification.recertification import run_recertification_due
    from tests.support.memory_certifications import FakeWorkflows
    from tests.support.memory_stores import Memory, MemoryBus
    from tests.support.template import create_tables

    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    certified_at = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
    opens_on = date(2031, 11, 20) - timedelta(days=90)
    with mock_aws(), rolled_back_by_item():
        for env, name in create_tables(boto3.client("dynamodb")).items():
            os.environ[env] = name
        settings.cache_clear()
        dynamodb_adapter.reset_clients()
        stores = dynamodb_stores()._replace(workflows=FakeWorkflows(), bus=MemoryBus(Memory().outbox))
        clock = FixedClock(certified_at)
        for certifier in DEMO_CERTIFIERS:
            roster.add_certifier(stores, clock, certifier, "bench")
        for n in range(DUE_ENTERPRISES):
            from stdnum.cn import uscc as uscc_check

            base = f"9131000{n:010d}"
            _certify(stores, clock, base + uscc_check.calc_check_digit(base))
        started = time.perf_counter()
        _other_records(settings().table_name, opens_on)
        loaded_s = time.perf_counter() - started
        print(f"  ({DUE_ENTERPRISES} ACE enterprises certified; {OTHER_RECORDS:,} other records written in "
              f"{loaded_s:.1f} s)", flush=True)
        reads: Counter[str] = Counter()

        def count(http_response: Any, parsed: Any, model: Any, **_: Any) -> None:
            if "ScannedCount" in parsed:
                reads[model.name] += int(parsed["ScannedCount"])
            elif model.name == "GetItem" and parsed.get("Item"):
                reads[model.name] += 1
            reads["requests"] += 1

        dynamodb_adapter.dynamodb_client().meta.events.register("after-call.dynamodb.*", count)
        run_clock = FixedClock(datetime.combine(opens_on, day_time(1, 0), CHINA_TZ).astimezone(UTC))
        report = run_recertification_due(stores, run_clock, DynamoRecertificationIndex())
        table_items = boto3.client("dynamodb").describe_table(TableName=settings().table_name)["Table"]["ItemCount"]
    settings.cache_clear()
    dynamodb_adapter.reset_clients()
    return {"report": report.to_dict(), "reads": dict(reads), "table_items": table_items, "loaded_s": loaded_s}


def main() -> None:
    print("\n== certification (scripts/bench_certification.py)")
    if not (REPO / "cdk.out" / "manifest.json").exists():
        print("  cdk.out is missing: run `make synth` first")
        return
    latency = _application_latency()
    if latency is not None:
        print(f"  application → first officer task waiting (AUDIT), {APPLICATIONS} sequential, local runtime: "
              f"p50 {latency['p50']:.0f} ms   p95 {latency['p95']:.0f} ms   max {latency['max']:.0f} ms")
    figures = _recertification_reads()
    report, reads = figures["report"], figures["reads"]
    opened = max(1, report["done"])
    read = sum(v for k, v in reads.items() if k != "requests")
    print(f"  recertification-due with {figures['table_items']:,} items in the table "
          f"({OTHER_RECORDS:,} other records, loaded in {figures['loaded_s']:.1f} s): due {report['due']}, "
          f"cases opened {report['done']}, index items read {report['items_read']}")
    print(f"    items read in all {read} ({ {k: v for k, v in reads.items() if k != 'requests'} }, "
          f"{reads.get('requests', 0)} requests): {read / opened:.1f} items read per case opened")


if __name__ == "__main__":
    main()
