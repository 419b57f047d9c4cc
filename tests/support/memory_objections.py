"""In-memory `ObjectionStore`: objections and the open-objection guards, with an audit list."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shared.adapters.objections import OpenObjectionExists
from shared.domain.errors import Conflict
from shared.domain.outbox import BusEvent
from shared.usecases.ports import Page


@dataclass
class ObjectionMemory:
    objections: dict[str, dict[str, Any]] = field(default_factory=dict)  # objection_id -> item
    guards: dict[tuple[str, str], str] = field(default_factory=dict)  # (uscc, subject key) -> objection_id
    audit: list[dict[str, Any]] = field(default_factory=list)


class MemoryObjectionStore:
    def __init__(self, memory: ObjectionMemory, announce: Callable[[Sequence[BusEvent]], None] | None = None) -> None:
        self.memory = memory
        self.announce = announce  # the outbox of the transaction (tests/support/memory_outbox.py)

    def create(self, objection: Mapping[str, Any], subject_key: str) -> None:
        guard = (objection["uscc"], subject_key)
        if guard in self.memory.guards:
            raise OpenObjectionExists(self.memory.guards[guard])
        if objection["objection_id"] in self.memory.objections:
            raise Conflict("the stored state changed while this request was processed; retry")
        self.memory.guards[guard] = objection["objection_id"]
        self.memory.objections[objection["objection_id"]] = dict(objection)
        self.memory.audit.append({"objection_id": objection["objection_id"], "version": objection["version"],
                                  "status": objection["status"]})

    def get(self, uscc: str, objection_id: str) -> dict[str, Any] | None:
        item = self.memory.objections.get(objection_id)
        return dict(item) if item and item["uscc"] == uscc else None

    def of(self, uscc: str, limit: int | None = None, start: dict[str, Any] | None = None) -> Page:
        found = sorted((dict(o) for o in self.memory.objections.values() if o["uscc"] == uscc),
                       key=lambda o: o["objection_id"], reverse=limit is not None)
        return (found[:limit] if limit else found), None

    def save(self, objection: Mapping[str, Any], expected_version: int, subject_key: str,
             outbox: Sequence[BusEvent] = ()) -> None:
        current = self.memory.objections.get(objection["objection_id"])
        if current is None or current["version"] != expected_version:
            raise Conflict("the stored state changed while this request was processed; retry")
        self.memory.objections[objection["objection_id"]] = dict(objection)
        self.memory.audit.append({"objection_id": objection["objection_id"], "version": objection["version"],
                                  "status": objection["status"]})
        guard = (objection["uscc"], subject_key)
        if objection["status"] != "UNDER_REVIEW" and self.memory.guards.get(guard) == objection["objection_id"]:
            del self.memory.guards[guard]
        if outbox:
            assert self.announce is not None, "a store that announces events needs the outbox"
            self.announce(outbox)
