"""The tamper-evident audit: each enterprise's audit entries form a hash chain.

Every entry carries its position (`seq`, 1, 2, ...), the hash of the enterprise's previous entry
(`prev_hash`; `GENESIS` for the first) and its own `hash` over its canonical form (every attribute
but `hash`, None values left out as storage leaves them out). The enterprise's chain head (last
`seq`, `hash` and `sk`) is kept apart and moved only by a write conditional on the previous hash,
in the transaction that appends the entry: two writers cannot fork the chain, the loser retries.

An edited entry no longer matches its hash; a removed entry leaves a gap (its successor's
`prev_hash` names a hash no entry has, or the head names an entry that is missing); an inserted one
breaks the numbering. `verify` says where the chain first breaks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.domain.content import hash_of

GENESIS = "GENESIS"
"""`prev_hash` of an enterprise's first entry."""

CHAIN_FIELDS = ("seq", "prev_hash", "hash")


@dataclass(frozen=True)
class ChainHead:
    """Where an enterprise's chain ends: its last entry's position, hash and sort key."""

    seq: int
    hash: str
    sk: str

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash, "sk": self.sk}

    @classmethod
    def from_plain(cls, values: Mapping[str, Any] | None) -> ChainHead | None:
        if not values:
            return None
        return cls(seq=int(values["seq"]), hash=str(values["hash"]), sk=str(values["sk"]))


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_without_none(v) for v in value]
    return value


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The hash of an entry's canonical form: every attribute but `hash`, None values left out."""
    return hash_of(_without_none({k: v for k, v in entry.items() if k != "hash"}))


def link(entry: Mapping[str, Any], head: ChainHead | None) -> tuple[dict[str, Any], ChainHead]:
    """`entry` (with its `pk` and `sk`) appended after `head`: the chained entry and the new head."""
    chained = _without_none({k: v for k, v in entry.items() if k not in CHAIN_FIELDS})
    chained["seq"] = 1 if head is None else head.seq + 1
    chained["prev_hash"] = GENESIS if head is None else head.hash
    chained["hash"] = entry_hash(chained)
    return chained, ChainHead(seq=chained["seq"], hash=chained["hash"], sk=str(chained["sk"]))


@dataclass(frozen=True)
class Break:
    sk: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"sk": self.sk, "reason": self.reason}


@dataclass(frozen=True)
class Verification:
    entries: int
    broken_at: Break | None = None

    @property
    def valid(self) -> bool:
        return self.broken_at is None


def verify(entries: Sequence[Mapping[str, Any]], head: ChainHead | None) -> Verification:
    """Check an enterprise's entries (in any order) against each other and against its head."""
    unchained = [e for e in entries if not isinstance(e.get("seq"), int) or "hash" not in e]
    if unchained:
        return Verification(len(entries), Break(str(unchained[0].get("sk")), "entry is not part of the chain"))
    ordered = sorted(entries, key=lambda e: (e["seq"], str(e.get("sk"))))
    previous_hash = GENESIS
    for position, entry in enumerate(ordered, start=1):
        sk = str(entry.get("sk"))
        if entry["seq"] != position:
            reason = (f"entry number {position} is missing" if entry["seq"] > position
                      else f"entry number {entry['seq']} appears twice")
            return Verification(len(entries), Break(sk, reason))
        if entry_hash(entry) != entry["hash"]:
            return Verification(len(entries), Break(sk, "entry was altered: its content no longer matches its hash"))
        if entry.get("prev_hash") != previous_hash:
            return Verification(len(entries), Break(sk, "previous entry was altered or removed: prev_hash does "
                                                        "not match it"))
        previous_hash = entry["hash"]
    if head is None:
        if ordered:
            return Verification(len(entries), Break(str(ordered[-1].get("sk")), "entries exist but no chain head"))
        return Verification(0)
    if head.seq != len(ordered) or previous_hash != head.hash:
        return Verification(len(entries), Break(head.sk, f"the chain head names entry {head.seq} ({head.sk}), "
                                                         f"which is missing or altered"))
    return Verification(len(entries))
