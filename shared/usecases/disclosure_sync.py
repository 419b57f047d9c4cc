"""Disclosure items, kept in step with the record classifications of each evaluation (Arts 33-35).

The evaluation calls `plan_disclosures` with what it loaded and what the engine classified; the
new or changed items go into the evaluation's own transaction (create: `attribute_not_exists`,
change: conditional on the item's `version`), so a tier decision and what the public sees of its
records are never out of step. Rules:

- One item per record with a severity (`pk=ENT#<uscc>, sk=DISC#<event_id>`); MINOR records get one
  too (status NOT_PUBLISHED) so the enterprise sees every record. Overdue arrears before their
  ground are no record: no item.
- Created once. A published record becomes PUBLISHED with `published_at` = now and a due entry on
  the `DISCLOSURE_EXPIRY` due index at the day after its last day (`published_until`); it joins the
  national feed index (gsi3) and `DisclosurePublished` is emitted. A record whose window is already
  over, or that is already withdrawn or restored, when the system first learns of it was never on
  the feed: it is stored ended (EXPIRED / WITHDRAWN / RESTORED), with no event.
- Ended by the classification: `withdrawn_on` (revocation) → WITHDRAWN, `restored_on` (approved
  record restoration) → RESTORED; `ended_on` is that day, the due entry is consumed in the same
  write and `DisclosureEnded` is emitted. EXPIRED is the expiry schedule's (`disclosure_expiry`).
- The first end wins and is final: an ended item is never rewritten (never deleted either).
- The bus events go into the evaluation's transaction too (the outbox, `shared.domain.outbox`): they
  exist exactly when the change they report does, and are delivered at least once with a stable id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from shared.adapters import keys
from shared.domain.bus_events import (
    DISCLOSURE_ENDED,
    DISCLOSURE_PUBLISHED,
    DisclosureEnded,
    DisclosurePublished,
    detail_of,
)
from shared.domain.clock import china_date, iso_instant
from shared.domain.disclosure_feed import ENDED, EXPIRED, NO_END, NOT_PUBLISHED, PUBLISHED, RESTORED, WITHDRAWN
from shared.domain.rules.facts import DisclosureOverride
from shared.domain.rules.severity import RecordClassification

DUE_KIND = "DISCLOSURE_EXPIRY"
_DESCRIBED = ("uscc", "name", "event_id", "type", "severity", "rule_ids", "authority", "document_no", "decided_on",
              "summary", "published", "published_from", "published_until", "disclosure_basis")


def disclosure_overrides(events: Iterable[Mapping[str, Any]]) -> dict[str, DisclosureOverride]:
    """`disclosure_months` / `disclosure_basis` of stored credit events → the engine's overrides (they
    replace the maximum period of the record's severity, nothing else)."""
    return {e["event_id"]: DisclosureOverride(legal_basis=str(e["disclosure_basis"]),
                                              max_months=int(e["disclosure_months"]))
            for e in events if e.get("disclosure_months") is not None and e.get("disclosure_basis")}


@dataclass
class DisclosurePlan:
    """Items to write (each with the version it replaces, None: new) and the events they announce."""

    writes: list[tuple[dict[str, Any], int | None]] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def summary_of(event: Mapping[str, Any], record: RecordClassification) -> str:
    grounds = f"; grounds {', '.join(record.rule_ids)}" if record.rule_ids else ""
    return (f"{event['type']} decided on {event['decided_on']} by {event['authority']} "
            f"({event['document_no']}){grounds}")


def feed_keys(item: Mapping[str, Any]) -> dict[str, str]:
    until = item.get("published_until") or NO_END
    return {"gsi3pk": keys.FEED_PK, "gsi3sk": keys.feed_sk(until, item["uscc"], item["event_id"])}


def due_keys(item: Mapping[str, Any]) -> dict[str, str]:
    """The expiry due entry: the day after the last day shown."""
    first_day_off = (date.fromisoformat(item["published_until"]) + timedelta(days=1)).isoformat()
    return {"gsi2pk": keys.due_pk(DUE_KIND), "gsi2sk": keys.due_sk(first_day_off, item["uscc"], item["event_id"])}


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _described(uscc: str, name: str, event: Mapping[str, Any], record: RecordClassification) -> dict[str, Any]:
    return {"uscc": uscc, "name": name, "event_id": record.event_id, "type": event["type"],
            "severity": None if record.severity is None else record.severity.value,
            "rule_ids": list(record.rule_ids), "authority": event["authority"], "document_no": event["document_no"],
            "decided_on": event["decided_on"], "summary": summary_of(event, record), "published": record.published,
            "published_from": _iso(record.disclosure_from), "published_until": _iso(record.last_disclosed_on),
            "disclosure_basis": record.override_basis}


def _ending(record: RecordClassification) -> tuple[str, date] | None:
    ends = [(d, s) for d, s in ((record.withdrawn_on, WITHDRAWN), (record.restored_on, RESTORED)) if d is not None]
    if not ends:
        return None
    day, status = min(ends)
    return status, day


def _published_event(item: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    return DISCLOSURE_PUBLISHED, detail_of(DisclosurePublished(
        uscc=item["uscc"], event_id=item["event_id"], severity=item["severity"], rule_ids=item["rule_ids"],
        published_from=item["published_from"], published_until=item.get("published_until"),
        published_at=item["published_at"]))


def ended_event(item: Mapping[str, Any], at: str) -> tuple[str, dict[str, Any]]:
    return DISCLOSURE_ENDED, detail_of(DisclosureEnded(
        uscc=item["uscc"], event_id=item["event_id"], reason=item["status"], ended_on=item["ended_on"],
        ended_at=at))


def _new_item(described: dict[str, Any], record: RecordClassification, today: date,
              now: str) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    item: dict[str, Any] = {"pk": keys.enterprise_pk(described["uscc"]), "sk": keys.disclosure_sk(record.event_id),
                            "entity": "DISCLOSURE", **described, "version": 1}
    ending = _ending(record)
    until = record.last_disclosed_on
    if not record.published:
        item["status"] = NOT_PUBLISHED
        item["history"] = [{"status": NOT_PUBLISHED, "on": described["decided_on"], "at": now}]
        if ending is not None:  # a MINOR record withdrawn: say how it ended, though it was never shown
            item.update(status=ending[0], ended_on=ending[1].isoformat())
            item["history"].append({"status": ending[0], "on": ending[1].isoformat(), "at": now})
        return item, []
    if ending is not None or (until is not None and until < today):
        # Never on the feed in this system: it ended before the system learnt of it.
        if ending is not None:
            status, day = ending
        else:
            assert until is not None
            status, day = EXPIRED, until + timedelta(days=1)
        item.update(status=status, ended_on=day.isoformat(),
                    history=[{"status": status, "on": day.isoformat(), "at": now}])
        return item, []
    item.update(status=PUBLISHED, published_at=now,
                history=[{"status": PUBLISHED, "on": described["published_from"], "at": now}])
    item.update(feed_keys(item))
    if until is not None:
        item.update(due_keys(item))
    return item, [_published_event(item)]


def plan_disclosures(uscc: str, name: str, events: Iterable[Mapping[str, Any]], stored: Iterable[Mapping[str, Any]],
                     records: Iterable[RecordClassification], now: datetime) -> DisclosurePlan:
    """What to write so that every record's disclosure item matches its classification at `now`."""
    by_event = {e["event_id"]: e for e in events}
    by_id = {d["event_id"]: d for d in stored}
    today, at = china_date(now), iso_instant(now)
    plan = DisclosurePlan()
    for record in records:
        event = by_event.get(record.event_id)
        if record.severity is None or event is None:
            continue
        described = _described(uscc, name, event, record)
        old = by_id.get(record.event_id)
        if old is None:
            item, created = _new_item(described, record, today, at)
            plan.writes.append((item, None))
            plan.events.extend(created)
            continue
        if old.get("status") in ENDED:
            continue  # the first end is final
        item = {k: v for k, v in old.items() if k not in ("gsi2pk", "gsi2sk", "gsi3pk", "gsi3sk")}
        item.update(described)
        emitted: list[tuple[str, dict[str, Any]]] = []
        ending = _ending(record)
        if old.get("status") == NOT_PUBLISHED and record.published and ending is None:
            # e.g. a MINOR record that now grounds D3: it is GENERAL and goes on the feed now
            item.update(status=PUBLISHED, published_at=at,
                        history=[*old.get("history", []), {"status": PUBLISHED, "on": today.isoformat(), "at": at}])
            emitted.append(_published_event(item))
        elif ending is not None:
            if ending[0] == WITHDRAWN and record.withdrawn_at:  # an upheld objection's instant (Art 39)
                item["ended_at"] = record.withdrawn_at
            item.update(status=ending[0], ended_on=ending[1].isoformat(),
                        history=[*old.get("history", []), {"status": ending[0], "on": ending[1].isoformat(),
                                                           "at": at}])
            if old.get("status") == PUBLISHED:
                emitted.append(ended_event(item, at))
        if item.get("published_at"):
            item.update(feed_keys(item))  # stays on the index: `as_of` in its window still shows it
        if item["status"] == PUBLISHED and item.get("published_until"):
            item.update(due_keys(item))
        unchanged = all(item.get(k) == old.get(k) for k in (*_DESCRIBED, "status", "gsi2sk", "gsi3sk"))
        if unchanged:
            continue
        item["version"] = int(old.get("version", 0)) + 1
        plan.writes.append((item, int(old.get("version", 0))))
        plan.events.extend(emitted)
    return plan
