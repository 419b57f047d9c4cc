"""In-memory implementations of the use cases' ports (`shared.usecases.ports`), and a way to make
any of their methods fail: what a test needs to run a use case without DynamoDB or EventBridge."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.domain.audit_chain import ChainHead, link
from shared.domain.clock import china_date
from shared.domain.content import canonical_content, content_hash
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import Conflict, EnterpriseAlreadyExists
from shared.domain.outbox import BusEvent
from shared.usecases.credit_file import EnterpriseItems, EvaluationCommit, NewEvent, StoredEventId
from shared.usecases.ports import FilingKind, Page
from shared.usecases.stores import Stores
from tests.support.memory_certifications import CertificationMemory, FakeWorkflows, MemoryCertificationStore
from tests.support.memory_objections import MemoryObjectionStore, ObjectionMemory
from tests.support.memory_outbox import MemoryBus, OutboxMemory


@dataclass
class Memory:
    """Everything the stores hold, as plain JSON-like mappings (the form the DynamoDB adapters return)."""

    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # uscc -> event_id -> item
    event_ids: dict[str, StoredEventId] = field(default_factory=dict)
    arrears_index: dict[date, list[str]] = field(default_factory=dict)
    decisions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)  # chained entries, every enterprise
    audit_heads: dict[str, ChainHead] = field(default_factory=dict)
    filings: dict[tuple[str, FilingKind, str], dict[str, Any]] = field(default_factory=dict)
    published: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    certification: CertificationMemory = field(default_factory=CertificationMemory)
    workflows: FakeWorkflows = field(default_factory=FakeWorkflows)
    disclosures: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # uscc -> event_id -> item
    due: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # uscc -> sk -> due item
    restorations: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # uscc -> id -> item
    open_guards: dict[tuple[str, str], str] = field(default_factory=dict)  # (uscc, guard) -> restoration_id
    objection: ObjectionMemory = field(default_factory=ObjectionMemory)
    objection_workflow: FakeWorkflows = field(default_factory=lambda: FakeWorkflows(
        prefix="arn:aws:states:us-east-1:123456789012:execution:objection"))
    outbox: OutboxMemory = field(default_factory=OutboxMemory)  # events committed with the writes above

    def __post_init__(self) -> None:
        self.outbox.published = self.published  # what the bus accepted, as (detail type, detail)


def _profile(enterprise: Enterprise) -> dict[str, Any]:
    return enterprise.stored()


class MemoryEnterpriseStore:
    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def get(self, uscc: str) -> Enterprise | None:
        item = self.memory.profiles.get(uscc)
        return None if item is None else Enterprise.from_stored(item)

    def create(self, enterprise: Enterprise) -> Enterprise:
        existing = self.get(enterprise.uscc)
        if existing is not None:
            raise EnterpriseAlreadyExists(existing)
        self.memory.profiles[enterprise.uscc] = _profile(enterprise)
        return enterprise

    def replace(self, enterprise: Enterprise, expected_version: int) -> Enterprise:
        current = self.memory.profiles.get(enterprise.uscc)
        if current is None or current["version"] != expected_version:
            raise Conflict(f"enterprise {enterprise.uscc} changed concurrently; retry")
        self.memory.profiles[enterprise.uscc] = _profile(enterprise)
        return enterprise

    def public_list(self, name: str, limit: int, start: dict[str, Any] | None) -> Page:
        listed = sorted((p for p in self.memory.profiles.values() if Enterprise.from_stored(p).tier.public_list
                         == name), key=lambda p: (p["tier_since"], p["uscc"]))
        offset = int(start["offset"]) if start else 0
        page = listed[offset:offset + limit]
        return page, ({"offset": offset + limit} if offset + limit < len(listed) else None)


class MemoryCreditFileStore:
    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def load(self, uscc: str) -> EnterpriseItems:
        memory = self.memory
        return EnterpriseItems(
            profile=memory.profiles.get(uscc), events=[dict(e) for e in memory.events.get(uscc, {}).values()],
            volumes=[dict(v) for (u, kind, _), v in memory.filings.items()
                     if u == uscc and kind is FilingKind.DECLARATION_VOLUME],
            decisions=list(memory.decisions.get(uscc, [])),
            disclosures=[dict(d) for d in memory.disclosures.get(uscc, {}).values()],
            due=[dict(d) for d in memory.due.get(uscc, {}).values()],
            certifications=[dict(c) for c in memory.certification.cases.values() if c["uscc"] == uscc],
            restorations=[copy.deepcopy(r) for r in memory.restorations.get(uscc, {}).values()],
            objections=[dict(o) for o in memory.objection.objections.values() if o["uscc"] == uscc])

    def taken_event_ids(self, event_ids: Iterable[str], usccs: Iterable[str]) -> tuple[dict[str, StoredEventId],
                                                                                         set[str]]:
        taken = {i: self.memory.event_ids[i] for i in event_ids if i in self.memory.event_ids}
        return taken, {u for u in usccs if u in self.memory.profiles}

    def add_events(self, events: Sequence[NewEvent], received_at: str,
                   new_enterprises: Sequence[Enterprise] = (), outbox: Sequence[BusEvent] = ()) -> None:
        if any(new.event.event_id in self.memory.event_ids for new in events) or any(
                e.uscc in self.memory.profiles for e in new_enterprises):
            raise Conflict("the stored state changed while this request was processed; retry")
        for enterprise in new_enterprises:
            self.memory.profiles[enterprise.uscc] = _profile(enterprise)
        for new in events:
            event = new.event
            self.memory.event_ids[event.event_id] = StoredEventId(event.event_id, event.uscc, content_hash(event),
                                                                  canonical_content(event))
            self.memory.events.setdefault(event.uscc, {})[event.event_id] = {
                **canonical_content(event), "content_hash": content_hash(event), "received_at": received_at}
            if new.arrears_threshold is not None:
                self.memory.arrears_index.setdefault(new.arrears_threshold, []).append(event.uscc)
        self.memory.outbox.write(outbox)

    def commit_evaluation(self, commit: EvaluationCommit) -> None:
        memory = self.memory
        if memory.profiles[commit.uscc]["version"] != commit.expected_version:
            raise Conflict("the stored state changed while this request was processed; retry")
        if commit.profile is not None:
            memory.profiles[commit.uscc] = _profile(commit.profile)
        if commit.decision is not None:
            memory.decisions.setdefault(commit.uscc, []).append(dict(commit.decision))
            if commit.audit is not None:
                append_audit(memory, commit.uscc, {
                    "pk": f"ENT#{commit.uscc}",
                    "sk": f"{commit.decision['effective_at']}#{commit.decision['decision_id']}", **commit.audit})
        for event_id, classification in commit.classifications:
            memory.events[commit.uscc][event_id]["classification"] = dict(classification)
        stored = memory.disclosures.setdefault(commit.uscc, {})
        for item, version in commit.disclosures:
            current = stored.get(item["event_id"])
            if (version is None) != (current is None) or (current is not None and current["version"] != version):
                raise Conflict("a disclosure changed while this evaluation ran; retry")
        for item, _version in commit.disclosures:
            stored[item["event_id"]] = dict(item)
        for item in commit.due_items:
            memory.due.setdefault(commit.uscc, {})[item["sk"]] = dict(item)
        memory.outbox.write(commit.outbox)

    def decisions(self, uscc: str, limit: int, start: dict[str, Any] | None) -> Page:
        newest_first = sorted(self.memory.decisions.get(uscc, []), key=lambda d: d["effective_at"], reverse=True)
        return newest_first[:limit], None

    def arrears_due(self, day: date) -> list[str]:
        return list(self.memory.arrears_index.get(day, []))


def append_audit(memory: Memory, uscc: str, entry: Mapping[str, Any]) -> None:
    chained, memory.audit_heads[uscc] = link(entry, memory.audit_heads.get(uscc))
    memory.audit.append(chained)


class MemoryAuditStore:
    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def entries(self, uscc: str) -> list[dict[str, Any]]:
        return [dict(e) for e in self.memory.audit if e["pk"] == f"ENT#{uscc}"]

    def head(self, uscc: str) -> dict[str, Any] | None:
        head = self.memory.audit_heads.get(uscc)
        return None if head is None else head.to_dict()


class MemoryFilingStore:
    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def create_once(self, uscc: str, kind: FilingKind, key: str, values: Mapping[str, Any], *,
                    what: str, outbox: Sequence[BusEvent] = ()) -> tuple[dict[str, Any], bool]:
        stored = self.memory.filings.get((uscc, kind, key))
        if stored is None:
            self.memory.filings[(uscc, kind, key)] = dict(values)
            self.memory.outbox.write(outbox)
            return dict(values), True
        if stored["content_hash"] == values["content_hash"]:
            return dict(stored), False
        raise Conflict(f"{what} already exists with other content", extra={"current": stored})

    def keys_of(self, uscc: str, kind: FilingKind) -> list[str]:
        return sorted(key for (u, k, key) in self.memory.filings if u == uscc and k is kind)


class MemoryAnnualReportStore:
    """The ANNUAL_REPORT due index over the stored profiles (as `enterprise_item` puts them on gsi2)."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def due_page(self, kind: str, through: date, start: dict[str, Any] | None,
                 limit: int) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
        due = sorted((dict(p) for p in self.memory.profiles.values()
                      if p.get("annual_report_check_on") and p["annual_report_check_on"] <= through.isoformat()),
                     key=lambda p: (p["annual_report_check_on"], p["uscc"]))
        return due, None, len(due)

    def consume(self, entry: Mapping[str, Any],
                outbox: Sequence[BusEvent] = ()) -> bool:  # pragma: no cover - the profile write consumes
        raise AssertionError("annual-report-overdue consumes its entry in the profile's write")

    def filed_on(self, uscc: str, year: int) -> date | None:
        report = self.memory.filings.get((uscc, FilingKind.ANNUAL_REPORT, str(year)))
        return None if report is None else china_date(datetime.fromisoformat(report["filed_at"]))


class MemoryRestorationStore:
    """Applications under their enterprise and the open-application guards, as the DynamoDB adapter keeps them."""

    def __init__(self, memory: Memory) -> None:
        self.memory = memory

    def records_of(self, uscc: str, event_ids: Sequence[str]) -> set[str]:
        return {e for e in event_ids if e in self.memory.events.get(uscc, {})}

    def create(self, application: dict[str, Any], guards: Sequence[str], outbox: Sequence[BusEvent] = ()) -> None:
        uscc = application["uscc"]
        held = {g: self.memory.open_guards[(uscc, g)] for g in guards if (uscc, g) in self.memory.open_guards}
        if held:
            raise Conflict(f"an open application already covers {', '.join(sorted(held))}",
                           extra={"open_applications": sorted(set(held.values()))})
        self.memory.restorations.setdefault(uscc, {})[application["restoration_id"]] = copy.deepcopy(application)
        for guard in guards:
            self.memory.open_guards[(uscc, guard)] = application["restoration_id"]
        self.memory.outbox.write(outbox)

    def get(self, uscc: str, restoration_id: str) -> dict[str, Any] | None:
        item = self.memory.restorations.get(uscc, {}).get(restoration_id)
        return copy.deepcopy(item) if item is not None else None

    def page(self, uscc: str, limit: int, start: dict[str, Any] | None) -> Page:
        newest_first = sorted(self.memory.restorations.get(uscc, {}).values(), key=lambda a: a["restoration_id"],
                              reverse=True)
        return [copy.deepcopy(a) for a in newest_first[:limit]], None

    def save(self, application: dict[str, Any], expected_version: int, *, release: Sequence[str] = (),
             audit: dict[str, Any] | None = None, outbox: Sequence[BusEvent] = ()) -> None:
        uscc, restoration_id = application["uscc"], application["restoration_id"]
        stored = self.memory.restorations.get(uscc, {}).get(restoration_id)
        if stored is None or stored["version"] != expected_version:
            raise Conflict(f"application {restoration_id} changed concurrently; retry")
        self.memory.restorations[uscc][restoration_id] = copy.deepcopy(application)
        for guard in release:
            if self.memory.open_guards.get((uscc, guard)) == restoration_id:
                del self.memory.open_guards[(uscc, guard)]
        if audit is not None:
            self.memory.audit.append(dict(audit))
        self.memory.outbox.write(outbox)


def memory_stores(memory: Memory | None = None) -> Stores:
    memory = memory or Memory()
    return Stores(enterprises=MemoryEnterpriseStore(memory), credit=MemoryCreditFileStore(memory),
                  filings=MemoryFilingStore(memory),
                  bus=MemoryBus(memory.outbox), audit=MemoryAuditStore(memory),
                  certifications=MemoryCertificationStore(memory.certification, announce=memory.outbox.write),
                  workflows=memory.workflows, restorations=MemoryRestorationStore(memory),
                  objections=MemoryObjectionStore(memory.objection, announce=memory.outbox.write),
                  objection_workflow=memory.objection_workflow,
                  annual_reports=MemoryAnnualReportStore(memory))


class Failing:
    """Wraps a store so that the methods named in `fail` raise what their factory returns: the first
    `times` calls (every call when None), then they go through (a fault-injecting store)."""

    def __init__(self, inner: Any, fail: Mapping[str, Callable[[], Exception]], times: int | None = None) -> None:
        self._inner = inner
        self._fail = fail
        self._times = times
        self.failures = 0

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)
        if name not in self._fail:
            return method

        def failing(*args: Any, **kwargs: Any) -> Any:
            if self._times is None or self.failures < self._times:
                self.failures += 1
                raise self._fail[name]()
            return method(*args, **kwargs)

        return failing
