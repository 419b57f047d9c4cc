"""`make bench` section: evaluate 10,000 enterprises x 50 events vs deserializing the same items from
DynamoDB JSON (the ratio is the figure; target: evaluation <= 0.5 x deserialization).

Alone: .venv/bin/python -m scripts.bench_rules [enterprises] [events] [rounds] [heavy: 1|0]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from shared.domain.clock import CHINA_TZ
from shared.domain.credit_events import EventRecord
from shared.domain.rules import EnterpriseFacts, evaluate

TYPES = (["SUPERVISION_VIOLATION_PENALTY"] * 30 + ["TAX_OVERDUE"] * 6 + ["FINE_OVERDUE"] * 4
         + ["SMUGGLING_PENALTY", "OBSTRUCTION_PENALTY", "EXPORT_CONTROL_VIOLATION_PENALTY",
            "SOLID_WASTE_IMPORT_PENALTY"])


def make_items(rng: random.Random, uscc: str, n: int, heavy: bool = True) -> list[dict]:
    """`heavy`: fines uniform up to CNY 800,000 (nearly every enterprise DISCREDITED with a D3 ground
    on most violation days: the worst case). Otherwise fines mostly a few thousand CNY (typical)."""
    items: list[dict] = []
    start = date(2025, 1, 1)
    arrears: list[str] = []
    for i in range(n):
        event_id = f"{uscc}-{i:03d}"
        decided = start + timedelta(days=rng.randrange(0, 540))
        item: dict = {
            "pk": f"ENT#{uscc}", "sk": f"EVENT#{event_id}", "event_id": event_id, "uscc": uscc,
            "business_line": rng.choice(["OWN_ACCOUNT", "BROKERAGE"]), "decided_on": decided.isoformat(),
            "document_no": f"DOC-{i}", "authority": "Shanghai Customs", "intentional": rng.random() > 0.2,
            "voluntary_disclosure": rng.random() < 0.1, "version": 1, "received_at": "2026-04-01T00:00:00.000Z",
        }
        if arrears and rng.random() < 0.08:
            item.update(type="ARREARS_SETTLED", refers_to=arrears.pop())
        else:
            etype = rng.choice(TYPES)
            item["type"] = etype
            if etype in ("TAX_OVERDUE", "FINE_OVERDUE"):
                item["due_on"] = (decided + timedelta(days=15)).isoformat()
                item["amount_cny"] = Decimal(rng.randrange(100, 5_000_000)) / 100
                arrears.append(event_id)
            else:
                item["penalty_kind"] = rng.choice(["FINE", "FINE", "FINE", "WARNING"])
                if item["penalty_kind"] == "FINE":
                    cents = rng.randrange(100, 80_000_000) if heavy else int(rng.lognormvariate(13, 1.5))
                    item["amount_cny"] = Decimal(cents) / 100
        items.append(item)
    return items


def main(enterprises: int = 10_000, per: int = 50, rounds: int = 2, heavy: int = 1) -> None:
    print("\n== rules engine throughput (issue 4): evaluation vs DynamoDB-JSON deserialization of the same items")
    rng = random.Random(282)
    serializer = TypeSerializer()
    dynamo = []
    for e in range(enterprises):
        uscc = f"U{e:017d}"
        dynamo.append((uscc, [{k: serializer.serialize(v) for k, v in item.items()}
                              for item in make_items(rng, uscc, per, bool(heavy))]))
    deserializer = TypeDeserializer()
    as_of = datetime(2026, 7, 1, 12, tzinfo=CHINA_TZ)
    clock = time.process_time  # CPU time of this process: steadier than wall time on a shared machine
    t_deser = t_build = t_eval = t_full = float("inf")
    tiers: dict[str, int] = {}
    for _round in range(rounds):
        t0 = clock()
        plain = [(uscc, [{k: deserializer.deserialize(v) for k, v in item.items()} for item in items])
                 for uscc, items in dynamo]
        t_deser = min(t_deser, clock() - t0)

        t0 = clock()
        facts = [EnterpriseFacts(uscc, events=tuple(EventRecord.from_plain(i) for i in items))
                 for uscc, items in plain]
        t_build = min(t_build, clock() - t0)

        t0 = clock()
        tiers = {}
        for f in facts:
            result = evaluate(f, as_of)
            tiers[result.tier.value] = tiers.get(result.tier.value, 0) + 1
        t_eval = min(t_eval, clock() - t0)

        t0 = clock()
        for f in facts:
            evaluate(f, as_of).records  # noqa: B018 - also classify every record (computed on first access)
        t_full = min(t_full, clock() - t0)

    n = enterprises * per
    print(f"{enterprises} enterprises x {per} events = {n} items (best of {rounds}, CPU time)")
    print(f"TypeDeserializer:            {t_deser:7.2f} s  ({t_deser / n * 1e6:5.1f} us/item)")
    print(f"EventRecord.from_plain:      {t_build:7.2f} s  ({t_build / n * 1e6:5.1f} us/item)")
    print(f"evaluate:                    {t_eval:7.2f} s  ({t_eval / enterprises * 1e3:5.2f} ms/enterprise)")
    print(f"evaluate + records:          {t_full:7.2f} s  ({t_full / enterprises * 1e3:5.2f} ms/enterprise)")
    print(f"evaluate / deserialize:      {t_eval / t_deser:7.2f}")
    print(f"(evaluate + records) / deser.:{t_full / t_deser:6.2f}")
    print(f"(build + evaluate) / deser.: {(t_build + t_eval) / t_deser:7.2f}")
    print(f"tiers: {tiers}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:5]))
