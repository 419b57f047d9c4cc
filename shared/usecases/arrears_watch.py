"""`arrears-watch` (daily 00:20 CST): re-evaluates enterprises whose unpaid tax or fine crosses its
threshold (D4/D5 are time-triggered).

Each arrears event that can still become a ground carries an entry on the `ARREARS` due index
(`shared.usecases.due_work`) at its threshold day, written with the event. A run takes every entry
due up to today, page by page, asks the evaluation function to re-evaluate the enterprises of the
page (`ReevaluationRequested`: the evaluation path, with its retries and DLQ) and consumes the
entries. No date cursor: a clock moved forward and back, a missed or repeated run neither loses nor
doubles a threshold (the evaluation itself is idempotent)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shared.domain.clock import Clock, china_date
from shared.usecases.due_work import DueIndex, RunReport, due_day, run_due

SCHEDULE = "arrears-watch"
DUE_KIND = "ARREARS"


def reevaluation_requests(entries: list[dict[str, Any]], reason: str) -> list[dict[str, Any]]:
    """One request per enterprise of a page (its earliest due day)."""
    # Imported here: the credit store needs this module's DUE_KIND, and the bus event models
    # (~40 ms of pydantic classes) would otherwise load in every function that reads credit files.
    from shared.domain.bus_events import ReevaluationRequested

    earliest: dict[str, str] = {}
    for entry in entries:
        day = due_day(entry)
        uscc = entry["uscc"]
        if uscc not in earliest or day < earliest[uscc]:
            earliest[uscc] = day
    return [ReevaluationRequested(uscc=u, reason=reason, due_on=d).model_dump() for u, d in sorted(earliest.items())]


def run_arrears_watch(clock: Clock, index: DueIndex, request_reevaluation: Callable[[list[dict[str, Any]]], object],
                      remaining_ms: Callable[[], int] | None = None) -> dict[str, Any]:
    enterprises: set[str] = set()

    def page(entries: list[dict[str, Any]]) -> int:
        requests = reevaluation_requests(entries, SCHEDULE)
        request_reevaluation(requests)  # before consuming: a failed publish leaves the entries due
        enterprises.update(r["uscc"] for r in requests)
        return sum(index.consume(e) for e in entries)

    report: RunReport = run_due(DUE_KIND, china_date(clock.now()), index, page, remaining_ms=remaining_ms)
    return {**report.to_dict(), "enterprises_due": len(enterprises)}
