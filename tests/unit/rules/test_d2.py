"""D2 (Art 15): a smuggling act punished by customs."""

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


def test_smuggling_penalty_grounds_d2_from_the_decision_date() -> None:
    # Given a customs penalty for smuggling decided 2026-04-10
    penalty = fine("SMUGGLING_PENALTY", "2026-04-10", "20000.00")
    # When evaluated on the day before and on the day
    # Then D2 holds from the decision date, citing Art 15 and the event
    assert tier_on("2026-04-09", penalty) is Tier.REGULAR
    result = evaluate_on("2026-04-10", penalty)
    assert result.tier is Tier.DISCREDITED
    assert rule_ids(result) == ["D2"]
    assert result.grounds[0].evidence == (penalty.event_id,)
    assert "Art 15" in result.explanation
    assert penalty.event_id in result.explanation


def test_d2_upgrade_on_application_after_12_months() -> None:
    # Given D2 arose on 2026-04-10
    penalty = fine("SMUGGLING_PENALTY", "2026-04-10", "20000.00")
    # When the notice is read
    notice = evaluate_on("2026-05-01", penalty).restoration_notice
    # Then the enterprise may apply after 12 months (from 2027-04-11), and is restored automatically after 24
    # (on 2028-04-11)
    assert [g.route for g in notice.grounds] == [Route.APPLICATION]
    assert notice.earliest_application_on == day("2027-04-11")
    assert notice.automatic_on == day("2028-04-11")
    assert notice.documents == ("FULFILMENT_PROOF", "COMMITMENT_LETTER")


@pytest.mark.pins("CHOICE-UPGRADE-TARGET-REGULAR")
def test_downgrade_removes_the_certificate_and_an_upgrade_leads_to_regular() -> None:
    # Given an ADVANCED_CERTIFIED enterprise punished for smuggling, then upgraded on application
    penalty = fine("SMUGGLING_PENALTY", "2026-04-10", "20000.00")
    ace = certified(Tier.ADVANCED_CERTIFIED, "2026-01-05")
    # When evaluated before the penalty, during the downgrade and after the upgrade
    assert tier_on("2026-04-09", penalty, tier_facts=(ace,)) is Tier.ADVANCED_CERTIFIED
    assert tier_on("2026-06-01", penalty, tier_facts=(ace,)) is Tier.DISCREDITED
    after = evaluate_on("2027-05-01", penalty, tier_facts=(ace, upgraded("2027-04-20")))
    # Then the upgrade leads to REGULAR, not back to the lost certificate
    assert after.tier is Tier.REGULAR
    assert after.grounds == ()
    assert [t.cause for t in after.transitions] == [Cause.CERTIFIED, Cause.GROUND, Cause.UPGRADE]
    assert after.transitions[-1].rule_ids == ("D2",)
    # ... and nothing else happens later: the upgraded downgrade has no automatic restoration pending
    later = evaluate_on("2029-01-01", penalty, tier_facts=(ace, upgraded("2027-04-20")))
    assert later.transitions == after.transitions
    assert later.next_change_on is None


def test_downgrade_is_sticky_until_24_clean_months() -> None:
    # Given D2 on 2026-04-10 and nothing else
    penalty = fine("SMUGGLING_PENALTY", "2026-04-10", "20000.00")
    # When evaluated on the last day of the 24 months and on the day after
    # Then DISCREDITED until 2028-04-10 inclusive, REGULAR from 2028-04-11
    assert tier_on("2028-04-10", penalty) is Tier.DISCREDITED
    result = evaluate_on("2028-04-11", penalty)
    assert result.tier is Tier.REGULAR
    assert result.transitions[-1].cause is Cause.AUTOMATIC_RESTORATION


@pytest.mark.pins("CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND")
def test_a_new_ground_restarts_the_automatic_clean_period() -> None:
    # Given D2 on 2026-04-10 and another D2 on 2027-01-10
    first = fine("SMUGGLING_PENALTY", "2026-04-10", "20000.00")
    second = fine("SMUGGLING_PENALTY", "2027-01-10", "5000.00")
    # When evaluated on the day the first ground alone would have been lifted
    # Then still DISCREDITED: the clean period counts from the last ground (over after 2029-01-10)
    result = evaluate_on("2028-04-11", first, second)
    assert result.tier is Tier.DISCREDITED
    assert result.grounds[0].evidence == (first.event_id, second.event_id)
    assert result.restoration_notice.automatic_on == day("2029-01-11")
    assert result.restoration_notice.earliest_application_on == day("2028-01-11")


def test_d2_record_is_general() -> None:
    # Given a D2 penalty of CNY 2,000 (which alone would be MINOR)
    penalty = fine("SMUGGLING_PENALTY", "2026-04-10", "2000.00")
    # When classified
    classification = record(evaluate_on("2026-05-01", penalty), penalty.event_id)
    # Then GENERAL: it grounds D2
    assert classification.severity is Severity.GENERAL
    assert classification.rule_ids == ("D2",)


def test_a_warning_for_smuggling_still_grounds_d2() -> None:
    # Given a smuggling penalty that is a warning
    warning = event("SMUGGLING_PENALTY", "2026-04-10", penalty_kind="WARNING")
    # When evaluated / Then D2 (any punished smuggling act) and a GENERAL record
    result = evaluate_on("2026-04-10", warning)
    assert rule_ids(result) == ["D2"]
    assert record(result, warning.event_id).severity is Severity.GENERAL


@pytest.mark.pins("CHOICE-TIME-OF-DAY")
def test_a_ground_on_the_day_of_automatic_restoration_opens_a_new_downgrade() -> None:
    # Given D2 on 2026-04-10 and another D2 on the day of automatic restoration (the day after the 24 months)
    first = fine("SMUGGLING_PENALTY", "2026-04-10", "1000.00")
    second = fine("SMUGGLING_PENALTY", "2028-04-11", "1000.00")
    # When evaluated that day
    result = evaluate_on("2028-04-11", first, second)
    # Then the first downgrade ended at 00:00 and a new one, grounded on the second penalty only, began
    assert result.tier is Tier.DISCREDITED
    assert result.grounds[0].evidence == (second.event_id,)
    assert [t.cause for t in result.transitions] == [Cause.GROUND, Cause.AUTOMATIC_RESTORATION, Cause.GROUND]
