"""D5 (Art 15): fine/confiscation unpaid more than 6 months after due date AND above CNY 10,000."""

from __future__ import annotations

import pytest

from shared.domain.rules import ORDER_282, Route, arrears_threshold_date
from shared.domain.tiers import Tier
from tests.unit.rules.builders import day, evaluate_on, fine_overdue, rule_ids, settled, tier_on


def test_six_months_to_the_day() -> None:
    # Given a fine of 50,000 due 2026-01-15
    unpaid = fine_overdue("2026-01-20", "2026-01-15", "50000.00")
    # When evaluated on 2026-07-15 (exactly 6 months) and 2026-07-16
    # Then D5 holds from the day after
    assert arrears_threshold_date(unpaid, ORDER_282) == day("2026-07-16")
    assert tier_on("2026-07-15", unpaid) is Tier.REGULAR
    result = evaluate_on("2026-07-16", unpaid)
    assert rule_ids(result) == ["D5"]


def test_end_of_month_due_date_is_clamped() -> None:
    # Given a fine due 2025-08-31 (+6 months = 2026-02-28)
    unpaid = fine_overdue("2025-09-01", "2025-08-31", "50000.00")
    # When / Then D5 from 2026-03-01
    assert arrears_threshold_date(unpaid, ORDER_282) == day("2026-03-01")


@pytest.mark.parametrize(("amount", "threshold", "expected"), [
    ("10000.00", None, Tier.REGULAR),
    ("10000.01", "2026-07-16", Tier.DISCREDITED),
])
def test_amount_must_exceed_10000(amount: str, threshold: str | None, expected: Tier) -> None:
    # Given an unpaid fine of exactly 10,000.00 or 10,000.01
    unpaid = fine_overdue("2026-01-20", "2026-01-15", amount)
    # When evaluated a year later
    # Then 10,000.00 never grounds D5 (no threshold date), 10,000.01 does
    assert arrears_threshold_date(unpaid, ORDER_282) == (None if threshold is None else day(threshold))
    assert tier_on("2027-01-20", unpaid) is expected


def test_paid_before_the_threshold_never_grounds_d5() -> None:
    # Given the fine paid on 2026-07-15, the last day before D5
    unpaid = fine_overdue("2026-01-20", "2026-01-15", "50000.00")
    # When / Then REGULAR
    assert tier_on("2027-01-01", unpaid, settled(unpaid, "2026-07-15")) is Tier.REGULAR


@pytest.mark.pins("CHOICE-UPGRADE-WAITING-PERIODS")
def test_settled_later_the_3_month_wait_counts_from_settlement() -> None:
    # Given D5 from 2026-07-16, paid 2026-09-30
    unpaid = fine_overdue("2026-01-20", "2026-01-15", "50000.00")
    result = evaluate_on("2026-10-01", unpaid, settled(unpaid, "2026-09-30"))
    # Then DISCREDITED, application from 2026-12-31 (after the 3 months from settlement, which end 2026-12-30)
    assert result.tier is Tier.DISCREDITED
    assert result.restoration_notice.grounds[0].route is Route.APPLICATION
    assert result.restoration_notice.earliest_application_on == day("2026-12-31")
