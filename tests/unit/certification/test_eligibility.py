"""Eligibility to apply (docs/rules.md, certification): registration, tier, 12-month bars, open case."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.certification.eligibility import (
    BarEvent,
    BarReason,
    RefusalCode,
    bar_events_of_tier_change,
    refusals,
)
from shared.domain.enterprise import RegistrationStatus
from shared.domain.rules import ORDER_282
from shared.domain.tiers import Tier

RULES = ORDER_282.certification
BAR_EVENT_DAY = date(2026, 5, 10)
LAST_BARRED_DAY = date(2027, 5, 10)  # 12 months opened on 2026-05-10 end on 2027-05-10


def codes(*, status: RegistrationStatus = RegistrationStatus.REGISTERED, tier: Tier = Tier.REGULAR,
          target: Tier = Tier.CERTIFIED, bars: tuple[BarEvent, ...] = (), open_case: str | None = None,
          today: date = date(2026, 6, 1)) -> list[RefusalCode]:
    return [r.code for r in refusals(registration_status=status, tier=tier, target_tier=target, bars=bars,
                                     open_case_id=open_case, today=today, rules=RULES)]


@pytest.mark.parametrize("status", [RegistrationStatus.REGISTERED, RegistrationStatus.FILED])
def test_a_regular_registered_or_filed_enterprise_without_bar_or_case_is_eligible(status: RegistrationStatus) -> None:
    assert codes(status=status) == []


def test_an_unregistered_related_enterprise_is_refused() -> None:
    assert codes(status=RegistrationStatus.UNREGISTERED_RELATED) == [RefusalCode.NOT_REGISTERED]


@pytest.mark.parametrize("tier", [Tier.DISCREDITED, Tier.SERIOUSLY_DISCREDITED])
def test_discredited_tiers_are_refused(tier: Tier) -> None:
    assert codes(tier=tier) == [RefusalCode.DISCREDITED]


def test_an_enterprise_at_or_above_the_target_is_refused_but_ce_may_apply_for_ace() -> None:
    assert codes(tier=Tier.CERTIFIED, target=Tier.CERTIFIED) == [RefusalCode.ALREADY_AT_TARGET]
    assert codes(tier=Tier.ADVANCED_CERTIFIED, target=Tier.CERTIFIED) == [RefusalCode.ALREADY_AT_TARGET]
    assert codes(tier=Tier.CERTIFIED, target=Tier.ADVANCED_CERTIFIED) == []


def test_an_open_case_is_refused() -> None:
    assert codes(open_case="case-1") == [RefusalCode.OPEN_CASE]


@pytest.mark.parametrize("reason", list(BarReason))
def test_each_bar_refuses_through_its_last_day_with_its_own_code_and_not_the_day_after(reason: BarReason) -> None:
    bars = (BarEvent(reason, BAR_EVENT_DAY),)
    barred = refusals(registration_status=RegistrationStatus.REGISTERED, tier=Tier.REGULAR,
                      target_tier=Tier.CERTIFIED, bars=bars, open_case_id=None, today=LAST_BARRED_DAY, rules=RULES)
    assert [r.code.value for r in barred] == [f"BARRED_{reason.value}"]
    assert barred[0].until == LAST_BARRED_DAY
    assert codes(bars=bars, today=date(2027, 5, 11)) == []


def test_the_latest_event_of_a_reason_sets_the_bar_and_reasons_are_reported_together() -> None:
    bars = (BarEvent(BarReason.FAILED_CERTIFICATION, date(2025, 1, 1)),
            BarEvent(BarReason.FAILED_CERTIFICATION, BAR_EVENT_DAY),
            BarEvent(BarReason.UPGRADED_FROM_DISCREDITED, date(2026, 3, 1)))
    assert codes(bars=bars, today=date(2027, 2, 28)) == [
        RefusalCode.BARRED_FAILED_CERTIFICATION, RefusalCode.BARRED_UPGRADED_FROM_DISCREDITED]
    assert codes(bars=bars, today=date(2027, 3, 2)) == [RefusalCode.BARRED_FAILED_CERTIFICATION]


def test_bar_period_follows_month_ends() -> None:
    # Given a withdrawal on 2028-02-29 / Then barred through 2029-02-28, free from 2029-03-01
    bars = (BarEvent(BarReason.WITHDRAWN_APPLICATION, date(2028, 2, 29)),)
    assert codes(bars=bars, today=date(2029, 2, 28)) == [RefusalCode.BARRED_WITHDRAWN_APPLICATION]
    assert codes(bars=bars, today=date(2029, 3, 1)) == []


@pytest.mark.parametrize(("before", "after", "reasons"), [
    (Tier.ADVANCED_CERTIFIED, Tier.CERTIFIED, [BarReason.DOWNGRADED_FROM_CERTIFIED]),
    (Tier.CERTIFIED, Tier.DISCREDITED, [BarReason.DOWNGRADED_FROM_CERTIFIED]),
    (Tier.DISCREDITED, Tier.REGULAR, [BarReason.UPGRADED_FROM_DISCREDITED]),
    (Tier.SERIOUSLY_DISCREDITED, Tier.REGULAR, [BarReason.UPGRADED_FROM_DISCREDITED]),
    (Tier.REGULAR, Tier.CERTIFIED, []),
    (Tier.REGULAR, Tier.DISCREDITED, []),
    (Tier.SERIOUSLY_DISCREDITED, Tier.DISCREDITED, [BarReason.UPGRADED_FROM_DISCREDITED]),
])
def test_tier_changes_that_start_a_bar(before: Tier, after: Tier, reasons: list[BarReason]) -> None:
    assert [b.reason for b in bar_events_of_tier_change(before, after, BAR_EVENT_DAY)] == reasons
