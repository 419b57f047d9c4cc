"""The audit hash chain: linking, and verification that says where an altered, removed or inserted
entry breaks it."""

from __future__ import annotations

from typing import Any

from shared.domain.audit_chain import GENESIS, ChainHead, entry_hash, link, verify


def chain(n: int) -> tuple[list[dict[str, Any]], ChainHead | None]:
    entries: list[dict[str, Any]] = []
    head = None
    for i in range(n):
        entry, head = link({"pk": "ENT#X", "sk": f"2026-0{i + 1}-01#D-{i}", "action": "TierChanged",
                            "to_tier": "DISCREDITED", "note": None}, head)
        entries.append(entry)
    return entries, head


def test_each_entry_names_the_hash_of_the_one_before() -> None:
    entries, head = chain(3)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == GENESIS
    assert [e["prev_hash"] for e in entries[1:]] == [e["hash"] for e in entries[:2]]
    assert head == ChainHead(3, entries[2]["hash"], entries[2]["sk"])
    assert "note" not in entries[0]  # None is left out, as storage leaves it out


def test_an_intact_chain_verifies_in_any_order() -> None:
    entries, head = chain(3)
    result = verify(list(reversed(entries)), head)
    assert (result.valid, result.entries, result.broken_at) == (True, 3, None)


def test_an_empty_chain_without_head_verifies() -> None:
    assert verify([], None).valid


def test_an_altered_entry_is_found() -> None:
    entries, head = chain(3)
    entries[1] = {**entries[1], "to_tier": "REGULAR"}
    broken = verify(entries, head).broken_at
    assert broken is not None
    assert broken.sk == entries[1]["sk"]
    assert "altered" in broken.reason


def test_an_altered_entry_with_a_recomputed_hash_breaks_the_next_link() -> None:
    entries, head = chain(3)
    forged = {**entries[1], "to_tier": "REGULAR"}
    entries[1] = {**forged, "hash": entry_hash(forged)}
    broken = verify(entries, head).broken_at
    assert broken is not None
    assert broken.sk == entries[2]["sk"]
    assert "prev_hash" in broken.reason


def test_a_removed_entry_in_the_middle_is_found() -> None:
    entries, head = chain(3)
    del entries[1]
    broken = verify(entries, head).broken_at
    assert broken is not None
    assert broken.sk == entries[1]["sk"]  # the former third entry
    assert "missing" in broken.reason


def test_a_removed_last_entry_is_found_through_the_head() -> None:
    entries, head = chain(3)
    assert head is not None
    result = verify(entries[:2], head)
    assert not result.valid
    assert result.broken_at is not None
    assert result.broken_at.sk == head.sk


def test_an_inserted_entry_is_found() -> None:
    entries, head = chain(2)
    stray = {"pk": "ENT#X", "sk": "2026-01-15#FORGED", "action": "TierChanged"}
    result = verify([*entries, stray], head)
    assert result.broken_at is not None
    assert result.broken_at.sk == stray["sk"]


def test_a_duplicated_position_is_found() -> None:
    entries, head = chain(2)
    copy = {**entries[1], "sk": "2026-09-09#COPY"}
    assert not verify([*entries, copy], head).valid
