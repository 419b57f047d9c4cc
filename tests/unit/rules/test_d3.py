"""D3 (Art 15): supervision-rule violations in the rolling 12 months, counted per business line.

OWN_ACCOUNT: count > 1/1000 of last year's documents AND fines > CNY 1,000,000.
BROKERAGE:   count > 5/10000 of last year's documents AND fines > CNY 300,000.
Last year's documents unknown: the fine threshold alone. Not counted: non-intentional own-account
violations; voluntary disclosures punished by a warning or a fine <= CNY 500,000; revoked ones."""

from __future__ import annotations

import pytest

from shared.domain.rules import Route, Severity
from shared.domain.tiers import Tier
from tests.unit.rules.builders import (
    day,
    evaluate_on,
    event,
    record,
    revoked,
    rule_ids,
    tier_on,
    violation,
)

# -- the fine threshold (documents unknown: the amount alone decides) ---------------------------


@pytest.mark.parametrize(("second", "expected"), [("400000.00", Tier.REGULAR), ("400000.01", Tier.DISCREDITED)])
def test_own_account_fines_must_exceed_one_million(second: str, expected: Tier) -> None:
    # Given two own-account violations totalling 1,000,000.00 or 1,000,000.01, documents unknown
    events = (violation("2026-04-10", "600000.00"), violation("2026-05-10", second))
    # When evaluated after the second
    # Then exactly 1,000,000.00 does not ground D3 and 1,000,000.01 does
    assert tier_on("2026-05-20", *events) is expected


@pytest.mark.parametrize(("amount", "expected"), [("300000.00", Tier.REGULAR), ("300000.01", Tier.DISCREDITED)])
def test_brokerage_fines_must_exceed_300000(amount: str, expected: Tier) -> None:
    # Given one brokerage violation of 300,000.00 or 300,000.01, documents unknown
    events = (violation("2026-04-10", amount, line="BROKERAGE"),)
    # When evaluated / Then only the amount above 300,000 grounds D3
    assert tier_on("2026-04-20", *events) is expected


def test_unknown_volume_means_the_fine_threshold_alone() -> None:
    # Given one own-account violation fined 1,200,000 and no declaration volume for 2025
    big = violation("2026-04-10", "1200000.00")
    # When evaluated
    result = evaluate_on("2026-04-10", big)
    # Then D3 holds on the amount alone (a count of 1 is enough), and the summary says why
    assert rule_ids(result) == ["D3"]
    assert "unknown" in result.grounds[0].summary
    # ... whereas with 2025 documents known (10,000 -> count must exceed 10) the same fine does not
    assert tier_on("2026-04-10", big, volumes={(2025, "OWN_ACCOUNT"): 10_000}) is Tier.REGULAR


# -- the count threshold --------------------------------------------------------------------------


def _own_account(n: int, each: str = "100000.00") -> list:
    return [violation(f"2026-05-{d:02d}", each) for d in range(1, n + 1)]


@pytest.mark.parametrize(("count", "expected"), [(10, Tier.REGULAR), (11, Tier.DISCREDITED)])
def test_own_account_count_must_exceed_one_per_thousand(count: int, expected: Tier) -> None:
    # Given 10,000 own-account documents in 2025 (1/1000 = 10) and `count` violations of 200,000 each
    events = _own_account(count, "200000.00")
    # When evaluated in 2026 (fines 2,000,000+ pass the amount in both cases)
    # Then a count of exactly 10 does not ground D3, 11 does
    assert tier_on("2026-06-01", *events, volumes={(2025, "OWN_ACCOUNT"): 10_000}) is expected


@pytest.mark.parametrize(("count", "expected"), [(10, Tier.REGULAR), (11, Tier.DISCREDITED)])
def test_brokerage_count_must_exceed_five_per_ten_thousand(count: int, expected: Tier) -> None:
    # Given 20,000 brokerage documents in 2025 (5/10000 = 10) and `count` violations of 50,000 each
    events = [violation(f"2026-05-{d:02d}", "50000.00", line="BROKERAGE") for d in range(1, count + 1)]
    # When evaluated / Then a count at the ratio does not ground D3, one above does
    assert tier_on("2026-06-01", *events, volumes={(2025, "BROKERAGE"): 20_000}) is expected


def test_fractional_ratio_is_compared_exactly() -> None:
    # Given 10,500 documents (1/1000 = 10.5): 10 violations are not above it, 11 are
    ten, eleven = _own_account(10, "200000.00"), _own_account(11, "200000.00")
    volumes = {(2025, "OWN_ACCOUNT"): 10_500}
    # When evaluated / Then
    assert tier_on("2026-06-01", *ten, volumes=volumes) is Tier.REGULAR
    assert tier_on("2026-06-01", *eleven, volumes=volumes) is Tier.DISCREDITED


def test_both_conditions_are_needed_when_the_volume_is_known() -> None:
    # Given many violations (count far above the ratio) but fines of only 1,000,000.00 in total
    events = [violation(f"2026-05-{d:02d}", "50000.00") for d in range(1, 21)]
    # When evaluated with 1,000 documents (ratio 1) / Then no D3: the amount is not above 1,000,000
    assert tier_on("2026-06-01", *events, volumes={(2025, "OWN_ACCOUNT"): 1_000}) is Tier.REGULAR


@pytest.mark.pins("CHOICE-D3-CONDUCT-DAYS")
def test_the_denominator_is_the_previous_calendar_year() -> None:
    # Given 11 violations in 2026 and documents of 2025 (1,000 -> ratio 1) and 2026 (1,000,000)
    events = _own_account(11, "200000.00")
    volumes = {(2025, "OWN_ACCOUNT"): 1_000, (2026, "OWN_ACCOUNT"): 1_000_000}
    # When evaluated in 2026 / Then the 2025 documents decide (11 > 1): D3
    result = evaluate_on("2026-06-01", *events, volumes=volumes)
    assert result.tier is Tier.DISCREDITED
    assert "documents of 2025" in result.grounds[0].summary
    # ... and with only the 2026 volume known, 2025 is unknown: the amount alone decides, also D3
    assert tier_on("2026-06-01", *events, volumes={(2026, "OWN_ACCOUNT"): 1_000_000}) is Tier.DISCREDITED
    # ... while 2025 documents of 1,000,000 (ratio 1,000) keep the enterprise REGULAR
    assert tier_on("2026-06-01", *events, volumes={(2025, "OWN_ACCOUNT"): 1_000_000}) is Tier.REGULAR


@pytest.mark.pins("CHOICE-D3-CONDUCT-DAYS")
def test_on_1_january_the_new_denominator_alone_can_make_d3_arise() -> None:
    # Given 8 own-account violations of 200,000 in May 2026, documents of 2025 10,000 (ratio 10: 8 is not
    # above it) and of 2026 5,000 (ratio 5: 8 is)
    events = _own_account(8, "200000.00")
    volumes = {(2025, "OWN_ACCOUNT"): 10_000, (2026, "OWN_ACCOUNT"): 5_000}
    # When evaluated on 31 December 2026 / Then REGULAR: the 2025 documents decide
    assert tier_on("2026-12-31", *events, volumes=volumes) is Tier.REGULAR
    # When evaluated on 1 January 2027 / Then D3 arose that day, judged with the 2026 documents, and says so
    result = evaluate_on("2027-01-01", *events, volumes=volumes)
    assert result.tier is Tier.DISCREDITED
    (ground,) = result.grounds
    assert (ground.rule_id, ground.arose_on, ground.arisings) == ("D3", day("2027-01-01"), 1)
    assert len(ground.evidence) == 8
    assert "documents of 2026" in ground.summary
    assert "from 1 January the denominator is the documents of 2026" in ground.summary
    assert result.tier_since is not None
    assert result.tier_since.isoformat() == "2027-01-01T00:00:00+08:00"


@pytest.mark.pins("CHOICE-D3-CONDUCT-DAYS")
def test_1_january_is_no_new_arising_when_the_old_denominator_was_already_exceeded() -> None:
    # Given the same violations already over the ratio of the 2025 documents (5,000: ratio 5)
    events = _own_account(8, "200000.00")
    volumes = {(2025, "OWN_ACCOUNT"): 5_000, (2026, "OWN_ACCOUNT"): 5_000}
    # When evaluated on 1 January 2027 / Then the ground arose on the conduct days only
    ground = evaluate_on("2027-01-01", *events, volumes=volumes).grounds[0]
    assert (ground.arose_on, ground.last_arose_on) == (day("2026-05-06"), day("2026-05-08"))


@pytest.mark.pins("CHOICE-D3-CONDUCT-DAYS")
def test_on_1_january_only_the_window_ending_that_day_counts() -> None:
    # Given 8 violations on 1 January 2026 (the window ending 2027-01-01 starts 2026-01-02)
    events = [violation("2026-01-01", "200000.00") for _ in range(8)]
    volumes = {(2025, "OWN_ACCOUNT"): 10_000, (2026, "OWN_ACCOUNT"): 5_000}
    # When evaluated on 1 January 2027 / Then no ground: they are out of the window
    assert tier_on("2027-01-01", *events, volumes=volumes) is Tier.REGULAR


@pytest.mark.pins("CHOICE-D3-CONDUCT-DAYS")
def test_on_1_january_unknown_documents_of_the_year_just_ended_leave_the_amount_alone() -> None:
    # Given the 2025 ratio not exceeded and no 2026 volume filed yet
    events = _own_account(8, "200000.00")
    # When evaluated on 1 January 2027 / Then the fines alone decide (documents unknown: the amount alone decides)
    result = evaluate_on("2027-01-01", *events, volumes={(2025, "OWN_ACCOUNT"): 10_000})
    assert (result.tier, result.grounds[0].arose_on) == (Tier.DISCREDITED, day("2027-01-01"))
    assert "documents of 2026 unknown" in result.grounds[0].summary


# -- business lines are never pooled --------------------------------------------------------------


def test_brokerage_and_own_account_are_counted_apart() -> None:
    # Given own-account fines of 900,000 and brokerage fines of 200,000 (1,100,000 if pooled)
    own = violation("2026-04-10", "900000.00")
    broker = violation("2026-04-11", "200000.00", line="BROKERAGE")
    # When evaluated / Then neither line passes its own threshold: REGULAR
    assert tier_on("2026-05-01", own, broker) is Tier.REGULAR


def test_each_line_is_judged_against_its_own_threshold() -> None:
    # Given own-account fines of 900,000 (below 1,000,000) and brokerage fines of 300,000.01
    own = violation("2026-04-10", "900000.00")
    broker = violation("2026-04-11", "300000.01", line="BROKERAGE")
    # When evaluated / Then D3 holds for the brokerage line only, with only the brokerage evidence
    result = evaluate_on("2026-05-01", own, broker)
    assert rule_ids(result) == ["D3"]
    assert result.grounds[0].evidence == (broker.event_id,)
    assert "BROKERAGE" in result.grounds[0].summary


def test_brokerage_documents_do_not_count_for_own_account() -> None:
    # Given own-account violations and only a brokerage volume known
    events = _own_account(2, "600000.00")
    # When evaluated / Then the own-account volume is unknown: the amount alone decides
    assert tier_on("2026-06-01", *events, volumes={(2025, "BROKERAGE"): 1_000_000}) is Tier.DISCREDITED


# -- exclusions ----------------------------------------------------------------------------------


def test_non_intentional_own_account_violations_are_not_counted() -> None:
    # Given a non-intentional own-account violation of 1,500,000
    accident = violation("2026-04-10", "1500000.00", intentional=False)
    # When evaluated / Then it is not counted (fault tolerance): REGULAR, and its record is GENERAL
    result = evaluate_on("2026-04-20", accident)
    assert result.tier is Tier.REGULAR
    assert record(result, accident.event_id).severity is Severity.GENERAL


def test_non_intentional_brokerage_violations_are_counted() -> None:
    # Given a non-intentional brokerage violation of 400,000 (fault tolerance is own-account only)
    accident = violation("2026-04-10", "400000.00", line="BROKERAGE", intentional=False)
    # When evaluated / Then it counts: D3
    assert tier_on("2026-04-20", accident) is Tier.DISCREDITED


@pytest.mark.parametrize(("amount", "expected"), [("500000.00", Tier.REGULAR), ("500000.01", Tier.DISCREDITED)])
@pytest.mark.pins("CHOICE-EXEMPTIONS-D3-ONLY")
def test_voluntary_disclosure_with_a_fine_up_to_500000_is_not_counted(amount: str, expected: Tier) -> None:
    # Given a violation of 600,000 and a voluntarily disclosed one fined `amount`
    base = violation("2026-04-10", "600000.00")
    disclosed = violation("2026-04-12", amount, voluntary_disclosure=True)
    # When evaluated (1,100,000 if the disclosure counted)
    # Then a disclosure fined 500,000.00 is not counted, one fined 500,000.01 is
    assert tier_on("2026-05-01", base, disclosed) is expected


def test_voluntary_disclosure_punished_by_a_warning_is_not_counted() -> None:
    # Given 11 violations against a ratio of 10, one of them a voluntarily disclosed warning
    events = [*_own_account(10, "200000.00"),
              event("SUPERVISION_VIOLATION_PENALTY", "2026-05-20", penalty_kind="WARNING", voluntary_disclosure=True)]
    # When evaluated / Then the warning does not count: 10 is not above 10
    assert tier_on("2026-06-01", *events, volumes={(2025, "OWN_ACCOUNT"): 10_000}) is Tier.REGULAR


@pytest.mark.pins("CHOICE-D3-WINDOW-COUNT-FINES")
def test_warnings_count_towards_the_number_but_not_the_fines() -> None:
    # Given 10 fined violations (2,000,000) and an ordinary warning, ratio 10
    events = [*_own_account(10, "200000.00"),
              event("SUPERVISION_VIOLATION_PENALTY", "2026-05-20", penalty_kind="WARNING")]
    # When evaluated / Then 11 penalties > 10: D3
    assert tier_on("2026-06-01", *events, volumes={(2025, "OWN_ACCOUNT"): 10_000}) is Tier.DISCREDITED


def test_revoked_violations_never_count() -> None:
    # Given two violations totalling 1,200,000, the second revoked later
    first, second = violation("2026-04-10", "600000.00"), violation("2026-04-20", "600000.00")
    revocation = revoked(second, "2026-06-01")
    # When evaluated before and after the revocation
    # Then DISCREDITED before; after it, REGULAR with a correction citing the revocation
    assert tier_on("2026-05-01", first, second, revocation) is Tier.DISCREDITED
    after = evaluate_on("2026-06-01", first, second, revocation)
    assert after.tier is Tier.REGULAR
    assert [(c.revocation_event_id, c.rule_ids) for c in after.corrections] == [(revocation.event_id, ("D3",))]


# -- the rolling window ----------------------------------------------------------------------------


@pytest.mark.pins("CHOICE-D3-WINDOW-COUNT-FINES")
def test_window_is_the_12_months_ending_on_the_day() -> None:
    # Given violations on 2025-06-01 and (a) 2026-05-31, (b) 2026-06-01, each 600,000
    old = violation("2025-06-01", "600000.00")
    inside, outside = violation("2026-05-31", "600000.00"), violation("2026-06-01", "600000.00")
    # When evaluated / Then 2025-06-01 is inside the window ending 2026-05-31, not the one ending 2026-06-01
    assert tier_on("2026-06-05", old, inside) is Tier.DISCREDITED
    assert tier_on("2026-06-05", old, outside) is Tier.REGULAR


def test_d3_is_sticky_when_the_window_rolls_on() -> None:
    # Given D3 arose on 2026-04-20 (two violations of 600,000)
    events = (violation("2026-04-10", "600000.00"), violation("2026-04-20", "600000.00"))
    # When evaluated 14 months later, when the window no longer holds anything
    result = evaluate_on("2027-06-20", *events)
    # Then still DISCREDITED, grounded on D3 as it arose
    assert result.tier is Tier.DISCREDITED
    assert rule_ids(result) == ["D3"]
    assert result.grounds[0].arose_on == day("2026-04-20")


def test_d3_upgrade_after_6_months() -> None:
    # Given D3 arose on 2026-04-20
    events = (violation("2026-04-10", "600000.00"), violation("2026-04-20", "600000.00"))
    # When the notice is read / Then application after 6 months: from 2026-10-21
    notice = evaluate_on("2026-05-01", *events).restoration_notice
    assert [g.route for g in notice.grounds] == [Route.APPLICATION]
    assert notice.earliest_application_on == day("2026-10-21")


@pytest.mark.pins("CHOICE-D3-CONDUCT-DAYS")
def test_each_new_violation_over_the_thresholds_is_a_new_arising() -> None:
    # Given D3 arose on 2026-04-20 and a further violation on 2026-08-01 while still over the threshold
    events = (violation("2026-04-10", "600000.00"), violation("2026-04-20", "600000.00"),
              violation("2026-08-01", "1000.00"))
    # When evaluated / Then the ground arose twice; the waiting and clean periods count from the latest
    ground = evaluate_on("2026-09-01", *events).grounds[0]
    assert (ground.arose_on, ground.last_arose_on, ground.arisings) == (day("2026-04-20"), day("2026-08-01"), 2)
    assert len(ground.evidence) == 3


def test_violations_in_the_window_are_general_records() -> None:
    # Given two violations of 2,000 each (MINOR on their own) in a window that grounds D3 with a big one
    small = violation("2026-04-01", "2000.00")
    big = violation("2026-04-10", "1000000.00")
    # When classified
    result = evaluate_on("2026-05-01", small, big)
    # Then the small one, as evidence of D3, is GENERAL
    assert record(result, small.event_id).severity is Severity.GENERAL
    assert record(result, small.event_id).rule_ids == ("D3",)


def test_only_fines_inside_the_window_count_towards_the_amount() -> None:
    # Given 500,000 fined in January 2025 and 600,000 + 400,000.00 in spring 2026 (1,500,000 in all)
    events = (violation("2025-01-10", "500000.00"), violation("2026-04-10", "600000.00"),
              violation("2026-05-10", "400000.00"))
    # When evaluated / Then the 12-month window holds exactly 1,000,000.00: not above the amount
    assert tier_on("2026-05-20", *events) is Tier.REGULAR
    # ... one cent more inside the window and it is
    more = (*events[:2], violation("2026-05-10", "400000.01"))
    assert tier_on("2026-05-20", *more) is Tier.DISCREDITED
