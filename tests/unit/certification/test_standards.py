"""The certification standard's catalogue and what a standard_id names (Arts 17-18)."""

from __future__ import annotations

import pytest

from shared.domain.certification.standards import (
    STANDARD_2026,
    StandardCategory,
    expand,
    items_for,
    standards_listing,
)
from shared.domain.tiers import Tier

ACE, CE = Tier.ADVANCED_CERTIFIED, Tier.CERTIFIED


def test_every_item_id_is_its_category_and_a_number_and_unique() -> None:
    ids = [item.standard_id for item in STANDARD_2026]
    assert len(ids) == len(set(ids))
    for item in STANDARD_2026:
        category, number = item.standard_id.split(".")
        assert category == item.category.value
        assert number.isdigit()
        assert item.applies_to
        assert item.applies_to <= {ACE, CE}
    assert {item.category for item in STANDARD_2026} == set(StandardCategory)


def test_ace_is_assessed_on_every_ce_item_and_more() -> None:
    # Given the catalogue / When listing each tier's items / Then CE's items are a strict subset of ACE's
    ce, ace = {i.standard_id for i in items_for(CE)}, {i.standard_id for i in items_for(ACE)}
    assert ce < ace
    assert "FINANCIAL_STATUS.3" in ace - ce


def test_listing_for_a_tier_answers_only_that_tiers_items_as_json() -> None:
    # When GET /v1/certification-standards?target_tier=CERTIFIED
    body = standards_listing(CE)
    # Then every listed item applies to CE, and none applies only to ACE
    assert body["target_tier"] == "CERTIFIED"
    assert body["categories"] == ["INTERNAL_CONTROL", "FINANCIAL_STATUS", "LEGAL_COMPLIANCE", "TRADE_SECURITY"]
    assert all("CERTIFIED" in item["applies_to"] for item in body["items"])
    assert len(body["items"]) == len(items_for(CE)) < len(standards_listing()["items"])


def test_regular_has_no_standard() -> None:
    with pytest.raises(ValueError, match="REGULAR"):
        items_for(Tier.REGULAR)


def test_a_category_id_names_all_its_items_of_the_tier_and_an_item_id_names_itself() -> None:
    ce_items = items_for(CE)
    assert [i.standard_id for i in expand("FINANCIAL_STATUS", ce_items) or ()] == [
        "FINANCIAL_STATUS.1", "FINANCIAL_STATUS.2"]
    assert [i.standard_id for i in expand("TRADE_SECURITY.2", ce_items) or ()] == ["TRADE_SECURITY.2"]


def test_an_unknown_id_or_an_item_of_another_tier_names_nothing() -> None:
    ce_items = items_for(CE)
    assert expand("FINANCIAL_STATUS.3", ce_items) is None  # ACE only
    assert expand("CUSTOMS_CULTURE", ce_items) is None
    assert expand("INTERNAL_CONTROL.99", ce_items) is None
