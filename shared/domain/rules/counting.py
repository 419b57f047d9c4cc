"""Which events count at an evaluation date.

- An event exists from its `decided_on`: events decided after the evaluation date do not exist yet.
- A `PENALTY_REVOKED` decided on or before the evaluation date removes the event it refers to from
  the whole history (it never counted); the record is kept as withdrawn.
- An `ARREARS_SETTLED` decided on or before the evaluation date settles the arrears it refers to
  on its `decided_on` (CHOICE-SEVERAL-SETTLEMENTS-REVOCATIONS).
- `ARREARS_SETTLED` and `PENALTY_REVOKED` are not records themselves.
- An upheld objection against a record (Art 39, `ObjectionWithdrawal`) decided on or before the
  evaluation date withdraws it as a revocation does; the objection stands in for the revocation
  (its id is the "revocation" id the correction cites).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from shared.domain.clock import china_date
from shared.domain.credit_events import CreditEventType, EventLike, EventRecord
from shared.domain.rules.facts import ObjectionWithdrawal

_SETTLED = CreditEventType.ARREARS_SETTLED
_REVOKED = CreditEventType.PENALTY_REVOKED


@dataclass(frozen=True, slots=True)
class Counted:
    day: date  # the evaluation date (CST)
    records: tuple[EventLike, ...]  # counted records, sorted by (decided_on, event_id)
    by_type: dict[CreditEventType, list[EventLike]]  # counted records by type, same order
    settled_on: dict[str, date]  # arrears event id -> date settled
    revocations: dict[str, EventLike]  # revoked event id -> the revocation (earliest, then smallest id)
    withdrawn: tuple[EventLike, ...]  # known records removed by a revocation, sorted


_key = attrgetter("decided_on", "event_id")  # (decided_on, event_id): the canonical order of records


def _as_revocations(events: Iterable[EventLike], withdrawals: Iterable[ObjectionWithdrawal]) -> list[EventLike]:
    """Each upheld objection as the revocation it amounts to (Art 39): same target, decided that day."""
    withdrawals = tuple(withdrawals)
    if not withdrawals:
        return []
    lines = {e.event_id: e.business_line for e in events}
    return [EventRecord(w.objection_id, "", _REVOKED, lines[w.event_id], china_date(w.at), refers_to=w.event_id)
            for w in withdrawals if w.event_id in lines]


def count_events(events: Iterable[EventLike], day: date, *, apply_revocations: bool = True,
                 withdrawals: Iterable[ObjectionWithdrawal] = ()) -> Counted:
    known_records: list[EventLike] = []
    settlements: list[EventLike] = []
    revocations: dict[str, EventLike] = {}
    events = tuple(events)
    for event in (*events, *_as_revocations(events, withdrawals)):
        if event.decided_on > day:
            continue
        etype = event.type
        if etype == _REVOKED:
            target = event.refers_to
            if target is not None:
                seen = revocations.get(target)
                if seen is None or _key(event) < _key(seen):
                    revocations[target] = event
        elif etype == _SETTLED:
            settlements.append(event)
        else:
            known_records.append(event)
    if not apply_revocations:
        revocations = {}
    settled_on: dict[str, date] = {}
    for settlement in settlements:
        target = settlement.refers_to
        if target is None or settlement.event_id in revocations:
            continue
        previous = settled_on.get(target)
        if previous is None or settlement.decided_on < previous:
            settled_on[target] = settlement.decided_on
    known_records.sort(key=_key)
    records: list[EventLike] = []
    withdrawn: list[EventLike] = []
    by_type: dict[CreditEventType, list[EventLike]] = {}
    for event in known_records:
        if event.event_id in revocations:
            withdrawn.append(event)
            continue
        records.append(event)
        bucket = by_type.get(event.type)
        if bucket is None:
            by_type[event.type] = [event]
        else:
            bucket.append(event)
    return Counted(day, tuple(records), by_type, settled_on, revocations, tuple(withdrawn))
