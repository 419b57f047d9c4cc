"""Report ingestion of credit events (`POST /v1/credit-events`): all-or-nothing validation, then
each event stored once by `event_id`, with one `CreditFactsRecorded` per enterprise that got new
events in the same transaction (the outbox; the evaluation function listens)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from shared.domain.bus_events import FACTS_RECORDED, CreditFactsRecorded, detail_of
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.content import content_hash
from shared.domain.credit_events.checks import check_batch
from shared.domain.credit_events.model import CreditEvent
from shared.domain.enterprise import BusinessLine, BusinessType, RegistrationData, RegistrationStatus, new_enterprise
from shared.domain.errors import Conflict, ValidationFailed
from shared.domain.model_configs import STRICT
from shared.domain.outbox import BusEvent, announce
from shared.usecases.credit_file import NewEvent
from shared.usecases.stores import Stores

MAX_ATTEMPTS = 3


class CreditEventBatch(BaseModel):
    model_config = STRICT

    events: Annotated[list[CreditEvent], Field(min_length=1, max_length=100)]


_BUSINESS_TYPE = {BusinessLine.OWN_ACCOUNT: BusinessType.CONSIGNOR_CONSIGNEE,
                  BusinessLine.BROKERAGE: BusinessType.CUSTOMS_BROKER}


def unregistered_related(uscc: str, lines: set[BusinessLine], today: date) -> RegistrationData:
    """Art 41: an enterprise agencies report on before it registers is placed under management by
    reference. Its name is unknown until the registry registers it (which keeps its credit state)."""
    return RegistrationData(
        uscc=uscc, name=f"Unregistered enterprise {uscc}", registration_status=RegistrationStatus.UNREGISTERED_RELATED,
        business_types=sorted({_BUSINESS_TYPE[line] for line in lines}), registered_on=today,
    )


def ingest_credit_events(stores: Stores, clock: Clock, batch: CreditEventBatch) -> list[dict[str, str]]:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        results = _ingest(stores, clock, batch, last_attempt=attempt == MAX_ATTEMPTS)
        if results is not None:
            return results
        # An event id or an enterprise was taken meanwhile: look again (a racing replay of the same
        # events now reads as duplicates, a racing registration as a known enterprise).
    raise AssertionError("unreachable: the last attempt raises its Conflict")  # pragma: no cover


def _ingest(stores: Stores, clock: Clock, batch: CreditEventBatch, *,
            last_attempt: bool) -> list[dict[str, str]] | None:
    """The batch's results, or None when the write lost a race (and this is not the last attempt)."""
    now = clock.now()
    today = china_date(now)
    events = batch.events
    named = {e.event_id for e in events} | {e.refers_to for e in events if e.refers_to}
    usccs = {e.uscc for e in events}
    guards, known_usccs = stores.credit.taken_event_ids(named, usccs)

    reused = [{"loc": ["body", "events", i, "event_id"],
               "msg": f"event_id {e.event_id} is already stored with other content"}
              for i, e in enumerate(events)
              if e.event_id in guards and guards[e.event_id].content_hash != content_hash(e)]
    if reused:
        raise Conflict(f"{len(reused)} event_id(s) reused with different content; nothing was stored", errors=reused)
    stored = {event_id: CreditEvent.model_validate(guard.event) for event_id, guard in guards.items()}
    problems = check_batch(events, today, stored)
    if problems:
        raise ValidationFailed(f"{len(problems)} problem(s) in the batch; nothing was stored",
                               errors=[{"loc": ["body", *p["loc"]], "msg": p["msg"]} for p in problems])

    results: list[dict[str, str]] = []
    new: list[CreditEvent] = []
    for event in events:
        if event.event_id in guards or any(n.event_id == event.event_id for n in new):
            results.append({"event_id": event.event_id, "status": "duplicate"})
        else:
            new.append(event)
            results.append({"event_id": event.event_id, "status": "created"})
    if new:
        try:
            _store(stores, new, known_usccs, now, today, _recorded(events, now))
        except Conflict:
            if last_attempt:
                raise
            return None
    return results


def _recorded(events: list[CreditEvent], now: datetime) -> tuple[BusEvent, ...]:
    """The evaluation triggers written with the new events (the outbox): one per enterprise the batch
    names, duplicates included, so a retry after a write that stored only part of a large batch
    (several transactions) re-triggers every enterprise of the batch."""
    return announce(FACTS_RECORDED, [
        detail_of(CreditFactsRecorded(uscc=uscc, event_ids=sorted({e.event_id for e in events if e.uscc == uscc}),
                            recorded_at=iso_instant(now)))
        for uscc in sorted({e.uscc for e in events})])


def _store(stores: Stores, new: list[CreditEvent], known_usccs: set[str], now: datetime, today: date,
           recorded: tuple[BusEvent, ...]) -> None:
    from shared.domain.rules import arrears_threshold_date, pack_for

    # Art 41: enterprises reported on before they register are created in the events' transaction
    # (a failed write leaves no empty enterprise behind).
    unknown = sorted({e.uscc for e in new} - known_usccs)
    placed = [new_enterprise(unregistered_related(uscc, {e.business_line for e in new if e.uscc == uscc}, today), now)
              for uscc in unknown]
    pack = pack_for(now)
    stores.credit.add_events([NewEvent(event, arrears_threshold_date(event, pack)) for event in new],
                             iso_instant(now), placed, recorded)
