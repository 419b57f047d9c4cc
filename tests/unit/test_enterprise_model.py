"""Registration data model and the natural-key comparison."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from shared.domain.enterprise import BusinessType, RegistrationData, new_enterprise, same_registration
from shared.domain.tiers import Tier

VALID = {
    "uscc": "91110000600037341L",
    "name": "Example Co.",
    "registration_status": "FILED",
    "business_types": ["CUSTOMS_BROKER"],
    "registered_on": "2021-03-04",
}


def test_a_new_enterprise_starts_regular_and_is_not_an_aeo() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    enterprise = new_enterprise(RegistrationData.model_validate(VALID), now)
    assert enterprise.tier is Tier.REGULAR
    assert not enterprise.is_aeo
    # REGULAR since 00:00 CST of registered_on, the instant the credit view answers before any decision
    assert (enterprise.tier_since.isoformat(), enterprise.version) == ("2021-03-04T00:00:00+08:00", 1)
    assert enterprise.created_at == now


def test_an_enterprise_registered_with_a_future_day_is_regular_from_the_day_it_became_known() -> None:
    now = datetime(2026, 5, 1, 17, tzinfo=UTC)  # 2026-05-02 01:00 CST
    enterprise = new_enterprise(RegistrationData.model_validate({**VALID, "registered_on": "2026-06-01"}), now)
    assert enterprise.tier_since.isoformat() == "2026-05-02T00:00:00+08:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"business_types": []}, "business_types"),
        ({"business_types": ["SHIPPER"]}, "business_types"),
        ({"registration_status": "registered"}, "registration_status"),
        ({"customs_code": "110123456"}, "customs_code"),
        ({"unknown": 1}, "unknown"),
        ({"uscc": "91110000600037341l"}, "uscc"),
    ],
)
def test_invalid_registration_names_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as error:
        RegistrationData.model_validate({**VALID, **change})
    assert field in {str(e["loc"][0]) for e in error.value.errors()}


def test_business_type_order_is_not_part_of_the_natural_key() -> None:
    a = RegistrationData.model_validate({**VALID, "business_types": ["CUSTOMS_BROKER", "CONSIGNOR_CONSIGNEE"]})
    b = RegistrationData.model_validate({**VALID, "business_types": ["CONSIGNOR_CONSIGNEE", "CUSTOMS_BROKER"]})
    assert same_registration(a, b)
    assert not same_registration(a, a.model_copy(update={"registered_on": date(2021, 3, 5)}))
    assert BusinessType.CUSTOMS_BROKER in a.business_types


def test_decisions_are_numbered_from_one_and_a_profile_stored_before_the_counter_never_reuses_a_number() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    enterprise = new_enterprise(RegistrationData.model_validate(VALID), now)
    # A new enterprise's first decision is number 1, whatever its version
    assert enterprise.next_decision_number() == 1
    assert enterprise.with_changes(version=7, decisions_made=2).next_decision_number() == 3
    # A stored profile without the counter numbered its decisions version + 1: continue after them
    legacy = enterprise.stored() | {"version": 4}
    del legacy["decisions_made"]
    assert type(enterprise).from_stored(legacy).next_decision_number() == 5
