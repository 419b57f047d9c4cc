"""Restoration applications on the `case-deadlines` schedule (`shared.usecases.case_deadlines`).

The application item itself carries its `DECIDE_BY` entry on the due index: written at receipt,
replaced by an extension (the new `decide_by`), dropped by a final decision; each time in the
application's own versioned write. When the day after `decide_by` comes with the application still
open (RECEIVED or NEEDS_OFFICER), the run marks it `overdue` and drops the entry in one write
conditional on the application's version. Default: the entry follows the `decide_by` stored on the
application (a provisional clock, computed before the year's holidays were known, is not moved when
the calendar learns them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.domain.clock import iso_instant
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.domain.restoration_kinds import RestorationStatus
from shared.usecases.case_deadlines import CaseDeadline, deadline_entry, without_entry

if TYPE_CHECKING:
    from shared.usecases.ports import RestorationStore

CASE_TYPE = "RESTORATION"
DECIDE_BY = "DECIDE_BY"


def with_deadline_entry(application: dict[str, Any]) -> dict[str, Any]:
    """The application as it must be stored: on the index at its `decide_by` while open, off it once decided."""
    if not RestorationStatus(application["status"]).is_open:
        return without_entry(application)
    return {**application, **deadline_entry(CASE_TYPE, application["uscc"], application["restoration_id"], DECIDE_BY,
                                            date.fromisoformat(application["decide_by"]))}


class RestorationDeadlines:
    """`CaseDeadlinePort` of restoration applications."""

    case_type = CASE_TYPE

    def __init__(self, store: RestorationStore) -> None:
        self.store = store

    def mark_overdue(self, deadline: CaseDeadline, entry: Mapping[str, Any], now: datetime,
                     outbox: Sequence[BusEvent]) -> bool:
        application = self.store.get(deadline.uscc, deadline.case_id)
        if (application is None or application.get("gsi2sk") != entry["gsi2sk"]
                or not RestorationStatus(application["status"]).is_open):
            return False
        missed = {"deadline_kind": deadline.deadline_kind, "deadline": deadline.deadline.isoformat(),
                  "marked_at": iso_instant(now)}
        marked = {**without_entry(application), "overdue": True, "version": application["version"] + 1,
                  "deadlines_missed": [*application.get("deadlines_missed", []), missed]}
        try:
            self.store.save(marked, application["version"], outbox=outbox)
        except Conflict:
            return False  # decided, extended or marked meanwhile: that write wins
        return True
