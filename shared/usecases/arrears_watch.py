"""`arrears-watch` (daily 00:20 CST): re-evaluates enterprises whose unpaid tax or fine crosses its
threshold (D4/D5 are time-triggered). Reads the sparse date index day by day since the last run,
so its cost follows the enterprises due, never the table; a run catches every threshold passed
since the previous one, and the first run looks back `FIRST_RUN_LOOKBACK_DAYS`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shared.domain.bus_events import REEVALUATION_REQUESTED, ReevaluationRequested
from shared.domain.clock import Clock, china_date, iso_instant
from shared.usecases.ports import Stores

SCHEDULE = "arrears-watch"
FIRST_RUN_LOOKBACK_DAYS = 31


def due_enterprises(stores: Stores, first: date, last: date) -> tuple[dict[str, str], int]:
    """uscc → earliest threshold day in [first, last], and the number of index items read."""
    due: dict[str, str] = {}
    read = 0
    day = first
    while day <= last:
        usccs = stores.credit.arrears_due(day)
        read += len(usccs)
        for uscc in usccs:
            due.setdefault(uscc, day.isoformat())
        day += timedelta(days=1)
    return due, read


def run_arrears_watch(stores: Stores, clock: Clock) -> dict[str, Any]:
    now = clock.now()
    today = china_date(now)
    state = stores.schedules.cursor(SCHEDULE)
    first = (date.fromisoformat(state["last_day"]) + timedelta(days=1) if state
             else today - timedelta(days=FIRST_RUN_LOOKBACK_DAYS))
    due, read = due_enterprises(stores, first, today) if first <= today else ({}, 0)
    stores.bus.publish(REEVALUATION_REQUESTED, [
        ReevaluationRequested(uscc=uscc, reason=SCHEDULE, due_on=day).model_dump()
        for uscc, day in sorted(due.items())])
    stores.schedules.save_cursor(SCHEDULE, {
        "last_day": max(today, first - timedelta(days=1)).isoformat(), "last_run_at": iso_instant(now),
        "enterprises_due": len(due), "items_read": read})
    return {"from": first.isoformat(), "to": today.isoformat(), "enterprises_due": len(due), "items_read": read}
