"""D8 (Art 15, new in Order 282): intentional violation of export-control law, penalised by customs."""

from __future__ import annotations

from shared.domain.rules import Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import day, evaluate_on, fine, record, rule_ids, tier_on


def test_one_intentional_export_control_penalty_grounds_d8() -> None:
    # Given one intentional export-control penalty (any amount)
    penalty = fine("EXPORT_CONTROL_VIOLATION_PENALTY", "2026-06-01", "1000.00")
    # When evaluated / Then D8, with an application possible after 12 months (from 2027-06-02)
    result = evaluate_on("2026-06-01", penalty)
    assert rule_ids(result) == ["D8"]
    assert result.restoration_notice.earliest_application_on == day("2027-06-02")
    assert record(result, penalty.event_id).severity is Severity.GENERAL


def test_a_non_intentional_export_control_penalty_grounds_nothing() -> None:
    # Given a non-intentional export-control penalty of 1,000
    penalty = fine("EXPORT_CONTROL_VIOLATION_PENALTY", "2026-06-01", "1000.00", intentional=False)
    # When evaluated / Then REGULAR, and the record is an ordinary penalty (MINOR at 1,000)
    result = evaluate_on("2026-06-01", penalty)
    assert result.tier is Tier.REGULAR
    assert record(result, penalty.event_id).severity is Severity.MINOR
    assert tier_on("2026-06-01", fine("EXPORT_CONTROL_VIOLATION_PENALTY", "2026-06-01", "90000.00",
                                      intentional=False)) is Tier.REGULAR
