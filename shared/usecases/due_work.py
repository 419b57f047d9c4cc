"""One mechanism for every time-triggered job: a sparse due index that processing consumes.

Work that falls due on a day is an item carrying `gsi2pk=DUE#<KIND>` and
`gsi2sk=<YYYY-MM-DD>#<uscc>#<ref>` (the state item itself where there is one, e.g. a disclosure
item; otherwise a small due item under the enterprise). A run of kind K reads
`gsi2pk = DUE#K AND gsi2sk <= <today>#\\uffff` page by page and hands each page to the job, which does
the work and CONSUMES each entry (REMOVE gsi2pk/gsi2sk, conditional on the entry being unchanged,
in the same write as the state change where there is one). Hence:

- its reads follow the items due, never the table;
- progress is saved per page (what is done is no longer due), so a run that stops before the
  Lambda's timeout resumes where it stopped on the next run;
- a rerun finds nothing more to do (idempotent), a missed run loses nothing (everything up to
  today is due), and a clock moved backwards and forwards neither loses nor doubles: an entry is
  due once its day has come, whatever happened before, and is consumed once (conditional write).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from shared.domain.outbox import BusEvent

DEFAULT_PAGE_SIZE = 100
RESERVE_MS = 15_000
"""Stop taking pages when less than this is left of the Lambda's time (a page must finish)."""

Key = dict[str, Any]


class DueIndex(Protocol):
    """The due index port (adapter: `shared.adapters.due_index.DynamoDueIndex`)."""

    def due_page(self, kind: str, through: date, start: Key | None, limit: int) -> tuple[list[dict[str, Any]],
                                                                                          Key | None, int]:
        """One page of entries due on or before `through`: (items, next start, items read)."""
        ...

    def consume(self, entry: Mapping[str, Any], outbox: Sequence[BusEvent] = ()) -> bool:
        """Remove the entry from the index if it is still the same entry, with the events its work
        announces in the same transaction (the outbox); False: already consumed or moved (nothing written)."""
        ...


def due_day(entry: Mapping[str, Any]) -> str:
    return str(entry["gsi2sk"]).split("#", 1)[0]


@dataclass
class RunReport:
    kind: str
    through: str
    due: int = 0
    done: int = 0
    pages: int = 0
    items_read: int = 0
    complete: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "through": self.through, "due": self.due, "done": self.done, "pages": self.pages,
                "items_read": self.items_read, "complete": self.complete}


def run_due(kind: str, today: date, index: DueIndex, process_page: Callable[[list[dict[str, Any]]], int], *,
            remaining_ms: Callable[[], int] | None = None, page_size: int = DEFAULT_PAGE_SIZE,
            reserve_ms: int = RESERVE_MS) -> RunReport:
    """Process every entry of `kind` due on or before `today`, a page at a time. `process_page` does the
    work of a page and consumes its entries; it returns how many it did (entries consumed meanwhile by
    another run are skipped). Stops early, `complete=False`, when the time left is short."""
    report = RunReport(kind, today.isoformat())
    start: Key | None = None
    while True:
        if remaining_ms is not None and report.pages and remaining_ms() < reserve_ms:
            report.complete = False
            return report
        items, start, read = index.due_page(kind, today, start, page_size)
        report.pages += 1
        report.items_read += read
        report.due += len(items)
        if items:
            report.done += process_page(items)
        if start is None:
            return report
