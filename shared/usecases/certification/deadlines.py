"""Certification cases on the `case-deadlines` schedule (`shared.usecases.case_deadlines`): the Art 20
decision deadline (`DECIDE_BY`).

The case item itself carries its entry on the due index, computed from the case on every write of it
(`with_deadline_entry`, applied by `common.with_case` and `common.new_case_item`): at the case's
`decide_by` while the case is open and its clock runs; off the index while the clock is suspended (an
open suspension never makes a case overdue: the days it lasts are added back on resumption, which
writes the entry at the moved `decide_by`), once the case is closed, and once that very deadline was
marked missed. So an extension or a resumption moves the entry in the write that moves the deadline,
and a decision drops it in the write that decides.

When the day after `decide_by` comes with the case still open and the entry unchanged, the run marks
the case `overdue`, appends `{deadline_kind, deadline, marked_at}` to `deadlines_missed` and a history
line, and drops the entry: one write conditional on the case's version (which also writes the case's
chained audit entry, as every case write does). Defaults: `overdue` stays true once marked, also when
a later resumption moves `decide_by` past today (a deadline was missed; the case view shows the moved
`decide_by` beside it); a deadline moved after it was marked (a resumption) is a new deadline with its
own entry, so it can be marked, and announced, once more."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.domain.certification.case import Case, CaseStatus
from shared.domain.clock import iso_instant
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.usecases.case_deadlines import CaseDeadline, deadline_entry, without_entry

if TYPE_CHECKING:
    from shared.usecases.ports import CertificationStore

CASE_TYPE = "CERTIFICATION"
DECIDE_BY = "DECIDE_BY"
BY = "schedule:case-deadlines"


def _marked(item: Mapping[str, Any], deadline: date) -> bool:
    return any(m.get("deadline_kind") == DECIDE_BY and m.get("deadline") == deadline.isoformat()
               for m in item.get("deadlines_missed") or ())


def with_deadline_entry(item: dict[str, Any], case: Case, today: date) -> dict[str, Any]:
    """The case item as it must be stored: on the index at `decide_by` while open with a running clock and
    that deadline not yet marked missed; off it otherwise."""
    if not case.status.is_open or case.clock.suspended:
        return without_entry(item)
    deadline = case.clock.decide_by(today)
    if _marked(item, deadline):
        return without_entry(item)
    return {**without_entry(item), **deadline_entry(CASE_TYPE, case.uscc, case.case_id, DECIDE_BY, deadline)}


class CertificationDeadlines:
    """`CaseDeadlinePort` of certification and re-certification cases."""

    case_type = CASE_TYPE

    def __init__(self, store: CertificationStore) -> None:
        self.store = store

    def mark_overdue(self, deadline: CaseDeadline, entry: Mapping[str, Any], now: datetime,
                     outbox: Sequence[BusEvent]) -> bool:
        item = self.store.get_case(deadline.uscc, deadline.case_id)
        if item is None or item.get("gsi2sk") != entry["gsi2sk"] or not CaseStatus(item["status"]).is_open:
            return False
        missed = {"deadline_kind": deadline.deadline_kind, "deadline": deadline.deadline.isoformat(),
                  "marked_at": iso_instant(now)}
        marked = {**without_entry(item), "overdue": True, "version": int(item["version"]) + 1,
                  "deadlines_missed": [*(item.get("deadlines_missed") or []), missed]}
        marked["history"] = [*(item.get("history") or []), {
            "at": iso_instant(now), "by": BY, "status": item["status"],
            "what": f"{deadline.deadline_kind} {deadline.deadline.isoformat()} missed: marked overdue"}]
        try:
            self.store.save_case(marked, int(item["version"]), outbox=outbox)  # DeadlineMissed with the mark
        except Conflict:
            return False  # decided, resumed or marked meanwhile: that write wins
        return True
