"""`arrears-watch` (daily 00:20 CST): re-evaluates enterprises whose unpaid tax or fine crosses its
threshold (D4/D5 are time-triggered).

Each arrears event that can still become a ground carries an entry on the `ARREARS` due index
(`shared.usecases.due_work`) at its threshold day, written with the event. A run takes every entry
due up to today, page by page, and consumes each entry in a transaction that also writes the
request to re-evaluate its enterprise (`ReevaluationRequested`, the outbox: the evaluation path,
with its retries and DLQ). No date cursor: a clock moved forward and back, a missed or repeated
run neither loses nor doubles a threshold (the evaluation itself is idempotent)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from shared.domain.clock import Clock, china_date
from shared.domain.outbox import BusEvent, announce
from shared.usecases.due_work import DueIndex, RunReport, due_day, run_due

SCHEDULE = "arrears-watch"
DUE_KIND = "ARREARS"


def reevaluation_request(entry: Mapping[str, Any], reason: str) -> tuple[BusEvent, ...]:
    """The request an entry's consumption announces (same enterprise and day: same event, one delivery)."""
    # Imported here: the credit store needs this module's DUE_KIND, and the bus event models
    # (~40 ms of pydantic classes) would otherwise load in every function that reads credit files.
    from shared.domain.bus_events import REEVALUATION_REQUESTED, ReevaluationRequested, detail_of

    return announce(REEVALUATION_REQUESTED, [detail_of(ReevaluationRequested(uscc=entry["uscc"], reason=reason,
                                                                   due_on=due_day(entry)))])


def run_arrears_watch(clock: Clock, index: DueIndex, remaining_ms: Callable[[], int] | None = None) -> dict[str, Any]:
    enterprises: set[str] = set()

    def page(entries: list[dict[str, Any]]) -> int:
        consumed = 0
        for entry in entries:
            # The request is written with the consumption (the outbox): a consumed entry was always requested.
            if index.consume(entry, reevaluation_request(entry, SCHEDULE)):
                consumed += 1
                enterprises.add(entry["uscc"])
        return consumed

    report: RunReport = run_due(DUE_KIND, china_date(clock.now()), index, page, remaining_ms=remaining_ms)
    return {**report.to_dict(), "enterprises_due": len(enterprises)}
