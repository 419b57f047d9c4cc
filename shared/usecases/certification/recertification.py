"""`recertification-due` (daily 01:00 CST): opens the re-certification cases that are due (Arts 22-23).

Reads follow the enterprises due, never the table. Every ACE or CE enterprise keeps one due item
under it (`sk=DUE#RECERTIFICATION`) on the `RECERTIFICATION` due index at its next check day: the
next ACE opening day (90 days before a 5-year anniversary of `certified_on`) or the next CE
assessment day (a yearly anniversary). The evaluation writes it, in its commit, when the tier becomes
ACE/CE or the anchor changes (`planned_due_item`, hooked into `evaluation_extras`), and takes it off
the index when the tier leaves ACE/CE; `certified_on` is the CST day of the approval (INITIAL case,
applied) that granted the tier held, and a passed re-certification does not move it.

A run hands each due item to `settle`: it loads the enterprise's file, asks the domain
(`shared.domain.certification.recertification.due_recertification`) for the latest cycle due on the
run's day and not yet opened, opens it (case `RECERT-<uscc>-<cycle>`, RECEIVED, on the route the
domain chose; execution `recert-<uscc>-<cycle>`), then moves the item to the next check day in a
write conditional on the item being unchanged (`RecertificationIndex.reschedule`). A rerun finds the
cycle opened (or the item moved) and does nothing; a missed run opens the latest cycle on the next;
a clock set back finds nothing due. A case written whose execution did not start (a crash between
the two) is started by the next run that sees it RECEIVED (the start is idempotent by name).

Defaults (the rules are silent; CHOICE-RECERTIFICATION-* in the pack's choices): the case is received
on the day the run opens it (the Art 20 clock starts then, also when the run is late); while the
enterprise has another open case (e.g. a CE enterprise's application for ACE), the item stays due and
is retried every run, the cycle opening once that case closes; the assessment counts records by their
decision day and leaves out records withdrawn (revoked, or by an upheld objection); missed annual
reports are counted from the filed reports as `annual-report-overdue` counts them (not filed, or filed
after the window), so the result does not depend on that schedule having run first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from shared.domain.certification import case as cases
from shared.domain.certification.case import CaseKind, CaseStatus
from shared.domain.certification.recertification import (
    DueRecertification,
    RecordFact,
    ReportFacts,
    due_recertification,
    next_check_on,
)
from shared.domain.clock import Clock, china_date
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.domain.rules.registry import pack_for
from shared.domain.tiers import Tier
from shared.usecases.certification.common import execution_input, new_case_item
from shared.usecases.certification.recertification_plan import DUE_KIND as DUE_KIND
from shared.usecases.certification.recertification_plan import DUE_SK as DUE_SK
from shared.usecases.certification.recertification_plan import certified_on
from shared.usecases.credit_file import EnterpriseItems
from shared.usecases.due_work import RunReport, run_due
from shared.usecases.stores import Stores

SCHEDULE = "recertification-due"
BY = f"schedule:{SCHEDULE}"
REPORT_YEARS_LOOKED_AT = 6  # an ACE cycle spans 5 years: every report overdue within it is of these years


class RecertificationIndex(Protocol):
    """The RECERTIFICATION due index (adapter: `shared.adapters.recertification_due`)."""

    def due_page(self, kind: str, through: date, start: dict[str, Any] | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]: ...

    def consume(self, entry: Mapping[str, Any], outbox: Sequence[BusEvent] = ()) -> bool: ...

    def reschedule(self, entry: Mapping[str, Any], check_on: date) -> bool:
        """Move the entry to `check_on` if it is still the same entry; False: moved or consumed meanwhile."""
        ...


def _records(items: EnterpriseItems, now: datetime) -> list[RecordFact]:
    from shared.domain.rules import evaluate
    from shared.usecases.evaluation import facts_from

    decided_on = {e["event_id"]: date.fromisoformat(str(e["decided_on"])) for e in items.events
                  if e.get("decided_on")}
    return [RecordFact(r.severity, decided_on[r.event_id]) for r in evaluate(facts_from(items), now).records
            if r.severity is not None and r.withdrawn_on is None and r.event_id in decided_on]


def _reports(stores: Stores, uscc: str, registered_on: date, today: date) -> ReportFacts:
    years = range(today.year - REPORT_YEARS_LOOKED_AT, today.year)
    filed = {y: day for y in years if (day := stores.annual_reports.filed_on(uscc, y)) is not None}
    return ReportFacts(registered_on, filed)


def _start_pending(stores: Stores, open_cases: Iterable[Mapping[str, Any]]) -> None:
    """Start the execution of a re-certification case stored RECEIVED whose start may have been lost."""
    for item in open_cases:
        if item.get("kind") == CaseKind.RECERTIFICATION.value and item["status"] == CaseStatus.RECEIVED.value:
            stores.workflows.start(str(item["execution_name"]), execution_input(item))


def open_recertification(stores: Stores, now: datetime, uscc: str, due: DueRecertification) -> dict[str, Any] | None:
    """Store the case and start its execution; None when another run opened it first."""
    rules = pack_for(now).certification
    case = cases.open_case(f"RECERT-{uscc}-{due.cycle}", uscc, CaseKind.RECERTIFICATION, due.route, due.tier,
                           china_date(now), rules)
    triggers = [t.value for t in due.triggers]
    item = new_case_item(stores, case, now, BY, f"re-certification opened ({', '.join(triggers)})",
                         cycle=due.cycle, triggers=triggers, cycle_start=due.cycle_start.isoformat(),
                         due_on=due.opens_on.isoformat())
    try:
        stores.certifications.create_case(item)
    except Conflict:
        return None
    stores.workflows.start(item["execution_name"], execution_input(item))
    return item


def settle(stores: Stores, index: RecertificationIndex, entry: Mapping[str, Any], now: datetime) -> bool:
    """One due enterprise: open its cycle if one is due, then move its entry on. True when a case opened."""
    today, uscc = china_date(now), str(entry["uscc"])
    items = stores.credit.load(uscc)
    current = next((d for d in items.due if d["sk"] == DUE_SK), None)
    if items.profile is None or current is None or current.get("gsi2sk") != entry["gsi2sk"]:
        return False  # moved by another run or rewritten by an evaluation meanwhile
    tier = Tier(items.profile["tier"])
    anchor = certified_on(items.certifications, tier) if tier.is_aeo else None
    if anchor is None or anchor.isoformat() != current.get("certified_on"):
        index.consume(entry)  # stale: the evaluation that changed the tier keeps the item in step
        return False
    open_cases = [c for c in items.certifications if CaseStatus(c["status"]).is_open]
    _start_pending(stores, open_cases)
    pack = pack_for(now)
    registered_on = date.fromisoformat(str(items.profile["registered_on"]))
    due = due_recertification(
        tier=tier, certified_on=anchor, records=_records(items, now),
        reports=_reports(stores, uscc, registered_on, today),
        opened_cycles={str(c["cycle"]) for c in items.certifications if c.get("cycle")}, has_open_case=False,
        today=today, rules=pack.certification, report_rules=pack.annual_report)
    if due is not None and open_cases:
        return False  # another case is open: stays due, retried by the next run
    opened = due is not None and open_recertification(stores, now, uscc, due) is not None
    check_on = next_check_on(tier, anchor, today, pack.certification)
    assert check_on is not None
    index.reschedule(entry, check_on)
    return opened


def run_recertification_due(stores: Stores, clock: Clock, index: RecertificationIndex,
                            remaining_ms: Callable[[], int] | None = None) -> RunReport:
    """Every enterprise whose check day has come: its due cycle opened, its entry moved on. `done` counts
    the cases opened."""
    now = clock.now()

    def page(entries: list[dict[str, Any]]) -> int:
        return sum(settle(stores, index, e, now) for e in entries)

    return run_due(DUE_KIND, china_date(now), index, page, remaining_ms=remaining_ms)
