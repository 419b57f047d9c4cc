"""`disclosure-expiry` (daily 00:10 CST): ends disclosures whose maximum period has passed.

Every PUBLISHED disclosure with an automatic end is on the `DISCLOSURE_EXPIRY` due index at the
first day it is no longer shown (the day after `published_until`). A run takes the entries due up
to today page by page; each becomes EXPIRED (`ended_on` = that day) in ONE conditional write that
also consumes the entry and writes its `DisclosureEnded(reason=EXPIRED)` event (the outbox), so it
ends once, and is announced once, whatever the runs and the clock do. Reads: the due entries only
(the index projects the whole item), never the table. The feed does not depend on this run: the
window is enforced when read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.disclosure_feed import PUBLISHED
from shared.domain.outbox import BusEvent
from shared.usecases.disclosure_sync import DUE_KIND, ended_event
from shared.usecases.due_work import DueIndex, RunReport, due_day, run_due


class ExpiryStore(Protocol):
    def expire(self, entry: dict[str, Any], ended_on: str, at: str,
               outbox: Sequence[BusEvent]) -> bool: ...  # False: already ended or no longer due


def run_disclosure_expiry(clock: Clock, index: DueIndex, store: ExpiryStore,
                          remaining_ms: Callable[[], int] | None = None) -> RunReport:
    at = iso_instant(clock.now())

    def page(entries: list[dict[str, Any]]) -> int:
        ended = 0
        for entry in entries:
            ended_on = due_day(entry)
            if entry.get("status") != PUBLISHED:  # ended meanwhile (restored, withdrawn): just consume
                index.consume(entry)
                continue
            detail_type, detail = ended_event({**entry, "status": "EXPIRED", "ended_on": ended_on}, at)
            ended += store.expire(entry, ended_on, at, [BusEvent(detail_type, detail)])
        return ended

    return run_due(DUE_KIND, china_date(clock.now()), index, page, remaining_ms=remaining_ms)
