"""Credit tiers (Order 282 Art 4) and AEO status (Art 8)."""

from __future__ import annotations

from enum import StrEnum


class Tier(StrEnum):
    ADVANCED_CERTIFIED = "ADVANCED_CERTIFIED"
    CERTIFIED = "CERTIFIED"
    REGULAR = "REGULAR"
    DISCREDITED = "DISCREDITED"
    SERIOUSLY_DISCREDITED = "SERIOUSLY_DISCREDITED"

    @property
    def rank(self) -> int:
        """Higher is better: ADVANCED_CERTIFIED = 4 ... SERIOUSLY_DISCREDITED = 0."""
        return _RANK[self]

    @property
    def is_aeo(self) -> bool:
        """Art 8: both certified tiers are China's Authorized Economic Operators."""
        return self in AEO_TIERS

    @property
    def public_list(self) -> str | None:
        """Name of the public list (`GET /v1/lists/{name}`) this tier appears on, if any."""
        return _LISTS.get(self)


_RANK = {
    Tier.ADVANCED_CERTIFIED: 4,
    Tier.CERTIFIED: 3,
    Tier.REGULAR: 2,
    Tier.DISCREDITED: 1,
    Tier.SERIOUSLY_DISCREDITED: 0,
}
AEO_TIERS = frozenset({Tier.ADVANCED_CERTIFIED, Tier.CERTIFIED})
DOWNGRADED_TIERS = frozenset({Tier.DISCREDITED, Tier.SERIOUSLY_DISCREDITED})
INITIAL_TIER = Tier.REGULAR
_LISTS = {
    Tier.ADVANCED_CERTIFIED: "advanced-certified",
    Tier.CERTIFIED: "certified",
    Tier.DISCREDITED: "discredited",
    Tier.SERIOUSLY_DISCREDITED: "seriously-discredited",
}
LIST_NAMES: dict[str, Tier] = {name: tier for tier, name in _LISTS.items()}


def is_aeo(tier: Tier) -> bool:
    return tier.is_aeo


def lowest(*tiers: Tier) -> Tier:
    """The worst of several tiers (the one whose measures win when they conflict)."""
    return min(tiers, key=lambda t: t.rank)
