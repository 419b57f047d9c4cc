"""S3 (Art 16, one commentary): bribery, obstruction, repeated major violations — OFF by default."""

from __future__ import annotations

import pytest

from shared.domain.rules import ORDER_282, Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import evaluate_on, event, fine, record, rule_ids, tier_on

S3_ON = ORDER_282.with_rule("S3", enabled=True)


def test_s3_is_disabled_in_order_282() -> None:
    # Given the shipped pack / Then S3 is present, documented, and disabled
    assert ORDER_282.rule("S3").enabled is False
    assert "S3" not in [r.rule_id for r in ORDER_282.active_grounds]


def test_bribery_is_only_discredited_by_default() -> None:
    # Given a bribery conviction / When evaluated with the default pack / Then DISCREDITED on D7 only
    result = evaluate_on("2026-06-02", event("BRIBERY", "2026-06-01"))
    assert result.tier is Tier.DISCREDITED
    assert rule_ids(result) == ["D7"]


def test_two_smuggling_penalties_are_not_sd_by_default() -> None:
    # Given two smuggling penalties within 12 months / Then DISCREDITED only
    events = (fine("SMUGGLING_PENALTY", "2026-04-01", "1000.00"), fine("SMUGGLING_PENALTY", "2026-09-01", "1000.00"))
    assert tier_on("2026-09-02", *events) is Tier.DISCREDITED


@pytest.mark.pins("CHOICE-S3-WHEN-ENABLED")
@pytest.mark.pins("CHOICE-SEVERITY-CLASSES")
def test_when_enabled_bribery_and_obstruction_are_sd() -> None:
    # Given S3 switched on (as data: a copy of the pack)
    bribery = event("BRIBERY", "2026-06-01")
    # When evaluated / Then SD on D7 and S3, and the record is SERIOUS
    result = evaluate_on("2026-06-02", bribery, pack=S3_ON)
    assert result.tier is Tier.SERIOUSLY_DISCREDITED
    assert rule_ids(result) == ["D7", "S3"]
    assert record(result, bribery.event_id).severity is Severity.SERIOUS
    assert tier_on("2026-06-02", fine("OBSTRUCTION_PENALTY", "2026-06-01", "100.00"), pack=S3_ON) \
        is Tier.SERIOUSLY_DISCREDITED


@pytest.mark.pins("CHOICE-S3-WHEN-ENABLED")
def test_when_enabled_repeated_smuggling_within_12_months_is_sd() -> None:
    # Given two smuggling penalties within 12 months, and two 12 months apart
    within = (fine("SMUGGLING_PENALTY", "2026-04-01", "1000.00"), fine("SMUGGLING_PENALTY", "2027-03-31", "1000.00"))
    apart = (fine("SMUGGLING_PENALTY", "2026-04-01", "1000.00"), fine("SMUGGLING_PENALTY", "2027-04-01", "1000.00"))
    # When evaluated with S3 on / Then SD only for the pair within the window
    assert tier_on("2027-04-02", *within, pack=S3_ON) is Tier.SERIOUSLY_DISCREDITED
    assert tier_on("2027-04-02", *apart, pack=S3_ON) is Tier.DISCREDITED
