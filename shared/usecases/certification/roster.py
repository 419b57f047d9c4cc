"""The certifiers' roster (Art 19), kept by officers. A change to the roster resumes every case waiting
for certifiers (AWAITING_CERTIFIERS): its workflow runs the assignment again."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.domain.certification.case import Action
from shared.domain.certification.certifiers import Certifier, Relation, RelationKind
from shared.domain.clock import Clock, iso_instant
from shared.domain.errors import NotFound
from shared.usecases.stores import Stores


def certifier_from_plain(item: Mapping[str, Any]) -> Certifier:
    return Certifier(str(item["certifier_id"]), str(item["name"]), bool(item["qualified"]),
                     tuple(Relation(str(r["uscc"]), RelationKind(r["kind"]),
                                    date.fromisoformat(r["until"]) if r.get("until") else None)
                           for r in item.get("relations") or ()))


def _view(item: Mapping[str, Any]) -> dict[str, Any]:
    return {**certifier_from_plain(item).as_json(), "updated_at": item.get("updated_at"),
            "version": item.get("version")}


def _resume_waiting(stores: Stores) -> list[str]:
    resumed = []
    for uscc, case_id in stores.certifications.waiting_for_certifiers():
        item = stores.certifications.get_case(uscc, case_id)
        waiting = item and item.get("task_token") and item.get("waiting_for") == Action.ASSIGN_CERTIFIERS.value
        if waiting and item and stores.workflows.resume(str(item["task_token"]), {"roster_changed": True}):
            resumed.append(case_id)
    return resumed


def add_certifier(stores: Stores, clock: Clock, certifier: Certifier, officer: str) -> dict[str, Any]:
    """Create (409 when the id is taken), then resume the cases waiting for certifiers."""
    item = {**certifier.as_json(), "updated_at": iso_instant(clock.now()), "updated_by": officer, "version": 1}
    stores.certifications.put_certifier(item, None)
    return {**_view(item), "resumed_cases": _resume_waiting(stores)}


def replace_certifier(stores: Stores, clock: Clock, certifier: Certifier, officer: str) -> dict[str, Any]:
    current = stores.certifications.get_certifier(certifier.certifier_id)
    if current is None:
        raise NotFound(f"no certifier {certifier.certifier_id}")
    item = {**certifier.as_json(), "updated_at": iso_instant(clock.now()), "updated_by": officer,
            "version": int(current["version"]) + 1}
    stores.certifications.put_certifier(item, int(current["version"]))
    return {**_view(item), "resumed_cases": _resume_waiting(stores)}


def roster(stores: Stores) -> list[dict[str, Any]]:
    return [_view(i) for i in sorted(stores.certifications.certifiers(), key=lambda c: c["certifier_id"])]
