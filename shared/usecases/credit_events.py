"""Report ingestion of credit events (`POST /v1/credit-events`): all-or-nothing validation, then
each event stored once by `event_id`, then one `CreditFactsRecorded` per enterprise on the bus
(the evaluation function listens)."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shared.adapters import keys
from shared.adapters.bus import publish
from shared.adapters.credit_store import batch_get, put_new, transact
from shared.adapters.enterprises import EnterpriseAlreadyExists, EnterpriseRepository
from shared.adapters.settings import settings
from shared.domain.bus_events import FACTS_RECORDED, CreditFactsRecorded
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.credit_events import (
    BusinessLine,
    CreditEvent,
    canonical_content,
    check_batch,
    content_hash,
)
from shared.domain.enterprise import BusinessType, RegistrationData, RegistrationStatus, new_enterprise
from shared.domain.errors import Conflict, ValidationFailed
from shared.usecases.arrears_watch import DUE_KIND as ARREARS_DUE_KIND


class CreditEventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


def event_item(event: CreditEvent, received_at: str, arrears_threshold: date | None) -> dict[str, Any]:
    values = {
        "pk": keys.enterprise_pk(event.uscc), "sk": keys.event_sk(event.event_id), "entity": "EVENT",
        **canonical_content(event), "content_hash": content_hash(event), "received_at": received_at,
    }
    if arrears_threshold is not None:  # sparse: only arrears that can still become a ground
        values["gsi2pk"] = keys.due_pk(ARREARS_DUE_KIND)
        values["gsi2sk"] = keys.due_sk(arrears_threshold.isoformat(), event.uscc, event.event_id)
    return values


def guard_item(event: CreditEvent) -> dict[str, Any]:
    return {"pk": keys.event_guard_pk(event.event_id), "sk": keys.EVENT_GUARD_SK, "entity": "EVENT_ID",
            "event_id": event.event_id, "uscc": event.uscc, "content_hash": content_hash(event),
            "event": canonical_content(event)}


def ingest_credit_events(clock: Clock, batch: CreditEventBatch) -> list[dict[str, str]]:
    now = clock.now()
    today = china_date(now)
    events = batch.events
    table = settings().table_name
    named = {e.event_id for e in events} | {e.refers_to for e in events if e.refers_to}
    usccs = {e.uscc for e in events}
    found = batch_get(table, [(keys.event_guard_pk(i), keys.EVENT_GUARD_SK) for i in sorted(named)]
                      + [(keys.enterprise_pk(u), keys.PROFILE) for u in sorted(usccs)])
    guards = {item["event_id"]: item for item in found if item["sk"] == keys.EVENT_GUARD_SK}
    known_usccs = {item["uscc"] for item in found if item["sk"] == keys.PROFILE}

    reused = [{"loc": ["body", "events", i, "event_id"],
               "msg": f"event_id {e.event_id} is already stored with other content"}
              for i, e in enumerate(events)
              if e.event_id in guards and guards[e.event_id]["content_hash"] != content_hash(e)]
    if reused:
        raise Conflict(f"{len(reused)} event_id(s) reused with different content; nothing was stored", errors=reused)
    stored = {event_id: CreditEvent.model_validate(guard["event"]) for event_id, guard in guards.items()}
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
        _store(new, known_usccs, now, today)
    # Every enterprise the batch names is re-evaluated, duplicates included: a retry after a failed
    # publish (events stored, trigger lost) heals itself, and evaluation is idempotent.
    publish(FACTS_RECORDED, [CreditFactsRecorded(uscc=uscc, event_ids=sorted({e.event_id for e in events
                                                                             if e.uscc == uscc}),
                                                 recorded_at=iso_instant(now)).model_dump()
                             for uscc in sorted(usccs)])
    return results


def _store(new: list[CreditEvent], known_usccs: set[str], now: datetime, today: date) -> None:
    from shared.domain.rules import arrears_threshold_date, pack_for

    table = settings().table_name
    repo = EnterpriseRepository(table)
    for uscc in sorted({e.uscc for e in new} - known_usccs):
        lines = {e.business_line for e in new if e.uscc == uscc}
        with suppress(EnterpriseAlreadyExists):  # registered meanwhile: nothing to do
            repo.create(new_enterprise(unregistered_related(uscc, lines, today), now))
    received_at = iso_instant(now)
    pack = pack_for(now)
    writes: list[dict[str, Any]] = []
    for event in new:
        writes += [put_new(table, guard_item(event)),
                   put_new(table, event_item(event, received_at, arrears_threshold_date(event, pack)))]
    transact(writes)
