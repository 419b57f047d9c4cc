"""Enterprise registry use cases: register (idempotent on the natural key), read, public view."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from shared.domain.annual_report import next_report_due
from shared.domain.clock import Clock, china_date, iso_instant
from shared.domain.enterprise import (
    RegistrationData,
    RegistrationStatus,
    new_enterprise,
    registration_of,
    same_registration,
)
from shared.domain.enterprise_profile import Enterprise
from shared.domain.errors import Conflict, EnterpriseAlreadyExists, NotFound, ValidationFailed
from shared.usecases.ports import FilingKind
from shared.usecases.stores import Stores


def register_enterprise(stores: Stores, clock: Clock, data: RegistrationData) -> tuple[Enterprise, bool]:
    """Returns the enterprise and whether this call created (or completed) its registration.

    Same body again replays the stored enterprise; another body is a 409 carrying the current
    record. An enterprise that agencies reported before it registered (Art 41,
    UNREGISTERED_RELATED) keeps its credit state and history when it registers."""
    # The pack (its annual-report window) is imported by registrations only, not by the reads' cold start.
    from shared.usecases.annual_report_overdue import with_first_check

    now = clock.now()
    if data.registered_on > china_date(now):
        raise ValidationFailed("registered_on is in the future",
                               errors=[{"loc": ["body", "registered_on"], "msg": "must not be after today (CST)"}])
    try:
        return stores.enterprises.create(with_first_check(new_enterprise(data, now), china_date(now))), True
    except EnterpriseAlreadyExists as exists:
        current = exists.existing
    if same_registration(registration_of(current), data):
        return current, False
    if (current.registration_status is RegistrationStatus.UNREGISTERED_RELATED
            and data.registration_status is not RegistrationStatus.UNREGISTERED_RELATED):
        registered = current.with_changes(**data.model_dump(exclude={"uscc"}), updated_at=now,
                                          version=current.version + 1)
        return stores.enterprises.replace(with_first_check(registered, china_date(now)),
                                          expected_version=current.version), True
    raise Conflict(
        f"enterprise {data.uscc} is already registered with other data",
        extra={"current": enterprise_record(stores, current, now)},
    )


def load_enterprise(stores: Stores, uscc: str) -> Enterprise:
    enterprise = stores.enterprises.get(uscc)
    if enterprise is None:
        raise NotFound(f"no enterprise with uscc {uscc}")
    return enterprise


def credit_state(enterprise: Enterprise) -> dict[str, Any]:
    return {"tier": enterprise.tier.value, "is_aeo": enterprise.is_aeo,
            "tier_since": iso_instant(enterprise.tier_since)}


def registration_record(stores: Stores, enterprise: Enterprise, created: bool, now: datetime) -> dict[str, Any]:
    """The record a registration answers with: a brand-new enterprise (version 1, just created) has
    filed nothing, so its calendar needs no read."""
    brand_new = created and enterprise.version == 1
    return enterprise_record(stores, enterprise, now, filed_years=frozenset() if brand_new else None)


def enterprise_record(stores: Stores, enterprise: Enterprise, now: datetime,
                      filed_years: Collection[int] | None = None) -> dict[str, Any]:
    """The full record an enterprise (own token) or an officer reads. Its compliance calendar names the
    next annual report due under the pack in force (Art 11 window), skipping the years already filed
    (read from the filings unless `filed_years` is given)."""
    from shared.domain.rules.registry import pack_for  # the pack: paid only by reads of the full record

    filed = filed_years if filed_years is not None else {
        int(year) for year in stores.filings.keys_of(enterprise.uscc, FilingKind.ANNUAL_REPORT)}
    report = next_report_due(enterprise.registered_on, china_date(now), pack_for(now).annual_report, filed)
    return {
        "uscc": enterprise.uscc,
        "name": enterprise.name,
        "customs_code": enterprise.customs_code,
        "registration_status": enterprise.registration_status.value,
        "business_types": [b.value for b in enterprise.business_types],
        "registered_on": enterprise.registered_on.isoformat(),
        "credit": credit_state(enterprise),
        "open_cases": [],
        "annual_report_overdue": list(enterprise.annual_report_overdue),
        "compliance_calendar": {
            "restoration": enterprise.restoration,
            "annual_report": {
                "year": report.year,
                "window_opens": report.opens_on.isoformat(),
                "window_closes": report.closes_on.isoformat(),
            },
        },
        "created_at": iso_instant(enterprise.created_at),
        "updated_at": iso_instant(enterprise.updated_at),
        "version": enterprise.version,
    }
