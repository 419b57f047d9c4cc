"""The defaults chosen where the rules are silent (`ORDER_282.choices`, docs/rules.md): each is pinned
by at least one test that names its id with `@pytest.mark.pins(...)`. The tests here pin the choices
no rule's own test file covers; the last test checks that every choice is pinned somewhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from shared.domain.rules import ORDER_282, RecordRestoration, Severity, evaluate
from shared.domain.rules.facts import EnterpriseFacts
from shared.domain.tiers import Tier
from tests.unit.rules.builders import (
    USCC,
    at,
    day,
    evaluate_on,
    event,
    fine_overdue,
    record,
    revoked,
    rule_ids,
    settled,
    tax_overdue,
    violation,
)

TESTS = Path(__file__).resolve().parents[2]


@pytest.mark.pins("CHOICE-MISSING-PENALTY-KIND")
def test_a_penalty_without_kind_is_a_fine_when_it_has_an_amount_else_other() -> None:
    # Given two violations without penalty_kind, one with an amount, one without
    with_amount = event("SUPERVISION_VIOLATION_PENALTY", "2026-05-01", amount_cny="1500000.00")
    without = event("SUPERVISION_VIOLATION_PENALTY", "2026-05-02")
    result = evaluate_on("2026-05-03", with_amount, without)
    # Then the amount counts as a fine towards D3 (the fines threshold is passed) ...
    assert rule_ids(result) == ["D3"]
    # ... and a smuggling penalty without kind or amount is OTHER, hence GENERAL, not MINOR
    alone = event("SMUGGLING_PENALTY", "2026-05-01")
    assert record(evaluate_on("2026-05-02", alone), alone.event_id).severity is Severity.GENERAL


@pytest.mark.pins("CHOICE-EXEMPTIONS-D3-ONLY")
def test_a_voluntarily_disclosed_smuggling_act_still_grounds_d2() -> None:
    disclosed = event("SMUGGLING_PENALTY", "2026-05-01", penalty_kind="FINE", amount_cny="1000.00",
                      voluntary_disclosure=True, intentional=False)
    assert rule_ids(evaluate_on("2026-05-02", disclosed)) == ["D2"]
    # while the same disclosure on a supervision violation above the D3 amount is not counted
    assert rule_ids(evaluate_on("2026-05-02", violation("2026-05-01", "1500000.00", voluntary_disclosure=True,
                                                         intentional=False))) == []


@pytest.mark.pins("CHOICE-ARREARS-RECORD-ONLY-AS-GROUND")
def test_a_fine_overdue_of_at_most_10000_is_never_a_record() -> None:
    small = fine_overdue("2026-02-01", "2026-01-31", "10000.00")
    result = evaluate_on("2027-06-01", small)
    assert result.tier is Tier.REGULAR
    assert record(result, small.event_id).severity is None


@pytest.mark.pins("CHOICE-SEVERAL-SETTLEMENTS-REVOCATIONS")
def test_the_earliest_settlement_counts_and_a_revoked_settlement_settles_nothing() -> None:
    tax = tax_overdue("2026-02-05", "2026-01-31")  # grounds D4 on 2026-05-01 unless paid before
    early, late = settled(tax, "2026-04-20"), settled(tax, "2026-06-01")
    assert rule_ids(evaluate_on("2026-07-01", tax, late, early)) == []
    revoked_settlement = revoked(early, "2026-04-25")
    assert rule_ids(evaluate_on("2026-07-01", tax, early, revoked_settlement)) == ["D4"]


@pytest.mark.pins("CHOICE-REGISTRATION-DOES-NOT-CHANGE-TIER")
def test_an_enterprise_managed_by_reference_is_downgraded_like_any_other() -> None:
    penalty = event("SMUGGLING_PENALTY", "2026-05-01", penalty_kind="OTHER")
    by_reference = EnterpriseFacts(USCC, events=(penalty,), registration_status="UNREGISTERED_RELATED",
                                   business_types=frozenset())
    assert evaluate(by_reference, at("2026-05-02")).tier is Tier.DISCREDITED


@pytest.mark.pins("CHOICE-DISCLOSURE-WINDOW")
def test_a_restored_record_ends_disclosure_but_still_grounds() -> None:
    penalty = event("SMUGGLING_PENALTY", "2026-05-01", penalty_kind="OTHER")
    restored = RecordRestoration(at("2026-09-01"), (penalty.event_id,), "r-1")
    result = evaluate_on("2026-10-01", penalty, record_restorations=(restored,))
    assert record(result, penalty.event_id).restored_on == day("2026-09-01")
    assert rule_ids(result) == ["D2"]


def _pinned_ids() -> set[str]:
    """Every id named by a `pins(...)` marker in the test sources."""
    pinned: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "pins"):
                pinned |= {arg.value for arg in node.args if isinstance(arg, ast.Constant)}
    return pinned


def test_every_choice_of_the_pack_is_pinned_by_a_test_that_names_it() -> None:
    ids = [choice.choice_id for choice in ORDER_282.choices]
    assert len(ids) == len(set(ids)), "choice ids must be unique"
    pinned = _pinned_ids()
    assert [i for i in ids if i not in pinned] == []
    assert pinned - set(ids) == set(), "a test pins a choice the pack does not have"
