"""Automatic upgrades (Arts 29-30): never while an obligation is unfulfilled; the
clean period counts from settlement; an upgrade is a decision citing the articles it rests on."""

from __future__ import annotations

import pytest

from shared.domain.restoration import upgrade_citations
from shared.domain.rules import ORDER_282, Cause
from shared.domain.tiers import Tier
from tests.unit.rules.builders import evaluate_on, fine, settled, tax_overdue


@pytest.mark.pins("CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND")
def test_a_tax_never_paid_is_never_forgiven_automatically() -> None:
    # Given D4 from 2026-05-01 on a tax never paid
    tax = tax_overdue("2026-02-05", "2026-01-31")
    # When evaluated 24 months and far more later
    for when in ("2028-05-01", "2028-05-02", "2031-01-01"):
        result = evaluate_on(when, tax)
        # Then the enterprise stays DISCREDITED and no automatic day is announced
        assert result.tier is Tier.DISCREDITED, when
        assert result.restoration_notice.automatic_on is None
        assert result.next_change_on is None


@pytest.mark.pins("CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND")
def test_the_clean_period_counts_from_settlement() -> None:
    # Given D4 from 2026-05-01, paid on 2026-09-10
    tax = tax_overdue("2026-02-05", "2026-01-31")
    paid = settled(tax, "2026-09-10")
    # When evaluated on the last day of the 24 months from settlement, and on the day after
    before = evaluate_on("2028-09-10", tax, paid)
    on = evaluate_on("2028-09-11", tax, paid)
    # Then the automatic day is the day after the 24 months from the settlement, not from the ground
    assert before.tier is Tier.DISCREDITED
    assert before.restoration_notice.automatic_on.isoformat() == "2028-09-11"  # type: ignore[union-attr]
    assert on.tier is Tier.REGULAR
    assert on.transitions[-1].cause is Cause.AUTOMATIC_RESTORATION


def test_a_settlement_before_the_last_ground_changes_nothing() -> None:
    # Given arrears paid early in the downgrade, then a later D2 ground
    tax = tax_overdue("2026-02-05", "2026-01-31")
    paid = settled(tax, "2026-05-10")
    penalty = fine("SMUGGLING_PENALTY", "2026-08-01", "50000.00")
    result = evaluate_on("2026-09-01", tax, paid, penalty)
    # Then the clean period counts from the last ground
    assert result.restoration_notice.automatic_on.isoformat() == "2028-08-02"  # type: ignore[union-attr]


def test_an_automatic_upgrade_cites_arts_29_30() -> None:
    # Given a D2 penalty whose 24 months ended yesterday (2028-05-01)
    penalty = fine("SMUGGLING_PENALTY", "2026-05-01", "50000.00")
    result = evaluate_on("2028-05-02", penalty)
    # Then the enterprise is REGULAR and the decision's citations name the upgrade and its articles
    assert result.tier is Tier.REGULAR
    [citation] = upgrade_citations(result, ORDER_282)
    assert (citation["rule_id"], citation["article"]) == ("AUTOMATIC_UPGRADE", "Arts 29-30")
    assert "D2" in citation["summary"]
    assert citation["evidence"] == [penalty.event_id]
