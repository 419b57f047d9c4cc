"""Schedules on the due index are idempotent under any sequence of clock moves and runs (hypothesis
over (set clock, run) steps against moto's DynamoDB with the template's tables): every item due by
the latest clock a run saw is done exactly once, nothing not yet due is done, and nothing is lost."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moto import mock_aws

from shared.adapters import dynamodb as dynamodb_adapter
from shared.adapters.disclosure_store import DynamoExpiryStore
from shared.adapters.due_index import DynamoDueIndex
from shared.adapters.dynamodb import to_item
from shared.adapters.settings import settings as app_settings
from shared.domain.clock import CHINA_TZ, FixedClock
from shared.usecases.arrears_watch import run_arrears_watch
from shared.usecases.disclosure_expiry import run_disclosure_expiry
from tests.support.template import create_tables

START = date(2027, 1, 1)
ITEMS = 12



def _seed(client: Any, table: str) -> dict[str, date]:
    """ITEMS published disclosures and ITEMS arrears events, due on days spread over 60 days."""
    due: dict[str, date] = {}
    for i in range(ITEMS):
        day = START + timedelta(days=5 * i)
        until = (day - timedelta(days=1)).isoformat()
        uscc, event_id = f"U{i:02d}", f"E{i:02d}"
        client.put_item(TableName=table, Item=to_item({
            "pk": f"ENT#{uscc}", "sk": f"DISC#{event_id}", "uscc": uscc, "event_id": event_id, "status": "PUBLISHED",
            "published": True, "published_from": "2026-01-01", "published_until": until, "version": 1,
            "published_at": "2026-01-01T00:00:00.000Z", "history": [],
            "gsi2pk": "DUE#DISCLOSURE_EXPIRY", "gsi2sk": f"{day.isoformat()}#{uscc}#{event_id}"}))
        client.put_item(TableName=table, Item=to_item({
            "pk": f"ENT#{uscc}", "sk": f"EVT#A{i:02d}", "uscc": uscc, "event_id": f"A{i:02d}",
            "gsi2pk": "DUE#ARREARS", "gsi2sk": f"{day.isoformat()}#{uscc}#A{i:02d}"}))
        due[uscc] = day
    return due


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.integers(-20, 80), st.sampled_from(["expiry", "arrears", "both", "none"])),
                      min_size=1, max_size=8))
def test_any_sequence_of_clock_moves_and_runs_does_each_due_item_once(steps: list[tuple[int, str]]) -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
    with mock_aws():
        client = boto3.client("dynamodb")
        for env, name in create_tables(client).items():
            os.environ[env] = name
        app_settings.cache_clear()
        dynamodb_adapter.reset_clients()
        due = _seed(client, app_settings().table_name)
        ended: Counter[str] = Counter()
        requested: Counter[str] = Counter()
        seen = {"expiry": date.min, "arrears": date.min}

        def announced() -> None:
            """What the runs wrote to the outbox (with their consumptions), by enterprise."""
            ended.clear()
            requested.clear()
            for item in client.scan(TableName=app_settings().outbox_table_name)["Items"]:
                kind, detail = item["detail_type"]["S"], json.loads(item["detail"]["S"])
                {"DisclosureEnded": ended, "ReevaluationRequested": requested}[kind].update([detail["uscc"]])

        def run(kind: str, today: date) -> None:
            clock = FixedClock(datetime.combine(today, datetime.min.time(), CHINA_TZ).replace(hour=0, minute=10)
                               .astimezone(UTC))
            if kind == "expiry":
                run_disclosure_expiry(clock, DynamoDueIndex(), DynamoExpiryStore())
            else:
                run_arrears_watch(clock, DynamoDueIndex())
            seen[kind] = max(seen[kind], today)
            announced()

        # When the clock jumps around and schedules run in any order
        for offset, which in steps:
            today = START + timedelta(days=offset)
            for kind in {"both": ["expiry", "arrears"], "none": []}.get(which, [which]):
                run(kind, today)
                # Then each item due by the latest day a run saw is done exactly once, and nothing else
                done = ended if kind == "expiry" else requested
                assert all(count == 1 for count in done.values()), done
                assert set(done) == {u for u, d in due.items() if d <= seen[kind]}
        # And a final run far ahead does the rest, still exactly once each
        for kind in ("expiry", "arrears"):
            run(kind, START + timedelta(days=400))
        assert ended == Counter(list(due))
        assert requested == Counter(list(due))
        items = client.scan(TableName=app_settings().table_name)["Items"]
        assert not [i for i in items if "gsi2pk" in i]  # every entry consumed
        assert {i["status"]["S"] for i in items if "status" in i} == {"EXPIRED"}
    app_settings.cache_clear()
    dynamodb_adapter.reset_clients()
