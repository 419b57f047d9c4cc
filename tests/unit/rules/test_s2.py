"""S2 (Art 16): customs fine above CNY 2,500,000 for illegally importing solid waste."""

from __future__ import annotations

import pytest

from shared.domain.rules import Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import evaluate_on, event, fine, record, rule_ids


@pytest.mark.parametrize(("amount", "expected", "severity"), [
    ("2500000.00", Tier.REGULAR, Severity.GENERAL),
    ("2500000.01", Tier.SERIOUSLY_DISCREDITED, Severity.SERIOUS),
])
def test_fine_must_exceed_2_5_million(amount: str, expected: Tier, severity: Severity) -> None:
    # Given a solid-waste import fine of exactly 2,500,000.00 or 2,500,000.01
    penalty = fine("SOLID_WASTE_IMPORT_PENALTY", "2026-06-01", amount)
    # When evaluated
    result = evaluate_on("2026-06-02", penalty)
    # Then only the fine above 2,500,000 grounds S2; the other is a GENERAL penalty record
    assert result.tier is expected
    assert record(result, penalty.event_id).severity is severity


def test_s2_ground_cites_art_16_and_the_amount() -> None:
    # Given a fine of 3,000,000
    penalty = fine("SOLID_WASTE_IMPORT_PENALTY", "2026-06-01", "3000000.00")
    # When evaluated / Then S2, Art 16, and the summary names the amount
    result = evaluate_on("2026-06-02", penalty)
    assert rule_ids(result) == ["S2"]
    assert result.grounds[0].article == "Art 16"
    assert "3,000,000.00" in result.grounds[0].summary


@pytest.mark.pins("CHOICE-D3-WINDOW-COUNT-FINES")
def test_a_confiscation_is_not_a_fine() -> None:
    # Given a confiscation worth 3,000,000 for illegal solid-waste import
    penalty = event("SOLID_WASTE_IMPORT_PENALTY", "2026-06-01", penalty_kind="CONFISCATION", amount_cny="3000000.00")
    # When evaluated / Then S2 (a fine above the amount) does not hold
    assert evaluate_on("2026-06-02", penalty).tier is Tier.REGULAR
