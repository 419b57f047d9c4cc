"""The content identity of what partners send: one hash for every create-once item (credit events,
declaration volumes, persons, annual reports), so a replay (same hash) is told from a conflict."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only the annotations name it: the outbox hashes plain mappings without pydantic
    from pydantic import BaseModel


def canonical_content(model: BaseModel) -> dict[str, Any]:
    """Every field with defaults filled in, absent optionals as null, in JSON form (amounts as their
    normalised decimal strings, dates ISO): `1000`, `1000.0` and `"1000.00"` are the same content."""
    data = model.model_dump(mode="json")
    for name in getattr(type(model), "ADDED_OPTIONALS", ()):  # added later: absent stays absent
        if data.get(name) is None:
            data.pop(name, None)
    return data


def content_hash(model: BaseModel) -> str:
    """A stable SHA-256 of `canonical_content` (sorted keys, compact JSON, UTF-8): equal for the same
    content sent twice, different as soon as any field differs."""
    return hash_of(canonical_content(model))


def hash_of(values: Mapping[str, Any]) -> str:
    """The SHA-256 of a JSON-like mapping in canonical form (sorted keys, compact JSON, UTF-8)."""
    payload = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(payload.encode("utf-8")).hexdigest()
