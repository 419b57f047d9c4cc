"""Restoration and upgrade applications (Arts 29-30, 36-40): receipt, asynchronous review, officer
decision and extension, reads.

Receipt stores the application `RECEIVED` with its clock and its open-application guards in one
transaction and puts `RestorationReceived` on the bus; the `restoration_review` function reviews it
(`shared.domain.restoration.review`) on the facts at that instant. A final decision (APPROVED /
REJECTED, by the review or an officer) is one transaction: the application's new state (conditional
on its `version`, so a re-delivered review changes nothing), its guards released, an audit entry.
After the commit `RestorationDecided` goes on the bus and, for an approval, `ReevaluationRequested`:
the evaluation (through the bus, with its own retries) loads the approved applications as engine
facts, so the records' disclosures end as RESTORED and an upgrade becomes a decision to REGULAR.
The application item remembers that its events were published (`published`), so a retry after a
failed publish publishes them then. History is kept: `history` lists every status with its instant
and actor, and nothing is deleted but the guards."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from shared.domain.bus_events import (
    REEVALUATION_REQUESTED,
    RESTORATION_DECIDED,
    RESTORATION_RECEIVED,
    DecisionOutcome,
    ReevaluationRequested,
    RestorationDecided,
    RestorationReceived,
    detail_of,
)
from shared.domain.bus_events import Reason as DecisionReason
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.errors import Conflict, NotFound, ValidationFailed
from shared.domain.outbox import BusEvent, announce
from shared.domain.restoration import deadlines, review
from shared.domain.restoration_kinds import Reason, RestorationKind, RestorationStatus, StoredDocument
from shared.usecases.case_deadlines import without_entry
from shared.usecases.restoration_deadlines import with_deadline_entry
from shared.usecases.stores import Stores

if TYPE_CHECKING:  # the request bodies (pydantic): the review function never loads them
    from shared.domain.restoration_requests import Extension, OfficerDecision, RestorationApplication

MAX_ATTEMPTS = 5
REVIEWER = "restoration_review"
_EXTENSION_FIELDS = ("reason", "working_days", "at", "by")
_ID = re.compile(r"^RST-([0-9A-Z]{18})-(\d{8}T\d{9}Z)-([0-9a-f]{6})$")


def _pack(instant: datetime) -> Any:
    from shared.domain.rules.registry import pack_for

    return pack_for(instant)


def new_restoration_id(uscc: str, now: datetime) -> str:
    stamp = iso_instant(now).replace("-", "").replace(":", "").replace(".", "")  # 20261120T020000000Z
    return f"RST-{uscc}-{stamp}-{secrets.token_hex(3)}"


def uscc_of(restoration_id: str) -> str:
    match = _ID.match(restoration_id)
    if match is None:
        raise NotFound(f"no restoration application {restoration_id}")
    return match.group(1)


def guards_of(application: dict[str, Any]) -> list[str]:
    if application["kind"] == RestorationKind.TIER.value:
        return ["TIER"]
    return [f"EVT#{e}" for e in application.get("event_ids") or ()]


def _history(application: dict[str, Any], status: str, at: datetime, by: str, note: str | None = None
             ) -> list[dict[str, Any]]:
    entry = {"status": status, "at": iso_instant(at), "by": by}
    if note:
        entry["note"] = note
    return [*application.get("history", []), entry]


# ---------------------------------------------------------------------------------------------
# Receipt
# ---------------------------------------------------------------------------------------------

def receive_application(stores: Stores, clock: Clock, application: RestorationApplication,
                        applicant: str) -> dict[str, Any]:
    """Validate against stored data, store `RECEIVED` with its clock, put `RestorationReceived` on the bus."""
    uscc = application.uscc
    if stores.enterprises.get(uscc) is None:
        raise ValidationFailed(f"enterprise {uscc} is not registered",
                               errors=[{"loc": ["body", "uscc"], "msg": "no enterprise with this uscc"}])
    event_ids = list(application.event_ids or ())
    if event_ids:
        known = stores.restorations.records_of(uscc, event_ids)
        unknown = [e for e in event_ids if e not in known]
        if unknown:
            raise ValidationFailed(
                f"not events of enterprise {uscc}: {', '.join(unknown)}",
                errors=[{"loc": ["body", "event_ids", i], "msg": f"{e} is unknown or an event of another enterprise"}
                        for i, e in enumerate(event_ids) if e not in known])
    now = clock.now()
    received_on = china_date(now)
    clock_dates = deadlines(received_on, _pack(now))
    item: dict[str, Any] = {
        "restoration_id": new_restoration_id(uscc, now), "uscc": uscc, "kind": application.kind.value,
        "event_ids": event_ids or None, "documents": [d.model_dump(mode="json") for d in application.documents],
        "status": RestorationStatus.RECEIVED.value, "reasons": [], "received_at": iso_instant(now),
        "received_on": received_on.isoformat(), **clock_dates.to_dict(), "extended": None, "decided_at": None,
        "decided_by": None, "applicant": applicant, "published": False, "version": 1,
        "history": [{"status": RestorationStatus.RECEIVED.value, "at": iso_instant(now), "by": applicant}],
    }
    item = with_deadline_entry(item)  # on the case-deadlines index until decided
    # The review's trigger is written with the application: a stored RECEIVED application is always reviewed.
    received = RestorationReceived(uscc=uscc, restoration_id=item["restoration_id"], kind=application.kind.value,
                                   received_at=item["received_at"])
    stores.restorations.create(item, guards_of(item), outbox=announce(RESTORATION_RECEIVED, [detail_of(received)]))
    return {k: item[k] for k in ("restoration_id", "status", "received_at", "decide_by", "respond_by")}


# ---------------------------------------------------------------------------------------------
# Review and decisions
# ---------------------------------------------------------------------------------------------

def _review(stores: Stores, application: dict[str, Any], now: datetime, *, officer_approval: bool = False) -> Any:
    from shared.usecases.evaluation import facts_from  # the engine: only reviews pay its import

    items = stores.credit.load(application["uscc"])
    if items.profile is None:
        raise NotFound(f"no enterprise with uscc {application['uscc']}")
    return review(_pack(now), facts_from(items), RestorationKind(application["kind"]),
                  application.get("event_ids") or (), [StoredDocument.of(d) for d in application.get("documents", [])],
                  date.fromisoformat(application.get("conditions_on") or application["received_on"]), now,
                  officer_approval=officer_approval)  # `conditions_on`: a re-decision (Art 39) is judged as filed


def _decided(application: dict[str, Any], status: RestorationStatus, reasons: Sequence[Reason], now: datetime,
             by: str) -> dict[str, Any]:
    final = not status.is_open
    kept = without_entry(application) if final else application  # decided: off the case-deadlines index
    return {**kept, "status": status.value, "reasons": [r.to_dict() for r in reasons],
            "decided_at": iso_instant(now) if final else None, "decided_by": by if final else None,
            "published": final,  # a final decision's events are written with it (`_commit`)
            "version": application["version"] + 1, "history": _history(application, status.value, now, by)}


def _commit(stores: Stores, previous: dict[str, Any], decided: dict[str, Any]) -> None:
    final = not RestorationStatus(decided["status"]).is_open
    last = decided["history"][-1]
    audit = {"pk": f"ENT#{decided['uscc']}", "sk": f"{last['at']}#{decided['restoration_id']}#{decided['status']}",
             "action": RESTORATION_DECIDED if final else "RestorationNeedsOfficer",
             "actor": last["by"], "restoration_id": decided["restoration_id"],
             "status": decided["status"], "kind": decided["kind"]}
    stores.restorations.save(decided, previous["version"], release=guards_of(decided) if final else (), audit=audit,
                             outbox=decision_events(decided) if final else ())


def decision_events(application: dict[str, Any]) -> tuple[BusEvent, ...]:
    """What a final decision announces, written with it: an approval's re-evaluation, then the decision."""
    status = RestorationStatus(application["status"])
    uscc = application["uscc"]
    events: list[BusEvent] = []
    if status is RestorationStatus.APPROVED:
        events += announce(REEVALUATION_REQUESTED, [detail_of(ReevaluationRequested(
            uscc=uscc, reason=f"restoration {application['restoration_id']} approved",
            due_on=application["decided_at"][:10]))])
    events += announce(RESTORATION_DECIDED, [detail_of(RestorationDecided(
        uscc=uscc, restoration_id=application["restoration_id"], kind=application["kind"],
        status=cast(DecisionOutcome, status.value), event_ids=application.get("event_ids") or [],
        reasons=[DecisionReason(**r) for r in application.get("reasons", [])], decided_at=application["decided_at"],
        decided_by=application["decided_by"]))])
    return tuple(events)


def review_application(stores: Stores, clock: Clock, uscc: str, restoration_id: str) -> dict[str, Any]:
    """The asynchronous review. Idempotent: an application no longer RECEIVED is not reviewed again
    (its decision's events were written with the decision)."""
    for _attempt in range(MAX_ATTEMPTS):
        application = stores.restorations.get(uscc, restoration_id)
        if application is None:
            return {"restoration_id": restoration_id, "reviewed": False, "reason": "unknown application"}
        if application["status"] != RestorationStatus.RECEIVED.value:
            return {"restoration_id": restoration_id, "reviewed": False, "status": application["status"]}
        now = clock.now()
        result = _review(stores, application, now)
        decided = _decided(application, result.status, result.reasons, now, REVIEWER)
        try:
            _commit(stores, application, decided)
        except Conflict:
            continue  # an officer or another delivery moved it first: look again
        return {"restoration_id": restoration_id, "reviewed": True, "status": decided["status"],
                "reasons": [r["rule_id"] for r in decided["reasons"]]}
    raise Conflict(f"review of {restoration_id} lost {MAX_ATTEMPTS} races in a row; the event will be retried")


def _load(stores: Stores, restoration_id: str) -> dict[str, Any]:
    application = stores.restorations.get(uscc_of(restoration_id), restoration_id)
    if application is None:
        raise NotFound(f"no restoration application {restoration_id}")
    return application


def decide_as_officer(stores: Stores, clock: Clock, restoration_id: str, decision: OfficerDecision,
                      officer: str) -> dict[str, Any]:
    application = _load(stores, restoration_id)
    if application["status"] != RestorationStatus.NEEDS_OFFICER.value:
        raise Conflict(f"application {restoration_id} is {application['status']}; an officer decides only while "
                       f"it is NEEDS_OFFICER")
    now = clock.now()
    reasons = [Reason(**r.model_dump()) for r in decision.reasons]
    if decision.outcome == "APPROVED":
        recheck = _review(stores, application, now, officer_approval=True)
        if recheck.status is RestorationStatus.REJECTED:
            raise Conflict("the application cannot be approved now: a condition refuses it",
                           extra={"reasons": [r.to_dict() for r in recheck.reasons]})
    decided = _decided(application, RestorationStatus(decision.outcome), reasons, now, officer)
    _commit(stores, application, decided)
    return restoration_view(decided, now)


def extend(stores: Stores, clock: Clock, restoration_id: str, extension: Extension, officer: str) -> dict[str, Any]:
    """Once, while open and on or before `decide_by`: both deadlines move by the extension's working days."""
    application = _load(stores, restoration_id)
    now = clock.now()
    if not RestorationStatus(application["status"]).is_open:
        raise Conflict(f"application {restoration_id} is already {application['status']}")
    if application.get("extended"):
        raise Conflict(f"application {restoration_id} was already extended (an extension is granted once)")
    if china_date(now) > date.fromisoformat(application["decide_by"]):
        raise Conflict(f"decide_by {application['decide_by']} has passed; an extension is granted before it")
    moved = deadlines(date.fromisoformat(application["received_on"]), _pack(now), extension.working_days)
    extended = {**application, **moved.to_dict(), "version": application["version"] + 1,  # entry moved below
                "extended": {"reason": extension.reason, "working_days": extension.working_days,
                             "at": iso_instant(now), "by": officer},
                "history": _history(application, application["status"], now, officer,
                                    f"extended by {extension.working_days} working days: {extension.reason}")}
    extended = with_deadline_entry(extended)
    stores.restorations.save(extended, application["version"])
    return restoration_view(extended, now)


# ---------------------------------------------------------------------------------------------
# Reads
# ---------------------------------------------------------------------------------------------

def restoration_view(application: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The application as its enterprise or an officer reads it. A provisional clock (a year whose
    holiday schedule was unknown at receipt) is recomputed with what the calendar knows now."""
    decide_by, respond_by = application["decide_by"], application["respond_by"]
    provisional = bool(application.get("deadlines_provisional"))
    if provisional:
        extension = (application.get("extended") or {}).get("working_days", 0)
        again = deadlines(date.fromisoformat(application["received_on"]), _pack(now), extension)
        decide_by, respond_by = again.decide_by.isoformat(), again.respond_by.isoformat()
        provisional = again.provisional
    extended = application.get("extended")
    return {
        "restoration_id": application["restoration_id"], "uscc": application["uscc"], "kind": application["kind"],
        "event_ids": application.get("event_ids") or [], "documents": application.get("documents", []),
        "status": application["status"], "reasons": application.get("reasons", []),
        "received_at": application["received_at"], "decide_by": decide_by, "respond_by": respond_by,
        "clock": {"received_at": application["received_at"], "received_on": application["received_on"],
                  "decide_by": decide_by, "respond_by": respond_by, "provisional": provisional,
                  "extended": None if not extended else {k: extended[k] for k in _EXTENSION_FIELDS}},
        "decided_at": application.get("decided_at"), "decided_by": application.get("decided_by"),
        "overdue": bool(application.get("overdue")), "history": application.get("history", []),
        "redecision_of": application.get("redecision_of"),  # {restoration_id, objection_id} (Art 39)
    }


def get_restoration(stores: Stores, clock: Clock, restoration_id: str) -> dict[str, Any]:
    return restoration_view(_load(stores, restoration_id), clock.now())


def restorations_page(stores: Stores, clock: Clock, uscc: str, limit: int, start: dict[str, Any] | None,
                      ) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    items, last = stores.restorations.page(uscc, limit, start)
    if not items and start is None and stores.enterprises.get(uscc) is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    now = clock.now()
    return [restoration_view(i, now) for i in items], last
