"""Configuration read once per process from the function's environment (set by the CDK template)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache

OUTBOX_TABLE_ENV = "OUTBOX_TABLE_NAME"


@dataclass(frozen=True)
class Settings:
    table_name: str
    idempotency_table_name: str
    audit_table_name: str
    event_bus_name: str
    service: str
    outbox_table_name: str = "credit-outbox"


@cache
def settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", "credit-main"),
        idempotency_table_name=os.environ.get("IDEMPOTENCY_TABLE_NAME", "credit-idempotency"),
        audit_table_name=os.environ.get("AUDIT_TABLE_NAME", "credit-audit"),
        event_bus_name=os.environ.get("EVENT_BUS_NAME", "credit"),
        service=os.environ.get("POWERTOOLS_SERVICE_NAME", "credit"),
        outbox_table_name=os.environ.get(OUTBOX_TABLE_ENV, "credit-outbox"),
    )
