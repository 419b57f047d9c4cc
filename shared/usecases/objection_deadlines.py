"""Objections on the `case-deadlines` schedule (`shared.usecases.case_deadlines`): a review still open
after `review_by` (Art 39: 20 calendar days after the day of filing) is marked `overdue`, and
`DeadlineMissed` (case_type OBJECTION, deadline_kind REVIEW_BY) is written with the mark (the outbox), once.

The objection item itself carries its `REVIEW_BY` entry on the due index: written with the objection
when it is filed (`with_deadline_entry`), dropped in the versioned write that decides it
(`shared.usecases.objections.common.save`) or marks it overdue (`ObjectionDeadlines`). `review_by`
never moves (Art 39 has no extension), so the entry is never replaced.

Default: an overdue objection stays UNDER_REVIEW and may still be decided; the mark and the missed
deadline stay on it (`overdue`, `deadlines_missed`) after the decision, as a record of the delay."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from shared.domain.clock import iso_instant
from shared.domain.errors import Conflict
from shared.domain.objection import ObjectionStatus, SubjectType, subject_key
from shared.domain.outbox import BusEvent
from shared.usecases.case_deadlines import CaseDeadline, deadline_entry, without_entry

if TYPE_CHECKING:
    from shared.usecases.ports import ObjectionStore

CASE_TYPE = "OBJECTION"
REVIEW_BY = "REVIEW_BY"
MARKED_BY = "case-deadlines"


def with_deadline_entry(objection: dict[str, Any]) -> dict[str, Any]:
    """The objection as it must be stored: on the index at its `review_by` while under review and not
    yet marked, off it otherwise."""
    if objection["status"] != ObjectionStatus.UNDER_REVIEW.value or objection.get("overdue"):
        return without_entry(objection)
    return {**objection, **deadline_entry(CASE_TYPE, objection["uscc"], objection["objection_id"], REVIEW_BY,
                                          date.fromisoformat(objection["review_by"]))}


class ObjectionDeadlines:
    """`CaseDeadlinePort` of objections."""

    case_type = CASE_TYPE

    def __init__(self, store: ObjectionStore) -> None:
        self.store = store

    def mark_overdue(self, deadline: CaseDeadline, entry: Mapping[str, Any], now: datetime,
                     outbox: Sequence[BusEvent]) -> bool:
        objection = self.store.get(deadline.uscc, deadline.case_id)
        if (objection is None or objection.get("gsi2sk") != entry["gsi2sk"]
                or objection["status"] != ObjectionStatus.UNDER_REVIEW.value):
            return False
        at = iso_instant(now)
        missed = {"deadline_kind": deadline.deadline_kind, "deadline": deadline.deadline.isoformat(), "marked_at": at}
        marked = {**without_entry(objection), "overdue": True, "version": int(objection["version"]) + 1,
                  "deadlines_missed": [*objection.get("deadlines_missed", []), missed]}
        marked["history"] = [*objection.get("history", []), {
            "at": at, "by": MARKED_BY, "status": objection["status"],
            "what": f"review_by {deadline.deadline.isoformat()} passed: overdue (DeadlineMissed)"}]
        try:
            self.store.save(marked, int(objection["version"]),
                            subject_key(SubjectType(objection["subject_type"]), str(objection["subject_id"])),
                            outbox=outbox)
        except Conflict:
            return False  # decided or marked meanwhile: that write wins
        return True
