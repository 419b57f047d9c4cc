"""In-memory `CertificationStore` and `Workflows` (a fake Step Functions that records what it was asked)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.domain.certification.case import CaseStatus
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.usecases.ports import Page


@dataclass
class CertificationMemory:
    cases: dict[str, dict[str, Any]] = field(default_factory=dict)  # case_id -> item
    open_guards: dict[str, str] = field(default_factory=dict)  # uscc -> case_id
    waiting: dict[str, str] = field(default_factory=dict)  # case_id -> uscc
    certifiers: dict[str, dict[str, Any]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)


class MemoryCertificationStore:
    def __init__(self, memory: CertificationMemory, enterprise_items: Any = None,
                 announce: Callable[[Sequence[BusEvent]], None] | None = None) -> None:
        self.memory = memory
        self.announce = announce  # the outbox of the transaction (tests/support/memory_outbox.py)

    def create_case(self, case: Mapping[str, Any]) -> None:
        if case["uscc"] in self.memory.open_guards or case["case_id"] in self.memory.cases:
            raise Conflict("the enterprise already has an open certification case")
        self.memory.open_guards[case["uscc"]] = case["case_id"]
        self.memory.cases[case["case_id"]] = dict(case)

    def get_case(self, uscc: str, case_id: str) -> dict[str, Any] | None:
        item = self.memory.cases.get(case_id)
        return dict(item) if item and item["uscc"] == uscc else None

    def cases_of(self, uscc: str, limit: int | None = None, start: dict[str, Any] | None = None) -> Page:
        found = sorted((dict(c) for c in self.memory.cases.values() if c["uscc"] == uscc),
                       key=lambda c: c["case_id"], reverse=limit is not None)
        return (found[:limit] if limit else found), None

    def save_case(self, case: Mapping[str, Any], expected_version: int,
                  audit: Mapping[str, Any] | None = None, outbox: Sequence[BusEvent] = ()) -> None:
        current = self.memory.cases.get(case["case_id"])
        if current is None or current["version"] != expected_version:
            raise Conflict("the stored state changed while this request was processed; retry")
        self.memory.cases[case["case_id"]] = dict(case)
        self.memory.audit.append({"case_id": case["case_id"], "version": case["version"]})
        status = CaseStatus(case["status"])
        if not status.is_open and self.memory.open_guards.get(case["uscc"]) == case["case_id"]:
            del self.memory.open_guards[case["uscc"]]
        if status is CaseStatus.AWAITING_CERTIFIERS:
            self.memory.waiting[case["case_id"]] = case["uscc"]
        else:
            self.memory.waiting.pop(case["case_id"], None)
        if outbox:
            assert self.announce is not None, "a store that announces events needs the outbox"
            self.announce(outbox)

    def waiting_for_certifiers(self) -> list[tuple[str, str]]:
        return [(uscc, case_id) for case_id, uscc in self.memory.waiting.items()]

    def certifiers(self) -> list[dict[str, Any]]:
        return [dict(c) for c in self.memory.certifiers.values()]

    def get_certifier(self, certifier_id: str) -> dict[str, Any] | None:
        item = self.memory.certifiers.get(certifier_id)
        return dict(item) if item else None

    def put_certifier(self, certifier: Mapping[str, Any], expected_version: int | None) -> None:
        current = self.memory.certifiers.get(certifier["certifier_id"])
        if (expected_version is None and current is not None) or (
                expected_version is not None and (current is None or current["version"] != expected_version)):
            raise Conflict(f"certifier {certifier['certifier_id']} changed or exists")
        self.memory.certifiers[certifier["certifier_id"]] = dict(certifier)


@dataclass
class FakeWorkflows:
    """Records starts, resumes and stops; tokens in `gone` answer as no longer waiting."""

    started: dict[str, dict[str, Any]] = field(default_factory=dict)
    resumed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)
    stopped: list[tuple[str, str]] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)
    prefix: str = "arn:aws:states:us-east-1:123456789012:execution:certification"

    def execution_arn(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def start(self, name: str, payload: Mapping[str, Any]) -> str:
        self.started.setdefault(name, dict(payload))
        return self.execution_arn(name)

    def resume(self, token: str, output: Mapping[str, Any]) -> bool:
        if token in self.gone:
            return False
        self.resumed.append((token, dict(output)))
        return True

    def fail(self, token: str, error: str, cause: str) -> bool:
        self.failed.append((token, error, cause))
        return token not in self.gone

    def stop(self, execution_arn: str, cause: str) -> None:
        self.stopped.append((execution_arn, cause))


class MemoryDueIndex:
    """A due index (gsi2) over the due items kept under the enterprises (`Memory.due`), with the
    conditional consume and move of the DynamoDB adapters."""

    def __init__(self, due: dict[str, dict[str, dict[str, Any]]]) -> None:
        self.due = due

    def due_page(self, kind: str, through: Any, start: Any, limit: int) -> tuple[list[dict[str, Any]], None, int]:
        last = through.isoformat() + "#\uffff"
        found = sorted((dict(i) for items in self.due.values() for i in items.values()
                        if i.get("gsi2pk") == f"DUE#{kind}" and i["gsi2sk"] <= last), key=lambda i: i["gsi2sk"])
        return found, None, len(found)

    def _same(self, entry: Mapping[str, Any]) -> dict[str, Any] | None:
        item = self.due.get(entry["uscc"], {}).get(entry["sk"])
        return item if item is not None and item.get("gsi2sk") == entry["gsi2sk"] else None

    def consume(self, entry: Mapping[str, Any]) -> bool:
        item = self._same(entry)
        if item is None:
            return False
        item.pop("gsi2pk", None)
        item.pop("gsi2sk", None)
        return True

    def reschedule(self, entry: Mapping[str, Any], check_on: Any) -> bool:
        from shared.usecases.certification.recertification_plan import due_sk

        item = self._same(entry)
        if item is None:
            return False
        item.update(gsi2sk=due_sk(check_on, entry["uscc"]), check_on=check_on.isoformat())
        return True


class MemoryCaseIndex:
    """The CASE_DEADLINE due index over the stored certification cases."""

    def __init__(self, memory: CertificationMemory) -> None:
        self.memory = memory

    def due_page(self, kind: str, through: Any, start: Any, limit: int) -> tuple[list[dict[str, Any]], None, int]:
        last = through.isoformat() + "#\uffff"
        found = sorted((dict(c) for c in self.memory.cases.values()
                        if c.get("gsi2pk") == f"DUE#{kind}" and c["gsi2sk"] <= last), key=lambda c: c["gsi2sk"])
        return found, None, len(found)

    def consume(self, entry: Any) -> bool:  # pragma: no cover - the case write consumes
        raise AssertionError("the certification port consumes the entry in the case's write")
