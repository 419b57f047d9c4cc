"""`case-deadlines` (daily 00:40 CST): cases past a statutory deadline are marked `overdue` and
`DeadlineMissed` goes on the bus, once per case and deadline, whatever the clock did.

Every open case with a deadline has one entry per deadline on the `CASE_DEADLINE` due index, due the
day AFTER the deadline (a case decided on its last day is in time): `gsi2sk =
<deadline+1>#<uscc>#<case_type>#<case_id>#<deadline_kind>` (`deadline_entry`). The entry is written
with the case in the same write that sets the deadline (receipt), replaced in the write that moves it
(an extension, a resumption after a suspension), and dropped in the write that decides the case. The
run reads what is due and hands each entry to the port of its `case_type`, which marks the case
`overdue` in ONE conditional write that also consumes the entry and writes its `DeadlineMissed` (the
outbox), so only the run that won that write announces it. A rerun, a missed day, or a clock moved
back and forth neither doubles nor loses a mark: the entry is due once its day has come and can be consumed once.

Extension point (certification and objection cases): implement `CaseDeadlinePort` for the case type
(`case_type`, and `mark_overdue`: load the case, check it still carries this entry and is open,
write it `overdue` without the entry with `outbox` in the same write, conditional on its version;
True when this call marked it),
write `deadline_entry(...)` on the case item (or a due item beside it) where the deadline is set,
moved or dropped, and add the port to `case_deadline_ports` of the `case_deadlines` handler. Nothing
else changes: the schedule, the index and the event are shared. An entry whose case type has no port
is left on the index (reported as `unhandled`) until one is deployed.

Restorations (`RESTORATION`, deadline `DECIDE_BY`): the entry is the application item itself, so
receipt, extension and decision carry it in the application's own versioned write
(`shared.usecases.restorations`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, cast

from shared.adapters import keys
from shared.domain.bus_events import DEADLINE_MISSED, CaseType, DeadlineMissed, detail_of
from shared.domain.clock import Clock, china_date
from shared.domain.outbox import BusEvent, announce
from shared.usecases.due_work import DueIndex, RunReport, run_due

DUE_KIND = "CASE_DEADLINE"
SCHEDULE = "case-deadlines"
INDEX_KEYS = ("gsi2pk", "gsi2sk")


@dataclass(frozen=True)
class CaseDeadline:
    case_type: str
    case_id: str
    uscc: str
    deadline_kind: str
    deadline: date

    def missed(self) -> DeadlineMissed:
        return DeadlineMissed(case_type=cast(CaseType, self.case_type), case_id=self.case_id, uscc=self.uscc,
                              deadline_kind=self.deadline_kind, deadline=self.deadline.isoformat())


def overdue_on(deadline: date) -> date:
    """The first day a case is past `deadline` (the deadline day itself is in time)."""
    return deadline + timedelta(days=1)


def deadline_entry(case_type: str, uscc: str, case_id: str, deadline_kind: str, deadline: date) -> dict[str, str]:
    """The due-index attributes of one deadline of one case (written on the case item)."""
    ref = f"{case_type}#{case_id}#{deadline_kind}"
    return {"gsi2pk": keys.due_pk(DUE_KIND), "gsi2sk": keys.due_sk(overdue_on(deadline).isoformat(), uscc, ref)}


def parse_entry(entry: Mapping[str, Any]) -> CaseDeadline:
    day, uscc, case_type, case_id, deadline_kind = str(entry["gsi2sk"]).split("#")
    return CaseDeadline(case_type, case_id, uscc, deadline_kind, date.fromisoformat(day) - timedelta(days=1))


def without_entry(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in INDEX_KEYS}


class CaseDeadlinePort(Protocol):
    """What `case-deadlines` needs from one kind of case."""

    case_type: str

    def mark_overdue(self, deadline: CaseDeadline, entry: Mapping[str, Any], now: datetime,
                     outbox: Sequence[BusEvent]) -> bool:
        """Mark the case overdue for `deadline` and consume `entry`, in one conditional write that also
        writes `outbox` (its DeadlineMissed). False when the case no longer carries this entry (decided,
        extended, or marked by another run): nothing written."""
        ...


@dataclass
class DeadlineRunReport:
    run: RunReport
    marked: int = 0
    unhandled: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {**self.run.to_dict(), "marked": self.marked, "unhandled": self.unhandled}


def run_case_deadlines(clock: Clock, index: DueIndex, ports: Mapping[str, CaseDeadlinePort],
                       remaining_ms: Callable[[], int] | None = None) -> DeadlineRunReport:
    """Every case deadline passed by today: marked overdue with its DeadlineMissed (the outbox), once."""
    now = clock.now()
    unhandled = 0

    def page(entries: list[dict[str, Any]]) -> int:
        nonlocal unhandled
        marked = 0
        for entry in entries:
            deadline = parse_entry(entry)
            port = ports.get(deadline.case_type)
            if port is None:
                unhandled += 1
                continue
            missed = announce(DEADLINE_MISSED, [detail_of(deadline.missed())])
            marked += port.mark_overdue(deadline, entry, now, missed)
        return marked

    run = run_due(DUE_KIND, china_date(now), index, page, remaining_ms=remaining_ms)
    return DeadlineRunReport(run, marked=run.done, unhandled=unhandled)
