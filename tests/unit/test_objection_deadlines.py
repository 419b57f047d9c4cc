"""Objections on `case-deadlines` (shared.usecases.objection_deadlines) on in-memory stores: filed with
their REVIEW_BY entry (due the day after `review_by`), marked `overdue` with `DeadlineMissed` once under
any sequence of runs, off the index once decided, and an overdue objection can still be decided."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from functions.case_deadlines.handler import case_deadline_ports
from shared.domain.clock import CHINA_TZ, FixedClock
from shared.domain.objection import ObjectionStatus, SubjectType
from shared.usecases.case_deadlines import run_case_deadlines
from shared.usecases.objection_deadlines import ObjectionDeadlines
from tests.support.memory_stores import Memory, memory_stores
from tests.unit.rules.builders import USCC
from tests.unit.test_objections import FILED, _decide_and_run, _discredited, _file, _run_to_review

REVIEW_BY = date(2026, 12, 10)  # filed 2026-11-20 (CST) + 20 calendar days


class ObjectionIndex:
    """The due index over the stored objections (what gsi2 is over the table)."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def due_page(self, kind: str, through: date, start: Any, limit: int) -> tuple[list[dict[str, Any]], None, int]:
        last = through.isoformat() + "#\uffff"
        due = sorted((dict(o) for o in self.memory.objection.objections.values()
                      if o.get("gsi2pk") == f"DUE#{kind}" and o["gsi2sk"] <= last), key=lambda o: o["gsi2sk"])
        return due, None, len(due)

    def consume(self, entry: Any) -> bool:  # pragma: no cover - the port consumes in the objection's write
        raise AssertionError("the objection port consumes the entry in the objection's write")


def run(memory: Memory, day: date) -> dict[str, Any]:
    stores = memory_stores(memory)
    now = datetime.combine(day, time(0, 40), CHINA_TZ).astimezone(UTC)
    ports = {"OBJECTION": ObjectionDeadlines(stores.objections)}
    return run_case_deadlines(FixedClock(now), ObjectionIndex(memory), ports).to_dict()


def missed(memory: Memory) -> list[dict[str, Any]]:
    return [d for t, d in memory.published if t == "DeadlineMissed"]


def under_review() -> tuple[Memory, str]:
    memory = Memory()
    event_id, _ = _discredited(memory)
    objection_id = str(_file(memory, SubjectType.EVENT, event_id)["objection_id"])
    _run_to_review(memory, objection_id)
    return memory, objection_id


def test_the_handler_plugs_objections_into_case_deadlines() -> None:
    assert isinstance(case_deadline_ports(memory_stores(Memory()))["OBJECTION"], ObjectionDeadlines)


@pytest.mark.pins("CHOICE-OBJECTION-OVERDUE")
def test_filing_puts_the_objection_on_the_index_the_day_after_review_by() -> None:
    memory, objection_id = under_review()
    stored = memory.objection.objections[objection_id]
    assert (stored["gsi2pk"], stored["gsi2sk"]) == (
        "DUE#CASE_DEADLINE", f"2026-12-11#{USCC}#OBJECTION#{objection_id}#REVIEW_BY")
    assert run(memory, REVIEW_BY)["due"] == 0  # reviewed on its last day is in time


@pytest.mark.pins("CHOICE-OBJECTION-OVERDUE")
def test_past_review_by_it_is_marked_overdue_once_and_can_still_be_decided() -> None:
    memory, objection_id = under_review()
    report = run(memory, REVIEW_BY + timedelta(days=1))
    assert (report["due"], report["marked"]) == (1, 1)
    assert missed(memory) == [{"schema_version": 1, "case_type": "OBJECTION", "case_id": objection_id, "uscc": USCC,
                               "deadline_kind": "REVIEW_BY", "deadline": "2026-12-10"}]
    stored = memory.objection.objections[objection_id]
    assert (stored["status"], stored["overdue"], "gsi2sk" in stored) == ("UNDER_REVIEW", True, False)
    assert stored["history"][-1]["by"] == "case-deadlines"
    assert memory.objection.audit[-1] == {"objection_id": objection_id, "version": stored["version"],
                                          "status": "UNDER_REVIEW"}  # the mark is an audited write
    assert run(memory, REVIEW_BY + timedelta(days=5))["due"] == 0
    # the officer decides late: the decision stands, the delay stays on record
    _decide_and_run(memory, objection_id, ObjectionStatus.DISMISSED, FILED + timedelta(days=30))
    view = memory.objection.objections[objection_id]
    assert (view["status"], view["overdue"], [m["deadline"] for m in view["deadlines_missed"]]) == (
        "DISMISSED", True, ["2026-12-10"])
    assert len(missed(memory)) == 1


def test_a_decision_before_the_deadline_takes_it_off_the_index() -> None:
    memory, objection_id = under_review()
    _decide_and_run(memory, objection_id, ObjectionStatus.DISMISSED, FILED + timedelta(days=2))
    assert "gsi2sk" not in memory.objection.objections[objection_id]
    assert run(memory, REVIEW_BY + timedelta(days=1))["due"] == 0
    assert missed(memory) == []


def test_an_entry_the_objection_no_longer_carries_is_not_marked() -> None:
    memory, objection_id = under_review()
    stale = {**memory.objection.objections[objection_id], "gsi2sk": f"2026-12-01#{USCC}#OBJECTION#{objection_id}#X"}
    port = ObjectionDeadlines(memory_stores(memory).objections)
    from shared.usecases.case_deadlines import parse_entry

    assert port.mark_overdue(parse_entry(stale), stale, FILED + timedelta(days=30), ()) is False
    assert not memory.objection.objections[objection_id].get("overdue")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(days=st.lists(st.integers(-10, 40), min_size=1, max_size=6))
def test_any_sequence_of_runs_marks_and_announces_once(days: list[int]) -> None:
    memory, objection_id = under_review()
    for offset in days:
        run(memory, REVIEW_BY + timedelta(days=offset))
    stored = memory.objection.objections[objection_id]
    late = max(days) >= 1
    assert len(missed(memory)) == (1 if late else 0)
    assert bool(stored.get("overdue")) is late
    assert ("gsi2sk" in stored) is not late
