"""The stored enterprise (`enterprise_profile.Enterprise`, no pydantic) reads its item and writes it back in
the one stored form: every field in order, enums as values, dates ISO, instants UTC with milliseconds and
`Z` (they sort as strings and index the public lists)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.enterprise import RegistrationData, new_enterprise, registration_of
from shared.domain.enterprise_profile import Enterprise
from shared.domain.registration import BusinessType, RegistrationStatus
from shared.domain.tiers import Tier

ITEM = {
    "uscc": "91110000600037341L", "name": "示例贸易有限公司", "customs_code": None,
    "registration_status": "UNREGISTERED_RELATED", "business_types": ["CUSTOMS_BROKER", "CONSIGNOR_CONSIGNEE"],
    "registered_on": "2020-01-01", "tier": "DISCREDITED", "tier_since": "2026-04-30T16:00:00.000Z",
    "created_at": "2026-01-01T00:00:00.123Z", "updated_at": "2026-05-01T00:00:00+08:00", "version": 7,
    "restoration": {"application_route": "APPLICATION", "earliest_application_on": "2026-08-01"},
    "annual_report_overdue": [2024, 2025], "annual_report_check_year": 2026, "annual_report_check_on": "2027-07-01",
    "decisions_made": 3,
}
KEYS = {"pk": "ENT#91110000600037341L", "sk": "PROFILE", "entity": "ENTERPRISE", "gsi1pk": "LIST#x", "gsi1sk": "y"}


def test_a_stored_item_is_read_with_its_types_and_its_keys_ignored() -> None:
    enterprise = Enterprise.from_stored(ITEM | KEYS)
    assert enterprise.registration_status is RegistrationStatus.UNREGISTERED_RELATED
    assert enterprise.business_types == [BusinessType.CUSTOMS_BROKER, BusinessType.CONSIGNOR_CONSIGNEE]
    assert enterprise.tier is Tier.DISCREDITED
    assert enterprise.registered_on == date(2020, 1, 1)
    assert enterprise.updated_at == datetime(2026, 4, 30, 16, tzinfo=UTC)
    assert enterprise.annual_report_check_on == date(2027, 7, 1)
    assert enterprise.next_decision_number() == 4


def test_the_stored_form_is_the_item_field_by_field_in_order() -> None:
    stored = Enterprise.from_stored(ITEM | KEYS).stored()
    assert list(stored) == list(ITEM)
    assert stored == ITEM | {"updated_at": "2026-04-30T16:00:00.000Z"}  # every instant written in UTC, `Z`
    assert Enterprise.from_stored(stored) == Enterprise.from_stored(ITEM)


def test_a_profile_stored_with_only_the_required_fields_gets_the_defaults() -> None:
    required = {k: ITEM[k] for k in ("uscc", "name", "registration_status", "business_types", "registered_on",
                                     "tier_since", "created_at", "updated_at")}
    stored = Enterprise.from_stored(required).stored()
    assert stored == required | {"customs_code": None, "tier": "REGULAR", "version": 1, "restoration": None,
                                 "annual_report_overdue": [], "annual_report_check_year": None,
                                 "annual_report_check_on": None, "decisions_made": None,
                                 "updated_at": "2026-04-30T16:00:00.000Z"}


def test_a_new_enterprise_is_stored_as_registered_and_gives_its_registration_back() -> None:
    data = RegistrationData.model_validate({"uscc": "91110000600037341L", "name": "n", "registration_status": "FILED",
                                            "business_types": ["CUSTOMS_BROKER"], "registered_on": "2026-03-01"})
    enterprise = new_enterprise(data, datetime(2026, 5, 1, 3, 4, 5, 678901, tzinfo=UTC))
    assert enterprise.stored() == {
        "uscc": "91110000600037341L", "name": "n", "customs_code": None, "registration_status": "FILED",
        "business_types": ["CUSTOMS_BROKER"], "registered_on": "2026-03-01", "tier": "REGULAR",
        "tier_since": "2026-02-28T16:00:00.000Z", "created_at": "2026-05-01T03:04:05.678Z",
        "updated_at": "2026-05-01T03:04:05.678Z", "version": 1, "restoration": None, "annual_report_overdue": [],
        "annual_report_check_year": None, "annual_report_check_on": None, "decisions_made": 0,
    }
    assert registration_of(enterprise) == data
    assert enterprise.with_changes(version=2).version == 2
    assert enterprise.version == 1  # frozen: a change is a new enterprise
