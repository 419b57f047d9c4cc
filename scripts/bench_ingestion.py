"""`make bench` section (issue 4): DynamoDB requests per ingested event and per tier change, and
arrears-watch, disclosure-expiry and clean-period-upgrades reads per item due with 100,000 other records
stored (each with due entries of its own on later days). Counted at the client
under moto, through the real handlers and use cases."""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any

OTHER_RECORDS = 100_000
DUE_ENTERPRISES = 20


def _event(event_id: str, uscc: str, **changes: Any) -> dict[str, Any]:
    return {"event_id": event_id, "uscc": uscc, "type": "SUPERVISION_VIOLATION_PENALTY", "business_line": "OWN_ACCOUNT",
            "decided_on": "2026-10-15", "penalty_kind": "FINE", "amount_cny": "1000.00",
            "document_no": f"DOC-{event_id}", "authority": "Shanghai Customs", **changes}


def main() -> None:
    import boto3
    from moto import mock_aws
    from stdnum.cn import uscc as stdnum_uscc

    from shared.adapters import clock as clock_adapter
    from shared.adapters import dynamodb as dynamodb_adapter
    from shared.adapters.disclosure_store import DynamoExpiryStore
    from shared.adapters.due_index import DynamoDueIndex
    from shared.adapters.dynamodb import to_item
    from shared.adapters.settings import settings
    from shared.adapters.stores import dynamodb_stores
    from shared.api import idempotency
    from shared.domain.clock import FixedClock
    from shared.usecases.arrears_watch import run_arrears_watch
    from shared.usecases.clean_period import run_clean_period_upgrades
    from shared.usecases.disclosure_expiry import run_disclosure_expiry
    from shared.usecases.evaluation import evaluate_enterprise
    from tests.support.apigw import api_event
    from tests.support.bus import bus_name, wire_bus
    from tests.support.lambdas import LambdaContext, handler_module
    from tests.support.template import create_tables

    def uscc_of(n: int) -> str:
        base = f"9131000{n:010d}"
        return base + stdnum_uscc.calc_check_digit(base)

    print("\n== ingestion and evaluation requests (issue 4; DynamoDB calls counted at the client, moto)")
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")
    with mock_aws():
        dynamodb = boto3.client("dynamodb")
        for env, name in create_tables(dynamodb).items():
            os.environ[env] = name
        os.environ["EVENT_BUS_NAME"] = bus_name()
        wire_bus(boto3.client("events"), boto3.client("sqs"))
        settings.cache_clear()
        dynamodb_adapter.reset_clients()
        idempotency.reset()
        clock = FixedClock(datetime(2026, 11, 20, 2, tzinfo=UTC))
        clock_adapter.install_clock(clock)
        calls: Counter[str] = Counter()
        dynamodb_adapter.dynamodb_client().meta.events.register(
            "before-call.dynamodb.*", lambda model, **_: calls.update([model.name]))
        claims = {"client_id": "bench", "scope": "credit/events"}

        def post(events: list[dict[str, Any]], key: str) -> None:
            calls.clear()
            response = handler_module("ingestion").lambda_handler(
                api_event("ingestion/post_credit_events", body={"events": events}, headers={"Idempotency-Key": key},
                          claims=claims), LambdaContext())
            assert response["statusCode"] == 202, response["body"]

        write_ops = ("BatchGetItem", "TransactWriteItems", "PutItem")
        target = uscc_of(1)
        post([_event("one-0", target)], "k1")  # creates the enterprise (Art 41) on first sight
        post([_event("one-1", target)], "k2")
        idem = calls["PutItem"] - 0
        single = calls["BatchGetItem"] + calls["TransactWriteItems"]
        print(f"  1-event batch, known enterprise: {single} requests on the write path "
              f"({dict(calls)}; the {idem} PutItem + UpdateItem are the Idempotency-Key record)")
        post([_event(f"many-{i}", target) for i in range(100)], "k3")
        write_path = sum(calls[o] for o in write_ops) - 1  # less the idempotency record's PutItem
        print(f"  100-event batch: {write_path} requests on the write path = {write_path / 100:.2f} per event "
              f"({dict(calls)})")

        calls.clear()
        evaluate_enterprise(dynamodb_stores(), clock, target, trigger="bench")
        print(f"  first evaluation, no tier change, 102 records classified: {dict(calls)}")
        post([_event("smuggling-1", target, type="SMUGGLING_PENALTY")], "k5")
        calls.clear()
        outcome = evaluate_enterprise(dynamodb_stores(), clock, target, trigger="bench")
        print(f"  evaluation with a tier change (to {outcome['tier']}): {dict(calls)} "
              f"-> {calls['TransactWriteItems']} transaction (state + decision + audit + record), "
              f"{calls['Query']} query")
        calls.clear()
        evaluate_enterprise(dynamodb_stores(), clock, target, trigger="bench")
        print(f"  evaluation without change: {dict(calls)}")

        print(f"\n== arrears-watch reads with {OTHER_RECORDS:,} other records stored")
        tax = [_event(f"tax-{i}", uscc_of(500 + i), type="TAX_OVERDUE", penalty_kind=None, amount_cny="52000.00",
                      decided_on="2026-08-05", due_on="2026-08-20") for i in range(DUE_ENTERPRISES)]
        clock.advance(datetime(2026, 11, 19, 2, tzinfo=UTC) - clock.now())
        post(tax, "k4")  # threshold: 2026-11-21 CST (day after due + 3 months)
        # Seeded after the ingestion above: moto deep-copies whole tables on every transaction (a
        # rollback snapshot), which real DynamoDB does not; seeding first would time moto, not us.
        table = settings().table_name
        started = time.perf_counter()
        # One in ten other records carries a due entry of each kind on another day of the coming year
        # (future work that a run must not read), and published records are on the feed index.
        def filler(i: int) -> dict[str, Any]:
            item: dict[str, Any] = {"pk": f"ENT#{uscc_of(1000 + i // 50)}", "sk": f"EVT#filler-{i}", "entity": "EVENT",
                                    "event_id": f"filler-{i}"}
            later = f"2027-{1 + i % 12:02d}-{1 + i % 28:02d}"
            kind = ("ARREARS", "DISCLOSURE_EXPIRY", "CLEAN_PERIOD", None, None, None, None, None, None, None)[i % 10]
            if kind:
                item.update(gsi2pk=f"DUE#{kind}", gsi2sk=f"{later}#x#filler-{i}")
            if i % 3 == 0:
                item.update(gsi3pk="FEED", gsi3sk=f"{later}#x#filler-{i}")
            return item

        put = [{"PutRequest": {"Item": to_item(filler(i))}} for i in range(OTHER_RECORDS)]
        # Due today: DUE_ENTERPRISES published disclosures whose last day was yesterday, and as many
        # clean-period entries; the run day is 2026-11-21 CST.
        for i in range(DUE_ENTERPRISES):
            uscc = uscc_of(700 + i)
            put.append({"PutRequest": {"Item": to_item({
                "pk": f"ENT#{uscc}", "sk": f"DISC#due-{i}", "entity": "DISCLOSURE", "uscc": uscc,
                "event_id": f"due-{i}",
                "status": "PUBLISHED", "published": True, "published_from": "2025-11-20",
                "published_until": "2026-11-20", "published_at": "2025-11-20T02:00:00.000Z", "version": 1,
                "history": [{"status": "PUBLISHED", "on": "2025-11-20", "at": "2025-11-20T02:00:00.000Z"}],
                "gsi2pk": "DUE#DISCLOSURE_EXPIRY", "gsi2sk": f"2026-11-21#{uscc}#due-{i}",
                "gsi3pk": "FEED", "gsi3sk": f"2026-11-20#{uscc}#due-{i}"})}})
            put.append({"PutRequest": {"Item": to_item({
                "pk": f"ENT#{uscc}", "sk": "DUE#CLEAN_PERIOD", "entity": "DUE", "uscc": uscc,
                "gsi2pk": "DUE#CLEAN_PERIOD", "gsi2sk": f"2026-11-21#{uscc}#CLEAN_PERIOD"})}})
        for start in range(0, len(put), 25):
            dynamodb.batch_write_item(RequestItems={table: put[start:start + 25]})  # type: ignore[dict-item]
        print(f"  (seeded in {time.perf_counter() - started:.0f} s)")
        clock.advance(datetime(2026, 11, 20, 16, 20, tzinfo=UTC) - clock.now())  # 2026-11-21 00:20 CST
        index = DynamoDueIndex()

        def bench_run(name: str, run: Any) -> None:
            calls.clear()
            report = run()
            per = report["items_read"] / max(report["due"], 1)
            print(f"  {name} on {report['through']}: {report['due']} due, {report['done']} done, "
                  f"{report['items_read']} index items read = {per:.2f} per item due (target <= 1.1); "
                  f"{dict(calls)}")
            calls.clear()
            again = run()
            print(f"    rerun: {again['due']} due, {again['items_read']} items read; {dict(calls)}")

        bench_run("arrears-watch", lambda: run_arrears_watch(clock, index))
        print(f"\n== disclosure-expiry and clean-period-upgrades reads with {OTHER_RECORDS:,} other records stored")
        expiry = DynamoExpiryStore()
        bench_run("disclosure-expiry", lambda: run_disclosure_expiry(clock, index, expiry).to_dict())
        bench_run("clean-period-upgrades", lambda: run_clean_period_upgrades(clock, index).to_dict())
        clock_adapter.install_clock(None)


if __name__ == "__main__":
    main()
