"""D6 (Art 15): resisting or obstructing customs officers, penalised."""

from __future__ import annotations

from shared.domain.rules import Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import day, evaluate_on, fine, record, rule_ids, tier_on


def test_obstruction_penalty_grounds_d6() -> None:
    # Given a penalty for obstructing officers decided 2026-06-01
    penalty = fine("OBSTRUCTION_PENALTY", "2026-06-01", "5000.00")
    # When evaluated / Then DISCREDITED on D6 from that day, GENERAL record
    assert tier_on("2026-05-31", penalty) is Tier.REGULAR
    result = evaluate_on("2026-06-01", penalty)
    assert rule_ids(result) == ["D6"]
    assert result.grounds[0].article == "Art 15"
    assert record(result, penalty.event_id).severity is Severity.GENERAL


def test_d6_upgrade_after_12_months() -> None:
    # Given D6 from 2026-06-01 / When the notice is read / Then application after 12 months: from 2027-06-02
    penalty = fine("OBSTRUCTION_PENALTY", "2026-06-01", "5000.00")
    assert evaluate_on("2026-07-01", penalty).restoration_notice.earliest_application_on == day("2027-06-02")


def test_obstruction_is_not_seriously_discredited_by_default() -> None:
    # Given S3 is off by default / When evaluated / Then DISCREDITED, not SERIOUSLY_DISCREDITED
    assert tier_on("2026-06-02", fine("OBSTRUCTION_PENALTY", "2026-06-01", "5000.00")) is Tier.DISCREDITED
