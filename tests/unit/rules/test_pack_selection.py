"""Rule pack selection by date (OpenFisca-style): the pack in force is the latest effective_from <= instant."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from shared.domain.rules import (
    DEFAULT_REGISTRY,
    ORDER_282,
    NoRulePackInForce,
    PackRegistry,
    evaluate,
    pack_for,
    select_pack,
)
from shared.domain.rules.triggers import EventTrigger
from shared.domain.tiers import Tier
from tests.unit.rules.builders import at, facts, fine, violation


def _order_251() -> object:
    """An ORDER_251 pack made as data only: Order 282's rules with another date and a lower D3 amount,
    and without D8 (new in 282). Not part of production data."""
    d3 = ORDER_282.rule("D3")
    trigger = d3.triggers[0]
    lines = tuple(dataclasses.replace(line, fines_above=Decimal("100000.00")) for line in trigger.lines)  # type: ignore[union-attr]
    d3_251 = dataclasses.replace(d3, article="Art 22", triggers=(dataclasses.replace(trigger, lines=lines),))
    grounds = tuple(d3_251 if r.rule_id == "D3" else dataclasses.replace(r, enabled=False) if r.rule_id == "D8" else r
                    for r in ORDER_282.grounds)
    return dataclasses.replace(ORDER_282, pack_id="ORDER_251", title="GACC Order No. 251",
                               effective_from=date(2021, 11, 1), grounds=grounds)


def test_order_282_is_in_force_from_1_april_2026_cst() -> None:
    # Given the shipped registry
    # When selecting at 00:00 CST on 2026-04-01 (= 2026-03-31T16:00Z)
    selection = select_pack(datetime(2026, 3, 31, 16, 0, tzinfo=UTC))
    # Then ORDER_282, in force
    assert (selection.pack.pack_id, selection.in_force) == ("ORDER_282", True)
    assert pack_for(date(2026, 4, 1)) is ORDER_282


@pytest.mark.pins("CHOICE-PACK-BEFORE-EARLIEST")
def test_before_the_earliest_pack_it_applies_order_282_and_says_so() -> None:
    # Given an instant one minute before ORDER_282 takes effect (CST)
    instant = datetime(2026, 3, 31, 15, 59, tzinfo=UTC)
    # When selecting / Then ORDER_282 with in_force False and a note; strict selection refuses
    selection = select_pack(instant)
    assert selection.pack is ORDER_282
    assert selection.in_force is False
    assert selection.note is not None
    assert "not loaded" in selection.note
    with pytest.raises(NoRulePackInForce):
        pack_for(instant, strict=True)


@pytest.mark.pins("CHOICE-PACK-BEFORE-EARLIEST")
def test_evaluation_before_2026_04_01_is_flagged_provisional() -> None:
    # Given a smuggling penalty in 2025 / When evaluated in 2025
    result = evaluate(facts(fine("SMUGGLING_PENALTY", "2025-06-01", "1000.00")), at("2025-07-01"))
    # Then ORDER_282 rules, flagged as not in force, and the explanation says so
    assert (result.rule_pack, result.rule_pack_in_force, result.tier) == ("ORDER_282", False, Tier.DISCREDITED)
    assert "Provisional" in result.explanation


def test_order_251_is_added_as_data_and_selected_by_date() -> None:
    # Given a registry holding ORDER_282 and an ORDER_251 pack object (data only)
    order_251 = _order_251()
    registry = DEFAULT_REGISTRY.with_pack(order_251)  # type: ignore[arg-type]
    # When selecting on either side of 2026-04-01
    # Then ORDER_251 before, ORDER_282 from that day; the default registry is unchanged
    assert registry.pack_for(date(2025, 12, 31)) is order_251
    assert registry.select(date(2025, 12, 31)).in_force is True
    assert registry.pack_for(date(2026, 4, 1)) is ORDER_282
    assert [p.pack_id for p in DEFAULT_REGISTRY.packs] == ["ORDER_282"]


@pytest.mark.pins("CHOICE-ONE-PACK-PER-EVALUATION")
def test_the_selected_pack_decides_the_evaluation() -> None:
    # Given a violation of 200,000 (D3 under the ORDER_251 copy's CNY 100,000, not under 282's 1,000,000)
    registry = PackRegistry([ORDER_282, _order_251()])  # type: ignore[list-item]
    f = facts(violation("2025-06-01", "200000.00"))
    # When evaluated in 2025 and in 2026 with that registry
    in_2025 = evaluate(f, at("2025-07-01"), registry=registry)
    # Then 2025 uses ORDER_251 (DISCREDITED under its Art 22); 2026 uses ORDER_282
    assert (in_2025.rule_pack, in_2025.tier, in_2025.grounds[0].article) == ("ORDER_251", Tier.DISCREDITED, "Art 22")
    in_2026 = evaluate(facts(violation("2026-06-01", "200000.00")), at("2026-07-01"), registry=registry)
    assert (in_2026.rule_pack, in_2026.tier) == ("ORDER_282", Tier.REGULAR)


def test_registry_refuses_ambiguous_packs() -> None:
    # Given two packs on the same day or with the same id / Then the registry refuses them
    with pytest.raises(ValueError, match="same day"):
        PackRegistry([ORDER_282, dataclasses.replace(ORDER_282, pack_id="OTHER")])
    with pytest.raises(ValueError, match="duplicate"):
        PackRegistry([ORDER_282, dataclasses.replace(ORDER_282, effective_from=date(2030, 1, 1))])


def test_order_282_carries_every_rule_with_its_article_and_source() -> None:
    # Given the shipped pack / Then D1-D8 (Art 15) and S1-S3 (Art 16), each with a source label
    ids = [r.rule_id for r in ORDER_282.grounds]
    assert ids == ["D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "S1", "S2", "S3"]
    for rule in ORDER_282.grounds:
        assert rule.article == ("Art 15" if rule.rule_id.startswith("D") else "Art 16")
        assert "[" in rule.source
        assert rule.text
        assert rule.title
    assert isinstance(ORDER_282.rule("D8").triggers[0], EventTrigger)
    described = ORDER_282.describe()
    assert described["grounds"][2]["triggers"][0]["lines"][0]["ratio"] == "1/1000"
    assert described["effective_from"] == "2026-04-01"


def test_event_types_map_to_rules_as_data() -> None:
    # Given the pack / Then each ground event type is claimed by exactly the documented rules
    claimed: dict[str, list[str]] = {}
    for rule in ORDER_282.active_grounds:
        for trigger in rule.triggers:
            for etype in trigger.event_types:
                claimed.setdefault(etype.value, []).append(rule.rule_id)
    assert claimed == {
        "SMUGGLING_CRIME": ["D1"], "SMUGGLING_PENALTY": ["D2"], "SUPERVISION_VIOLATION_PENALTY": ["D3"],
        "TAX_OVERDUE": ["D4"], "FINE_OVERDUE": ["D5"], "OBSTRUCTION_PENALTY": ["D6"], "BRIBERY": ["D7"],
        "EXPORT_CONTROL_VIOLATION_PENALTY": ["D8"], "FOOD_SAFETY_CRIME": ["S1"], "COSMETICS_CRIME": ["S1"],
        "SOLID_WASTE_SMUGGLING_CRIME": ["S1"], "SOLID_WASTE_IMPORT_PENALTY": ["S2"],
    }
