"""D4 (Art 15): tax unpaid more than 3 months after its due date (time-triggered)."""

from __future__ import annotations

import pytest

from shared.domain.rules import ORDER_282, Route, Severity, arrears_threshold_date
from shared.domain.tiers import Tier
from tests.unit.rules.builders import day, evaluate_on, record, rule_ids, settled, tax_overdue, tier_on


def test_threshold_is_the_day_after_due_date_plus_3_months() -> None:
    # Given tax due 2026-01-31 (+ 3 calendar months = 2026-04-30, end of month clamped)
    tax = tax_overdue("2026-02-05", "2026-01-31")
    # When the threshold date is computed / Then D4 first holds on 2026-05-01
    assert arrears_threshold_date(tax, ORDER_282) == day("2026-05-01")
    assert tier_on("2026-04-30", tax) is Tier.REGULAR
    result = evaluate_on("2026-05-01", tax)
    assert result.tier is Tier.DISCREDITED
    assert rule_ids(result) == ["D4"]
    assert result.grounds[0].arose_on == day("2026-05-01")


def test_three_months_to_the_day() -> None:
    # Given tax due 2026-03-15
    tax = tax_overdue("2026-03-20", "2026-03-15")
    # When evaluated on 2026-06-15 (exactly 3 months) and 2026-06-16
    # Then not yet on the day itself, DISCREDITED the day after
    assert arrears_threshold_date(tax, ORDER_282) == day("2026-06-16")
    assert tier_on("2026-06-15", tax) is Tier.REGULAR
    assert tier_on("2026-06-16", tax) is Tier.DISCREDITED


def test_the_evaluation_reports_when_the_next_threshold_passes() -> None:
    # Given unpaid tax whose threshold is 2026-05-01
    tax = tax_overdue("2026-02-05", "2026-01-31")
    # When evaluated before it / Then the next change is announced for that day
    assert evaluate_on("2026-04-01", tax).next_change_on == day("2026-05-01")


def test_paid_before_the_threshold_never_grounds_d4() -> None:
    # Given tax due 2026-01-31, paid on 2026-04-30
    tax = tax_overdue("2026-02-05", "2026-01-31")
    paid = settled(tax, "2026-04-30")
    # When evaluated long after / Then REGULAR, and the arrears are no record
    result = evaluate_on("2026-09-01", tax, paid)
    assert result.tier is Tier.REGULAR
    assert record(result, tax.event_id).severity is None
    assert result.next_change_on is None


@pytest.mark.pins("CHOICE-ARREARS-SETTLED-ON-THRESHOLD-DAY")
def test_paid_on_the_threshold_day_still_grounds_d4() -> None:
    # Given tax due 2026-01-31 paid on 2026-05-01, the first day D4 holds
    tax = tax_overdue("2026-02-05", "2026-01-31")
    paid = settled(tax, "2026-05-01")
    # When evaluated / Then D4 arose that day (settlement stops D4 from arising *after* the settlement date)
    assert tier_on("2026-05-02", tax, paid) is Tier.DISCREDITED


def test_settlement_after_the_threshold_does_not_upgrade_but_starts_the_3_month_wait() -> None:
    # Given D4 arose on 2026-05-01 and the tax was paid on 2026-05-20
    tax = tax_overdue("2026-02-05", "2026-01-31")
    paid = settled(tax, "2026-05-20")
    # When evaluated after payment
    result = evaluate_on("2026-06-01", tax, paid)
    # Then still DISCREDITED (sticky); the enterprise may apply after 3 months from settlement (from 2026-08-21)
    assert result.tier is Tier.DISCREDITED
    notice = result.restoration_notice
    assert [g.route for g in notice.grounds] == [Route.APPLICATION]
    assert notice.earliest_application_on == day("2026-08-21")


@pytest.mark.pins("CHOICE-UPGRADE-WAITING-PERIODS")
def test_unpaid_arrears_have_no_application_date_until_settled() -> None:
    # Given D4 and the tax still unpaid
    tax = tax_overdue("2026-02-05", "2026-01-31")
    notice = evaluate_on("2026-06-01", tax).restoration_notice
    # Then the route waits for settlement
    assert [g.route for g in notice.grounds] == [Route.AFTER_SETTLEMENT]
    assert notice.earliest_application_on is None
    assert notice.application_route is True
    assert "paid" in notice.text


def test_a_settlement_decided_after_as_of_does_not_exist_yet() -> None:
    # Given tax paid on 2026-04-20 (before the threshold), evaluated on 2026-04-10
    tax = tax_overdue("2026-02-05", "2026-01-31")
    paid = settled(tax, "2026-04-20")
    # When evaluated before the payment / Then the next change is still the threshold day
    assert evaluate_on("2026-04-10", tax, paid).next_change_on == day("2026-05-01")
    assert tier_on("2026-05-01", tax, paid) is Tier.REGULAR


@pytest.mark.pins("CHOICE-ARREARS-RECORD-ONLY-AS-GROUND")
def test_arrears_record_is_disclosed_from_the_day_it_becomes_a_ground() -> None:
    # Given D4 from 2026-05-01
    tax = tax_overdue("2026-02-05", "2026-01-31")
    # When classified / Then GENERAL, disclosed from 2026-05-01 (not decided_on) through 2027-05-01, restorable
    # after 3 months
    classification = record(evaluate_on("2026-05-01", tax), tax.event_id)
    assert classification.severity is Severity.GENERAL
    assert classification.disclosure_from == day("2026-05-01")
    assert classification.restorable_from == day("2026-08-02")
    assert classification.disclosure_until == day("2027-05-02")  # shown through 2027-05-01
    # ... and before the threshold it is no record at all
    assert record(evaluate_on("2026-04-30", tax), tax.event_id).severity is None
