"""Audit validation and scoring (docs/rules.md, certification: start 100, -1/-2, pass marks 95/90)."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.certification.errors import InvalidAudit
from shared.domain.certification.scoring import score, validate_audit
from shared.domain.certification.standards import ItemResult, items_for
from shared.domain.rules import ORDER_282
from shared.domain.tiers import Tier

RULES = ORDER_282.certification
ACE, CE = Tier.ADVANCED_CERTIFIED, Tier.CERTIFIED


def audit(tier: Tier, basically: int = 0, not_met: int = 0) -> list[dict[str, Any]]:
    """Every item of `tier`, the first `not_met` NOT_MET, the next `basically` BASICALLY_MET, the rest MET."""
    entries = []
    for index, item in enumerate(items_for(tier)):
        result = "NOT_MET" if index < not_met else "BASICALLY_MET" if index < not_met + basically else "MET"
        entries.append({"standard_id": item.standard_id, "result": result})
    return entries


def scored(tier: Tier, basically: int = 0, not_met: int = 0) -> tuple[int, bool]:
    s = score(validate_audit(audit(tier, basically, not_met), tier), tier, RULES)
    return s.total, s.passed


@pytest.mark.parametrize(("tier", "basically", "total", "passed"), [
    (ACE, 5, 95, True), (ACE, 6, 94, False),
    (CE, 10, 90, True), (CE, 11, 89, False),
])
def test_pass_mark_boundaries(tier: Tier, basically: int, total: int, passed: bool) -> None:
    # Given an audit with only MET and BASICALLY_MET items / Then it passes exactly from the tier's pass mark
    assert scored(tier, basically) == (total, passed)


def test_one_not_met_fails_even_with_a_passing_total() -> None:
    # Given one NOT_MET (-2) and nothing else: 98 >= 95
    s = score(validate_audit(audit(ACE, not_met=1), ACE), ACE, RULES)
    assert s.total == 98
    assert s.disqualified_by == ("INTERNAL_CONTROL.1",)
    assert not s.passed


def test_all_met_scores_the_start_score() -> None:
    assert scored(ACE) == (100, True)


def test_pass_marks_are_pack_parameters() -> None:
    # Given a pack whose CE pass mark is 92 / Then 90 no longer passes
    import dataclasses
    stricter = dataclasses.replace(RULES, pass_marks={ACE: 95, CE: 92})
    results = validate_audit(audit(CE, 10), CE)
    assert score(results, CE, RULES).passed
    assert not score(results, CE, stricter).passed


def test_a_category_id_scores_each_of_its_items() -> None:
    # Given FINANCIAL_STATUS (2 CE items) BASICALLY_MET as a category / Then 2 points are taken off
    entries = [e for e in audit(CE) if not e["standard_id"].startswith("FINANCIAL_STATUS")]
    entries.append({"standard_id": "FINANCIAL_STATUS", "result": "BASICALLY_MET"})
    results = validate_audit(entries, CE)
    assert results["FINANCIAL_STATUS.1"] is results["FINANCIAL_STATUS.2"] is ItemResult.BASICALLY_MET
    assert score(results, CE, RULES).total == 98


def errors_of(entries: list[dict[str, Any]], tier: Tier = CE) -> list[dict[str, Any]]:
    with pytest.raises(InvalidAudit) as caught:
        validate_audit(entries, tier)
    return caught.value.errors


def test_unknown_standard_id_is_named_by_its_index() -> None:
    entries = audit(CE)
    entries[3] = {"standard_id": "INTERNAL_CONTROL.42", "result": "MET"}
    assert errors_of(entries)[0]["loc"] == ["items", 3, "standard_id"]


def test_an_ace_only_item_in_a_ce_audit_is_unknown() -> None:
    entries = [*audit(CE), {"standard_id": "TRADE_SECURITY.4", "result": "MET"}]
    assert [e["loc"] for e in errors_of(entries)] == [["items", len(entries) - 1, "standard_id"]]


def test_result_outside_the_enum_is_named() -> None:
    entries = audit(CE)
    entries[0] = {"standard_id": entries[0]["standard_id"], "result": "PARTLY_MET"}
    errors = errors_of(entries)
    assert errors[0]["loc"] == ["items", 0, "result"]
    assert "PARTLY_MET" in errors[0]["msg"]


def test_an_audit_leaving_out_an_item_names_it() -> None:
    entries = audit(CE)[:-1]
    errors = errors_of(entries)
    assert errors == [{"loc": ["items"], "msg": "the audit leaves out TRADE_SECURITY.3"}]


def test_an_item_named_twice_through_its_category_is_an_error() -> None:
    entries = [*audit(CE), {"standard_id": "LEGAL_COMPLIANCE", "result": "MET"}]
    errors = errors_of(entries)
    assert {tuple(e["loc"]) for e in errors} == {("items", len(entries) - 1, "standard_id")}
    assert "already assessed by items[" in errors[0]["msg"]


def test_the_pack_describes_its_certification_section_with_article_and_source() -> None:
    described = ORDER_282.describe()["certification"]
    assert described["pass_marks"] == {"ADVANCED_CERTIFIED": 95, "CERTIFIED": 90}
    assert described["deductions"] == {"MET": 0, "BASICALLY_MET": 1, "NOT_MET": 2}
    assert described["article"] == "Arts 8, 17-23"
    assert "[" in described["source"]
