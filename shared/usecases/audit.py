"""Verification of an enterprise's audit chain (`GET /v1/enterprises/{uscc}/audit/verification`)."""

from __future__ import annotations

from typing import Any

from shared.domain.audit_chain import ChainHead, verify
from shared.domain.errors import NotFound
from shared.usecases.stores import Stores


def verify_audit_chain(stores: Stores, uscc: str) -> dict[str, Any]:
    """`{uscc, entries, valid, broken_at?: {sk, reason}}` for the enterprise's stored audit entries."""
    entries = stores.audit.entries(uscc)
    head = ChainHead.from_plain(stores.audit.head(uscc))
    if not entries and head is None and stores.enterprises.get(uscc) is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    verification = verify(entries, head)
    answer: dict[str, Any] = {"uscc": uscc, "entries": verification.entries, "valid": verification.valid}
    if verification.broken_at is not None:
        answer["broken_at"] = verification.broken_at.to_dict()
    return answer
