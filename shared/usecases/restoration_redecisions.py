"""A restoration result decided again (Art 39): an upheld objection against a REJECTED restoration or
upgrade application has the application reviewed again, as a NEW application through the restoration
use cases; the rejected one is kept as it was.

The new application (`redecision_of: {restoration_id, objection_id}`) repeats what was applied for
(kind, records, documents) and takes the open-application guards like any application; its id is
derived from the objection (a retried step finds it instead of making a second one). The review
(`shared.usecases.restorations.review_application`) runs at once on the facts as they stand then,
with the conditions judged as at the original receipt (`conditions_on`: the minimum period counts to
the day the enterprise applied, not to the day of the objection); its own clock (`decide_by`,
`respond_by`, on `case-deadlines`) runs from the day of the re-decision, so an application the
review sends to an officer waits for the officer's decision on the usual route. An approval ends the
records' disclosure as RESTORED or upgrades, through the evaluation, like any approval. Its own
`ReevaluationRequested` may make that tier decision before the objection's Reevaluate step does; the
step then records its Art 39 decision with the tier unchanged (both kept, neither edited)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.errors import Conflict, NotFound
from shared.domain.restoration import deadlines
from shared.domain.restoration_kinds import RestorationStatus
from shared.usecases.restoration_deadlines import with_deadline_entry
from shared.usecases.restorations import guards_of, review_application
from shared.usecases.stores import Stores


def redecision_id(uscc: str, objection_id: str, applied_at: str) -> str:
    """`RST-<uscc>-<instant the correction was applied>-<6 hex of the objection id>`: one per objection."""
    stamp = applied_at.replace("-", "").replace(":", "").replace(".", "")
    return f"RST-{uscc}-{stamp}-{hashlib.sha256(objection_id.encode()).hexdigest()[:6]}"


def open_applications_covering(restorations: list[dict[str, Any]], application: Mapping[str, Any]) -> list[str]:
    """Open applications holding a guard the re-decision of `application` needs (it could not be made)."""
    needed = set(guards_of(dict(application)))
    return sorted(r["restoration_id"] for r in restorations
                  if RestorationStatus(r["status"]).is_open and needed & set(guards_of(r)))


def _new_application(original: Mapping[str, Any], restoration_id: str, objection_id: str,
                     now: datetime) -> dict[str, Any]:
    from shared.domain.rules.registry import pack_for

    today = china_date(now)
    note = f"decided again: objection {objection_id} against {original['restoration_id']} upheld (Art 39)"
    return with_deadline_entry({
        "restoration_id": restoration_id, "uscc": original["uscc"], "kind": original["kind"],
        "event_ids": original.get("event_ids") or None, "documents": list(original.get("documents") or []),
        "status": RestorationStatus.RECEIVED.value, "reasons": [], "received_at": iso_instant(now),
        "received_on": today.isoformat(), **deadlines(today, pack_for(now)).to_dict(), "extended": None,
        "decided_at": None, "decided_by": None, "applicant": objection_id, "published": False, "version": 1,
        "redecision_of": {"restoration_id": original["restoration_id"], "objection_id": objection_id},
        "conditions_on": original["received_on"],
        "history": [{"status": RestorationStatus.RECEIVED.value, "at": iso_instant(now), "by": objection_id,
                     "note": note}],
    })


def redecide(stores: Stores, clock: Clock, objection: Mapping[str, Any]) -> dict[str, Any]:
    """Make (once) and review the new application. Returns `{restoration_id, status}`. Conflict when an open
    application holds its guards (another application on the same records, or TIER, is under way)."""
    uscc, objection_id = str(objection["uscc"]), str(objection["objection_id"])
    restoration_id = redecision_id(uscc, objection_id, str(objection["applied_at"]))
    if stores.restorations.get(uscc, restoration_id) is None:
        original = stores.restorations.get(uscc, str(objection["subject_id"]))
        if original is None:
            raise NotFound(f"no restoration application {objection['subject_id']}")
        application = _new_application(original, restoration_id, objection_id, clock.now())
        try:
            stores.restorations.create(application, guards_of(application))
        except Conflict:
            if stores.restorations.get(uscc, restoration_id) is None:  # not our own retry: a guard is held
                raise
    review_application(stores, clock, uscc, restoration_id)
    stored = stores.restorations.get(uscc, restoration_id)
    assert stored is not None
    return {"restoration_id": restoration_id, "status": stored["status"]}
