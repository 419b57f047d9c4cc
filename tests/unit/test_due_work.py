"""The due-index run loop: pages until nothing is due, stops before the Lambda's time runs out, and
the next run resumes with what is still due (progress is the consumed entries)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.usecases.due_work import run_due


class FakeIndex:
    """Entries `<day>#<uscc>#<ref>` kept sorted; a page is the first `limit` due ones after `start`."""

    def __init__(self, days: list[str]) -> None:
        self.entries = sorted(f"{d}#U{i:03d}#R" for i, d in enumerate(days))
        self.reads = 0

    def due_page(self, kind: str, through: date, start: dict[str, Any] | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
        due = [e for e in self.entries if e <= through.isoformat() + "#\uffff"]
        after = [e for e in due if start is None or e > start["gsi2sk"]]
        page = after[:limit]
        self.reads += len(page)
        more = len(after) > limit
        return ([{"gsi2sk": e, "uscc": e.split("#")[1]} for e in page],
                {"gsi2sk": page[-1]} if more else None, len(page))

    def consume(self, entry: Mapping[str, Any]) -> bool:
        if entry["gsi2sk"] not in self.entries:
            return False
        self.entries.remove(entry["gsi2sk"])
        return True


def test_a_run_takes_everything_due_through_today_and_nothing_later() -> None:
    index = FakeIndex(["2027-01-01"] * 7 + ["2027-01-02"] * 3 + ["2027-01-03"])
    report = run_due("K", date(2027, 1, 2), index, lambda page: sum(index.consume(e) for e in page), page_size=4)
    assert (report.due, report.done, report.pages, report.complete) == (10, 10, 3, True)
    assert index.entries == ["2027-01-03#U010#R"]


def test_a_run_short_of_time_stops_between_pages_and_the_next_resumes() -> None:
    index = FakeIndex(["2027-01-01"] * 10)
    budget = iter([60_000, 1_000])  # plenty before the second page, too little before the third
    first = run_due("K", date(2027, 1, 1), index, lambda page: sum(index.consume(e) for e in page),
                    remaining_ms=lambda: next(budget), page_size=3)
    assert (first.done, first.pages, first.complete) == (6, 2, False)
    second = run_due("K", date(2027, 1, 1), index, lambda page: sum(index.consume(e) for e in page), page_size=3)
    assert (second.done, second.complete) == (4, True)
    assert index.entries == []
