"""What the objection use cases share: loading, saving a change (on the version, with a history line
that the audit table records), and the view.

An objection is one item under its enterprise: what was filed (`subject_type`, `subject_id`,
`grounds`, `evidence`), `status`, `review_by`, the officer's `decision`, what the workflow needs
(`execution_arn`, the waiting task's `task_token`), `applied_at` (the instant the correction took
effect: what the engine reads), `decision_id` (the new decision it led to), `published` and `failure`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from shared.domain.clock import china_date, iso_instant
from shared.domain.errors import Conflict, NotFound
from shared.domain.objection import ObjectionStatus, SubjectType, subject_key, uscc_of
from shared.domain.outbox import BusEvent
from shared.usecases.case_deadlines import without_entry
from shared.usecases.stores import Stores

MAX_ATTEMPTS = 5


def load(stores: Stores, objection_id: str) -> dict[str, Any]:
    item = stores.objections.get(uscc_of(objection_id), objection_id)
    if item is None:
        raise NotFound(f"no objection {objection_id}")
    return item


def key_of(item: Mapping[str, Any]) -> str:
    return subject_key(SubjectType(item["subject_type"]), str(item["subject_id"]))


def history(item: Mapping[str, Any], at: datetime, by: str, what: str) -> list[dict[str, Any]]:
    return [*item.get("history", []), {"at": iso_instant(at), "by": by, "status": item["status"], "what": what}]


def save(stores: Stores, item: Mapping[str, Any], changes: Mapping[str, Any], at: datetime, by: str,
         what: str | None, outbox: Sequence[BusEvent] = ()) -> dict[str, Any]:
    """The item with `changes`, one version and one history line more (none when `what` is None: a step
    run again storing what it stored before, e.g. a new task token), saved on its version (Conflict),
    with the events it announces (the outbox: same transaction). A decided objection leaves the
    `case-deadlines` index in the same write."""
    updated = {**item, **changes, "version": int(item["version"]) + 1}
    if updated["status"] != ObjectionStatus.UNDER_REVIEW.value:
        updated = without_entry(updated)
    if what is not None:
        updated["history"] = history(updated, at, by, what)
    stores.objections.save(updated, int(item["version"]), key_of(updated), outbox=outbox)
    return updated


def change(stores: Stores, objection_id: str, at: datetime, by: str, what: str | None,
           changes: Any, outbox: Sequence[BusEvent] = ()) -> dict[str, Any]:
    """Load, compute `changes(item)` (it may refuse), save; a lost race is tried again on the new state."""
    for _attempt in range(MAX_ATTEMPTS):
        item = load(stores, objection_id)
        try:
            return save(stores, item, changes(item), at, by, what, outbox)
        except Conflict as exc:
            if exc.extra:
                raise
            continue
    raise Conflict(f"objection {objection_id} changed {MAX_ATTEMPTS} times while this request was processed; retry")


def execution_input(item: Mapping[str, Any]) -> dict[str, str]:
    """What an objection's execution is started with: by the filing, and again by the local runtime after
    a restart lost the execution (`local/workflow_recovery.py`)."""
    return {"uscc": str(item["uscc"]), "objection_id": str(item["objection_id"])}


def is_overdue(item: Mapping[str, Any], today: date) -> bool:
    """Marked by `case-deadlines` (`shared.usecases.objection_deadlines`), or still under review after
    `review_by` before the schedule's next run."""
    return bool(item.get("overdue")) or (item["status"] == ObjectionStatus.UNDER_REVIEW.value
                                         and today > date.fromisoformat(item["review_by"]))


def view(item: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """The objection as its enterprise or an officer reads it."""
    decision = item.get("decision")
    return {
        "objection_id": item["objection_id"], "uscc": item["uscc"], "subject_type": item["subject_type"],
        "subject_id": item["subject_id"], "grounds": item["grounds"], "evidence": item.get("evidence") or [],
        "status": item["status"], "filed_at": item["filed_at"], "review_by": item["review_by"],
        "overdue": is_overdue(item, china_date(now)),
        "decision": None if not decision else {**decision, "decision_id": item.get("decision_id")},
        "execution_arn": item.get("execution_arn"), "failure": item.get("failure"),
        "redecision": item.get("redecision"),  # RESTORATION upheld: the new application and its status
        "history": item.get("history", []),
    }
