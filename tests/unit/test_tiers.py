"""Tiers (Art 4) and AEO status (Art 8)."""

from __future__ import annotations

from shared.domain.tiers import LIST_NAMES, Tier, is_aeo, lowest


def test_exactly_the_two_certified_tiers_are_aeos() -> None:
    assert {t for t in Tier if is_aeo(t)} == {Tier.ADVANCED_CERTIFIED, Tier.CERTIFIED}


def test_tiers_are_ordered_from_advanced_certified_down() -> None:
    ordered = sorted(Tier, key=lambda t: t.rank, reverse=True)
    assert ordered == [Tier.ADVANCED_CERTIFIED, Tier.CERTIFIED, Tier.REGULAR, Tier.DISCREDITED,
                       Tier.SERIOUSLY_DISCREDITED]
    assert lowest(Tier.CERTIFIED, Tier.DISCREDITED, Tier.REGULAR) is Tier.DISCREDITED


def test_four_public_lists_and_regular_is_on_none() -> None:
    assert set(LIST_NAMES) == {"advanced-certified", "certified", "discredited", "seriously-discredited"}
    assert Tier.REGULAR.public_list is None
