"""Engine-wide behaviour: certification facts, simulation, explanation, corrections, output shape."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from shared.domain.errors import ValidationFailed
from shared.domain.rules import Cause, evaluate, simulate
from shared.domain.tiers import Tier
from tests.unit.rules.builders import (
    USCC,
    at,
    certified,
    evaluate_on,
    event,
    facts,
    fine,
    revoked,
    settled,
    tax_overdue,
    tier_on,
    upgraded,
    withdrawn,
)


def test_a_new_enterprise_is_regular() -> None:
    # Given no facts / When evaluated / Then REGULAR, no grounds, nothing to restore
    result = evaluate_on("2026-06-01")
    assert (result.tier, result.grounds, result.tier_since, result.is_aeo) == (Tier.REGULAR, (), None, False)
    assert result.restoration_notice.downgraded is False
    assert "No ground" in result.explanation


def test_certification_holds_until_withdrawn() -> None:
    # Given CE granted on 2026-05-01 and withdrawn on 2026-09-01
    tier_facts = (certified(Tier.CERTIFIED, "2026-05-01"), withdrawn("2026-09-01"))
    # When evaluated in between and after / Then CE (an AEO), then REGULAR
    during = evaluate_on("2026-06-01", tier_facts=tier_facts)
    assert (during.tier, during.is_aeo) == (Tier.CERTIFIED, True)
    assert tier_on("2026-09-02", tier_facts=tier_facts) is Tier.REGULAR
    # ... and the certification counts from its instant, not from the start of its day
    assert evaluate(facts(tier_facts=tier_facts), at("2026-05-01", 8)).tier is Tier.REGULAR


@pytest.mark.pins("CHOICE-TIER-FACTS-DURING-DOWNGRADE")
def test_certification_while_discredited_changes_nothing_and_is_noted() -> None:
    # Given a DISCREDITED enterprise that (wrongly) receives a certification fact
    penalty = fine("SMUGGLING_PENALTY", "2026-04-10", "1000.00")
    result = evaluate_on("2026-06-01", penalty, tier_facts=(certified(Tier.CERTIFIED, "2026-05-01"),))
    # Then it stays DISCREDITED and the fact is reported in the notes
    assert result.tier is Tier.DISCREDITED
    assert any("changed nothing" in note for note in result.notes)


@pytest.mark.pins("CHOICE-TIER-FACTS-DURING-DOWNGRADE")
def test_upgrade_of_a_regular_enterprise_changes_nothing() -> None:
    result = evaluate_on("2026-06-01", tier_facts=(upgraded("2026-05-01"),))
    assert result.tier is Tier.REGULAR
    assert result.notes


def test_a_ground_after_an_upgrade_downgrades_again() -> None:
    # Given D2, an upgrade, then D6
    events = (fine("SMUGGLING_PENALTY", "2026-04-10", "1000.00"), fine("OBSTRUCTION_PENALTY", "2027-06-01", "1000.00"))
    result = evaluate_on("2027-06-02", *events, tier_facts=(upgraded("2027-05-01"),))
    # Then DISCREDITED on D6 only, since 2027-06-01
    assert result.tier is Tier.DISCREDITED
    assert [g.rule_id for g in result.grounds] == ["D6"]
    assert [t.cause for t in result.transitions] == [Cause.GROUND, Cause.UPGRADE, Cause.GROUND]


def test_naive_as_of_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        evaluate(facts(), datetime(2026, 6, 1))


def test_simulate_adds_hypothetical_events_and_stores_nothing() -> None:
    # Given a REGULAR enterprise
    f = facts(fine("SUPERVISION_VIOLATION_PENALTY", "2026-04-10", "600000.00"))
    # When a further penalty is simulated
    result = simulate(f, [fine("SUPERVISION_VIOLATION_PENALTY", "2026-05-10", "600000.00", event_id="what-if")],
                      at("2026-05-11"))
    # Then the simulated tier is DISCREDITED on D3, the extra event is named, and the facts are untouched
    assert (result.tier, result.simulated_event_ids) == (Tier.DISCREDITED, ("what-if",))
    assert len(f.events) == 1
    assert evaluate(f, at("2026-05-11")).tier is Tier.REGULAR


def test_simulate_refuses_an_event_id_that_names_another_stored_event() -> None:
    stored = fine("SMUGGLING_PENALTY", "2026-04-10", "1000.00", event_id="e-1")
    clash = fine("SMUGGLING_PENALTY", "2026-04-11", "1000.00", event_id="e-1")
    with pytest.raises(ValidationFailed) as raised:
        simulate(facts(stored), [clash], at("2026-05-01"))
    assert raised.value.errors[0]["loc"] == ["extra_events", 0, "event_id"]
    # ... while repeating the stored event itself is harmless
    assert simulate(facts(stored), [stored], at("2026-05-01")).simulated_event_ids == ()


def test_explanation_cites_articles_evidence_and_restoration() -> None:
    # Given D4 on unpaid tax
    tax = tax_overdue("2026-02-05", "2026-01-31", event_id="tax-7")
    text = evaluate_on("2026-05-02", tax).explanation
    # Then the paragraph names the pack, tier, rule, article, evidence and the restoration route
    for part in ("ORDER_282", "DISCREDITED on grounds that arose on 2026-05-01", "D4 (Art 15)", "tax-7",
                 "Arts 29-30", "No automatic restoration while arrears are unpaid"):
        assert part in text
    # ... and once paid, the automatic day counts from the settlement (Arts 29-30)
    paid = evaluate_on("2026-06-10", tax, settled(tax, "2026-06-10")).explanation
    assert "Automatic restoration to REGULAR on 2028-06-11" in paid  # after the 24 months ending 2028-06-10


def test_correction_is_marked_when_a_revoked_penalty_grounded_the_tier() -> None:
    # Given an ACE whose smuggling penalty (the only ground) is revoked
    penalty = fine("SMUGGLING_PENALTY", "2026-04-10", "1000.00")
    revocation = revoked(penalty, "2026-05-01")
    result = evaluate_on("2026-05-02", penalty, revocation, tier_facts=(certified(Tier.ADVANCED_CERTIFIED,
                                                                                  "2026-01-01"),))
    # Then the tier is what it would be without the event (ACE), and the result is a correction
    assert result.tier is Tier.ADVANCED_CERTIFIED
    assert result.is_correction
    assert result.corrections[0].tier_without_correction is Tier.DISCREDITED
    assert "Correction" in result.explanation
    assert revocation.event_id in result.explanation


def test_a_revocation_of_an_event_that_grounded_nothing_is_no_correction() -> None:
    warning = event("SUPERVISION_VIOLATION_PENALTY", "2026-04-10", penalty_kind="WARNING")
    assert not evaluate_on("2026-05-02", warning, revoked(warning, "2026-05-01")).is_correction


def test_to_dict_is_json_ready() -> None:
    # Given a rich evaluation / When serialised / Then plain JSON with the API shapes
    tax = tax_overdue("2026-02-05", "2026-01-31")
    result = evaluate_on("2026-05-02", tax, fine("SMUGGLING_PENALTY", "2026-04-10", "1000.00"))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["uscc"] == USCC
    assert data["tier"] == "DISCREDITED"
    assert data["is_aeo"] is False
    assert {g["rule_id"] for g in data["grounds"]} == {"D2", "D4"}
    assert result.citations()[0].keys() == {"rule_id", "article", "summary", "evidence"}
    assert data["restoration_notice"]["grounds"][0]["route"] == "APPLICATION"
    assert len(data["records"]) == 2
