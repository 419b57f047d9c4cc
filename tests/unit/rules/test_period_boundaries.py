"""Every kind of period the rules count, on its last day and on the day after (the Civil Code convention
of `shared.domain.periods`: what lasts "for" a period holds through its last day; what comes "after" it
holds from the next day), month ends included. The arithmetic itself is tests/unit/test_periods.py;
these tests pin that each rule uses it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain.rules import ORDER_282, Cause, DisclosureOverride
from shared.domain.tiers import Tier
from tests.unit.rules.builders import (
    day,
    evaluate_on,
    event,
    fine,
    record,
    settled,
    tax_overdue,
    tier_on,
    violation,
)

S3_ON = ORDER_282.with_rule("S3", enabled=True)


# -- disclosure ("for" the maximum period) ----------------------------------------------------------

@pytest.mark.pins("CHOICE-DISCLOSURE-WINDOW")
@pytest.mark.parametrize(("decided_on", "last_day"), [
    ("2026-04-15", "2027-04-15"),  # the rules' example
    ("2028-02-29", "2029-02-28"),  # no 29 February in the last month: its last day
    ("2026-01-31", "2027-01-31"),
])
def test_a_general_record_is_disclosed_through_the_last_day_of_its_12_months(decided_on: str, last_day: str) -> None:
    penalty = violation(decided_on, "50000.00")
    c = record(evaluate_on(decided_on, penalty), penalty.event_id)
    end, day_after = day(last_day), day(last_day) + timedelta(days=1)
    assert c.disclosed_on(end)
    assert c.status_on(end) == "DISCLOSED"
    assert not c.disclosed_on(day_after)
    assert c.status_on(day_after) == "EXPIRED"
    assert c.disclosure_until == day_after  # exclusive: the first day off


def test_a_serious_record_is_disclosed_through_the_last_day_of_its_36_months() -> None:
    penalty = fine("SOLID_WASTE_IMPORT_PENALTY", "2026-08-31", "3000000.00")
    c = record(evaluate_on("2026-09-01", penalty), penalty.event_id)
    assert (c.disclosed_on(day("2029-08-31")), c.disclosed_on(day("2029-09-01"))) == (True, False)


def test_an_overriding_law_period_is_counted_the_same_way() -> None:
    penalty = violation("2026-11-30", "50000.00")
    override = DisclosureOverride("Law X Art 9", max_months=3)
    c = record(evaluate_on("2026-12-01", penalty, disclosure_overrides={penalty.event_id: override}),
               penalty.event_id)
    # 2026-11-30 + 3 months: no 30 February, so the period ends 2027-02-28
    assert (c.disclosed_on(day("2027-02-28")), c.disclosed_on(day("2027-03-01"))) == (True, False)


def test_an_arrears_record_is_disclosed_for_12_months_from_the_day_it_became_a_ground() -> None:
    tax = tax_overdue("2026-02-05", "2026-01-31")  # D4 from 2026-05-01
    c = record(evaluate_on("2026-05-01", tax), tax.event_id)
    assert (c.disclosed_on(day("2027-05-01")), c.disclosed_on(day("2027-05-02"))) == (True, False)


# -- minimum period before restoration ("after" it) --------------------------------------------------

@pytest.mark.parametrize(("decided_on", "restorable_from"), [
    ("2026-04-15", "2026-07-16"),  # the minimum ends 2026-07-15
    ("2026-11-30", "2027-03-01"),  # ends 2027-02-28
    ("2026-01-31", "2026-05-01"),  # ends 2026-04-30
])
def test_a_general_record_is_restorable_from_the_day_after_its_3_month_minimum(decided_on: str,
                                                                               restorable_from: str) -> None:
    penalty = violation(decided_on, "50000.00")
    assert record(evaluate_on(decided_on, penalty), penalty.event_id).restorable_from == day(restorable_from)


def test_a_serious_record_is_restorable_from_the_day_after_its_12_month_minimum() -> None:
    crime = event("SMUGGLING_CRIME", "2028-02-29")
    assert record(evaluate_on("2028-03-01", crime), crime.event_id).restorable_from == day("2029-03-01")


# -- upgrade on application ("after" the waiting period) ---------------------------------------------

def test_d3_may_apply_from_the_day_after_its_6_months_at_a_month_end() -> None:
    # D3 arises on 2026-08-31; 6 months end 2027-02-28
    events = (violation("2026-08-20", "600000.00"), violation("2026-08-31", "600000.00"))
    assert evaluate_on("2026-09-01", *events).restoration_notice.earliest_application_on == day("2027-03-01")


def test_d4_may_apply_from_the_day_after_3_months_from_settlement() -> None:
    tax = tax_overdue("2026-02-05", "2026-01-31")  # D4 from 2026-05-01
    paid = settled(tax, "2026-11-30")  # 3 months end 2027-02-28
    assert evaluate_on("2026-12-01", tax, paid).restoration_notice.earliest_application_on == day("2027-03-01")


# -- automatic upgrade ("after" the clean period) ----------------------------------------------------

@pytest.mark.pins("CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND")
def test_automatic_restoration_from_the_day_after_24_months_ending_on_a_month_end() -> None:
    penalty = fine("SMUGGLING_PENALTY", "2028-02-29", "1000.00")  # 24 months end 2030-02-28
    assert evaluate_on("2028-03-01", penalty).restoration_notice.automatic_on == day("2030-03-01")
    assert tier_on("2030-02-28", penalty) is Tier.DISCREDITED
    assert tier_on("2030-03-01", penalty) is Tier.REGULAR


@pytest.mark.pins("CHOICE-AUTOMATIC-RESTORATION-FROM-LAST-GROUND")
def test_a_ground_on_the_last_day_of_the_clean_period_keeps_the_downgrade_and_restarts_it() -> None:
    first = fine("SMUGGLING_PENALTY", "2026-04-10", "1000.00")
    second = fine("SMUGGLING_PENALTY", "2028-04-10", "1000.00")  # the 24 months' last day
    result = evaluate_on("2028-04-11", first, second)
    assert result.tier is Tier.DISCREDITED
    assert [t.cause for t in result.transitions] == [Cause.GROUND]
    assert result.grounds[0].evidence == (first.event_id, second.event_id)
    assert result.restoration_notice.automatic_on == day("2030-04-11")


def test_sd_is_restored_automatically_from_the_day_after_36_months() -> None:
    crime = event("FOOD_SAFETY_CRIME", "2026-11-30")  # 36 months end 2029-11-30
    assert tier_on("2029-11-30", crime) is Tier.SERIOUSLY_DISCREDITED
    assert tier_on("2029-12-01", crime) is Tier.REGULAR


# -- rolling windows (the 12 months ending on the day) -----------------------------------------------

@pytest.mark.pins("CHOICE-D3-WINDOW-COUNT-FINES")
def test_the_d3_window_ending_28_february_after_a_leap_year_starts_on_29_february() -> None:
    latest = violation("2029-02-28", "600000.00")
    assert tier_on("2029-03-01", violation("2028-02-29", "600000.00"), latest) is Tier.DISCREDITED
    assert tier_on("2029-03-01", violation("2028-02-28", "600000.00"), latest) is Tier.REGULAR


def test_the_s3_window_ending_28_february_after_a_leap_year_starts_on_29_february() -> None:
    latest = fine("SMUGGLING_PENALTY", "2029-02-28", "1000.00")
    inside = fine("SMUGGLING_PENALTY", "2028-02-29", "1000.00")
    outside = fine("SMUGGLING_PENALTY", "2028-02-28", "1000.00")
    # (the first penalty alone leaves the enterprise DISCREDITED, automatically lifted only after 24 months)
    assert tier_on("2029-03-01", inside, latest, pack=S3_ON) is Tier.SERIOUSLY_DISCREDITED
    assert tier_on("2029-03-01", outside, latest, pack=S3_ON) is Tier.DISCREDITED
