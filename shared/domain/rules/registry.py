"""Selecting the rule pack in force at an instant (OpenFisca-style dated parameters).

A registry holds rule pack objects; `pack_for(instant)` returns the pack with the latest
`effective_from` on or before the instant's CST date. Adding ORDER_251 (or a later order) is
adding one data object to the registry: no code changes. Before the earliest loaded pack see
CHOICE-PACK-BEFORE-EARLIEST (docs/rules.md): `select_pack` says `in_force=False` with a note, and
`pack_for(..., strict=True)` raises `NoRulePackInForce`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from shared.domain.clock import china_date
from shared.domain.errors import NoRulePackInForce
from shared.domain.rules.model import RulePack
from shared.domain.rules.order_282 import ORDER_282

__all__ = ["DEFAULT_REGISTRY", "NoRulePackInForce", "PackRegistry", "PackSelection", "pack_for", "select_pack"]


@dataclass(frozen=True)
class PackSelection:
    pack: RulePack
    in_force: bool  # False: the instant precedes every loaded pack; the earliest one was applied
    note: str | None


def _day(instant: datetime | date) -> date:
    if isinstance(instant, datetime):
        if instant.tzinfo is None:
            raise ValueError("instants must be timezone-aware")
        return china_date(instant)
    return instant


class PackRegistry:
    """An immutable, ordered set of rule packs. `with_pack` returns a new registry."""

    def __init__(self, packs: Iterable[RulePack]) -> None:
        ordered = sorted(packs, key=lambda p: p.effective_from)
        if not ordered:
            raise ValueError("a registry needs at least one rule pack")
        ids = [p.pack_id for p in ordered]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate rule pack ids: {ids}")
        days = [p.effective_from for p in ordered]
        if len(set(days)) != len(days):
            raise ValueError("two rule packs cannot take effect on the same day")
        self._packs: tuple[RulePack, ...] = tuple(ordered)

    @property
    def packs(self) -> tuple[RulePack, ...]:
        return self._packs

    def with_pack(self, pack: RulePack) -> PackRegistry:
        return PackRegistry((*self._packs, pack))

    def get(self, pack_id: str) -> RulePack:
        for pack in self._packs:
            if pack.pack_id == pack_id:
                return pack
        raise KeyError(pack_id)

    def select(self, instant: datetime | date) -> PackSelection:
        day = _day(instant)
        chosen = None
        for pack in self._packs:
            if pack.effective_from <= day:
                chosen = pack
            else:
                break
        if chosen is not None:
            return PackSelection(chosen, True, None)
        earliest = self._packs[0]
        return PackSelection(
            earliest, False,
            f"No loaded rule pack was in force on {day.isoformat()} (the earliest, {earliest.pack_id}, takes "
            f"effect on {earliest.effective_from.isoformat()}; the pack that governed that date is not loaded). "
            f"{earliest.pack_id} was applied provisionally.",
        )

    def pack_for(self, instant: datetime | date, *, strict: bool = False) -> RulePack:
        selection = self.select(instant)
        if strict and not selection.in_force:
            raise NoRulePackInForce(selection.note or "no rule pack in force")
        return selection.pack


DEFAULT_REGISTRY = PackRegistry([ORDER_282])


def select_pack(instant: datetime | date, registry: PackRegistry = DEFAULT_REGISTRY) -> PackSelection:
    return registry.select(instant)


def pack_for(instant: datetime | date, registry: PackRegistry = DEFAULT_REGISTRY, *, strict: bool = False) -> RulePack:
    """The rule pack in force at `instant` (timezone-aware datetime, or a CST date)."""
    return registry.pack_for(instant, strict=strict)
