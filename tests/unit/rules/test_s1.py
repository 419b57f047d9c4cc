"""S1 (Art 16): criminal liability for food-safety, cosmetics or solid-waste smuggling offences."""

from __future__ import annotations

import pytest

from shared.domain.rules import Cause, Route, Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import (
    certified,
    day,
    evaluate_on,
    event,
    fine,
    record,
    rule_ids,
    tier_on,
    upgraded,
)


@pytest.mark.parametrize("etype", ["FOOD_SAFETY_CRIME", "COSMETICS_CRIME", "SOLID_WASTE_SMUGGLING_CRIME"])
def test_each_listed_crime_makes_the_enterprise_seriously_discredited(etype: str) -> None:
    # Given a judgment of that type effective 2026-06-01
    crime = event(etype, "2026-06-01")
    # When evaluated / Then SERIOUSLY_DISCREDITED on S1 (Art 16) from that day, SERIOUS record
    assert tier_on("2026-05-31", crime) is Tier.REGULAR
    result = evaluate_on("2026-06-01", crime)
    assert result.tier is Tier.SERIOUSLY_DISCREDITED
    assert rule_ids(result) == ["S1"]
    assert result.grounds[0].article == "Art 16"
    assert record(result, crime.event_id).severity is Severity.SERIOUS


def test_sd_removes_the_certificate() -> None:
    # Given an ACE enterprise convicted of a food-safety crime
    crime = event("FOOD_SAFETY_CRIME", "2026-06-01")
    ace = certified(Tier.ADVANCED_CERTIFIED, "2026-01-10")
    # When evaluated before and after / Then ACE then SD, and after 36 clean months (from 2029-06-02) REGULAR (not ACE)
    assert tier_on("2026-05-31", crime, tier_facts=(ace,)) is Tier.ADVANCED_CERTIFIED
    assert tier_on("2026-06-01", crime, tier_facts=(ace,)) is Tier.SERIOUSLY_DISCREDITED
    assert tier_on("2029-06-02", crime, tier_facts=(ace,)) is Tier.REGULAR


@pytest.mark.pins("CHOICE-UPGRADE-WAITING-PERIODS")
def test_sd_may_apply_after_12_months_and_is_restored_automatically_after_36() -> None:
    # Given S1 from 2026-06-01
    crime = event("COSMETICS_CRIME", "2026-06-01")
    notice = evaluate_on("2026-07-01", crime).restoration_notice
    # Then application after 12 months (from 2027-06-02), automatic after 36 (on 2029-06-02)
    assert [g.route for g in notice.grounds] == [Route.APPLICATION]
    assert notice.earliest_application_on == day("2027-06-02")
    assert notice.automatic_on == day("2029-06-02")
    assert tier_on("2029-06-01", crime) is Tier.SERIOUSLY_DISCREDITED
    assert tier_on("2029-06-02", crime) is Tier.REGULAR


@pytest.mark.pins("CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND")
def test_a_discredited_enterprise_becomes_sd_and_a_later_d_ground_keeps_it_sd() -> None:
    # Given D2 on 2026-04-10, S1 on 2026-06-01, and D6 on 2026-09-01
    events = (fine("SMUGGLING_PENALTY", "2026-04-10", "20000.00"), event("FOOD_SAFETY_CRIME", "2026-06-01"),
              fine("OBSTRUCTION_PENALTY", "2026-09-01", "5000.00"))
    # When evaluated
    result = evaluate_on("2026-10-01", *events)
    # Then SD, grounded on all three; the 36-month clock runs from the last ground
    assert result.tier is Tier.SERIOUSLY_DISCREDITED
    assert rule_ids(result) == ["D2", "S1", "D6"]
    assert result.restoration_notice.automatic_on == day("2029-09-02")
    assert [(t.from_tier, t.to_tier) for t in result.transitions] == [
        (Tier.REGULAR, Tier.DISCREDITED), (Tier.DISCREDITED, Tier.SERIOUSLY_DISCREDITED)]


@pytest.mark.pins("CHOICE-TIME-OF-DAY")
def test_d_and_s_grounds_on_the_same_day_are_one_transition() -> None:
    # Given D2 and S1 decided the same day
    events = (fine("SMUGGLING_PENALTY", "2026-06-01", "20000.00"), event("FOOD_SAFETY_CRIME", "2026-06-01"))
    # When evaluated / Then one decision REGULAR -> SD citing both
    transitions = evaluate_on("2026-06-02", *events).transitions
    assert [(t.from_tier, t.to_tier, t.cause, t.rule_ids) for t in transitions] == [
        (Tier.REGULAR, Tier.SERIOUSLY_DISCREDITED, Cause.GROUND, ("D2", "S1"))]


@pytest.mark.pins("CHOICE-UPGRADE-TARGET-REGULAR")
def test_upgrade_from_sd_goes_to_regular() -> None:
    # Given SD from 2026-06-01 and an approved restoration on 2027-07-01
    crime = event("SOLID_WASTE_SMUGGLING_CRIME", "2026-06-01")
    # When evaluated / Then REGULAR
    assert tier_on("2027-07-02", crime, tier_facts=(upgraded("2027-07-01"),)) is Tier.REGULAR
