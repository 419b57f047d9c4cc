"""`case-deadlines` (shared.usecases.case_deadlines) on in-memory stores: the due day is the day after
the deadline, and a case is marked and announced once per deadline under any sequence of runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.clock import CHINA_TZ, FixedClock
from shared.domain.restoration_requests import OfficerDecision
from shared.usecases import restorations as uc
from shared.usecases.case_deadlines import (
    CaseDeadline,
    deadline_entry,
    overdue_on,
    parse_entry,
    run_case_deadlines,
)
from shared.usecases.restoration_deadlines import RestorationDeadlines
from shared.usecases.stores import Stores
from tests.support.memory_stores import Memory
from tests.unit.rules.builders import OTHER_USCC as USCC
from tests.unit.test_restoration_usecases import seeded

RECEIVED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)  # Friday; decide_by Wednesday 2026-11-25
COURT = [{"type": "COURT_RESTRUCTURING_ORDER", "reference": "o"}, {"type": "COMMITMENT_LETTER", "reference": "l"}]


class StoreIndex:
    """The due index over the stored applications (what gsi2 is over the table)."""

    def __init__(self, memory: Memory, extra: Sequence[dict[str, Any]] = ()) -> None:
        self.memory = memory
        self.extra = extra

    def due_page(self, kind: str, through: date, start: Any, limit: int) -> tuple[list[dict[str, Any]], None, int]:
        last = through.isoformat() + "#\uffff"
        items = [*(a for apps in self.memory.restorations.values() for a in apps.values()), *self.extra]
        due = sorted((dict(i) for i in items if i.get("gsi2pk") == f"DUE#{kind}" and i["gsi2sk"] <= last),
                     key=lambda i: i["gsi2sk"])
        return due, None, len(due)

    def consume(self, entry: Any) -> bool:  # pragma: no cover - restorations consume in their own write
        raise AssertionError("the restoration port consumes the entry in the application's write")


def at_cst(day: date, hour: int = 0, minute: int = 40) -> datetime:
    return datetime.combine(day, time(hour, minute), CHINA_TZ).astimezone(UTC)


def waiting() -> tuple[Stores, Memory, str]:
    from shared.domain.restoration_requests import RestorationApplication

    stores, memory = seeded()
    clock = FixedClock(RECEIVED)
    application = RestorationApplication(uscc=USCC, kind="DISCLOSURE", event_ids=["B-1"], documents=COURT)
    restoration_id: str = uc.receive_application(stores, clock, application, "erp")["restoration_id"]
    uc.review_application(stores, clock, USCC, restoration_id)
    assert memory.restorations[USCC][restoration_id]["status"] == "NEEDS_OFFICER"
    return stores, memory, restoration_id


def run(stores: Stores, memory: Memory, day: date, extra: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    ports = {"RESTORATION": RestorationDeadlines(stores.restorations)}
    return run_case_deadlines(FixedClock(at_cst(day)), StoreIndex(memory, extra), ports).to_dict()


def missed(memory: Memory) -> list[dict[str, Any]]:
    return [d for t, d in memory.published if t == "DeadlineMissed"]


def test_the_due_day_is_the_day_after_the_deadline_and_the_entry_reads_back() -> None:
    assert overdue_on(date(2026, 12, 31)) == date(2027, 1, 1)
    assert overdue_on(date(2028, 2, 28)) == date(2028, 2, 29)
    entry = deadline_entry("CERTIFICATION", USCC, "CERT-1", "DECIDE_BY", date(2027, 2, 28))
    assert entry == {"gsi2pk": "DUE#CASE_DEADLINE", "gsi2sk": f"2027-03-01#{USCC}#CERTIFICATION#CERT-1#DECIDE_BY"}
    assert parse_entry(entry) == CaseDeadline("CERTIFICATION", "CERT-1", USCC, "DECIDE_BY", date(2027, 2, 28))


def test_receipt_puts_the_application_on_the_index_and_a_decision_takes_it_off() -> None:
    stores, memory, restoration_id = waiting()
    assert memory.restorations[USCC][restoration_id]["gsi2sk"].startswith(
        f"2026-11-26#{USCC}#RESTORATION#{restoration_id}#")
    uc.decide_as_officer(stores, FixedClock(RECEIVED), restoration_id,
                         OfficerDecision(outcome="REJECTED", reasons=[{"detail": "no"}]), "officer")
    assert "gsi2sk" not in memory.restorations[USCC][restoration_id]
    assert run(stores, memory, date(2026, 12, 1))["due"] == 0


def test_a_case_type_without_a_port_stays_due() -> None:
    stores, memory, _ = waiting()
    objection = [deadline_entry("OBJECTION", USCC, "OBJ-1", "REVIEW_BY", date(2026, 11, 20))]
    report = run(stores, memory, date(2026, 11, 22), objection)
    assert (report["due"], report["marked"], report["unhandled"]) == (1, 0, 1)
    assert run(stores, memory, date(2026, 11, 23), objection)["unhandled"] == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=st.lists(st.integers(-10, 40), min_size=1, max_size=8))
def test_any_sequence_of_runs_marks_and_announces_once(days: list[int]) -> None:
    stores, memory, restoration_id = waiting()
    decide_by = date(2026, 11, 25)
    for offset in days:
        run(stores, memory, decide_by + timedelta(days=offset))
    stored = memory.restorations[USCC][restoration_id]
    if max(days) >= 1:  # some run came after decide_by
        assert missed(memory) == [{"schema_version": 1, "case_type": "RESTORATION", "case_id": restoration_id,
                                   "uscc": USCC, "deadline_kind": "DECIDE_BY", "deadline": "2026-11-25"}]
        assert stored["overdue"] is True
        assert "gsi2sk" not in stored
        assert [m["deadline"] for m in stored["deadlines_missed"]] == ["2026-11-25"]
    else:
        assert missed(memory) == []
        assert not stored.get("overdue")
        assert "gsi2sk" in stored
